"""Intake's logger and metrics: one set, shared by the resolver and the logic."""

from __future__ import annotations

from kentei.instrumentation import Instruments

instruments = Instruments.for_service("intake")
