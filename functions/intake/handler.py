"""Intake: the HTTPS API in front of the bridges (Mynaportal, e-Gov) and association staff."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from intake.api import app, instruments


def _resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


handler = instruments.wrap(_resolve, correlation_id_path=correlation_paths.API_GATEWAY_REST)
