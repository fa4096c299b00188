"""``GET /v1/openapi.json``: the API's OpenAPI document. A router of its own, included only in
the resolver of the whole API (:func:`intake.api.full_app`): the document describes the
resolver that includes it, and a request's resolver holds only its own route's router."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from intake import openapi, paths
from intake.responses import with_content

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    paths.OPENAPI,
    summary="This API's OpenAPI document",
    description="Generated from the code; the same as `openapi.json` in the repository.",
    tags=["documents"],
    responses=with_content(200, "The OpenAPI 3 document", "application/json", {"type": "object"}),
)
def get_openapi() -> Response[str]:
    # The resolver this router is included in (set by include_router): the document
    # describes that API, without this module importing the one that assembles it.
    resolver = router.api_resolver
    if resolver is None:
        raise RuntimeError("the OpenAPI document's router is served only inside a resolver")
    body = openapi.served(resolver)
    return Response(status_code=200, content_type="application/json", body=body)
