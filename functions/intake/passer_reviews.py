"""Staff review of past passers' claims (初期登録申請の審査, R17; role ``results``, own
prefecture): the initial registrations verify could not match, listed and opened with the
historical record they claim, then linked or rejected with a reason.

A registration in another prefecture, or a malformed id, is not there (``404``). What staff
see: the failed checks, the numbers claimed, when, the claimant's name and birth date as their
signature certificate states them (kept only while in review), and the historical record as
the association holds it (numbers, grade, work, pass date, name and birth date), with whether
it is linked to the claimant, to another person (nothing more of that person), or to nobody.
Lists and openings are audited before the answer; a decision in its own transaction
(:mod:`kentei.initial_registrations.review`, :class:`intake.dependencies.PasserReviewStore`).
The same decision retried by the same staff member, with the same reason, gets the same
answer; anything else on a decided registration is a ``409``. Logs carry ids and codes only.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from intake.telemetry import instruments
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.initial_registrations import StoredInitialRegistration
from kentei.initial_registrations import (
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    ReviewDecision,
    StaffDecision,
    prefecture_of_initial_registration,
)
from kentei.initial_registrations.review import (
    LinkedToAnotherError,
    LinkPlan,
    NoHistoricalRecordError,
    RegistrationDecidedError,
    ReviewChangedError,
    ReviewError,
    is_repeat,
    plan_link,
    plan_reject,
)
from kentei.records.codes import Grade, Term
from kentei.results.historical.model import HistoricalStatus, StoredHistoricalPass
from kentei.screening import holding_my_number

_NOT_FOUND: Final = "no such initial registration in the caller's prefecture"
MAX_PAGE: Final = 100
RECORD_TYPE: Final = "initial_registration"
Reviewable = Literal["in_review", "linked", "rejected"]


class ClaimantView(BaseModel):
    """The claimant as their signature certificate states them."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    name: str
    birth_date: dt.date


class HistoricalView(BaseModel):
    """The historical record as the association holds it, and whom it is linked to (never
    another person's items or 資格仮名ID)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    passer_number: str = Field(description="技能士番号")
    certificate_number: str | None = Field(description="合格証書番号, if recorded")
    grade: Grade
    trade_code: str
    work_code: str
    pass_fiscal_year: int
    term: Term
    passed_on: dt.date = Field(description="合格日")
    name: str = Field(description="the name as recorded")
    name_kana: str | None
    birth_date: dt.date = Field(description="the birth date as recorded")
    status: HistoricalStatus
    linked_to: Literal["nobody", "claimant", "another_person"]
    conflict_names_this_registration: bool = Field(
        description="the record's open conflict is this registration's"
    )

    @classmethod
    def of(cls, stored: StoredHistoricalPass, claimant: str | None, registration: str) -> Self:
        record, person = stored.record, stored.record.person
        linked_to: Literal["nobody", "claimant", "another_person"] = (
            "nobody"
            if stored.link is None
            else "claimant"
            if stored.link.qualification_pseudonym_id == claimant
            else "another_person"
        )
        return cls(
            passer_number=record.passer_number,
            certificate_number=record.certificate_number,
            grade=record.grade,
            trade_code=record.trade_code,
            work_code=record.work_code,
            pass_fiscal_year=record.pass_fiscal_year,
            term=record.term,
            passed_on=record.passed_on,
            name=person.name,
            name_kana=person.name_kana,
            birth_date=person.birth_date,
            status=stored.status,
            linked_to=linked_to,
            conflict_names_this_registration=stored.conflict_application_id == registration,
        )


class ReviewRegistration(BaseModel):
    """An initial registration as staff review it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    registration_id: str
    status: Literal["received", "linked", "in_review", "refused", "rejected"]
    received_at: AwareDatetime
    verified_at: AwareDatetime | None
    checks: tuple[str, ...] = Field(
        description="the failed checks that sent it to staff (codes), or a refusal's reason"
    )
    passer_number: str | None = Field(description="the 技能士番号 claimed")
    certificate_number: str | None = Field(description="the 合格証書番号 claimed, if any")
    qualification_pseudonym_id: str | None = Field(description="the claimant's 資格仮名ID")
    claimant: ClaimantView | None = Field(
        description="the claimant's name and birth date (in review only; dropped once decided)"
    )
    historical: HistoricalView | None = Field(
        description="the record of the claimed number (none: the prefecture holds none)"
    )
    decision: StaffDecision | None = Field(description="staff's decision (linked, rejected)")

    @classmethod
    def of(
        cls, record: InitialRegistrationRequest, historical: StoredHistoricalPass | None
    ) -> Self:
        claimant = record.claimant
        return cls(
            registration_id=record.request_id,
            status=record.status.value,
            received_at=record.received_at,
            verified_at=record.verified_at,
            checks=record.reasons,
            passer_number=record.passer_number,
            certificate_number=record.certificate_number,
            qualification_pseudonym_id=record.qualification_pseudonym_id,
            claimant=None
            if claimant is None
            else ClaimantView(name=claimant.name, birth_date=claimant.birth_date),
            historical=None
            if historical is None
            else HistoricalView.of(
                historical, record.qualification_pseudonym_id, record.request_id
            ),
            decision=record.review,
        )


