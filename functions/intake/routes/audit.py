"""The audit trail, for auditors (role ``auditor``) of their own prefecture: search, CSV
export, and verification of the hash chain."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import AwareDatetime

from intake import paths
from intake.access import request_id, require_caller
from intake.audit_search import AuditFilters, export_audit, search_audit, verify_audit
from intake.audit_views import AuditSearchPage, ChainVerification
from intake.responses import CSV, csv_attachment, documented, with_content
from kentei.data.audit import AuditAction

router = Router()  # type: ignore[no-untyped-call]

_ID: Final = r"^[A-Za-z0-9._@+:-]{1,128}$"
_FILTERS: Final = """Filters (all optional, combined): `person` (資格仮名ID), `user` (a staff
user id), `record` (a record id: an application id), `action`, and the time range `from`..`to`
(ISO 8601 with a zone; by default the 30 days up to now; at most 366 days). Only the
caller's prefecture. The search itself is written to the audit trail."""

Person = Annotated[
    str | None,
    Query(alias="person", pattern=r"^[0-9A-Za-z_-]{8,128}$", description="資格仮名ID"),
]
User = Annotated[str | None, Query(alias="user", pattern=_ID, description="staff user id")]
Record = Annotated[str | None, Query(alias="record", pattern=_ID, description="record id")]
Action = Annotated[AuditAction | None, Query(description="the action")]
Since = Annotated[AwareDatetime | None, Query(alias="from", description="from this instant")]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="up to this instant")]


@router.get(
    paths.AUDIT,
    summary="Search the audit trail",
    description="Entries of the caller's prefecture, newest first, paginated. " + _FILTERS,
    tags=["audit"],
    responses=documented(200, "One page of entries", 401, 403),
)
def get_audit(  # noqa: PLR0917 (each query parameter is a parameter of the route)
    person: Person = None,
    user: User = None,
    record: Record = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    cursor: Annotated[
        str | None,
        Query(max_length=1024, pattern=r"^[A-Za-z0-9_-]+$", description="`next_cursor`."),
    ] = None,
) -> AuditSearchPage:
    event = router.current_event.raw_event
    filters = AuditFilters(person, user, record, action, since, until)
    return search_audit(require_caller(event), filters, limit, cursor, request_id(event))


@router.get(
    paths.AUDIT_EXPORT,
    summary="Export the audit trail as CSV",
    description="The same filters as the search, every matching entry (at most 10,000) as "
    "CSV, newest first. " + _FILTERS,
    tags=["audit"],
    responses=with_content(200, "CSV with a header row", CSV, {"type": "string"}, 401, 403),
)
def get_audit_export(  # noqa: PLR0917 (each query parameter is a parameter of the route)
    person: Person = None,
    user: User = None,
    record: Record = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
) -> Response[str]:
    event = router.current_event.raw_event
    filters = AuditFilters(person, user, record, action, since, until)
    return csv_attachment(
        export_audit(require_caller(event), filters, request_id(event)), "audit.csv"
    )


@router.get(
    paths.AUDIT_VERIFICATION,
    summary="Verify the audit trail's hash chain",
    description="Walks the chain of each UTC day of the caller's prefecture from `from` to "
    "`to` (dates; by default today) and names the first broken link: an entry altered, "
    "missing or inserted. Written to the audit trail.",
    tags=["audit"],
    responses=documented(200, "The verification", 401, 403),
)
def get_audit_verification(
    first: Annotated[date | None, Query(alias="from", description="first UTC day")] = None,
    last: Annotated[date | None, Query(alias="to", description="last UTC day")] = None,
) -> ChainVerification:
    event = router.current_event.raw_event
    return verify_audit(require_caller(event), first, last, request_id(event))
