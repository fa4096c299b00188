"""The local runtime's environment (the caller header is read only there); no AWS."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def local_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENTEI_ENV", "local")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
