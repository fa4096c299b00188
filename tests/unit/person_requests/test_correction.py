"""A correction request's rules (P10 through R9): only an open correction request is corrected,
while its proposal is open (it is then superseded); its decision follows the proposal's
(accepted: granted or partly granted; rejected: refused; none: refused only; open: none yet);
it is not withdrawn while its proposal is open; only a correction request names a proposal,
and only a person request's proposal names the request."""

from __future__ import annotations

import datetime as dt
from itertools import product
from typing import Any

import pytest
from pydantic import ValidationError

from kentei.applications.model import IdentityConfirmation
from kentei.person_requests import correction
from kentei.person_requests.correction import (
    CorrectionDecidedError,
    CorrectionDisagreesError,
    CorrectionOpenError,
    NotACorrectionError,
)
from kentei.person_requests.model import (
    Decision,
    PersonRequest,
    RequestStateError,
    received,
)
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalStatus,
    new_proposal_id,
)

AT = dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def _request(kind: RequestKind = RequestKind.CORRECTION) -> PersonRequest:
    return received(
        prefecture_code="13",
        person=PERSON,
        kind=kind,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by="staff:13:privacy1",
        at=AT,
        procedure=procedures().of("13", kind),
    )


def _proposal(request: PersonRequest, **given: Any) -> Proposal:
    data: dict[str, Any] = {
        "proposal_id": new_proposal_id(AT),
        "prefecture_code": "13",
        "qualification_pseudonym_id": PERSON,
        "kind": ChangeKind.UPDATE,
        "registry_status": None,
        "changes": (FieldChange(field="address", before="旧住所", after="新住所"),),
        "source": ChangeSource.PERSON_REQUEST,
        "run_id": None,
        "proposed_at": AT,
        "basis": AT,
        "person_request_id": request.request_id,
        **given,
    }
    return Proposal.model_validate(data)


def _decided(proposal: Proposal, status: ProposalStatus) -> Proposal:
    if status is ProposalStatus.PROPOSED:
        return proposal
    return proposal.decided(status, "staff:13:reviewer1", AT, "理由")


def test_a_correction_names_its_request_and_the_request_its_proposal() -> None:
    request = _request()
    proposal = _proposal(request)
    named = correction.corrected(request, proposal)
    assert (named.proposal_id, named.status, named.kind) == (
        proposal.proposal_id,
        request.status,
        RequestKind.CORRECTION,
    )
    with pytest.raises(ValueError, match="name each other"):
        correction.corrected(_request(), proposal)


@pytest.mark.parametrize(
    "given",
    [
        {"person_request_id": None},
        {"source": ChangeSource.PAPER_REQUEST},
        {"person_request_id": "13-CR-" + "A" * 26},
        {"changes": (FieldChange(field="birth_date", before="1990-01-01", after="1991-01-01"),)},
        {"kind": ChangeKind.DECEASED, "changes": ()},
    ],
)
def test_only_a_person_requests_proposal_names_a_person_request(given: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _proposal(_request(), **given)


def test_only_a_correction_request_names_a_proposal() -> None:
    disclosure = _request(RequestKind.DISCLOSURE)
    with pytest.raises(ValidationError, match="only a correction request"):
        PersonRequest.model_validate(disclosure.model_dump() | {"proposal_id": new_proposal_id(AT)})


def test_items_are_recorded_for_an_open_correction_request_while_its_proposal_is_open() -> None:
    request = _request()
    correction.correctable(request, None)
    proposal = _proposal(request)
    named = correction.corrected(request, proposal)
    correction.correctable(named, proposal)
    for status in (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED):
        with pytest.raises(CorrectionDecidedError):
            correction.correctable(named, _decided(proposal, status))
    with pytest.raises(NotACorrectionError):
        correction.correctable(_request(RequestKind.SUSPENSION), None)
    withdrawn = request.withdrawn("staff:13:privacy1", AT)
    with pytest.raises(RequestStateError, match="withdrawn"):
        correction.correctable(withdrawn, None)
    with pytest.raises(ValueError, match="not the request's"):
        correction.correctable(request, proposal)


AGREEING = {
    (ProposalStatus.ACCEPTED, Decision.GRANTED),
    (ProposalStatus.ACCEPTED, Decision.PARTLY_GRANTED),
    (ProposalStatus.REJECTED, Decision.REFUSED),
}


@pytest.mark.parametrize(
    ("status", "decision"),
    list(
        product(
            [ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED], Decision
        )
    ),
)
def test_the_decision_follows_the_proposals(status: ProposalStatus, decision: Decision) -> None:
    request = _request()
    proposal = _decided(_proposal(request), status)
    named = correction.corrected(request, proposal)
    if (status, decision) in AGREEING:
        correction.check_decision(named, decision, proposal)
        return
    expected = (
        CorrectionOpenError if status is ProposalStatus.PROPOSED else (CorrectionDisagreesError)
    )
    with pytest.raises(expected):
        correction.check_decision(named, decision, proposal)


@pytest.mark.parametrize("decision", list(Decision))
def test_with_nothing_recorded_a_correction_request_is_only_refused(decision: Decision) -> None:
    if decision is Decision.REFUSED:
        correction.check_decision(_request(), decision, None)
        return
    with pytest.raises(CorrectionDisagreesError, match="nothing to correct"):
        correction.check_decision(_request(), decision, None)


def test_other_kinds_and_closed_requests_are_left_to_their_own_rules() -> None:
    for kind in (RequestKind.DISCLOSURE, RequestKind.SUSPENSION):
        correction.check_decision(_request(kind), Decision.GRANTED, None)
        correction.check_withdrawal(_request(kind), None)
    refused = _request().decided(Decision.REFUSED, "staff:13:privacy1", AT, "理由")
    correction.check_decision(refused, Decision.GRANTED, None)


def test_a_request_is_not_withdrawn_while_its_proposal_is_open() -> None:
    request = _request()
    correction.check_withdrawal(request, None)
    proposal = _proposal(request)
    named = correction.corrected(request, proposal)
    with pytest.raises(CorrectionOpenError):
        correction.check_withdrawal(named, proposal)
    correction.check_withdrawal(named, _decided(proposal, ProposalStatus.REJECTED))
