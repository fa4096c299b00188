"""Deletions from the roster (R10): the exam office deletes a sitting; it and auditors list
the prefecture's deletion records."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller
from intake.deletions import DeletionList, DeletionRequest, SittingDeleted, delete_sitting
from intake.deletions import list_deletions as deletions_of
from intake.responses import documented

router = Router()  # type: ignore[no-untyped-call]

_APPLICATION_ID = Path(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")


@router.post(
    paths.SITTING_DELETION,
    summary="Delete a sitting from the roster",
    description="Deletes the sitting of an accepted application from the roster (削除, R10), "
    "with a reason code and the exam office's words (no My Number: 422). In one transaction "
    "with its audit entry: the sitting's status becomes `deleted` (its exam number stays "
    "claimed), its seats are released, a deletion record (who, when, why, which record; ids "
    "and codes only) is kept, and the person's items are deleted with their last sitting. "
    "Certify then voids the sitting's exam ticket and tells a Mynaportal applicant. The same "
    "deletion retried by the same staff member gets the same answer; another deletion of a "
    "deleted sitting is a 409. Role `exam_admin`, of the application's prefecture (others: "
    "404).",
    tags=["roster"],
    responses=documented(200, "The deletion record", 400, 401, 403, 404, 409, 415, 422),
)
def post_sitting_deletion(
    application_id: Annotated[str, _APPLICATION_ID],
    deletion: Annotated[DeletionRequest, Body(description="Why the sitting is deleted.")],
) -> SittingDeleted:
    event = router.current_event.raw_event
    return delete_sitting(require_caller(event), application_id, deletion, request_id(event))


@router.get(
    paths.ROSTER_DELETIONS,
    summary="List the deletion records",
    description="Every deletion from the caller's prefecture's roster, newest first: who, "
    "when, why and which record (application id, exam number, round, work, grade), nothing "
    "of the person. Role `exam_admin` or `auditor`; the listing is written to the audit "
    "trail.",
    tags=["roster"],
    responses=documented(200, "The deletion records", 401, 403),
)
def get_deletions() -> DeletionList:
    event = router.current_event.raw_event
    return deletions_of(require_caller(event), request_id(event))
