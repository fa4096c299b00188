"""The public function's logger and metrics."""

from __future__ import annotations

from kentei.instrumentation import Instruments

instruments = Instruments.for_service("public")
