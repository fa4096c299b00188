"""Health: answers when the function is up and configured."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict

from intake import paths
from intake.responses import documented
from kentei import settings

router = Router()  # type: ignore[no-untyped-call]


class Health(BaseModel):
    model_config = ConfigDict(defer_build=True)

    status: Literal["ok"]
    service: Literal["kentei"]
    environment: str


@router.get(
    paths.HEALTH,
    summary="Liveness of the API",
    tags=["operations"],
    responses=documented(200, "The function is up"),
)
def get_health() -> Health:
    return Health(status="ok", service="kentei", environment=settings.environment())
