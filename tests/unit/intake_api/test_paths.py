"""The route table: which methods a path takes."""

from __future__ import annotations

import pytest

from intake import paths


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/v1/applications", ("POST",)),
        ("/v1/applications/13-ABC", ("GET",)),
        ("/v1/review/applications", ("GET",)),
        ("/v1/review/applications/13-ABC", ("GET",)),
        ("/v1/review/applications/13-ABC/decision", ("POST",)),
        ("/v1/health", ("GET",)),
        ("/v1/sessions", ("GET", "POST")),
        ("/v1/sessions/seating", ("POST",)),
        ("/v1/sessions/01JAAAAAAAAAAAAAAAAAAAAA13", ("PATCH",)),
        ("/v1/sessions/01JAAAAAAAAAAAAAAAAAAAAA13/seats", ("GET",)),
        ("/v1/roster/sittings/13-ABC/seat", ("POST",)),
        ("/v1/applications/13-ABC/extra", ()),
        ("/v1/healthz", ()),
    ],
)
def test_a_path_takes_the_methods_of_its_route(path: str, methods: tuple[str, ...]) -> None:
    assert paths.allowed_methods(path) == methods


def test_the_status_url_is_the_application_path() -> None:
    assert paths.status_url("13-X") == "/v1/applications/13-X"


def test_a_path_two_templates_match_belongs_to_the_one_with_the_method() -> None:
    assert paths.template_for("/v1/sessions/seating", "POST") == paths.SESSIONS_SEATING
    assert paths.template_for("/v1/sessions/seating", "PATCH") == paths.SESSION
    assert paths.template_for("/v1/sessions/seating", "GET") is None
    assert paths.template_for("/v1/sessions/01J", "POST") is None


def test_every_session_and_seat_path_is_protected() -> None:
    for template in (paths.SESSIONS, paths.SESSIONS_SEATING, paths.SESSION, paths.ROSTER_SEAT):
        assert paths.PROTECTED.match(template)
