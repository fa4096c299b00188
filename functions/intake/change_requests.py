"""A person's own change requests (訂正・変更の申出, R9): staff of the prefecture (role
``clerk`` or ``reviewer``) key in a paper request, with how they confirmed the person's
identity, as a change proposal (source ``paper_request``) that review then accepts or
rejects like the registry re-check's (:mod:`intake.examinee_changes`: the same history).

The person is the caller's prefecture's examinee or is not there (``404``). The items are the
examinee's own (never the My Number: the model refuses unknown fields, and every string is
screened for one before anything is stored or logged). A request that changes nothing is a
``422``. The proposal and its audit entry are written in one transaction.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.examinee_changes import ChangeView
from intake.proposed_updates import proposed_update
from kentei.applications.model import IdentityConfirmation
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent
from kentei.roster.changes import ChangeSource, RequestedItems

_NOT_FOUND = "no such examinee in the caller's prefecture"


class PaperChangeRequest(BaseModel):
    """A change request on paper, as staff key it in."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    items: RequestedItems = Field(
        description="The items to change and their new values (null clears an optional one); "
        "items left out stay as they are."
    )
    identity_confirmation: IdentityConfirmation = Field(
        description="How the staff member confirmed the requester's identity (本人確認の方法)."
    )


def key_in(
    staff: Caller,
    qualification_pseudonym_id: str,
    request: PaperChangeRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> ChangeView:
    screening.refuse_in_staff_body(request)
    deps = deps or dependencies()
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise ValueError("a staff caller has a prefecture")
    proposal = proposed_update(
        deps,
        prefecture,
        qualification_pseudonym_id,
        request.items,
        ChangeSource.PAPER_REQUEST,
        not_found=_NOT_FOUND,
        entered_by=staff.id,
        identity_confirmation=request.identity_confirmation,
    )
    at = proposal.proposed_at
    event = AuditEvent.by(
        staff,
        AuditAction.EXAMINEE_CHANGE_PROPOSED,
        record_type="change_proposal",
        record_id=proposal.proposal_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=qualification_pseudonym_id,
    )
    deps.changes(prefecture).propose(proposal, None, audit=[event])
    return ChangeView.of(proposal)
