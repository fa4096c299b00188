"""Conflicts with the national qualifications system (R16), for review staff of the prefecture
(role ``reviewer``): the open ones with both sides' values, and their resolution; and the
reconciliation's reports (``reviewer``, ``auditor``)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.national_conflicts import (
    MAX_PAGE,
    ConflictDecision,
    ConflictPage,
    ConflictView,
    ReconciliationReports,
    list_conflicts,
    list_reconciliations,
    resolve_conflict,
)
from intake.responses import documented
from kentei.national.conflicts import CONFLICT_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    paths.NATIONAL_CONFLICTS,
    summary="Open conflicts with the national system",
    description="The prefecture's open conflicts with the national qualifications system, "
    "oldest first: the person by 資格仮名ID, the record, ours and theirs for each item that "
    "differs, and why (a change made there while ours moved, values our rules refuse, or a "
    "newer record there that reconciliation found). Role `reviewer`; each page listed is "
    "written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "One page of conflicts", 401, 403, 422),
)
def get_conflicts(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 25,
    cursor: Annotated[
        str | None,
        Query(pattern=CONFLICT_ID_PATTERN, description="`next_cursor` of the previous page."),
    ] = None,
) -> ConflictPage:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    return list_conflicts(staff, limit, cursor, request_id(event))


@router.post(
    paths.NATIONAL_CONFLICT_RESOLVE,
    summary="Resolve a conflict with the national system",
    description="`ours`: our examinee is sent to the national side again as a newer version. "
    "`theirs`: the examinee's items become theirs, with a history entry, and travel there as "
    "a newer version (refused with 409 `theirs-refused` when their values fail our rules). "
    "Both sides end on the same version. A conflict resolved meanwhile, or an examinee changed "
    "since, is a 409 and nothing changes. Role `reviewer`, of the conflict's prefecture "
    "(others: 404); audited with the decision.",
    tags=["roster"],
    responses=documented(200, "The resolved conflict", 400, 401, 403, 404, 409, 415, 422),
)
def post_resolve(
    conflict_id: Annotated[
        str, Path(pattern=CONFLICT_ID_PATTERN, description="The conflict's id.")
    ],
    decision: Annotated[ConflictDecision, Body(description="Which side, and why.")],
) -> ConflictView:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    return resolve_conflict(staff, conflict_id, decision, request_id(event))


@router.get(
    paths.NATIONAL_RECONCILIATIONS,
    summary="Reconciliation reports with the national system",
    description="The prefecture's latest daily reconciliations (突合) with the national "
    "qualifications system, newest first: per record kind how many were compared, how many "
    "buckets differed and were read record by record, how many records differed and what "
    "became of each (repaired by sending ours again, kept as a conflict for staff, or pending "
    "a change from the national side); the record ids, never values. Roles `reviewer` and "
    "`auditor`; written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "The reports", 401, 403, 422),
)
def get_reconciliations(
    limit: Annotated[int, Query(ge=1, le=31, description="How many runs.")] = 7,
) -> ReconciliationReports:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    return list_reconciliations(staff, limit, request_id(event))
