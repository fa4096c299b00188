"""A person's requests (P10) against moto: received once, changed only from the status read,
a granted suspension starting with its decision and ending when lifted, open requests listed,
each prefecture's own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei.applications.model import IdentityConfirmation
from kentei.data.audit import AuditAction, AuditEvent, AuditQuery, AuditTrail
from kentei.data.person_requests import PrefecturePersonRequests
from kentei.disclosures.record import DisclosureCopy, copy_key
from kentei.person_requests.model import (
    ConcurrentRequestChangeError,
    Decision,
    PersonRequest,
    Requester,
    RequestStatus,
    Suspension,
    received,
)
from kentei.person_requests.procedures import Channel, RequestKind, procedures

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
    other = suspension.model_copy(update={"request_id": "prq-" + "0" * 26})
    with pytest.raises(ConcurrentRequestChangeError):
        store.lift(other)
    store.lift(suspension)
    assert store.suspension(PERSON) is None
    with pytest.raises(ValueError, match="decided suspension request"):
        store.change(
            _request(RequestKind.DISCLOSURE).decided(Decision.GRANTED, BY, AT, "x"),
            RequestStatus.RECEIVED,
            suspension=suspension,
        )


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
