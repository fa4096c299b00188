"""A request's resolver takes only its route's router (:data:`intake.paths.ROUTERS`): the table
names every route once, each under the router that registers it; a cold container answering
a bridge's submission imports no staff router; the OpenAPI document and a path no route has
are the whole API's."""

from __future__ import annotations

import importlib

import pytest
from tests.unit.cold_start import loaded_by

from intake import paths
from intake.api import OPENAPI_ROUTER, full_app, resolver, resolver_for

from .events import event


def test_each_router_registers_exactly_the_routes_the_table_gives_it() -> None:
    for module, templates in paths.ROUTERS.items():
        router = importlib.import_module(module).router
        registered = {
            (rule, method)
            for rule, methods, *_ in router._routes
            for method in ((methods,) if isinstance(methods, str) else methods)
        }
        expected = {(t, method) for t in templates for method in paths.METHODS[t]}
        assert registered == expected, module


def test_every_route_has_one_router() -> None:
    listed = [t for templates in paths.ROUTERS.values() for t in templates]
    assert sorted(listed) == sorted(paths.METHODS)


@pytest.mark.parametrize(
    ("method", "path", "module"),
    [
        ("POST", "/v1/applications", "intake.routes.applications"),
        ("GET", "/v1/applications/13-ABC", "intake.routes.applications"),
        ("GET", "/v1/health", "intake.health"),
        ("POST", "/v1/sessions/seating", "intake.routes.sessions"),
        ("PATCH", "/v1/sessions/seating", "intake.routes.sessions"),
        ("DELETE", "/v1/review/applications/13-ABC", "intake.routes.review"),
    ],
)
def test_a_request_is_resolved_by_its_routes_router_alone(
    method: str, path: str, module: str
) -> None:
    assert paths.router_of(path, method) == module
    assert resolver_for(event(method, path)) is resolver((module,))


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/openapi.json"), ("GET", "/v1/nope")])
def test_the_openapi_document_and_an_unknown_path_take_the_whole_api(
    method: str, path: str
) -> None:
    assert resolver_for(event(method, path)) is full_app()
    assert paths.router_of("/v1/openapi.json", "GET") == OPENAPI_ROUTER


def test_a_cold_submission_imports_no_staff_router() -> None:
    """A fresh interpreter imports the handler and resolves a bridge's submission's route:
    the applications router is loaded, the staff API's are not."""
    then = (
        "from intake.api import resolver_for\n"
        "resolver_for({'path': '/v1/applications', 'httpMethod': 'POST'})"
    )
    loaded = loaded_by(["intake.handler"], ["intake.routes"], then=then)
    assert [m for m in loaded if m != "intake.routes"] == ["intake.routes.applications"]
