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
        ("/v1/applications/13-ABC/extra", ()),
        ("/v1/healthz", ()),
    ],
)
def test_a_path_takes_the_methods_of_its_route(path: str, methods: tuple[str, ...]) -> None:
    assert paths.allowed_methods(path) == methods


def test_the_status_url_is_the_application_path() -> None:
    assert paths.status_url("13-X") == "/v1/applications/13-X"
