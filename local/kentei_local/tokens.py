"""The staff port's Cognito authorizer: an ID token in, API Gateway's ``claims`` out.

What a REST API's Cognito user pool authorizer does with ``Authorization: Bearer <token>``
(the ``Bearer`` prefix optional, as there): the signature (RS256, a key of the pool's JWKS),
the issuer (the pool), the audience (the app client), the expiry, and ``token_use`` = ``id``
(an access token is refused: the function reads an ID token's claims). Anything else is no
caller, and the gateway answers API Gateway's ``401`` before the function runs. The claims
reach the function as the authorizer writes them: every value a string, ``iat`` and ``exp``
as dates, a list (``cognito:groups``) comma-joined.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import jwt

from kentei_local.cognito import UserPool

ALGORITHMS: Final = ["RS256"]
_LEEWAY_S: Final = 0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_DATE_CLAIMS: Final = frozenset({"iat", "exp"})


class TokenVerifier:
    """Verifies ID tokens of one user pool and app client; the keys are fetched once from the
    pool's JWKS URL (again when a token names a key id not seen yet)."""

    def __init__(self, pool: UserPool) -> None:
        self.pool = pool
        self._keys: dict[str, jwt.PyJWK] = {}
        self._lock = threading.Lock()

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """API Gateway's ``requestContext.authorizer.claims`` for a valid ID token in the
        ``Authorization`` header value; None for a missing or invalid one."""
        token = _token(authorization)
        if token is None:
            return None
        try:
            key = self._key(jwt.get_unverified_header(token).get("kid"))
            if key is None:
                return None
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.pool.client_id,
                issuer=self.pool.issuer,
                leeway=_LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if payload.get("token_use") != "id":
            return None
        return gateway_claims(payload)

    def _key(self, kid: object) -> jwt.PyJWK | None:
        if not isinstance(kid, str):
            return None
        with self._lock:
            if kid not in self._keys:
                self._keys = self._fetch()
            return self._keys.get(kid)

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        # An http:// URL of the local moto server.
        with _NO_PROXY.open(self.pool.jwks_url, timeout=10) as response:
            document = json.loads(response.read())
        keys = jwt.PyJWKSet.from_dict(document).keys
        return {key.key_id: key for key in keys if key.key_id}


def gateway_claims(payload: Mapping[str, Any]) -> dict[str, str]:
    """The claims as a REST API's Cognito authorizer passes them: strings only."""
    claims: dict[str, str] = {}
    for name, value in payload.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            claims[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, list | tuple):
            claims[name] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            claims[name] = str(value).lower()
        else:
            claims[name] = str(value)
    return claims


def _token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    value = authorization.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value or None
