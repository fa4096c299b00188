"""The auditors' search, export and verification over fakes: own prefecture only, newest
first, paginated, every search itself audited, refusals of bad ranges and cursors."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from intake.audit_search import AuditFilters, export_audit, search_audit, to_csv, verify_audit
from intake.audit_views import AuditEntry
from intake.errors import InvalidRequestError
from kentei.callers import Caller, CallerKind, Role
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome

from .fakes import Fakes

AUDITOR = Caller(
    CallerKind.STAFF,
    prefecture_code="13",
    user_id="aud1",
    roles=frozenset({Role.AUDITOR}),
    source_ip="10.0.0.7",
)
PERSON = "person-0001-abcdef"


def _event(fakes: Fakes, n: int, prefecture: str = "13", person: str | None = None) -> AuditEvent:
    return AuditEvent(
        actor=f"staff:{prefecture}:rev{n}",
        action=AuditAction.APPLICATION_OPENED,
        record_type="application",
        record_id=f"{prefecture}-record-{n}",
        prefecture_code=prefecture,
        request_id=f"r{n}",
        at=fakes.clock.now - timedelta(minutes=n),
        outcome=AuditOutcome.ALLOWED,
        user_id=f"rev{n}",
        person_id=person,
    )


@pytest.fixture
def seeded() -> Fakes:
    fakes = Fakes()
    fakes.dependencies()
    fakes.records.audit.extend(
        _event(fakes, n, person=PERSON if n % 2 else None) for n in range(1, 6)
    )
    fakes.records.audit.append(_event(fakes, 9, prefecture="27", person=PERSON))
    return fakes


def test_a_search_by_person_finds_their_entries_newest_first_and_is_audited(seeded: Fakes) -> None:
    page = search_audit(
        AUDITOR, AuditFilters(person_id=PERSON), 10, None, "req-a", deps=seeded.dependencies()
    )
    assert [e.record_id for e in page.items] == ["13-record-1", "13-record-3", "13-record-5"]
    (searched,) = seeded.audit.events
    assert (searched.action, searched.person_id, searched.actor, searched.source_ip) == (
        AuditAction.AUDIT_SEARCHED,
        PERSON,
        AUDITOR.id,
        "10.0.0.7",
    )
    assert searched.roles == ("auditor",)


def test_pages_follow_the_cursor(seeded: Fakes) -> None:
    deps = seeded.dependencies()
    opened = AuditFilters(action=AuditAction.APPLICATION_OPENED)
    first = search_audit(AUDITOR, opened, 2, None, "r", deps=deps)
    assert first.next_cursor is not None
    second = search_audit(AUDITOR, opened, 2, first.next_cursor, "r", deps=deps)
    assert [e.record_id for e in (*first.items, *second.items)][:4] == [
        "13-record-1",
        "13-record-2",
        "13-record-3",
        "13-record-4",
    ]


def test_a_foreign_cursor_is_422(seeded: Fakes) -> None:
    with pytest.raises(InvalidRequestError):
        search_audit(AUDITOR, AuditFilters(), 2, "bogus", "r", deps=seeded.dependencies())


def test_a_range_over_a_year_or_backwards_is_422(seeded: Fakes) -> None:
    now = seeded.clock.now
    for since, until in ((now - timedelta(days=400), now), (now, now - timedelta(days=1))):
        with pytest.raises(InvalidRequestError):
            search_audit(
                AUDITOR,
                AuditFilters(since=since, until=until),
                5,
                None,
                "r",
                deps=seeded.dependencies(),
            )


def test_the_export_is_csv_of_every_match_and_is_audited(seeded: Fakes) -> None:
    text = export_audit(AUDITOR, AuditFilters(), "req-x", deps=seeded.dependencies())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert {row["prefecture_code"] for row in rows} == {"13"}
    assert seeded.audit.events[-1].action is AuditAction.AUDIT_EXPORTED


def test_a_csv_cell_is_never_a_formula() -> None:
    entry = AuditEntry.of(
        AuditEvent(
            actor="staff:13:=cmd",
            action=AuditAction.APPLICATION_OPENED,
            record_type="application",
            record_id="-",
            prefecture_code="13",
            request_id="@x",
            at=Fakes().clock.now,
            user_id="+1",
        )
    )
    row = next(csv.DictReader(io.StringIO(to_csv([entry]))))
    assert (row["record_id"], row["request_id"], row["user_id"]) == ("'-", "'@x", "'+1")


def test_verification_is_of_the_auditors_prefecture_and_is_audited(seeded: Fakes) -> None:
    today = seeded.clock.now.date()
    report = verify_audit(
        AUDITOR, today - timedelta(days=2), today, "req-v", deps=seeded.dependencies()
    )
    assert report.intact
    assert seeded.audit.verified == [("13", today - timedelta(days=2), today)]
    assert seeded.audit.events[-1].action is AuditAction.AUDIT_VERIFIED


@pytest.mark.parametrize("year", [1, 1999, 2101, 9999])
def test_instants_at_the_ends_of_the_calendar_are_422_not_500(seeded: Fakes, year: int) -> None:
    at = datetime(year, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidRequestError):
        search_audit(AUDITOR, AuditFilters(since=at), 5, None, "r", deps=seeded.dependencies())
    with pytest.raises(InvalidRequestError):
        verify_audit(AUDITOR, at.date(), at.date(), "r", deps=seeded.dependencies())
