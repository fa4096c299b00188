"""Result files (R11): the results office asks for an upload, reads the report, commits or
discards it. The file itself never passes through the API."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller
from intake.responses import documented
from intake.result_imports import (
    ImportChanged,
    ImportCreated,
    ImportRequest,
    ImportView,
    commit_import,
    create_import,
    discard_import,
    read_import,
)
from kentei.messages import IMPORT_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]

_IMPORT_ID = Path(pattern=IMPORT_ID_PATTERN.pattern)


@router.post(
    paths.RESULT_IMPORTS,
    summary="Ask for a result file's upload",
    description="Makes a result import of the caller's prefecture (`awaiting_upload`: the "
    "source's column mapping, the round, who and when) and answers a presigned S3 PUT URL, "
    "valid for 15 minutes, with the headers the PUT must carry (SSE-KMS). The file (CSV in "
    "CP932 or UTF-8, at most `max_bytes`) goes straight to S3; sync then checks it into a "
    "report (`validating` → `validated` or `refused`). Nothing is applied before a commit. "
    "Role `results`; audited with the import.",
    tags=["results"],
    responses=documented(201, "The import and its upload URL", 400, 401, 403, 415, 422),
)
def post_result_import(
    request: Annotated[ImportRequest, Body(description="What is about to be uploaded.")],
) -> tuple[ImportCreated, int]:
    event = router.current_event.raw_event
    return create_import(require_caller(event), request, request_id(event)), 201


@router.get(
    paths.RESULT_IMPORT,
    summary="Read a result import and its report",
    description="The import's status (`awaiting_upload`, `validating`, `validated`, "
    "`refused` with its reason, `committing`, `committed` with what was applied, "
    "`discarded`), the report's counts per problem code, the first problems (row, column, "
    "code: never a value) and a link to the full problems CSV valid for five minutes. Role "
    "`results` of the import's prefecture (others: 404); audited before it is returned.",
    tags=["results"],
    responses=documented(200, "The import", 401, 403, 404),
)
def get_result_import(import_id: Annotated[str, _IMPORT_ID]) -> ImportView:
    event = router.current_event.raw_event
    return read_import(require_caller(event), import_id, request_id(event))


@router.post(
    paths.RESULT_IMPORT_COMMIT,
    summary="Commit a checked result import",
    description="Applies a `validated` import without errors (warnings allowed): it becomes "
    "`committing` and sync applies its rows (idempotently: the same file committed twice, or "
    "a retried message, changes nothing; a later import of the same rows replaces their "
    "scores with a history entry), then `committed`. Anything else is a 409 "
    "(`import-not-committable`). Role `results` of its prefecture; audited.",
    tags=["results"],
    responses=documented(202, "Queued", 401, 403, 404, 409),
)
def post_result_import_commit(
    import_id: Annotated[str, _IMPORT_ID],
) -> tuple[ImportChanged, int]:
    event = router.current_event.raw_event
    return commit_import(require_caller(event), import_id, request_id(event)), 202


@router.post(
    paths.RESULT_IMPORT_DISCARD,
    summary="Discard a result import",
    description="Nothing of the import is applied; it becomes `discarded` (again: the same "
    "answer). A committing or committed import is a 409 (`import-not-discardable`). Role "
    "`results` of its prefecture; audited.",
    tags=["results"],
    responses=documented(200, "Discarded", 401, 403, 404, 409),
)
def post_result_import_discard(import_id: Annotated[str, _IMPORT_ID]) -> ImportChanged:
    event = router.current_event.raw_event
    return discard_import(require_caller(event), import_id, request_id(event))
