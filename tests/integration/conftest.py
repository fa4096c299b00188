"""The local runtime with stub handlers, for tests of its own semantics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.integration.mtls_helpers import Pki, link_pki
from tests.integration.stubs import StubApi, StubConsumer

from kentei import catalog
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The link PKI of the notice adapters' tests (the registry's tests make their own)."""
    return link_pki(tmp_path_factory, "Local link CA")


@pytest.fixture
def consumers() -> dict[str, StubConsumer]:
    return {queue.consumer: StubConsumer() for queue in catalog.QUEUES}


@pytest.fixture
def start_runtime(consumers: dict[str, StubConsumer]) -> Iterator[Callable[..., LocalRuntime]]:
    """Start a runtime with stub handlers and a 1 s visibility timeout; stopped after the test."""
    started: list[LocalRuntime] = []

    def start(**options: Any) -> LocalRuntime:
        options.setdefault("handlers", {**consumers, "intake": StubApi()})
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1), **options)
        started.append(runtime)
        return runtime.start()

    yield start
    for runtime in started:
        runtime.stop()
