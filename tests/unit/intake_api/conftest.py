"""The local runtime's environment (its bridges' certificates among the settings); no AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kentei import callers, staff_networks
from kentei_local import identities
from kentei_local.environment import LOCAL_OVERRIDES

from .fakes import Fakes


@pytest.fixture(autouse=True)
def local_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENTEI_ENV", "local")
    for name, value in identities.bridge_clients_setting().items():
        monkeypatch.setenv(name, value)
    callers.bridge_clients.cache_clear()
    # Every prefecture's office is the loopback network, as in the local runtime.
    networks = staff_networks.STAFF_NETWORKS_ENV
    monkeypatch.setenv(networks, LOCAL_OVERRIDES[networks])
    staff_networks.configured.cache_clear()
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")


@pytest.fixture(autouse=True)
def fakes() -> Iterator[Fakes]:
    """The real handler runs over in-memory fakes: nothing here reaches AWS."""
    from intake import dependencies, submit

    installed = Fakes()
    dependencies.reset(installed.dependencies())
    submit._idempotent.cache_clear()
    yield installed
    dependencies.reset()
