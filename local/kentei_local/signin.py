"""Credentials for a caller of the local runtime, named in the shorthand of the local tooling.

``bridge:<channel>`` is the bridge's client certificate (and the bridge port);
``staff:<prefecture>:<user>[:<roles>]`` an ID token of that user (and the staff port): a
seeded user of ``runtime.json`` when one has that name, prefecture and roles, otherwise the
user is made (or brought to those attributes) in the local pool with a password of its own,
then signed in with ``InitiateAuth``, as a staff client does. Tokens are kept per caller
until five minutes before they expire.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Final

import jwt

from kentei_local import cognito
from kentei_local.cognito import StaffUser
from kentei_local.endpoints import LocalEndpoints
from kentei_local.identities import CallerSpec

_MARGIN_S: Final = 300


@dataclass(frozen=True)
class Credentials:
    """How to reach the runtime as one caller: its port, and what to send or present."""

    base_url: str
    token: str | None = None
    cert: tuple[str, str] | None = None
    """(certificate, key) PEM paths for the TLS handshake."""
    verify: str | bool = True
    """The CA file that verifies the bridge port's server certificate."""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


_lock = threading.Lock()
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_users: dict[tuple[str, str], StaffUser] = {}


def credentials(endpoints: LocalEndpoints, caller: str | None) -> Credentials:
    """What ``caller`` (None: nobody, on the staff port) presents to the local runtime."""
    if caller is None:
        return Credentials(endpoints.staff_api)
    spec = CallerSpec.parse(caller)
    if spec.bridge is not None:
        pair = endpoints.bridges[spec.bridge]
        cert = (str(pair.cert), str(pair.key))
        return Credentials(endpoints.bridge_api, cert=cert, verify=str(endpoints.ca_file))
    return Credentials(endpoints.staff_api, token=staff_token(endpoints, spec))


def bridge_credentials(endpoints: LocalEndpoints, channel: str) -> Credentials:
    return credentials(endpoints, f"bridge:{channel}")


def staff_token(endpoints: LocalEndpoints, spec: CallerSpec) -> str:
    """A fresh enough ID token of the staff user ``spec`` names."""
    if spec.user is None or spec.prefecture_code is None:
        raise ValueError("a staff caller has a user and a prefecture")
    pool = endpoints.cognito
    key = (pool.user_pool_id, f"{spec.prefecture_code}:{spec.user}:{','.join(spec.roles)}")
    with _lock:
        kept = _tokens.get(key)
        if kept is not None and kept[1] - _MARGIN_S > time.time():
            return kept[0]
        user = _user(endpoints, spec, key)
        token = cognito.sign_in(pool, user.username, user.password)
        expires = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        _tokens[key] = (token, expires)
        return token


def _user(endpoints: LocalEndpoints, spec: CallerSpec, key: tuple[str, str]) -> StaffUser:
    if spec.user is None or spec.prefecture_code is None:
        raise ValueError("a staff caller has a user and a prefecture")
    seeded = next(
        (
            u
            for u in endpoints.staff_users
            if u.username == spec.user
            and u.prefecture_code == spec.prefecture_code
            and set(u.roles) == set(spec.roles)
        ),
        None,
    )
    if seeded is not None:
        return seeded
    made = _users.get(key)
    if made is None:
        made = StaffUser(spec.user, cognito.new_password(), spec.prefecture_code, spec.roles)
        _users[key] = made
    # Made again each time: the same user name may have been given other attributes since.
    cognito.ensure_user(endpoints.cognito, made)
    return made
