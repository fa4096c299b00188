"""The national pull's and conflicts' stores against moto: a change is claimed once with what
it became, the cursor only moves forward, a national proposal supersedes the person's open one,
rejecting it marks the examinee to travel again, and a conflict is resolved once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import (
    AUDIT,
    RECORDS,
    create_records_table,
    create_table,
    mocked_aws,
)
from tests.unit.review.factory import application, form

from kentei import aws, catalog
from kentei.applications.model import Status
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.changes import PrefectureChanges
from kentei.data.national_conflicts import (
    ConflictOpenAlreadyError,
    PrefectureNationalConflicts,
)
from kentei.data.national_pull import PrefectureNationalFeed
from kentei.data.roster import PrefectureRoster, examinee_key
from kentei.national.conflicts import (
    ConflictCause,
    ConflictDecidedError,
    ConflictStatus,
    FieldValues,
    NationalConflict,
    new_conflict_id,
)
from kentei.national.model import RecordKind
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalStatus,
    new_proposal_id,
)
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
PERSON = "p-national-pull-0001"
BY = "staff:13:reviewer-13"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = {catalog.table("records").env_var: RECORDS, catalog.table("audit").env_var: AUDIT}
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_table(AUDIT, "audit_partition", "event_key")
        yield


def _register() -> None:
    accepted = application(form(), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": PERSON})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(scheme, roster.draw(registration.counter(scheme)), at=AT, by=BY)
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))


def _proposal(sequence: int, after: str) -> Proposal:
    stored = PrefectureRoster("13").examinee(PERSON)
    assert stored is not None
    return Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=(FieldChange(field="name", before=stored.examinee.name, after=after),),
        source=ChangeSource.NATIONAL_SYSTEM,
        run_id=None,
        proposed_at=AT,
        basis=stored.updated_at,
        national_sequence=sequence,
    )


def _conflict(cause: ConflictCause = ConflictCause.BOTH_CHANGED) -> NationalConflict:
    return NationalConflict(
        conflict_id=new_conflict_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        record_kind=RecordKind.EXAMINEE,
        record_id=PERSON,
        cause=cause,
        fields=(FieldValues(field="name", ours="我々 名前", theirs="彼ら 名前"),),
        national_sequence=None if cause is ConflictCause.NEWER_ON_NATIONAL_SIDE else 9,
        national_version=8,
        our_version=7,
        found_at=AT,
    )


def _event(action: AuditAction, record_id: str) -> AuditEvent:
    return AuditEvent(
        actor="sync",
        action=action,
        record_type="change_proposal",
        record_id=record_id,
        prefecture_code="13",
        request_id="national-changes:13",
        at=AT,
        person_id=PERSON,
    )


@pytest.mark.usefixtures("moto")
def test_the_cursor_moves_only_forward_and_a_change_is_claimed_once() -> None:
    feed = PrefectureNationalFeed("13")
    assert feed.cursor() == 0
    assert feed.advance(5, AT)
    assert not feed.advance(5, AT)
    assert not feed.advance(3, AT)
    assert feed.cursor() == 5

    assert feed.take(4, outcome="same", person=PERSON, at=AT)
    assert not feed.take(4, outcome="unknown_person", person=PERSON, at=AT)
    assert feed.taken(4) == "same"
    assert feed.taken(5) is None


@pytest.mark.usefixtures("moto")
def test_a_national_proposal_supersedes_the_open_one_and_its_change_is_claimed_with_it() -> None:
    _register()
    feed = PrefectureNationalFeed("13")
    first = _proposal(1, "一回目 名前")
    assert feed.propose(
        1, first, None, [_event(AuditAction.EXAMINEE_CHANGE_PROPOSED, first.proposal_id)]
    )
    assert not feed.propose(1, _proposal(1, "一回目 名前"), first), "claimed already"
    second = _proposal(2, "二回目 名前")

    assert feed.propose(2, second, feed.open_proposal(PERSON))

    assert feed.open_proposal(PERSON) == second
    changes = PrefectureChanges("13")
    replaced = changes.proposal(first.proposal_id)
    assert replaced is not None
    assert replaced.status is ProposalStatus.SUPERSEDED
    assert changes.open_proposal(PERSON) is None, "the re-check's marker is another"
    assert (feed.taken(1), feed.taken(2)) == ("proposed", "proposed")


@pytest.mark.usefixtures("moto")
def test_rejecting_a_national_proposal_marks_the_examinee_to_travel_again() -> None:
    _register()
    feed = PrefectureNationalFeed("13")
    proposal = _proposal(1, "彼ら 名前")
    feed.propose(1, proposal, None)
    before = aws.dynamodb().get_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": examinee_key(PERSON)}},
    )["Item"]
    decided_at = AT + dt.timedelta(hours=1)

    PrefectureChanges("13").decide(
        proposal.decided(ProposalStatus.REJECTED, BY, decided_at, "本人確認できず"),
        audit=[_event(AuditAction.EXAMINEE_CHANGE_REJECTED, proposal.proposal_id)],
    )

    after = aws.dynamodb().get_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": examinee_key(PERSON)}},
    )["Item"]
    assert "national_reasserted_at" not in before
    assert after["national_reasserted_at"]["S"].startswith("2026-10-01T10:00:00")
    assert after["updated_at"] == before["updated_at"], "nothing of the person changed"
    assert after["examinee"] == before["examinee"]
    assert feed.open_proposal(PERSON) is None


@pytest.mark.usefixtures("moto")
def test_a_conflict_is_kept_with_its_claim_and_resolved_once() -> None:
    _register()
    feed = PrefectureNationalFeed("13")
    conflicts = PrefectureNationalConflicts("13")
    conflict = _conflict()

    assert feed.keep_conflict(9, conflict)
    assert not feed.keep_conflict(9, _conflict()), "the change is claimed already"

    assert conflicts.conflict(conflict.conflict_id) == conflict
    listed, following = conflicts.conflicts(ConflictStatus.OPEN, 10)
    assert (listed, following) == ([conflict], None)
    assert conflicts.open_persons() == {PERSON}
    kept = conflict.decided(ConflictStatus.KEPT_OURS, BY, AT, "当方が正しい")
    roster = PrefectureRoster("13")
    conflicts.decide(kept, [roster.reassert_write(PERSON, AT)])
    with pytest.raises(ConflictDecidedError):
        conflicts.decide(kept, [roster.reassert_write(PERSON, AT)])
    assert conflicts.conflicts(ConflictStatus.OPEN, 10) == ([], None)
    assert conflicts.open_persons() == frozenset()


@pytest.mark.usefixtures("moto")
def test_reconciliation_keeps_one_open_conflict_per_record() -> None:
    _register()
    conflicts = PrefectureNationalConflicts("13")
    first = _conflict(ConflictCause.NEWER_ON_NATIONAL_SIDE)
    conflicts.open(first)

    with pytest.raises(ConflictOpenAlreadyError):
        conflicts.open(_conflict(ConflictCause.NEWER_ON_NATIONAL_SIDE))

    assert conflicts.open_for(RecordKind.EXAMINEE.value, PERSON) == first
    conflicts.decide(first.decided(ConflictStatus.KEPT_OURS, BY, AT, "当方"))
    assert conflicts.open_for(RecordKind.EXAMINEE.value, PERSON) is None
    conflicts.open(_conflict(ConflictCause.NEWER_ON_NATIONAL_SIDE))
