"""The local runtime's environment (its bridges' certificates among the settings); no AWS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kentei import callers, staff_networks
from kentei_local import identities
from kentei_local.environment import LOCAL_OVERRIDES
from kentei_local.testpki import TestPki

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
    from intake import dependencies, exactly_once

    installed = Fakes()
    dependencies.reset(installed.dependencies())
    exactly_once._idempotent.cache_clear()
    yield installed
    dependencies.reset()


@pytest.fixture
def no_idempotency_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submissions run without Powertools' DynamoDB store (tested with moto): the receive
    flow's own convergence answers a retry here."""
    from intake import exactly_once

    class _Config:
        def register_lambda_context(self, context: object) -> None:
            del context

    def run(**kwargs: Any) -> dict[str, Any]:
        return exactly_once._run(**kwargs)

    monkeypatch.setattr(exactly_once, "_idempotent", lambda _prefix: (_Config(), run))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    """A test PKI whose signature certificates sign the bridges' signed requests."""
    return TestPki.create(tmp_path_factory.mktemp("signed-request-pki"))
