"""Intake: the HTTPS API in front of the bridges (Mynaportal, e-Gov) and association staff."""

from __future__ import annotations

from aws_lambda_powertools.logging import correlation_paths

from intake.api import resolve
from intake.container import KEPT
from intake.telemetry import instruments
from kentei import snapstart

# SnapStart: what this container keeps is forgotten before its snapshot and after a restore.
snapstart.keep(*KEPT)
# ... and every router's resolver is built before it (a cold container builds only its
# request's).
snapstart.warm("intake.api:warm")
handler = instruments.wrap(resolve, correlation_id_path=correlation_paths.API_GATEWAY_REST)
