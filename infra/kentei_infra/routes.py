"""Which route goes on which API, with which protection and throttle: read from intake's own
route table (:data:`intake.paths.METHODS`), so a route the function serves cannot be missing
from the APIs, nor an API serve a route the function does not have.

- The **staff API** carries every route. Every route takes the Cognito authorizer but the few
  named public here (:data:`PUBLIC_PATHS`: health and the contract), which stay behind the web
  ACL like everything on that API. The list is closed on purpose: a new route is protected
  unless someone names it here, and ``tests/infra`` fails if it disagrees with the paths the
  function's gate protects (:data:`intake.paths.PROTECTED`).
- The **bridge API** carries only what the bridges do (:data:`BRIDGE_ROUTES`: submit and
  status) and health; mutual TLS on its custom domain authenticates every request.

- The **public API** carries the public function's routes (:func:`public_routes`, from
  :data:`public.paths.METHODS`): the verification page and API and the issuer's published
  documents, with no authorizer at all.

Each route falls in one class (:class:`RouteClass`) whose stage throttle
(:data:`kentei_infra.settings.THROTTLES`) bounds it on either API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from intake import paths
from public import paths as public_paths


class RouteClass(StrEnum):
    """What a route costs and who floods it: each class has its own stage throttle."""

    SUBMIT = "submit"
    """``POST /v1/applications``: signature checks, attachments, a write and a message."""
    STATUS = "status"
    """``GET /v1/applications/{id}``, ``GET /v1/change-requests/{id}``: what bridges poll."""
    CHANGE_REQUEST = "change_request"
    """``POST /v1/change-requests``, ``POST /v1/initial-registrations``: a person's signed
    request (small: a document and its signature), a write and a message."""
    REVIEW = "review"
    """``/v1/review/...``: staff reading and deciding applications."""
    STAFF = "staff"
    """Every other protected route (later issues: audit, accounts, rounds...)."""
    PUBLIC = "public"
    """Health and the contract: no caller, no personal data."""
    VERIFICATION = "verification"
    """The public API's page and verifications: anyone, a signature check and up to three
    S3 reads each."""
    PUBLISHED = "published"
    """The public API's JWK Set and status lists: one S3 read each, cacheable for minutes."""


@dataclass(frozen=True)
class Route:
    path: str
    """API Gateway's form: ``/v1/applications/{application_id}``."""
    method: str
    route_class: RouteClass
    protected: bool

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([a-z_]+)\}", self.path))


PUBLIC_PATHS: Final = frozenset(
    {
        paths.HEALTH,
        paths.OPENAPI,
        paths.DOCUMENT_SCHEMA,
        paths.CHANGE_DOCUMENT_SCHEMA,
        paths.EXAM_CATALOGUE,
        paths.EXAM_ROUNDS,
    }
)
"""Paths any client may ask without a token: no caller, no personal data (the contract, and
the national catalogue and rounds, which the ministry publishes)."""
BRIDGE_ROUTES: Final = frozenset(
    {
        (paths.APPLICATIONS, "POST"),
        (paths.APPLICATION, "GET"),
        (paths.CHANGE_REQUESTS, "POST"),
        (paths.CHANGE_REQUEST, "GET"),
        (paths.INITIAL_REGISTRATIONS, "POST"),
        (paths.INITIAL_REGISTRATION, "GET"),
    }
)
"""The bridges submit applications, change requests and initial registrations and ask for the
status of what they submitted; nothing else."""
BRIDGE_PUBLIC: Final = frozenset({(paths.HEALTH, "GET")})
"""What a bridge's monitoring may ask (still over mutual TLS)."""

_REVIEW: Final = re.compile(r"^/v1/review(?:/|$)")


def api_path(template: str) -> str:
    """``/v1/applications/<application_id>`` → ``/v1/applications/{application_id}``."""
    return re.sub(r"<([a-z_]+)>", r"{\1}", template)


def route_class(template: str, method: str) -> RouteClass:
    if template in PUBLIC_PATHS:
        return RouteClass.PUBLIC
    if (template, method) == (paths.APPLICATIONS, "POST"):
        return RouteClass.SUBMIT
    if (template, method) in (
        (paths.APPLICATION, "GET"),
        (paths.CHANGE_REQUEST, "GET"),
        (paths.INITIAL_REGISTRATION, "GET"),
    ):
        return RouteClass.STATUS
    if (template, method) in (
        (paths.CHANGE_REQUESTS, "POST"),
        (paths.INITIAL_REGISTRATIONS, "POST"),
    ):
        return RouteClass.CHANGE_REQUEST
    if _REVIEW.match(template):
        return RouteClass.REVIEW
    return RouteClass.STAFF


def _route(template: str, method: str) -> Route:
    return Route(
        api_path(template),
        method,
        route_class(template, method),
        protected=template not in PUBLIC_PATHS,
    )


def staff_routes() -> list[Route]:
    """Every route of the function."""
    return [
        _route(template, method)
        for template, methods in paths.METHODS.items()
        for method in methods
    ]


def public_routes() -> list[Route]:
    """The public function's routes, none protected: verification and published documents."""
    verifying = {*public_paths.VERIFYING, (public_paths.PAGE, "GET")}
    return [
        Route(
            template,
            method,
            RouteClass.VERIFICATION if (template, method) in verifying else RouteClass.PUBLISHED,
            protected=False,
        )
        for template, methods in public_paths.METHODS.items()
        for method in methods
    ]


def bridge_routes() -> list[Route]:
    """Submit (applications, change requests), status and health."""
    wanted = BRIDGE_ROUTES | BRIDGE_PUBLIC
    routes = [
        _route(template, method)
        for template, methods in paths.METHODS.items()
        for method in methods
        if (template, method) in wanted
    ]
    if len(routes) != len(wanted):
        raise ValueError("a bridge route is no longer among intake's routes")
    return routes
