"""HTTP lives at the edge: ``kentei.*`` raises plain errors that name a kind, a field and a
rule, never a status code; only the API (``intake``) decides statuses and problem documents.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import kentei

LAYER = Path(kentei.__file__).resolve().parent
HTTP_MODULES = ("http", "intake", "aws_lambda_powertools.event_handler")


def _modules() -> list[Path]:
    return sorted(LAYER.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(LAYER)))
def test_no_domain_module_imports_http_status_or_the_api(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        for name in names:
            assert not any(name == m or name.startswith(m + ".") for m in HTTP_MODULES), (
                f"{path.relative_to(LAYER)} imports {name}"
            )


def _domain_errors() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(kentei.__path__, "kentei."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("kentei."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def test_no_domain_error_carries_a_status() -> None:
    errors = _domain_errors()
    assert any(error.__name__ == "SubmissionError" for error in errors)
    for error in errors:
        for attribute in ("status", "status_code", "http_status"):
            assert not hasattr(error, attribute), f"{error.__qualname__}.{attribute}"
        assert "status" not in inspect.signature(error.__init__).parameters, error.__qualname__


def test_a_refused_submission_has_a_kind_not_a_status() -> None:
    from kentei.submissions import RefusalKind, SubmissionError

    refused = SubmissionError(RefusalKind.TOO_LARGE, "too-large", "too large")
    assert refused.kind is RefusalKind.TOO_LARGE
    assert not hasattr(refused, "status")
