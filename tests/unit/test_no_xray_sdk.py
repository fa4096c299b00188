"""No function loads the AWS X-Ray SDK (in maintenance since 2026-02-25, unsupported from
2027-02-25; 100-225 ms of each init when Powertools' Tracer imported and patched with it):
Lambda's active tracing records the invocation, OpenTelemetry's layer adds spans when a
deployment asks for it (README, "Tracing")."""

from __future__ import annotations

from typing import Final

from tests.unit.cold_start import loaded_by

HANDLERS: Final = tuple(
    f"{name}.handler"
    for name in ("intake", "verify", "sync", "certify", "signins", "accounts", "public")
)


def test_no_handler_loads_the_xray_sdk_or_patches_a_library() -> None:
    assert loaded_by(HANDLERS, {"aws_xray_sdk", "wrapt"}) == []
