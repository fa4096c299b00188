"""Change proposals for staff (R9, R10; role ``reviewer``, own prefecture): list the open
ones, accept one (the examinee's items change, with a history entry: before, after, who,
when, from where), reject one with a reason; and the registry re-check's runs (counts only).

A proposal is the caller's prefecture's or it is not there (``404``). Accepting is
conditional on the examinee being as the proposal read it and the proposal still open: a
concurrent change or decision is a ``409`` and nothing is written. Listing and deciding are
audited: a list before it is returned, a decision in the decision's transaction. Accepting a
deceased person's proposal deletes each of their sittings from the roster (R10: the deletion
record, the seats released, certify voiding the tickets).
"""

from __future__ import annotations

import contextlib
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from intake.suspension_gate import refuse_while_suspended
from kentei.applications.model import IdentityConfirmation
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.messages import TicketVoid
from kentei.registry.model import RegistryStatus
from kentei.roster.changes import (
    ChangeError,
    ChangeKind,
    ChangeSource,
    ExamineeChangedError,
    FieldChange,
    Proposal,
    ProposalStatus,
    RunRecord,
    apply,
    history_of,
)
from kentei.roster.deletion import (
    DeletionReason,
    DeletionReasonCode,
    DeletionSource,
    SittingAlreadyDeletedError,
)
from kentei.roster.sitting import SittingStatus
from kentei.screening import holding_my_number

_NOT_FOUND = "no such change proposal in the caller's prefecture"
MAX_PAGE = 100


class ChangeView(BaseModel):
    """A proposal as staff see it: the person by 資格仮名ID, the items before and after."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    proposal_id: str
    qualification_pseudonym_id: str
    kind: ChangeKind
    registry_status: RegistryStatus | None
    changes: tuple[FieldChange, ...]
    source: ChangeSource
    run_id: str | None
    proposed_at: AwareDatetime
    status: ProposalStatus
    decided_by: str | None
    decided_at: AwareDatetime | None
    reason: str | None
    entered_by: str | None
    identity_confirmation: IdentityConfirmation | None
    request_id: str | None = Field(
        None, description="the signed change request it comes from (source mynaportal_request)"
    )
    national_sequence: int | None = Field(
        None,
        description="the national side's change it comes from (source national_system): its "
        "feed's sequence number. Rejecting it sends our items to the national side again.",
    )
    person_request_id: str | None = Field(
        None,
        description="the correction request (訂正請求) it comes from (source person_request): "
        "the request's decision follows this proposal's",
    )

    @classmethod
    def of(cls, proposal: Proposal) -> Self:
        return cls.model_validate(proposal.model_dump(exclude={"prefecture_code", "basis"}))


class ChangePage(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    proposals: tuple[ChangeView, ...]
    next_cursor: str | None


class AcceptRequest(BaseModel):
    """Accept the proposal as it stands (no body items; a note is not kept)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class RejectRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    reason: str = Field(
        min_length=1, max_length=500, description="why the change is not made (kept with it)"
    )


