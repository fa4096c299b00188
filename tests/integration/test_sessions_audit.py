"""A seat's audit entry is committed with the seat, against moto's transactions over the
records and audit tables: a seat taken leaves its entry; a seat refused (the session full)
leaves neither the seat nor the entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import RECORDS, records_and_audit
from tests.unit.sessions.factory import session, sitting

from kentei import aws
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.sessions import PrefectureSessions
from kentei.sessions.model import SessionPart

AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _entry(application_id: str, person: str) -> AuditEvent:
    return AuditEvent(
        actor="staff:13:exam1",
        action=AuditAction.SEAT_TAKEN,
        record_type="sitting",
        record_id=application_id,
        prefecture_code="13",
        request_id="r-1",
        at=AT,
        person_id=person,
    )


def test_a_seat_and_its_entry_are_one_write() -> None:
    book = PrefectureSessions("13")
    full = session(capacity=1)
    book.create(full)
    first, second = sitting(), sitting()
    # The sitting items the seats update (the roster's registration writes them).
    for one in (first, second):
        aws.dynamodb().put_item(
            TableName=RECORDS,
            Item={
                "prefecture_code": {"S": "13"},
                "record_key": {
                    "S": f"SITTING#{one.qualification_pseudonym_id}#{one.application_id}"
                },
                "item_type": {"S": "sitting"},
                "status": {"S": "registered"},
                "round": {"S": one.exam_round.key},
                "sitting": {"S": one.model_dump_json()},
            },
        )

    taken = book.take_seat(
        full,
        first,
        SessionPart.PRODUCTION,
        AT,
        audit=(_entry(first.application_id, first.qualification_pseudonym_id),),
    )
    refused = book.take_seat(
        full,
        second,
        SessionPart.PRODUCTION,
        AT,
        audit=(_entry(second.application_id, second.qualification_pseudonym_id),),
    )

    assert (taken.value, refused.value) == ("seated", "full")
    entries = [e for e in AuditTrail().day("13", AT.date()) if e.action is AuditAction.SEAT_TAKEN]
    assert [e.record_id for e in entries] == [first.application_id]
