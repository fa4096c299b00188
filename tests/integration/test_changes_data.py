"""Change proposals, history and re-check runs against moto: one open proposal per person
(the same finding again is found, another supersedes), acceptance all or nothing and only
on the examinee as the proposal read it, a batch's counts into its run once."""

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

from kentei import catalog
from kentei.applications.model import IdentityConfirmation, Status
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.changes import BatchCounts, ConcurrentProposalError, PrefectureChanges
from kentei.data.roster import PrefectureRoster
from kentei.registry.model import RegistryStatus
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    ExamineeChangedError,
    FieldChange,
    Proposal,
    ProposalDecidedError,
    ProposalStatus,
    RunRecord,
    apply,
    history_of,
    new_proposal_id,
)
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
PERSON = "b5nl667xde6meiqyoa4tt6n4ii"
OLD = "東京都千代田区千代田1-1"
NEW = "東京都港区転居町九丁目8番7号"
BY = "staff:13:reviewer-13"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = {catalog.table("records").env_var: RECORDS, catalog.table("audit").env_var: AUDIT}
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_table(AUDIT, "audit_partition", "event_key")
        yield


def _register(work_code: str = "1011", at: dt.datetime = AT) -> None:
    accepted = application(form(work_code=work_code), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": PERSON})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(scheme, roster.draw(registration.counter(scheme)), at=at, by=BY)
    roster.register(roster.registration_writes(registration.examinee, sitting, at))


def _proposal(basis: dt.datetime, after: str = NEW) -> Proposal:
    return Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        kind=ChangeKind.UPDATE,
        registry_status=RegistryStatus.CURRENT,
        changes=(FieldChange(field="address", before=OLD, after=after),),
        source=ChangeSource.REGISTRY_RECHECK,
        run_id="20260601T090000Z",
        proposed_at=AT,
        basis=basis,
    )


def _event(action: AuditAction, record_id: str) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=action,
        record_type="change_proposal",
        record_id=record_id,
        prefecture_code="13",
        request_id="req-1",
        at=AT,
        person_id=PERSON,
    )


@pytest.mark.usefixtures("moto")
def test_the_roster_reads_in_pages_and_the_open_proposal_is_one_per_person() -> None:
    _register()
    changes = PrefectureChanges("13")
    page = changes.examinees(10)
    [entry] = page.entries
    assert (entry.qualification_pseudonym_id, page.next_cursor) == (PERSON, None)

    first = _proposal(entry.updated_at)
    changes.propose(first, None, [_event(AuditAction.EXAMINEE_CHANGE_PROPOSED, "x")])
    assert changes.open_proposal(PERSON) == first
    with pytest.raises(ConcurrentProposalError):
        changes.propose(_proposal(entry.updated_at), None)

    second = _proposal(entry.updated_at, after="東京都港区別町1-1")
    changes.propose(second, first)
    assert changes.open_proposal(PERSON) == second
    superseded = changes.proposal(first.proposal_id)
    assert superseded is not None
    assert superseded.status is ProposalStatus.SUPERSEDED
    listed, following = changes.proposals(ProposalStatus.PROPOSED)
    assert ([p.proposal_id for p in listed], following) == ([second.proposal_id], None)


@pytest.mark.usefixtures("moto")
def test_accepting_writes_the_items_history_and_audit_in_one_transaction() -> None:
    _register()
    changes = PrefectureChanges("13")
    [entry] = changes.examinees(10).entries
    proposal = _proposal(entry.updated_at)
    changes.propose(proposal, None)
    later = AT + dt.timedelta(days=1)
    decided = proposal.decided(ProposalStatus.ACCEPTED, BY, later)
    changed = apply(entry.examinee, proposal)
    event = _event(AuditAction.EXAMINEE_CHANGE_ACCEPTED, proposal.proposal_id)
    changes.decide(
        decided, examinee=changed, history=history_of(proposal, BY, later), audit=[event]
    )

    stored = PrefectureRoster("13").examinee(PERSON)
    assert stored is not None
    assert (stored.examinee.address, stored.updated_at) == (NEW, later)
    [history] = changes.history(PERSON)
    assert (history.before, history.after, history.by) == ({"address": OLD}, {"address": NEW}, BY)
    assert changes.open_proposal(PERSON) is None
    trail = AuditTrail().day("13", AT.date()) + AuditTrail().day("13", later.date())
    assert [e.action for e in trail] == [AuditAction.EXAMINEE_CHANGE_ACCEPTED]

    with pytest.raises(ProposalDecidedError):
        changes.decide(decided)


