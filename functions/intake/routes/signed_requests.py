"""The edge of a signed request from the Mynaportal bridge (:mod:`intake.signed_requests`),
shared by its kinds' routers (:mod:`intake.routes.signed_change_requests`,
:mod:`intake.routes.initial_registrations`): the ``Idempotency-Key`` header, the submission
route (``202`` with the status URL in ``Location``) and the status route (the sender's only).
It declares no route of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar

from aws_lambda_powertools.event_handler import Response

from intake.access import request_id, require_caller
from intake.responses import SUBMITTED, documented, idempotency_key_header
from intake.signed_requests import SignedRequest
from kentei.change_requests import ChangeRequestBody

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.api_gateway import Router
    from aws_lambda_powertools.utilities.typing import LambdaContext


class _Accepted(Protocol):
    @property
    def status_url(self) -> str: ...


A = TypeVar("A", bound=_Accepted)
B = TypeVar("B", bound=ChangeRequestBody)
F = TypeVar("F", bound=Callable[..., Any])

IdempotencyKey = Annotated[
    str, idempotency_key_header("8-128 visible ASCII characters, new for each request.")
]


def submission_route(
    router: Router, path: str, *, summary: str, description: str, tag: str
) -> Callable[[F], F]:
    """The ``POST`` of a kind's submission: ``202``, or the problems of :data:`SUBMITTED`."""
    return router.post(
        path,
        status_code=202,
        summary=summary,
        description=description,
        tags=[tag],
        responses=SUBMITTED,
    )


def status_route(
    router: Router, path: str, *, summary: str, description: str, tag: str, what: str
) -> Callable[[F], F]:
    """The ``GET`` of a kind's status, ``what`` naming the kind."""
    return router.get(
        path,
        summary=summary,
        description=description,
        tags=[tag],
        responses=documented(200, f"The {what}'s status", 401, 403, 404),
    )


def accepted(
    router: Router,
    submit: Callable[[SignedRequest[B], LambdaContext], A],
    body: B,
    idempotency_key: str,
) -> Response[A]:
    """``submit`` of the signed request the router's current event carries: ``202`` with the
    status URL in ``Location``."""
    event = router.current_event
    request = SignedRequest(
        caller=require_caller(event.raw_event),
        idempotency_key=idempotency_key,
        body=body,
        raw_body=(event.decoded_body or "").encode("utf-8", "surrogatepass"),
        request_id=request_id(event.raw_event),
    )
    answer = submit(request, router.lambda_context)
    return Response(
        status_code=202,
        content_type="application/json",
        body=answer,
        headers={"Location": answer.status_url},
    )
