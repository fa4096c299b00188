"""Health: answers when the function is up and configured."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from kentei import settings

router = Router()  # type: ignore[no-untyped-call]


class Health(BaseModel):
    status: Literal["ok"]
    service: Literal["kentei"]
    environment: str


@router.get("/v1/health", summary="Liveness of the API", tags=["operations"])
def get_health() -> Health:
    return Health(status="ok", service="kentei", environment=settings.environment())
