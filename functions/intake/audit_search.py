"""The auditors' view of the trail (P6): search, CSV export and verification of the chain,
always of the auditor's own prefecture, and each of them audited itself.

A search is recorded before its page is returned, with the filters' ids on the entry (the
person's 資格仮名ID, the record id), so the trail also says who looked for whom. Times are a
range of at most :data:`kentei.data.audit.MAX_SEARCH_DAYS` days (by default the last
:data:`DEFAULT_DAYS`); an export holds at most :data:`MAX_EXPORT_ROWS` rows (a wider export
is refused: narrow the range).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from intake.audit_views import AuditEntry, AuditSearchPage, ChainVerification
from intake.dependencies import Dependencies, dependencies
from intake.errors import InvalidRequestError
from kentei.callers import Caller
from kentei.data.audit import (
    MAX_SEARCH_DAYS,
    AuditAction,
    AuditEvent,
    AuditOutcome,
    AuditQuery,
    InvalidAuditCursorError,
)
from kentei.field_errors import FieldError

DEFAULT_DAYS: Final = 30
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2100, 1, 1, tzinfo=UTC)
"""Bounds of a search's instants: no entry lies outside them, and date arithmetic at the
ends of the calendar would fail instead of answering."""
MAX_EXPORT_ROWS: Final = 10_000
_EXPORT_PAGE: Final = 500
CSV_COLUMNS: Final = (
    "at",
    "prefecture_code",
    "actor",
    "user_id",
    "roles",
    "actor_prefecture",
    "action",
    "outcome",
    "record_type",
    "record_id",
    "person_id",
    "source_ip",
    "request_id",
)


@dataclass(frozen=True)
class AuditFilters:
    person_id: str | None = None
    user_id: str | None = None
    record_id: str | None = None
    action: AuditAction | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_audit(
    auditor: Caller,
    filters: AuditFilters,
    limit: int,
    cursor: str | None,
    request_id: str,
    *,
    deps: Dependencies | None = None,
) -> AuditSearchPage:
    deps = deps or dependencies()
    query = _query(auditor, filters, limit, deps)
    try:
        page = deps.audit.search(query, cursor)
    except InvalidAuditCursorError as exc:
        raise InvalidRequestError(
            "the cursor is not valid for this search",
            [FieldError(field="query.cursor", problem=str(exc))],
        ) from None
    deps.audit.record(_searched(auditor, AuditAction.AUDIT_SEARCHED, filters, request_id, deps))
    return AuditSearchPage.of(page)


def export_audit(
    auditor: Caller, filters: AuditFilters, request_id: str, *, deps: Dependencies | None = None
) -> str:
    """Every matching entry as CSV (UTF-8, a header row), newest first."""
    deps = deps or dependencies()
    query = _query(auditor, filters, _EXPORT_PAGE, deps)
    entries: list[AuditEntry] = []
    cursor: str | None = None
    while True:
        page = deps.audit.search(query, cursor)
        entries.extend(AuditEntry.of(e) for e in page.items)
        if len(entries) > MAX_EXPORT_ROWS:
            raise InvalidRequestError(
                f"the export would exceed {MAX_EXPORT_ROWS} rows; narrow the time range",
                [FieldError(field="query.from", problem="too wide for one export")],
            )
        cursor = page.next_cursor
        if cursor is None:
            break
    deps.audit.record(_searched(auditor, AuditAction.AUDIT_EXPORTED, filters, request_id, deps))
    return to_csv(entries)


def verify_audit(
    auditor: Caller,
    first: date | None,
    last: date | None,
    request_id: str,
    deps: Dependencies | None = None,
) -> ChainVerification:
    """The chain of the auditor's prefecture from ``first`` to ``last`` (UTC days; by
    default today)."""
    deps = deps or dependencies()
    prefecture = _prefecture(auditor)
    today = deps.clock().date()
    last = last or today
    first = first or last
    if not EARLIEST.date() <= first <= last < LATEST.date():
        raise InvalidRequestError(
            "the range runs forwards between 2000 and 2100",
            [FieldError(field="query.from", problem="not a range this verification takes")],
        )
    if (last - first).days >= MAX_SEARCH_DAYS:
        raise InvalidRequestError(
            f"the range runs forwards and covers at most {MAX_SEARCH_DAYS} days",
            [FieldError(field="query.from", problem="not a range this verification takes")],
        )
    report = deps.audit.verify(prefecture, first, last)
    deps.audit.record(
        AuditEvent.by(
            auditor,
            AuditAction.AUDIT_VERIFIED,
            record_type="audit",
            record_id=f"{first.isoformat()}..{last.isoformat()}",
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ChainVerification.of(prefecture, first, last, report)


def to_csv(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.model_dump(mode="json")
        row["roles"] = " ".join(entry.roles)
        writer.writerow([text_cell(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def text_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _query(auditor: Caller, filters: AuditFilters, limit: int, deps: Dependencies) -> AuditQuery:
    for name, given in (("query.from", filters.since), ("query.to", filters.until)):
        if given is not None and not EARLIEST <= given <= LATEST:
            raise InvalidRequestError(
                "the time range lies outside the years the trail can hold",
                [FieldError(field=name, problem="must fall between 2000 and 2100")],
            )
    until = filters.until or deps.clock()
    since = filters.since or until - timedelta(days=DEFAULT_DAYS)
    if since > until or (until.date() - since.date()).days >= MAX_SEARCH_DAYS:
        raise InvalidRequestError(
            f"the time range runs forwards and covers at most {MAX_SEARCH_DAYS} days",
            [FieldError(field="query.from", problem="not a range this search takes")],
        )
    return AuditQuery(
        prefecture_code=_prefecture(auditor),
        since=since,
        until=until,
        person_id=filters.person_id,
        user_id=filters.user_id,
        record_id=filters.record_id,
        action=filters.action,
        limit=limit,
    )


def _searched(
    auditor: Caller,
    action: AuditAction,
    filters: AuditFilters,
    request_id: str,
    deps: Dependencies,
) -> AuditEvent:
    return AuditEvent.by(
        auditor,
        action,
        record_type="audit",
        record_id=filters.record_id or "-",
        prefecture_code=_prefecture(auditor),
        request_id=request_id,
        at=deps.clock(),
        outcome=AuditOutcome.ALLOWED,
        person_id=filters.person_id,
    )


def _prefecture(auditor: Caller) -> str:
    if auditor.prefecture_code is None:
        raise ValueError("an auditor belongs to a prefecture")
    return auditor.prefecture_code
