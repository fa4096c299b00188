"""Public: the verification page and API, and the issuer's published keys and status lists."""

from __future__ import annotations

from aws_lambda_powertools.logging import correlation_paths

from public.api import resolve
from public.telemetry import instruments

handler = instruments.wrap(resolve, correlation_id_path=correlation_paths.API_GATEWAY_REST)