class RecheckRuns(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    runs: tuple[RunRecord, ...]


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def list_changes(
    staff: Caller,
    limit: int,
    cursor: str | None,
    request_id: str,
    deps: Dependencies | None = None,
) -> ChangePage:
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    found, following = deps.changes(prefecture).proposals(ProposalStatus.PROPOSED, limit, cursor)
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.EXAMINEE_CHANGES_LISTED,
            record_type="change_list",
            record_id=ProposalStatus.PROPOSED.value,
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ChangePage(proposals=tuple(ChangeView.of(p) for p in found), next_cursor=following)


def accept_change(
    staff: Caller, proposal_id: str, request_id: str, deps: Dependencies | None = None
) -> ChangeView:
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    store = deps.changes(prefecture)
    proposal = store.proposal(proposal_id)
    if proposal is None:
        raise NotFoundError(_NOT_FOUND)
    refuse_while_suspended(
        deps, prefecture, proposal.qualification_pseudonym_id, "a change of the person's items"
    )
    at = deps.clock()
    event = _event(staff, AuditAction.EXAMINEE_CHANGE_ACCEPTED, proposal, request_id, at)
    try:
        decided = proposal.decided(ProposalStatus.ACCEPTED, staff.id, at)
        if not proposal.changes:
            store.decide(decided, audit=[event])
            if proposal.kind is ChangeKind.DECEASED:
                _delete_sittings(staff, proposal.qualification_pseudonym_id, request_id, deps)
            return ChangeView.of(decided)
        stored = deps.roster(prefecture).examinee(proposal.qualification_pseudonym_id)
        if stored is None or stored.updated_at != proposal.basis:
            raise ExamineeChangedError("the examinee changed since the proposal")
        changed = apply(stored.examinee, proposal)
        store.decide(
            decided, examinee=changed, history=history_of(proposal, staff.id, at), audit=[event]
        )
    except ChangeError as exc:
        raise conflict(exc) from None
    return ChangeView.of(decided)


def reject_change(
    staff: Caller,
    proposal_id: str,
    request: RejectRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> ChangeView:
    screening.refuse(holding_my_number(request.reason, "reason"))
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    store = deps.changes(prefecture)
    proposal = store.proposal(proposal_id)
    if proposal is None:
        raise NotFoundError(_NOT_FOUND)
    at = deps.clock()
    try:
        decided = proposal.decided(ProposalStatus.REJECTED, staff.id, at, request.reason)
        store.decide(
            decided,
            audit=[_event(staff, AuditAction.EXAMINEE_CHANGE_REJECTED, proposal, request_id, at)],
        )
    except ChangeError as exc:
        raise conflict(exc) from None
    return ChangeView.of(decided)


def list_runs(
    staff: Caller, limit: int, request_id: str, deps: Dependencies | None = None
) -> RecheckRuns:
    """The prefecture's latest re-check runs: when, how many queried, how many differences
    (counts only; the listing is audited like every staff route's)."""
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    runs = tuple(deps.changes(prefecture).runs(limit))
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.RECHECK_RUNS_LISTED,
            record_type="recheck_run",
            record_id="latest",
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return RecheckRuns(runs=runs)


def _delete_sittings(staff: Caller, person: str, request_id: str, deps: Dependencies) -> None:
    """A death the reviewer confirmed: each of the person's sittings leaves the roster (R10),
    each deletion with its audit entry in its transaction, and certify voids its ticket. A
    sitting deleted before is left as it is (its ticket's void asked again)."""
    prefecture = _prefecture(staff)
    reason = DeletionReason(
        code=DeletionReasonCode.DECEASED, text="住民基本台帳の定期照会で死亡が確認された"
    )
    deletions = deps.deletions(prefecture)
    for sitting in deps.roster(prefecture).sittings_of(person):
        if sitting.status is not SittingStatus.REGISTERED:
            continue
        at = deps.clock()
        event = AuditEvent.by(
            staff,
            AuditAction.SITTING_DELETED,
            record_type="sitting",
            record_id=sitting.application_id,
            prefecture_code=prefecture,
            request_id=request_id,
            at=at,
            person_id=person,
        )
        with contextlib.suppress(SittingAlreadyDeletedError):
            deletions.delete_sitting(
                person,
                sitting.application_id,
                reason,
                source=DeletionSource.REGISTRY_RECHECK,
                by=staff.id,
                at=at,
                audit=(event,),
            )
        deps.certify_queue.send(
            TicketVoid(application_id=sitting.application_id, prefecture_code=prefecture)
        )


def conflict(error: ChangeError) -> ConflictError:
    """The edge's answer to a decision the proposal's state refuses: ``409`` with a slug."""
    slug = "examinee-changed" if isinstance(error, ExamineeChangedError) else "proposal-decided"
    return ConflictError(str(error), slug=slug)


def _event(
    staff: Caller, action: AuditAction, proposal: Proposal, request_id: str, at: AwareDatetime
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type="change_proposal",
        record_id=proposal.proposal_id,
        prefecture_code=_prefecture(staff),
        request_id=request_id,
        at=at,
        person_id=proposal.qualification_pseudonym_id,
    )
