"""A person's requests (P10) against moto: received once, changed only from the status read,
a granted suspension starting with its decision and ending when lifted, open requests listed,
each prefecture's own."""

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
from kentei.data.person_requests import PrefecturePersonRequests
from kentei.data.transactions import cancellation_codes
from kentei.person_requests.model import (
    ConcurrentRequestChangeError,
    Decision,
    HeldWork,
    PersonRequest,
    RequestStatus,
    Suspension,
    UseCondition,
    received,
)
from kentei.person_requests.procedures import Channel, RequestKind, procedures

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
