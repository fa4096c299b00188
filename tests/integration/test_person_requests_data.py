"""A person's requests (P10) against moto: received once, changed only from the status read,
a granted suspension starting with its decision and ending when lifted, open requests listed,
each prefecture's own; a correction request naming its proposal in one transaction with it,
once per proposal as read (a later one supersedes the open one, never a decided one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError
from tests.integration.moto_tables import records_and_audit

from kentei import aws, settings
from kentei.applications.model import IdentityConfirmation
from kentei.data.audit import AuditAction, AuditEvent, AuditQuery, AuditTrail
from kentei.data.changes import PrefectureChanges
from kentei.data.person_requests import PrefecturePersonRequests
from kentei.data.transactions import cancellation_codes
from kentei.disclosures.record import DisclosureCopy, copy_key
from kentei.person_requests import correction
from kentei.person_requests.model import (
    ConcurrentRequestChangeError,
    Decision,
    PersonRequest,
    Requester,
    RequestStatus,
    received,
)
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.person_requests.suspension import HeldWork, Suspension, UseCondition
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalDecidedError,
    ProposalStatus,
    new_proposal_id,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

AT = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
PERSON = "p-person-request-0001"
BY = "staff:13:privacy-1"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _request(kind: RequestKind) -> PersonRequest:
    return received(
        prefecture_code="13",
        person=PERSON,
        kind=kind,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by=BY,
        at=AT,
        procedure=procedures().of("13", kind),
    )


def _event(request: PersonRequest) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=AuditAction.PERSON_REQUEST_RECEIVED,
        record_type="person_request",
        record_id=request.request_id,
        prefecture_code="13",
        request_id="req-1",
        at=AT,
        person_id=PERSON,
    )


@pytest.mark.usefixtures("moto")
def test_a_request_is_received_once_and_changed_only_from_the_status_read() -> None:
    store = PrefecturePersonRequests("13")
    request = _request(RequestKind.DISCLOSURE)
    store.receive(request, [_event(request)])
    with pytest.raises(ConcurrentRequestChangeError):
        store.receive(request)

    assert store.request(request.request_id) == request
    assert store.open_requests() == [request]
    assert PrefecturePersonRequests("27").request(request.request_id) is None
    trail = AuditTrail().search(
        AuditQuery(prefecture_code="13", since=AT - dt.timedelta(hours=1), until=AT)
    )
    assert [e.record_id for e in trail.items] == [request.request_id]

    decided = request.decided(Decision.GRANTED, BY, AT, "全部開示")
    store.change(decided, RequestStatus.RECEIVED)
    with pytest.raises(ConcurrentRequestChangeError):
        store.change(decided, RequestStatus.RECEIVED)
    assert store.request(request.request_id) == decided
    assert store.open_requests() == []


@pytest.mark.usefixtures("moto")
def test_a_granted_suspension_starts_with_its_decision_and_ends_when_lifted() -> None:
    store = PrefecturePersonRequests("13")
    request = _request(RequestKind.SUSPENSION)
    store.receive(request)
    suspension = Suspension(
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        request_id=request.request_id,
        since=AT,
        by=BY,
    )
    decided = request.decided(Decision.GRANTED, BY, AT, "利用停止")

    store.change(decided, RequestStatus.RECEIVED, suspension=suspension)

    assert store.suspension(PERSON) == suspension
    assert PrefecturePersonRequests("27").suspension(PERSON) is None
    assert store.suspended_persons() == {PERSON}
    assert PrefecturePersonRequests("27").suspended_persons() == frozenset()
    _assert_use_checks(store, standing=True)
    other = suspension.model_copy(update={"request_id": "prq-" + "0" * 26})
    with pytest.raises(ConcurrentRequestChangeError):
        store.lift(other)
    store.lift(suspension)
    assert store.suspension(PERSON) is None
    assert store.suspended_persons() == frozenset()
    _assert_use_checks(store, standing=False)
    with pytest.raises(ValueError, match="decided suspension request"):
        store.change(
            _request(RequestKind.DISCLOSURE).decided(Decision.GRANTED, BY, AT, "x"),
            RequestStatus.RECEIVED,
            suspension=suspension,
        )


def _correction(request: PersonRequest, after: str) -> Proposal:
    return Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=(FieldChange(field="address", before="東京都千代田区見本町1-2-3", after=after),),
        source=ChangeSource.PERSON_REQUEST,
        run_id=None,
        proposed_at=AT,
        basis=AT,
        person_request_id=request.request_id,
    )


def _proposed_event(proposal: Proposal) -> AuditEvent:
    return _event_of(AuditAction.EXAMINEE_CHANGE_PROPOSED, "change_proposal", proposal.proposal_id)


def _event_of(action: AuditAction, record_type: str, record_id: str) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=action,
        record_type=record_type,
        record_id=record_id,
        prefecture_code="13",
        request_id="req-2",
        at=AT,
        person_id=PERSON,
    )


@pytest.mark.usefixtures("moto")
def test_a_correction_names_its_proposal_in_one_transaction_once_per_proposal_as_read() -> None:
    store = PrefecturePersonRequests("13")
    changes = PrefectureChanges("13")
    request = _request(RequestKind.CORRECTION)
    store.receive(request)
    first = _correction(request, "東京都港区転居町9-8-7")
    named = correction.corrected(request, first)
    changed = _event_of(AuditAction.PERSON_REQUEST_CHANGED, "person_request", request.request_id)

    store.propose_correction(named, request, first, audit=[_proposed_event(first), changed])

    assert store.request(request.request_id) == named
    assert changes.proposal(first.proposal_id) == first
    trail = AuditTrail().search(
        AuditQuery(prefecture_code="13", since=AT - dt.timedelta(hours=1), until=AT)
    )
    assert {e.record_id for e in trail.items} == {first.proposal_id, request.request_id}
    racing = _correction(request, "東京都港区別町1-1")
    with pytest.raises(ConcurrentRequestChangeError):
        store.propose_correction(correction.corrected(request, racing), request, racing)
    assert changes.proposal(racing.proposal_id) is None, "nothing of a refused write is kept"

    second = _correction(request, "東京都品川区訂正町3-4-5")
    renamed = correction.corrected(named, second)
    store.propose_correction(renamed, named, second, first)
    superseded = changes.proposal(first.proposal_id)
    assert superseded is not None
    assert superseded.status is ProposalStatus.SUPERSEDED
    assert store.request(request.request_id) == renamed

    with pytest.raises(ConcurrentRequestChangeError):
        store.change(named.withdrawn(BY, AT), RequestStatus.RECEIVED)
    assert store.request(request.request_id) == renamed, "a stale read names another proposal"

    changes.decide(second.decided(ProposalStatus.REJECTED, BY, AT, "住民票と一致しない"))
    third = _correction(request, "東京都目黒区三町1-1")
    with pytest.raises(ProposalDecidedError):
        store.propose_correction(correction.corrected(renamed, third), renamed, third, second)
    assert changes.proposal(third.proposal_id) is None
    assert store.request(request.request_id) == renamed

    refused = renamed.decided(Decision.REFUSED, BY, AT, "訂正しない")
    store.change(refused, RequestStatus.RECEIVED)
    assert store.request(request.request_id) == refused
    with pytest.raises(ValueError, match="name each other"):
        store.propose_correction(named, request, second)


def _assert_use_checks(store: PrefecturePersonRequests, *, standing: bool) -> None:
    """A write carrying ``use_check`` passes exactly when the suspension is as it says."""
    dynamodb = aws.dynamodb()
    for suspended in (True, False):
        check = store.use_check(UseCondition(person=PERSON, suspended=suspended))
        marker: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": settings.table_name("records"),
                "Item": {
                    "prefecture_code": {"S": "13"},
                    "record_key": {"S": f"TEST_MARKER#{suspended}#{standing}"},
                },
            }
        }
        if suspended == standing:
            dynamodb.transact_write_items(TransactItems=[marker, check])
        else:
            with pytest.raises(ClientError) as failed:
                dynamodb.transact_write_items(TransactItems=[marker, check])
            assert cancellation_codes(failed.value) == ["None", "ConditionalCheckFailed"]


@pytest.mark.usefixtures("moto")
def test_work_held_for_a_suspended_person_is_kept_by_ids_and_forgotten_once_done() -> None:
    store = PrefecturePersonRequests("13")
    works = [
        HeldWork(
            prefecture_code="13",
            qualification_pseudonym_id=PERSON,
            application_id=f"13-01J000000000000000000000{n:02d}",
            group_key="2026-前期#13#070101#2",
            held_at=AT,
        )
        for n in (2, 1)
    ]
    for work in (*works, works[0]):
        store.hold_work(work)

    assert store.held_work(PERSON) == sorted(works, key=lambda w: w.application_id)
    assert store.held_work("p-someone-else-0001") == []
    assert PrefecturePersonRequests("27").held_work(PERSON) == []
    store.release_work(works[0])
    assert store.held_work(PERSON) == [works[1]]
    with pytest.raises(ValueError, match="another prefecture"):
        PrefecturePersonRequests("27").hold_work(works[1])


def _copy(request: PersonRequest) -> DisclosureCopy:
    return DisclosureCopy(
        request_id=request.request_id,
        prefecture_code="13",
        object_key=copy_key("13", request.request_id),
        sha256="cd" * 32,
        size=10,
        generated_at=AT,
        requester=Requester.PERSON,
        counts={"examinee": 1},
        withheld=0,
    )


@pytest.mark.usefixtures("moto")
def test_a_disclosures_copy_is_recorded_once_and_its_passphrase_taken_once() -> None:
    store = PrefecturePersonRequests("13")
    request = _request(RequestKind.DISCLOSURE)
    store.receive(request)
    copy = _copy(request)
    with pytest.raises(ValueError, match="another prefecture"):
        PrefecturePersonRequests("27").record_disclosure(copy, "AAAAA-BBBBB-CCCCC-DDDDD")
    assert not store.record_disclosure(copy, "AAAAA-BBBBB-CCCCC-DDDDD"), "not decided yet"

    decided = request.decided(Decision.GRANTED, BY, AT, "全部開示")
    store.change(decided, RequestStatus.RECEIVED)
    sealed = AuditEvent(
        actor="verify",
        action=AuditAction.DISCLOSURE_SEALED,
        record_type="person_request",
        record_id=request.request_id,
        prefecture_code="13",
        request_id="lambda-1",
        at=AT,
        person_id=PERSON,
    )
    assert store.record_disclosure(copy, "AAAAA-BBBBB-CCCCC-DDDDD", [sealed])
    assert not store.record_disclosure(copy, "EEEEE-FFFFF-GGGGG-HHHHH"), "one copy per request"

    assert store.disclosure(request.request_id) == copy
    assert store.passphrase(request.request_id) == "AAAAA-BBBBB-CCCCC-DDDDD"
    assert store.request(request.request_id) == decided, "the request itself is unchanged"
    assert PrefecturePersonRequests("27").disclosure(request.request_id) is None

    taken = copy.taken("staff:13:privacy1", AT)
    with pytest.raises(ConcurrentRequestChangeError):
        store.take_passphrase(taken, "EEEEE-FFFFF-GGGGG-HHHHH")
    store.take_passphrase(taken, "AAAAA-BBBBB-CCCCC-DDDDD")
    with pytest.raises(ConcurrentRequestChangeError):
        store.take_passphrase(taken, "AAAAA-BBBBB-CCCCC-DDDDD")
    assert store.passphrase(request.request_id) is None
    assert store.disclosure(request.request_id) == taken

    trail = AuditTrail().about_person("13", PERSON, AT - dt.timedelta(days=800), AT)
    assert [e.action for e in trail] == [AuditAction.DISCLOSURE_SEALED]
    assert AuditTrail().about_person("27", PERSON, AT - dt.timedelta(days=1), AT) == []
