"""The local runtime's own settings, read from the environment (see the package docstring)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HOST: Final = "127.0.0.1"
"""Everything local listens on the loopback interface only."""
DEFAULT_PORT: Final = 8000
DEFAULT_VISIBILITY_TIMEOUT_S: Final = 2
MAX_VISIBILITY_TIMEOUT_S: Final = 12 * 60 * 60
"""SQS's own upper bound for a visibility timeout."""


class SettingError(ValueError):
    """An environment variable of the local runtime holds a value it cannot use."""


@dataclass(frozen=True)
class LocalSettings:
    port: int = DEFAULT_PORT
    """The staff port (HTTP)."""
    moto_port: int = 0
    visibility_timeout_s: int = DEFAULT_VISIBILITY_TIMEOUT_S
    bridge_port: int | None = None
    """The bridge port (HTTPS, mutual TLS); None: ``port + 1``, or a free one if ``port`` is 0."""
    public_port: int | None = None
    """The public port (HTTP, the verification page and API); None: ``port + 2``, or a free
    one if ``port`` is 0."""
    state_dir: Path | None = None
    """Where the local CA, the certificates and ``runtime.json`` go; None: a temporary folder
    removed when the runtime stops."""
    https_links: bool = False
    """The registry, Mynaportal and e-Gov as their HTTPS fakes through the production
    adapters (:mod:`kentei_local.links`); off: the in-process fakes."""

    @property
    def bridge_port_or_default(self) -> int:
        if self.bridge_port is not None:
            return self.bridge_port
        return self.port + 1 if 0 < self.port < 65535 else 0

    @property
    def public_port_or_default(self) -> int:
        if self.public_port is not None:
            return self.public_port
        return self.port + 2 if 0 < self.port < 65534 else 0

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        default_port: int = DEFAULT_PORT,
        default_state_dir: Path | None = None,
    ) -> LocalSettings:
        env = os.environ if environ is None else environ
        port = _integer(env, "PORT", default_port, 0, 65535)
        bridge_default = port + 1 if 0 < port < 65535 else 0
        public_default = port + 2 if 0 < port < 65534 else 0
        state_dir = env.get("KENTEI_LOCAL_STATE_DIR", "").strip()
        return cls(
            port=port,
            bridge_port=_integer(env, "BRIDGE_PORT", bridge_default, 0, 65535),
            public_port=_integer(env, "PUBLIC_PORT", public_default, 0, 65535),
            state_dir=Path(state_dir) if state_dir else default_state_dir,
            moto_port=_integer(env, "KENTEI_LOCAL_MOTO_PORT", 0, 0, 65535),
            visibility_timeout_s=_integer(
                env,
                "KENTEI_LOCAL_VISIBILITY_TIMEOUT",
                DEFAULT_VISIBILITY_TIMEOUT_S,
                1,
                MAX_VISIBILITY_TIMEOUT_S,
            ),
        )


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingError(f"{name} must be between {low} and {high}, not {value}")
    return value
