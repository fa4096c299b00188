"""The issuer a function finds in its environment: both settings needed, and the deployed
placeholder (a ``.invalid`` host) refused, so no credential names an issuer nobody serves."""

from __future__ import annotations

import pytest

from kentei.credentials.issuer import (
    ISSUER_NAME_ENV,
    ISSUER_URL_ENV,
    IssuerNotConfiguredError,
    issuer_from_environment,
)


def test_the_configured_issuer_is_read() -> None:
    issuer = issuer_from_environment(
        {ISSUER_URL_ENV: "https://kentei.example.jp", ISSUER_NAME_ENV: "発行者"}
    )
    assert (issuer.id, issuer.name) == ("https://kentei.example.jp", "発行者")
    assert issuer.jwks_url == "https://kentei.example.jp/.well-known/jwks.json"


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {ISSUER_URL_ENV: "https://kentei.example.jp"},
        {ISSUER_NAME_ENV: "発行者"},
        {ISSUER_URL_ENV: "https://credential-issuer.invalid", ISSUER_NAME_ENV: "発行者"},
    ],
)
def test_a_missing_or_placeholder_issuer_is_refused(environ: dict[str, str]) -> None:
    with pytest.raises(IssuerNotConfiguredError):
        issuer_from_environment(environ)
