"""The local runtime gives every function a fresh container when it starts and stops
(:func:`kentei_local.containers.forget_containers`): every cache a function keeps across
invocations (a composition root, an adapter, idempotency layers, the key ring) is forgotten,
so one runtime's handlers never reach another's stopped moto. A cache added to a function and
not to the list fails here."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

from kentei_local.containers import forget_containers

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
KEPT_FOR_THE_PROCESS = {"intake.openapi.served", "intake.api.resolver"}
"""Caches of what no runtime changes (the API's own document, its routers' resolvers)."""


def _function_caches() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for package in sorted(p.name for p in FUNCTIONS.iterdir() if (p / "__init__.py").exists()):
        for info in pkgutil.iter_modules([str(FUNCTIONS / package)], f"{package}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if (
                    callable(getattr(value, "cache_clear", None))
                    and getattr(value, "__module__", None) == module.__name__
                ):
                    found[f"{module.__name__}.{name}"] = value
    return {name: value for name, value in found.items() if name not in KEPT_FOR_THE_PROCESS}


def test_every_cache_a_function_keeps_is_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    caches = _function_caches()
    assert "verify.dependencies.dependencies" in caches, "the search finds the caches"
    cleared: set[str] = set()
    for name, cached in caches.items():
        monkeypatch.setattr(cached, "cache_clear", lambda name=name: cleared.add(name))

    forget_containers()

    assert sorted(set(caches) - cleared) == []
