"""A person's requests about their own data for the prefecture's information-disclosure office
(P10; role ``privacy``, own prefecture): record a disclosure, correction or suspension request
as it arrived (channel, how the requester's identity was confirmed), list the open ones by when
each must be decided, extend one once, decide or withdraw it; lift a suspension of use.

The person is named by their 資格仮名ID on the prefecture's roster; nothing here reads the
vault. A request through a channel the prefecture's procedure does not offer is a ``422``; one
decided, extended or withdrawn meanwhile is a ``409`` and nothing is written. Granting a
suspension request starts the suspension in the same transaction. Granting a disclosure
request (wholly or in part) then asks verify for its sealed copy (``disclosure_due``, ids
only); should that send fail, the decision stands and the same decision posted again sends it
again (a ``200`` while no copy is sealed; verify seals one copy per request). Every read is
audited before it is answered, every change in its transaction. A correction request's items
become a change proposal (:mod:`intake.corrections`), and its decision follows the proposal's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import corrections, screening
from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, PersonRequests, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from kentei.applications.model import IdentityConfirmation
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.field_errors import FieldError
from kentei.messages import DisclosureDue, NationalReconcilePrefecture, UseResumed
from kentei.person_requests.model import (
    ChannelNotOfferedError,
    ConcurrentRequestChangeError,
    Decision,
    PersonRequest,
    Requester,
    RequestStateError,
    RequestStatus,
    disclosed,
    received,
)
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.person_requests.suspension import Suspension
from kentei.screening import holding_my_number

_NOT_FOUND = "no such request in the caller's prefecture"
PSEUDONYM_PATTERN = r"^[0-9A-Za-z_-]{8,128}$"


class NewRequest(BaseModel):
    """A request as it arrived at the office."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    qualification_pseudonym_id: str = Field(
        pattern=PSEUDONYM_PATTERN, description="The person on the prefecture's roster."
    )
    kind: RequestKind = Field(description="`disclosure`, `correction` or `suspension`.")
    channel: Channel = Field(description="`window`, `post` or `online`.")
    identity_confirmation: IdentityConfirmation = Field(
        description="How staff confirmed the requester is the person (本人確認)."
    )
    requester: Requester = Field(
        Requester.PERSON,
        description="`person` (the person themselves) or `representative` (代理人). A "
        "disclosure copy holds the My Number only when it is for the person.",
    )


