"""A person's signed change request from the Mynaportal bridge (訂正・変更の申出, R9).

``POST /v1/change-requests``: the change document exactly as the person signed it and the
detached CMS signature (:mod:`kentei.change_requests`), received as every signed request
(:mod:`intake.signed_requests`): ``CHANGE_REQUEST#<request id>`` (``received``: ids only, no
My Number, no items) with its audit entry in one transaction; ``change_request_received``
(ids only) to verify.

``GET /v1/change-requests/{request_id}``: the bridge that sent it reads where it stands
(``received``, ``proposed``, then the proposal's decision ``accepted`` or ``rejected``, or
``refused`` with reason codes); anyone else, and a malformed id, gets ``404``. Never the
items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import paths
from intake.dependencies import Dependencies, dependencies
from intake.signed_requests import Records, SignedKind, SignedRequest, sent_by, submit_signed
from kentei import messages
from kentei.callers import Caller
from kentei.change_requests import (
    ChangeRequest,
    ChangeRequestBody,
    parse_change_request,
    prefecture_of_request,
    request_id_for,
)
from kentei.data.change_requests import RequestIdTakenError
from kentei.roster.changes import ProposalStatus

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

_NOT_FOUND: Final = "no such change request"


class ChangeRequestAccepted(BaseModel):
    """The answer to a change request: where to follow it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    request_id: str = Field(description="The change request's id, PP-CR-<26 characters>.")
    status: Literal["received"]
    status_url: str = Field(description="path of the change request's status")


class ChangeRequestState(BaseModel):
    """Where a change request stands, as the bridge that sent it sees it: never the items."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    request_id: str
    status: Literal["received", "proposed", "accepted", "rejected", "refused"] = Field(
        description="received (waiting for verify); proposed (verified: staff review the "
        "change); accepted or rejected (staff's decision); refused (verify refused it: see "
        "reasons)"
    )
    received_at: AwareDatetime
    verified_at: AwareDatetime | None
    decided_at: AwareDatetime | None = Field(description="when staff accepted or rejected it")
    reasons: tuple[str, ...] = Field(description="reason codes of a refusal")


_KIND: Final = SignedKind(
    "change_request",
    request_id_for,
    ChangeRequest,
    RequestIdTakenError,
    messages.ChangeRequestReceived,
)


def submit_change_request(
    request: SignedRequest[ChangeRequestBody],
    context: LambdaContext,
    deps: Dependencies | None = None,
) -> ChangeRequestAccepted:
    """Receive ``request`` once; a replay of it gets the same answer."""
    answer = submit_signed(
        _KIND, request, parse_change_request, _records, _accepted, context=context, deps=deps
    )
    return ChangeRequestAccepted.model_validate(answer)


def _records(deps: Dependencies, prefecture_code: str) -> Records[ChangeRequest]:
    store = deps.change_requests(prefecture_code)
    return Records(store.request, store.create)


def _accepted(request_id: str) -> ChangeRequestAccepted:
    return ChangeRequestAccepted(
        request_id=request_id, status="received", status_url=paths.change_request_url(request_id)
    )


def change_request_status(
    caller: Caller, request_id: str, deps: Dependencies | None = None
) -> ChangeRequestState:
    """The request's state for the bridge that sent it; ``404`` for anyone else."""
    deps = deps or dependencies()
    prefecture = prefecture_of_request(request_id)
    stores = deps.change_requests
    stored = sent_by(
        caller,
        prefecture,
        lambda prefecture_code: stores(prefecture_code).request(request_id),
        not_found=_NOT_FOUND,
    )
    record = stored.record
    status: str = record.status.value
    decided_at = None
    if record.proposal_id is not None:
        proposal = stores(record.prefecture_code).proposal(record.proposal_id)
        if proposal is not None and proposal.status in _DECIDED:
            status, decided_at = _DECIDED[proposal.status], proposal.decided_at
    return ChangeRequestState.model_validate(
        {
            "request_id": record.request_id,
            "status": status,
            "received_at": record.received_at,
            "verified_at": record.verified_at,
            "decided_at": decided_at,
            "reasons": record.reasons,
        }
    )


_DECIDED: Final = {ProposalStatus.ACCEPTED: "accepted", ProposalStatus.REJECTED: "rejected"}
