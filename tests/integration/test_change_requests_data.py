"""Signed change requests against moto: created once per id (the same request finds it,
another is refused), decided once (a proposal with the request ``proposed``, or a refusal),
each decision in one transaction with its audit entry, and the request item holds ids only."""

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

from kentei import aws, catalog
from kentei.change_requests import ChangeRequest, ChangeRequestStatus, request_id_for
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.change_requests import (
    REQUEST_PREFIX,
    PrefectureChangeRequests,
    RequestDecidedError,
    RequestIdTakenError,
)
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalStatus,
    new_proposal_id,
)

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
PERSON = "b5nl667xde6meiqyoa4tt6n4ii"
REQUEST = request_id_for("13", "bridge:mynaportal", "data-key-0001")


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = {catalog.table("records").env_var: RECORDS, catalog.table("audit").env_var: AUDIT}
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_table(AUDIT, "audit_partition", "event_key")
        yield


def _received() -> ChangeRequest:
    return ChangeRequest(
        request_id=REQUEST,
        prefecture_code="13",
        status=ChangeRequestStatus.RECEIVED,
        received_at=AT,
        submitted_by="bridge:mynaportal",
    )


def _event(action: AuditAction, record_id: str) -> AuditEvent:
    return AuditEvent(
        actor="verify",
        action=action,
        record_type="change_request",
        record_id=record_id,
        prefecture_code="13",
        request_id="test",
        at=AT,
    )


def _proposal() -> Proposal:
    return Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=(FieldChange(field="address", before="旧住所", after="新住所"),),
        source=ChangeSource.MYNAPORTAL_REQUEST,
        run_id=None,
        proposed_at=AT,
        basis=AT,
        request_id=REQUEST,
    )


def test_a_request_is_created_once_per_id(moto: None) -> None:
    store = PrefectureChangeRequests("13")
    stored = store.create(
        _received(), "fp-1", [_event(AuditAction.CHANGE_REQUEST_RECEIVED, REQUEST)]
    )
    assert store.create(_received(), "fp-1") == stored
    with pytest.raises(RequestIdTakenError):
        store.create(_received(), "fp-2")
    assert store.request(REQUEST) == stored
    assert PrefectureChangeRequests("27").request(REQUEST) is None
    item = aws.dynamodb().get_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": REQUEST_PREFIX + REQUEST}},
    )["Item"]
    assert set(item) == {
        "prefecture_code",
        "record_key",
        "item_type",
        "status",
        "submitted_by",
        "request_fingerprint",
        "request",
    }
    assert len(AuditTrail().day("13", AT.date())) == 1


def test_a_proposal_is_written_with_the_request_proposed_once(moto: None) -> None:
    store = PrefectureChangeRequests("13")
    stored = store.create(_received(), "fp-1")
    proposal = _proposal()
    proposed = ChangeRequest.model_validate(
        {
            **stored.record.model_dump(),
            "status": "proposed",
            "verified_at": AT,
            "proposal_id": proposal.proposal_id,
        }
    )
    event = _event(AuditAction.EXAMINEE_CHANGE_PROPOSED, proposal.proposal_id)

    store.propose_from(stored, proposed, proposal, [event])

    assert store.proposal(proposal.proposal_id) == proposal
    assert store.proposals(ProposalStatus.PROPOSED)[0] == [proposal]
    again = store.request(REQUEST)
    assert again is not None
    assert again.record == proposed
    assert again.request_fingerprint == "fp-1"
    refused = ChangeRequest.model_validate(
        {
            **stored.record.model_dump(),
            "status": "refused",
            "verified_at": AT,
            "reasons": ["signer-not-person"],
        }
    )
    with pytest.raises(RequestDecidedError):
        store.refuse(stored, refused, [_event(AuditAction.CHANGE_REQUEST_REFUSED, REQUEST)])
    with pytest.raises(RequestDecidedError):
        store.propose_from(stored, proposed, proposal)
    actions = [e.action for e in AuditTrail().day("13", AT.date())]
    assert actions == [AuditAction.EXAMINEE_CHANGE_PROPOSED]


def test_another_prefectures_request_is_not_written(moto: None) -> None:
    with pytest.raises(ValueError, match="another prefecture"):
        PrefectureChangeRequests("27").create(_received(), "fp-1")
