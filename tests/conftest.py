"""Settings shared by every tier."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs each property test from the same seed, so a run is reproducible and a failure is the
# code's, not the draw's; locally the draws vary from run to run and find more.
settings.register_profile(
    "ci", derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
if os.environ.get("CI"):
    settings.load_profile("ci")
