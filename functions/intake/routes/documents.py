"""The documents a client builds against: the application document's and the change
document's schemas (the OpenAPI document is :mod:`intake.routes.openapi_document`'s)."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from intake import paths
from intake.responses import with_content
from kentei.change_requests import change_document_schema
from kentei.submissions import application_document_schema

router = Router()  # type: ignore[no-untyped-call]

SCHEMA_MEDIA_TYPE = "application/schema+json"


@router.get(
    paths.DOCUMENT_SCHEMA,
    summary="JSON Schema of the application document",
    description="What a bridge signs: the form's items (English or Japanese names) and the "
    "attachment list, with a complete valid example in `examples`.",
    tags=["documents"],
    responses=with_content(
        200, "The JSON Schema (draft 2020-12)", SCHEMA_MEDIA_TYPE, {"type": "object"}
    ),
)
def get_document_schema() -> Response[str]:
    body = json.dumps(application_document_schema(), ensure_ascii=False)
    return Response(status_code=200, content_type=SCHEMA_MEDIA_TYPE, body=body)


@router.get(
    paths.CHANGE_DOCUMENT_SCHEMA,
    summary="JSON Schema of the change document",
    description="What the Mynaportal bridge has a person sign to change their items: the "
    "マイナポータル仮名ID, the My Number, the prefecture and the items, with a valid example in "
    "`examples`.",
    tags=["documents"],
    responses=with_content(
        200, "The JSON Schema (draft 2020-12)", SCHEMA_MEDIA_TYPE, {"type": "object"}
    ),
)
def get_change_document_schema() -> Response[str]:
    body = json.dumps(change_document_schema(), ensure_ascii=False)
    return Response(status_code=200, content_type=SCHEMA_MEDIA_TYPE, body=body)
