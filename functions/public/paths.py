"""The public API's routes, in API Gateway's template form: the one list the function
(:mod:`public.api`), the deployed API (``kentei_infra.api.PublicApi``), the local public port
and their tests read, so a route cannot be served without a method, nor a method exist
without a route."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PAGE: Final = "/verify"
VERIFICATIONS: Final = "/v1/verifications"
JWKS: Final = "/.well-known/jwks.json"
STATUS_LIST: Final = "/credentials/status/{list_number}/{purpose}"
"""The URL a credential's ``statusListCredential`` names, under the issuer's id."""
STATUS_LIST_V1: Final = "/v1/status-lists/{list_number}/{purpose}"
HEALTH: Final = "/v1/health"

METHODS: Final[Mapping[str, tuple[str, ...]]] = {
    PAGE: ("GET", "POST"),
    VERIFICATIONS: ("POST",),
    JWKS: ("GET",),
    STATUS_LIST: ("GET",),
    STATUS_LIST_V1: ("GET",),
    HEALTH: ("GET",),
}
VERIFYING: Final = frozenset({(PAGE, "POST"), (VERIFICATIONS, "POST")})
"""The routes that verify a certificate (signature checks, up to three S3 reads)."""
