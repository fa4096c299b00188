"""``.local/runtime.json``: where the local runtime answers, and the credentials to call it.

The runtime writes it when it is ready; a client needs nothing else::

    {"staff_api": "http://127.0.0.1:8000", "bridge_api": "https://127.0.0.1:8001",
     "public_api": "http://127.0.0.1:8002",
     "ca_file": ".../ca.pem",
     "cognito": {"endpoint", "region", "user_pool_id", "client_id"},
     "staff_users": [{"username", "password", "prefecture_code", "roles"}],
     "bridges": {"mynaportal": {"cert", "key"}, "egov": {"cert", "key"}},
     "national": {"url", "ca_file", "cert", "key"}}

Staff sign in with Cognito's ``InitiateAuth`` (``USER_PASSWORD_AUTH``) at ``cognito`` and send
``Authorization: Bearer <IdToken>`` to ``staff_api``; a bridge connects to ``bridge_api`` with
its certificate and key, verifying the server with ``ca_file``; anyone opens
``public_api``/verify (no login). ``national`` is the fake national system (mutual TLS with
sync's certificate and key, its server verified with its own ``ca_file``): the contract's paths
and the test-only ``/_test/records`` that reads its whole store. The passwords are made fresh
at every start, for the local pool only.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from kentei_local.cognito import StaffUser, UserPool
from kentei_local.localca import KeyPair

RUNTIME_FILE: Final = "runtime.json"


@dataclass(frozen=True)
class NationalEndpoint:
    """Where the fake national system answers, and sync's side of its mutual TLS."""

    url: str
    ca_file: Path
    client: KeyPair

    def to_json(self) -> dict[str, str]:
        return {
            "url": self.url,
            "ca_file": str(self.ca_file),
            "cert": str(self.client.cert),
            "key": str(self.client.key),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NationalEndpoint:
        return cls(
            url=str(data["url"]),
            ca_file=Path(data["ca_file"]),
            client=KeyPair(Path(data["cert"]), Path(data["key"])),
        )


@dataclass(frozen=True)
class LocalEndpoints:
    staff_api: str
    bridge_api: str
    ca_file: Path
    cognito: UserPool
    staff_users: tuple[StaffUser, ...]
    bridges: dict[str, KeyPair] = field(default_factory=dict)
    public_api: str = ""
    national: NationalEndpoint | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "staff_api": self.staff_api,
            "bridge_api": self.bridge_api,
            "public_api": self.public_api,
            "ca_file": str(self.ca_file),
            "cognito": self.cognito.to_json(),
            "staff_users": [user.to_json() for user in self.staff_users],
            "bridges": {
                channel: {"cert": str(pair.cert), "key": str(pair.key)}
                for channel, pair in self.bridges.items()
            },
            "national": None if self.national is None else self.national.to_json(),
        }

    def write(self, path: Path) -> Path:
        """``path`` (readable by its owner only: it holds passwords), written whole."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.partial")
        partial.touch(mode=0o600, exist_ok=True)
        os.chmod(partial, 0o600)
        partial.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        partial.replace(path)
        return path

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalEndpoints:
        return cls(
            staff_api=str(data["staff_api"]),
            bridge_api=str(data["bridge_api"]),
            public_api=str(data.get("public_api", "")),
            ca_file=Path(data["ca_file"]),
            cognito=UserPool(**data["cognito"]),
            staff_users=tuple(
                StaffUser(u["username"], u["password"], u["prefecture_code"], tuple(u["roles"]))
                for u in data["staff_users"]
            ),
            bridges={
                channel: KeyPair(Path(pair["cert"]), Path(pair["key"]))
                for channel, pair in data["bridges"].items()
            },
            national=NationalEndpoint.from_json(data["national"]) if data.get("national") else None,
        )

    @classmethod
    def load(cls, path: Path) -> LocalEndpoints:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