class Extension(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    reason: str = Field(min_length=1, max_length=500, description="Why (told to the person).")


class RequestDecision(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    decision: Decision = Field(description="`granted`, `partly_granted` or `refused`.")
    reason: str = Field(min_length=1, max_length=1000, description="The decision's reasons.")


class Lift(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    reason: str = Field(min_length=1, max_length=500, description="Why the use resumes.")


class RequestView(BaseModel):
    """A request as the office sees it (never the data asked about)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    request_id: str
    qualification_pseudonym_id: str
    kind: RequestKind
    channel: Channel
    identity_confirmation: IdentityConfirmation
    requester: Requester
    entered_by: str
    received_at: AwareDatetime
    due_at: AwareDatetime = Field(description="The last instant a decision may be made.")
    status: RequestStatus
    extension_reason: str | None
    decision: Decision | None
    decided_by: str | None
    decided_at: AwareDatetime | None
    reason: str | None
    suspended: bool = Field(description="The person's use of their data is suspended now.")
    proposal_id: str | None = Field(
        None,
        description="A correction request's change proposal (its `/correction`), decided at "
        "`/v1/roster/changes`.",
    )

    @classmethod
    def of(cls, request: PersonRequest, suspended: bool) -> Self:
        return cls.model_validate(
            request.model_dump(exclude={"prefecture_code"}) | {"suspended": suspended}
        )


class RequestList(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    requests: tuple[RequestView, ...] = Field(description="The open requests, soonest due first.")


def receive_request(
    staff: Caller, body: NewRequest, request_id: str, deps: Dependencies | None = None
) -> RequestView:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    person = body.qualification_pseudonym_id
    if deps.roster(prefecture).examinee(person) is None:
        raise NotFoundError("no such person on the caller's prefecture's roster")
    store = deps.person_requests(prefecture)
    procedure = procedures().of(prefecture, body.kind)
    if procedure.after_disclosure and not disclosed(store.requests_of(person)):
        raise ConflictError(
            f"a {body.kind.value} request follows a disclosure of the data, and none was "
            "granted to this person in the prefecture: record a disclosure request first",
            slug="disclosure-first",
        )
    at = deps.clock()
    try:
        request = received(
            prefecture_code=prefecture,
            person=person,
            kind=body.kind,
            channel=body.channel,
            identity_confirmation=body.identity_confirmation,
            entered_by=staff.id,
            at=at,
            procedure=procedure,
            requester=body.requester,
        )
    except ChannelNotOfferedError as exc:
        raise InvalidRequestError(
            str(exc), [FieldError(field="channel", problem=str(exc))], slug="channel-not-offered"
        ) from None
    event = _event(staff, AuditAction.PERSON_REQUEST_RECEIVED, request, request_id, at)
    store.receive(request, [event])
    return RequestView.of(request, store.suspension(person) is not None)


def list_requests(staff: Caller, request_id: str, deps: Dependencies | None = None) -> RequestList:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    store = deps.person_requests(prefecture)
    found = sorted(store.open_requests(), key=lambda r: (r.due_at, r.request_id))
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.PERSON_REQUESTS_LISTED,
            ("person_request_list", "open"),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return RequestList(requests=_views(store, found))


def read_request(
    staff: Caller, request_key: str, request_id: str, deps: Dependencies | None = None
) -> RequestView:
    deps = deps or dependencies()
    store = deps.person_requests(staff_prefecture(staff))
    request = store.request(request_key)
    if request is None:
        raise NotFoundError(_NOT_FOUND)
    deps.audit.record(
        _event(
            staff,
            AuditAction.PERSON_REQUEST_READ,
            request,
            request_id,
            deps.clock(),
            AuditOutcome.ALLOWED,
        )
    )
    return RequestView.of(request, store.suspension(request.qualification_pseudonym_id) is not None)


def extend_request(
    staff: Caller,
    request_key: str,
    body: Extension,
    request_id: str,
    deps: Dependencies | None = None,
) -> RequestView:
    screening.refuse(holding_my_number(body.reason, "reason"))
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    request = _open(deps, prefecture, request_key)
    procedure = procedures().of(prefecture, request.kind)
    return _changed(
        deps, staff, request, lambda: request.extended(procedure, body.reason), request_id
    )


def decide_request(
    staff: Caller,
    request_key: str,
    body: RequestDecision,
    request_id: str,
    deps: Dependencies | None = None,
) -> RequestView:
    screening.refuse(holding_my_number(body.reason, "reason"))
    deps = deps or dependencies()
    request = _open(deps, staff_prefecture(staff), request_key)
    if _copy_owed(deps, request, body.decision):
        _ask_for_copy(deps, request)  # a retry: the message again, the same answer
        store = deps.person_requests(request.prefecture_code)
        return RequestView.of(
            request, store.suspension(request.qualification_pseudonym_id) is not None
        )
    corrections.check_decision(deps, request, body.decision)
    at = deps.clock()
    suspends = request.kind is RequestKind.SUSPENSION and body.decision is not Decision.REFUSED
    suspension = (
        Suspension(
            prefecture_code=request.prefecture_code,
            qualification_pseudonym_id=request.qualification_pseudonym_id,
            request_id=request.request_id,
            since=at,
            by=staff.id,
        )
        if suspends
        else None
    )
    view = _changed(
        deps,
        staff,
        request,
        lambda: request.decided(body.decision, staff.id, at, body.reason),
        request_id,
        suspension=suspension,
    )
    if request.kind is RequestKind.DISCLOSURE and body.decision is not Decision.REFUSED:
        _ask_for_copy(deps, request)  # after the decision's transaction: never lost with it
    return view


def _copy_owed(deps: Dependencies, request: PersonRequest, decision: Decision) -> bool:
    """The request is a disclosure decided as ``decision``, granting it, with no copy sealed
    yet: the decision posted again (after a failed send) asks verify again."""
    return (
        request.discloses
        and request.decision is decision
        and deps.person_requests(request.prefecture_code).disclosure(request.request_id) is None
    )


def _ask_for_copy(deps: Dependencies, request: PersonRequest) -> None:
    deps.verify_queue.send(
        DisclosureDue(
            prefecture_code=request.prefecture_code,
            request_id=request.request_id,
            qualification_pseudonym_id=request.qualification_pseudonym_id,
            requester=request.requester.value,
        )
    )


def withdraw_request(
    staff: Caller, request_key: str, request_id: str, deps: Dependencies | None = None
) -> RequestView:
    deps = deps or dependencies()
    request = _open(deps, staff_prefecture(staff), request_key)
    corrections.check_withdrawal(deps, request)
    at = deps.clock()
    return _changed(deps, staff, request, lambda: request.withdrawn(staff.id, at), request_id)


def lift_suspension(
    staff: Caller, person: str, body: Lift, request_id: str, deps: Dependencies | None = None
) -> RequestView:
    """End the person's suspension of use: their data is processed again; verify and certify
    are told to take up what they held (``use_resumed``), and sync to reconcile the prefecture
    with the national side. Answers the request that had started it."""
    screening.refuse(holding_my_number(body.reason, "reason"))
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    store = deps.person_requests(prefecture)
    suspension = store.suspension(person)
    if suspension is None:
        raise NotFoundError("the person's use is not suspended in the caller's prefecture")
    started = store.request(suspension.request_id)
    if started is None:
        raise NotFoundError(_NOT_FOUND)
    event = staff_event(
        staff,
        AuditAction.SUSPENSION_LIFTED,
        ("suspension", person),
        person=person,
        at=deps.clock(),
        request_id=request_id,
    )
    try:
        store.lift(suspension, [event])
    except ConcurrentRequestChangeError as exc:
        raise ConflictError(str(exc), slug="request-changed") from None
    # After the write: verify takes the person's held applications on to review, certify
    # their held certificates and pass notices, and sync reconciles the prefecture with the
    # national side now (the person's records it did not provide while suspended go), not
    # at the next daily run.
    resumed = UseResumed(prefecture_code=prefecture, qualification_pseudonym_id=person)
    deps.verify_queue.send(resumed)
    deps.certify_queue.send(resumed)
    deps.sync_queue.send(
        NationalReconcilePrefecture(prefecture_code=prefecture, scheduled_at=deps.clock())
    )
    return RequestView.of(started, suspended=False)


def _open(deps: Dependencies, prefecture: str, request_key: str) -> PersonRequest:
    request = deps.person_requests(prefecture).request(request_key)
    if request is None:
        raise NotFoundError(_NOT_FOUND)
    return request


def _changed(
    deps: Dependencies,
    staff: Caller,
    request: PersonRequest,
    change: Callable[[], PersonRequest],
    request_id: str,
    *,
    suspension: Suspension | None = None,
) -> RequestView:
    """``change()`` kept, conditional on the request still being as read."""
    store = deps.person_requests(request.prefecture_code)
    try:
        changed = change()
        event = _event(staff, AuditAction.PERSON_REQUEST_CHANGED, changed, request_id, deps.clock())
        store.change(changed, request.status, [event], suspension=suspension)
    except RequestStateError as exc:
        raise ConflictError(str(exc), slug="request-state") from None
    except ConcurrentRequestChangeError as exc:
        raise ConflictError(str(exc), slug="request-changed") from None
    person = changed.qualification_pseudonym_id
    return RequestView.of(changed, store.suspension(person) is not None)


def _views(store: PersonRequests, found: Sequence[PersonRequest]) -> tuple[RequestView, ...]:
    suspended = store.suspended_persons() if found else frozenset()
    return tuple(RequestView.of(r, r.qualification_pseudonym_id in suspended) for r in found)


def _event(  # noqa: PLR0917 (the entry's facts, in the order staff_event takes them)
    staff: Caller,
    action: AuditAction,
    request: PersonRequest,
    request_id: str,
    at: datetime,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    return staff_event(
        staff,
        action,
        ("person_request", request.request_id),
        person=request.qualification_pseudonym_id,
        at=at,
        request_id=request_id,
        outcome=outcome,
    )
