"""Deletions from the roster against moto: one transaction with the audit entry (the sitting
deleted, its seats released, the record kept, the examinee deleted with their last sitting
only), a sitting deleted once, a seat moved meanwhile taken into account, the ticket's void
conditional and idempotent, and the prefecture's partition."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import RECORDS, isolate_dynamodb_writes, records_and_audit
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import session

from kentei import aws, catalog, messages
from kentei.applications.model import Status
from kentei.callers import Caller, CallerKind, Role
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.deletions import (
    PrefectureDeletions,
    TicketVoids,
    delete_sitting,
    deletion_key,
)
from kentei.data.roster import PrefectureRoster
from kentei.data.sessions import PrefectureSessions
from kentei.data.tickets import TICKET_PREFIX, TicketChangedError
from kentei.messages import TicketVoid
from kentei.roster.deletion import (
    DeletionReason,
    DeletionReasonCode,
    DeletionSource,
    SittingAlreadyDeletedError,
    SittingNotOnRosterError,
)
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting, SittingStatus
from kentei.sessions.model import ExamSession, SessionPart

AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=3)
PERSON = "p-deletion-0001"
STAFF = Caller(
    CallerKind.STAFF, prefecture_code="13", user_id="exam1", roles=frozenset({Role.EXAM_ADMIN})
)
REASON = DeletionReason(code=DeletionReasonCode.WITHDRAWN, text="受検辞退")


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    isolate_dynamodb_writes(monkeypatch)
    with records_and_audit(monkeypatch):
        yield


def _register(person: str = PERSON, work: str = "010101") -> Sitting:
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code=work),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": person})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


def _seat(sitting: Sitting, part: SessionPart = SessionPart.WRITTEN) -> ExamSession:
    sessions = PrefectureSessions("13")
    made = session(part=part, exam_date=dt.date(2026, 7, 5))
    sessions.create(made)
    sessions.take_seat(made, sitting, part, AT)
    return made


def _event(sitting: Sitting) -> AuditEvent:
    return AuditEvent.by(
        STAFF,
        AuditAction.SITTING_DELETED,
        record_type="sitting",
        record_id=sitting.application_id,
        prefecture_code="13",
        request_id="req-1",
        at=LATER,
        person_id=sitting.qualification_pseudonym_id,
    )


def _delete(sitting: Sitting, audit: tuple[AuditEvent, ...] = ()) -> object:
    return PrefectureDeletions("13").delete_sitting(
        sitting.qualification_pseudonym_id,
        sitting.application_id,
        REASON,
        source=DeletionSource.STAFF,
        by=STAFF.id,
        at=LATER,
        audit=audit,
    )


def _raw(record_key: str, prefecture: str = "13") -> dict[str, object] | None:
    item = aws.dynamodb().get_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": prefecture}, "record_key": {"S": record_key}},
        ConsistentRead=True,
    )
    return item.get("Item")  # type: ignore[return-value]


def test_one_transaction_deletes_releases_records_and_audits() -> None:
    sitting = _register()
    seat = _seat(sitting)

    record = PrefectureDeletions("13").delete_sitting(
        PERSON,
        sitting.application_id,
        REASON,
        source=DeletionSource.STAFF,
        by=STAFF.id,
        at=LATER,
        audit=(_event(sitting),),
    )

    assert record.seats_released == (seat.session_id,)
    assert record.examinee_deleted
    sessions = PrefectureSessions("13")
    after = sessions.session(seat.exam_round.key, seat.session_id)
    assert after is not None
    assert after.seats == 0
    assert sessions.seats_in(seat.session_id) == []
    seated = sessions.seated_sitting(PERSON, sitting.application_id)
    assert seated is not None
    assert seated.seats == {}
    assert seated.sitting.status is SittingStatus.DELETED
    roster = PrefectureRoster("13")
    assert roster.examinee(PERSON) is None
    assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == sitting.application_id
    assert PrefectureDeletions("13").record(sitting.application_id) == record
    (entry,) = [
        e for e in AuditTrail().day("13", LATER.date()) if e.action is AuditAction.SITTING_DELETED
    ]
    assert entry.record_id == sitting.application_id
    stored = json.dumps(_raw(deletion_key(sitting.application_id)), ensure_ascii=False)
    applicant = form()
    for personal in (applicant.name, applicant.address, str(applicant.birth_date), PERSON):
        assert personal not in stored


def test_the_examinee_goes_with_their_last_registered_sitting_only() -> None:
    first = _register()
    second = _register(work="010102")

    _delete(first)
    assert PrefectureRoster("13").examinee(PERSON) is not None

    _delete(second)
    assert PrefectureRoster("13").examinee(PERSON) is None
    listed = [r.application_id for r in PrefectureDeletions("13").records()]
    assert listed == sorted([first.application_id, second.application_id], reverse=True)


def test_a_sitting_is_deleted_once_and_a_missing_one_is_not_found() -> None:
    sitting = _register()
    first = _delete(sitting)

    with pytest.raises(SittingAlreadyDeletedError) as caught:
        _delete(sitting)
    assert caught.value.record == first
    with pytest.raises(SittingNotOnRosterError):
        PrefectureDeletions("27").delete_sitting(
            PERSON,
            sitting.application_id,
            REASON,
            source=DeletionSource.STAFF,
            by=STAFF.id,
            at=LATER,
        )
    assert PrefectureDeletions("27").records() == []


def test_an_audit_event_of_another_prefecture_writes_nothing() -> None:
    sitting = _register()
    seat = _seat(sitting)
    event = _event(sitting).model_copy(update={"prefecture_code": "27"})

    with pytest.raises(ValueError, match="another prefecture"):
        _delete(sitting, (event,))

    seated = PrefectureSessions("13").seated_sitting(PERSON, sitting.application_id)
    assert seated is not None
    assert seated.sitting.status is SittingStatus.REGISTERED
    assert seated.seats == {SessionPart.WRITTEN: seat.session_id}
    assert _raw(deletion_key(sitting.application_id)) is None


def test_a_registry_recheck_deletion_records_its_source() -> None:
    sitting = _register()

    record = PrefectureDeletions("13").delete_sitting(
        PERSON,
        sitting.application_id,
        DeletionReason(code=DeletionReasonCode.DECEASED, text="住基照会: 死亡"),
        source=DeletionSource.REGISTRY_RECHECK,
        by="job:registry-recheck",
        at=LATER,
    )

    assert (record.source, record.reason.code) == (
        DeletionSource.REGISTRY_RECHECK,
        DeletionReasonCode.DECEASED,
    )


def _ticket(application_id: str, ticket_id: str, status: str = "issued") -> None:
    aws.dynamodb().put_item(
        TableName=RECORDS,
        Item={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": TICKET_PREFIX + application_id},
            "item_type": {"S": "ticket"},
            "application_id": {"S": application_id},
            "ticket_id": {"S": ticket_id},
            "status": {"S": status},
            "object_key": {"S": f"tickets/13/{application_id}/{ticket_id}.pdf"},
            "sha256": {"S": "0" * 64},
            "issued_at": {"S": AT.isoformat()},
        },
    )


def test_the_ticket_void_is_conditional_and_idempotent() -> None:
    sitting = _register()
    voids = TicketVoids("13")
    assert voids.void(sitting.application_id, LATER) is None
    _ticket(sitting.application_id, "t-1")

    first = voids.void(sitting.application_id, LATER)
    again = voids.void(sitting.application_id, LATER + dt.timedelta(hours=1))

    assert first is not None
    assert first.new
    assert first.record.status == "void"
    assert again is not None
    assert not again.new
    assert again.voided_at == first.voided_at == LATER
    assert TicketVoids("27").void(sitting.application_id, LATER) is None


def test_a_ticket_reissued_while_voided_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    sitting = _register()
    _ticket(sitting.application_id, "t-1")
    voids = TicketVoids("13")
    read = voids._item

    def reissued_meanwhile(application_id: str) -> dict[str, object] | None:
        item = read(application_id)
        _ticket(application_id, "t-2")
        return item

    monkeypatch.setattr(voids, "_item", reissued_meanwhile)
    with pytest.raises(TicketChangedError):
        voids.void(sitting.application_id, LATER)


def test_the_registry_recheck_deletes_and_asks_certify_to_void_even_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = aws.sqs().create_queue(QueueName="kentei-test-certify")["QueueUrl"]
    monkeypatch.setenv(catalog.queue("certify").env_var, url)
    sitting = _register()
    reason = DeletionReason(code=DeletionReasonCode.DECEASED, text="住基照会: 死亡")

    def recheck() -> object:
        return delete_sitting(
            "13",
            PERSON,
            sitting.application_id,
            reason,
            source=DeletionSource.REGISTRY_RECHECK,
            by="job:registry-recheck",
            at=LATER,
        )

    recheck()
    with pytest.raises(SittingAlreadyDeletedError):
        recheck()

    received = aws.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    expected = TicketVoid(application_id=sitting.application_id, prefecture_code="13")
    assert [messages.decode(m["Body"]) for m in received] == [expected, expected]