@pytest.mark.usefixtures("moto")
def test_an_examinee_changed_since_the_proposal_is_refused_and_nothing_is_written() -> None:
    _register()
    changes = PrefectureChanges("13")
    [entry] = changes.examinees(10).entries
    proposal = _proposal(entry.updated_at)
    changes.propose(proposal, None)
    _register(
        "1012", AT + dt.timedelta(hours=1)
    )  # a second application registers: the examinee is written again
    decided = proposal.decided(ProposalStatus.ACCEPTED, BY, AT)
    with pytest.raises(ExamineeChangedError):
        changes.decide(
            decided,
            examinee=apply(entry.examinee, proposal),
            history=history_of(proposal, BY, AT),
        )
    assert changes.history(PERSON) == []
    assert changes.open_proposal(PERSON) == proposal
    stored = PrefectureRoster("13").examinee(PERSON)
    assert stored is not None
    assert stored.examinee.address == OLD


@pytest.mark.usefixtures("moto")
def test_a_batch_counts_into_its_run_once_and_the_last_finishes_it() -> None:
    changes = PrefectureChanges("13")
    run = RunRecord(run_id="20260601T090000Z", prefecture_code="13", scheduled_at=AT, started_at=AT)
    assert changes.start_run(run)
    assert not changes.start_run(run)
    counts = BatchCounts(queried=20, differences=2, proposed=1, errors=1)
    assert changes.finish_batch(run.run_id, 0, counts, finished_at=None)
    assert not changes.finish_batch(run.run_id, 0, counts, finished_at=None)
    assert changes.finish_batch(run.run_id, 1, BatchCounts(queried=3), finished_at=AT)
    [stored] = changes.runs()
    assert (stored.batches, stored.queried, stored.differences, stored.proposed) == (2, 23, 2, 1)
    assert (stored.errors, stored.finished_at) == (1, AT)
    assert PrefectureChanges("27").runs() == []


def _request(basis: dt.datetime, after: str = NEW) -> Proposal:
    return Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=(FieldChange(field="address", before=OLD, after=after),),
        source=ChangeSource.PAPER_REQUEST,
        run_id=None,
        proposed_at=AT,
        basis=basis,
        entered_by="staff:13:clerk-13",
        identity_confirmation=IdentityConfirmation.DRIVERS_LICENSE,
    )


@pytest.mark.usefixtures("moto")
def test_a_persons_requests_are_each_a_proposal_beside_the_rechecks_and_go_stale() -> None:
    _register()
    changes = PrefectureChanges("13")
    [entry] = changes.examinees(10).entries
    finding = _proposal(entry.updated_at)
    changes.propose(finding, None)
    first = _request(entry.updated_at)
    second = _request(entry.updated_at, after="東京都港区別町1-1")
    changes.propose(first, None, [_event(AuditAction.EXAMINEE_CHANGE_PROPOSED, "r1")])
    changes.propose(second, None)
    assert changes.open_proposal(PERSON) == finding, "a request is not the re-check's finding"
    with pytest.raises(ValueError, match="supersedes nothing"):
        changes.propose(_request(entry.updated_at), finding)
    listed, _ = changes.proposals(ProposalStatus.PROPOSED)
    assert {p.proposal_id for p in listed} == {
        finding.proposal_id,
        first.proposal_id,
        second.proposal_id,
    }

    later = AT + dt.timedelta(days=1)
    decided = first.decided(ProposalStatus.ACCEPTED, BY, later)
    event = _event(AuditAction.EXAMINEE_CHANGE_ACCEPTED, first.proposal_id)
    changes.decide(
        decided,
        examinee=apply(entry.examinee, first),
        history=history_of(first, BY, later),
        audit=[event],
    )
    [history] = changes.history(PERSON)
    assert (history.source, history.after) == (ChangeSource.PAPER_REQUEST, {"address": NEW})
    assert changes.open_proposal(PERSON) == finding, "the re-check's marker stays"

    stale = second.decided(ProposalStatus.ACCEPTED, BY, later)
    with pytest.raises(ExamineeChangedError):
        changes.decide(
            stale, examinee=apply(entry.examinee, second), history=history_of(second, BY, later)
        )
    still = changes.proposal(second.proposal_id)
    assert still is not None
    assert still.status is ProposalStatus.PROPOSED
    changes.decide(second.decided(ProposalStatus.REJECTED, BY, later, "superseded by paper"))
    rejected = changes.proposal(second.proposal_id)
    assert rejected is not None
    assert rejected.status is ProposalStatus.REJECTED
