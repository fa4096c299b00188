"""SnapStart's runtime hooks (:mod:`kentei.snapstart`), with the runtime's hooks library
simulated: a function registers what it keeps; before the snapshot and after a restore it is
forgotten, so the first request builds fresh clients and roots, and :mod:`random` is re-seeded.
Without the library (tests, the local runtime) nothing is registered and nothing fails."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Final

import pytest

from intake.paths import ROUTERS
from kentei import aws, snapstart

REPO: Final = Path(__file__).resolve().parents[2]
PROBE: Final = "kentei_snapstart_probe"


class FakeRuntime:
    """``snapshot_restore_py`` as Lambda's runtime offers it: registers callables, and the
    runtime runs them (before the snapshot in reverse order, after a restore in order)."""

    def __init__(self) -> None:
        self.before: list[Callable[[], None]] = []
        self.after: list[Callable[[], None]] = []

    def module(self) -> types.ModuleType:
        module = types.ModuleType(snapstart.RUNTIME_HOOKS)
        module.register_before_snapshot = self.before.append  # type: ignore[attr-defined]
        module.register_after_restore = self.after.append  # type: ignore[attr-defined]
        return module

    def snapshot(self) -> None:
        for hook in reversed(self.before):
            hook()

    def restore(self) -> None:
        for hook in self.after:
            hook()


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapstart, "_kept", list(snapstart.KENTEI_KEPT))
    monkeypatch.setattr(snapstart, "_warm", [])
    monkeypatch.setattr(snapstart, "_registered", False)


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch, fresh_registry: None) -> FakeRuntime:
    fake = FakeRuntime()
    monkeypatch.setitem(sys.modules, snapstart.RUNTIME_HOOKS, fake.module())
    return fake


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], object]]:
    """A module keeping a composition root, as a function's ``dependencies`` does."""
    module = types.ModuleType(PROBE)

    @cache
    def root() -> object:
        return object()

    module.root = root  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, PROBE, module)
    yield root
    root.cache_clear()


@pytest.fixture
def aws_region(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    aws.reset()
    yield
    aws.reset()


def test_after_a_restore_the_clients_and_roots_are_built_anew(
    runtime: FakeRuntime, probe: Callable[[], object], aws_region: None
) -> None:
    assert snapstart.keep(f"{PROBE}:root.cache_clear") is True
    # Init (before the snapshot) built a client and a root.
    root, sqs = probe(), aws.sqs()
    runtime.snapshot()
    assert probe() is not root, "nothing init built is frozen into the snapshot"
    assert aws.sqs() is not sqs
    root, sqs, dynamodb = probe(), aws.sqs(), aws.dynamodb()

    runtime.restore()

    assert probe() is not root
    assert aws.sqs() is not sqs
    assert aws.dynamodb() is not dynamodb


def test_what_init_left_to_a_request_is_done_before_the_snapshot_and_not_again(
    runtime: FakeRuntime, probe: Callable[[], object]
) -> None:
    """A warm entry runs before the kept entries are forgotten (what it builds may use them),
    its module imported if init never did; a restore does not run it again."""
    done: list[str] = []
    module = sys.modules[PROBE]
    module.warm = lambda: done.append("warm")  # type: ignore[attr-defined]
    assert snapstart.warm(f"{PROBE}:warm") is True
    assert snapstart.keep(f"{PROBE}:root.cache_clear") is True
    root = probe()

    runtime.snapshot()

    assert done == ["warm"]
    assert probe() is not root
    assert snapstart.warmed() == (f"{PROBE}:warm",)
    runtime.restore()
    assert done == ["warm"]
    snapstart.warm("kentei_never_imported:warm")  # imported before the snapshot: it must be
    with pytest.raises(ModuleNotFoundError):
        runtime.snapshot()


def test_after_a_restore_random_is_seeded_anew(runtime: FakeRuntime) -> None:
    snapstart.keep()
    random.seed(14)
    snapshotted = random.getstate()
    runtime.restore()
    # Every environment restored from one snapshot would otherwise draw this same sequence.
    assert random.getstate() != snapshotted


def test_the_hooks_are_registered_once_however_often_a_function_keeps(
    runtime: FakeRuntime,
) -> None:
    assert snapstart.keep("a.b:c") is True
    assert snapstart.keep("a.b:c", "d:e.f") is True
    snapstart.keep()
    assert (len(runtime.before), len(runtime.after)) == (1, 1)
    assert snapstart.kept() == (*snapstart.KENTEI_KEPT, "a.b:c", "d:e.f")


def test_without_the_runtime_library_nothing_is_registered(
    fresh_registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules makes the import fail, as where the library is absent.
    monkeypatch.setitem(sys.modules, snapstart.RUNTIME_HOOKS, None)
    assert snapstart.keep("a.b:c") is False
    assert snapstart.kept()[-1] == "a.b:c", "the entries are still named for the local runtime"


def test_an_entry_whose_module_is_not_loaded_is_skipped_and_a_stale_one_fails(
    probe: Callable[[], object],
) -> None:
    assert snapstart.forget(["kentei_never_imported:root.cache_clear"]) == []
    assert snapstart.forget([f"{PROBE}:root.cache_clear"]) == [f"{PROBE}:root.cache_clear"]
    with pytest.raises(AttributeError):
        snapstart.forget([f"{PROBE}:renamed.cache_clear"])
    with pytest.raises(ValueError, match="module:attribute"):
        snapstart.keep("no-colon")


HANDLERS: Final = ("intake", "verify", "sync", "certify", "signins", "accounts", "public")
FAKE_LIBRARY: Final = """
before, after = [], []
def register_before_snapshot(hook, *args, **kwargs):
    before.append(hook)
def register_after_restore(hook, *args, **kwargs):
    after.append(hook)
"""
SCRIPT: Final = """
import importlib, json, sys
import snapshot_restore_py as runtime
from kentei import snapstart
seen = {}
for name in %r:
    before = set(snapstart.kept())
    importlib.import_module(name + ".handler")
    try:
        own = importlib.import_module(name + ".container").KEPT
    except ModuleNotFoundError:
        own = ()
    seen[name] = {"added": sorted(set(snapstart.kept()) - before), "own": list(own)}
# What the restore hook forgets must all resolve, with every handler loaded; the snapshot
# hook warms what init left to a request (every one of intake's routers) first.
runtime.after[0]()
runtime.before[0]()
routers = sorted(m for m in sys.modules if m.startswith("intake.routes."))
print(json.dumps({"seen": seen, "hooks": [len(runtime.before), len(runtime.after)],
                  "kept": list(snapstart.kept()), "warmed": list(snapstart.warmed()),
                  "routers": routers}))
"""


def test_every_handler_registers_the_hooks_and_what_its_container_keeps(tmp_path: Path) -> None:
    (tmp_path / f"{snapstart.RUNTIME_HOOKS}.py").write_text(FAKE_LIBRARY)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT % (HANDLERS,)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(tmp_path),
            "AWS_DEFAULT_REGION": "ap-northeast-1",
            "POWERTOOLS_METRICS_NAMESPACE": "kentei",
        },
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["hooks"] == [1, 1]
    for name, seen in report["seen"].items():
        assert sorted(seen["own"]) == seen["added"], name
    assert set(snapstart.KENTEI_KEPT) <= set(report["kept"])
    assert report["warmed"] == ["intake.api:warm"]
    assert set(ROUTERS) - {"intake.health"} <= set(report["routers"]), "every router"
    assert {name for name, seen in report["seen"].items() if seen["own"]} == {
        "intake",
        "verify",
        "sync",
        "certify",
    }
