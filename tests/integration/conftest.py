"""The local runtime with stub handlers, for tests of its own semantics; one xdist group per
module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.mtls_helpers import Pki, link_pki
from tests.integration.stubs import StubApi, StubConsumer
from tests.xdist_groups import group_under

from kentei import catalog
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One xdist group per module of this tier: ``make test`` runs with ``--dist loadgroup``,
    and most modules here start a local runtime (or a whole lifecycle run) once, in a
    module-scoped fixture. Handed out test by test, a module's tests went to both workers and
    each worker set the fixture up again: the lifecycle run under faults ran twice, about four
    minutes each."""
    group_under(Path(__file__).parent, items, Path.as_posix)


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