class ReviewRegistrationPage(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    registrations: tuple[ReviewRegistration, ...]
    next_cursor: str | None


class PasserDecisionRequest(BaseModel):
    """Staff's decision on a registration in review."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    decision: ReviewDecision = Field(
        description="link: the past pass is the claimant's; reject: the claim is not accepted"
    )
    reason: str = Field(
        min_length=1, max_length=500, description="why (kept with the decision; no My Number)"
    )
    replace: bool = Field(
        False,
        description="link only: relink a record linked to another person, revoking that "
        "person's pass record of it (without it, such a link is a 409 linked-to-another)",
    )


def list_registrations(
    staff: Caller,
    status: Reviewable,
    limit: int,
    cursor: str | None,
    request_id: str,
    *,
    deps: Dependencies | None = None,
) -> ReviewRegistrationPage:
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    store = deps.passer_reviews(prefecture)
    found, following = store.registrations(InitialRegistrationStatus(status), limit, cursor)
    views = tuple(
        ReviewRegistration.of(
            record, None if record.passer_number is None else store.historical(record.passer_number)
        )
        for record in found
    )
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.INITIAL_REGISTRATIONS_LISTED,
            record_type="initial_registration_list",
            record_id=status,
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ReviewRegistrationPage(registrations=views, next_cursor=following)


def open_registration(
    staff: Caller, registration_id: str, request_id: str, deps: Dependencies | None = None
) -> ReviewRegistration:
    deps = deps or dependencies()
    store = deps.passer_reviews(_prefecture(staff))
    record = _find(staff, registration_id, deps).record
    historical = None if record.passer_number is None else store.historical(record.passer_number)
    deps.audit.record(
        _event(
            staff,
            AuditAction.INITIAL_REGISTRATION_OPENED,
            record,
            request_id,
            deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ReviewRegistration.of(record, historical)


def decide_registration(
    staff: Caller,
    registration_id: str,
    request: PasserDecisionRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> ReviewRegistration:
    screening.refuse(holding_my_number(request.reason, "reason"))
    deps = deps or dependencies()
    store = deps.passer_reviews(_prefecture(staff))
    stored = _find(staff, registration_id, deps)
    record = stored.record
    historical = None if record.passer_number is None else store.historical(record.passer_number)
    if is_repeat(record, request.decision, staff.id, request.reason):
        return ReviewRegistration.of(record, historical)
    at = deps.clock()
    after: StoredHistoricalPass | None
    try:
        if request.decision is ReviewDecision.LINK:
            plan = plan_link(
                record,
                historical,
                by=staff.id,
                at=at,
                reason=request.reason,
                replace=request.replace,
            )
            store.link(stored, plan, at, audit=_link_events(staff, plan, request_id, at))
            decided, after = plan.decided, plan.after
        else:
            rejected = plan_reject(record, historical, by=staff.id, at=at, reason=request.reason)
            event = _event(staff, AuditAction.INITIAL_REGISTRATION_REJECTED, record, request_id, at)
            store.reject(stored, rejected, audit=[event])
            decided, after = rejected.decided, rejected.after or historical
    except ReviewError as exc:
        raise conflict(exc) from None
    instruments.count("InitialRegistrationReviews", decision=request.decision.value)
    instruments.logger.info(
        "initial registration reviewed",
        extra={"registration_id": registration_id, "decision": request.decision.value},
    )
    return ReviewRegistration.of(decided, after)


def conflict(error: ReviewError) -> ConflictError:
    """The edge's answer to a decision the registration's or the record's state refuses."""
    slugs: dict[type[ReviewError], str] = {
        RegistrationDecidedError: "registration-decided",
        NoHistoricalRecordError: "no-historical-record",
        LinkedToAnotherError: "linked-to-another",
        ReviewChangedError: "concurrent-change",
    }
    return ConflictError(str(error), slug=slugs.get(type(error), "conflict"))


def _link_events(
    staff: Caller, plan: LinkPlan, request_id: str, at: dt.datetime
) -> list[AuditEvent]:
    """The registration linked; the record linked to the claimant (a new link); the other
    person's pass record revoked (a replacing link)."""
    record = plan.decided
    events = [_event(staff, AuditAction.INITIAL_REGISTRATION_LINKED, record, request_id, at)]
    prefecture = _prefecture(staff)
    number = plan.current.record.passer_number
    if plan.link is not None:
        events.append(
            AuditEvent.by(
                staff,
                AuditAction.HISTORICAL_PASS_LINKED,
                record_type="historical_pass",
                record_id=number,
                prefecture_code=prefecture,
                request_id=request_id,
                at=at,
                person_id=record.qualification_pseudonym_id,
            )
        )
    if plan.revoke is not None:
        events.append(
            AuditEvent.by(
                staff,
                AuditAction.PASS_REVOKED,
                record_type="pass",
                record_id=plan.revoke.record_id,
                prefecture_code=prefecture,
                request_id=request_id,
                at=at,
                person_id=plan.revoke.qualification_pseudonym_id,
            )
        )
    return events


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def _find(staff: Caller, registration_id: str, deps: Dependencies) -> StoredInitialRegistration:
    prefecture = _prefecture(staff)
    if prefecture_of_initial_registration(registration_id) != prefecture:
        raise NotFoundError(_NOT_FOUND)
    stored = deps.passer_reviews(prefecture).registration(registration_id)
    if stored is None:
        raise NotFoundError(_NOT_FOUND)
    return stored


def _event(
    staff: Caller,
    action: AuditAction,
    record: InitialRegistrationRequest,
    request_id: str,
    at: dt.datetime,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type=RECORD_TYPE,
        record_id=record.request_id,
        prefecture_code=record.prefecture_code,
        request_id=request_id,
        at=at,
        outcome=outcome,
        person_id=record.qualification_pseudonym_id,
    )
