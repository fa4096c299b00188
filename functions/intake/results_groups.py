"""The results office (role ``results``, R12): ask sync to decide a results group, read its
decisions, ask for its announcement (合格発表), and download the passing exam numbers.

A results group is a round's work and grade in the caller's prefecture; the catalogue must
offer the grade and the round hold it (else ``422`` naming the field). Deciding and
announcing run in sync (``results_decisions_due``, ``results_announcement_due``); asking is
audited here. The pass date an announcement gives is the round's announcement date for the
grade (the rounds data), and a group is announced on or after that day, never before
(``409 announcement-not-due``); an on-demand round's is the day staff announce. Reading
decisions is audited before the answer; the passing numbers are the announcement itself
(exam numbers, no names), audited as a download.
"""

from __future__ import annotations

from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError
from intake.results_views import (
    GroupDecisions,
    PassingNumbers,
    ResultsGroupRequest,
    ResultsQueued,
    SittingDecision,
)
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.exams.catalogue import load_catalogue
from kentei.exams.errors import UnknownExamError
from kentei.exams.rounds import Round, load_rounds
from kentei.field_errors import FieldError
from kentei.messages import ResultsAnnouncementDue, ResultsDecisionsDue
from kentei.records.fields import JST
from kentei.results.decision import Result
from kentei.results.groups import ResultsGroup
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.results.runs import RunKind


def request_decisions(
    staff: Caller, body: ResultsGroupRequest, request_id: str, deps: Dependencies | None = None
) -> ResultsQueued:
    deps = deps or dependencies()
    group = _offered(body)
    prefecture = _prefecture(staff)
    deps.audit.record(
        _event(staff, AuditAction.RESULTS_DECISIONS_REQUESTED, group, request_id, deps)
    )
    deps.sync_queue.send(ResultsDecisionsDue(**_message(staff, body, request_id, prefecture)))
    return ResultsQueued(group_key=group.key)


def read_decisions(
    staff: Caller, body: ResultsGroupRequest, request_id: str, deps: Dependencies | None = None
) -> GroupDecisions:
    deps = deps or dependencies()
    group = _offered(body)
    results = deps.results(_prefecture(staff))
    decided = _decided(results.decisions(group.key))
    deps.audit.record(
        _event(
            staff, AuditAction.RESULTS_LISTED, group, request_id, deps, outcome=AuditOutcome.ALLOWED
        )
    )
    counts: dict[str, int] = {}
    for one in decided:
        for key in (one.decision.result.value, one.status.value):
            counts[key] = counts.get(key, 0) + 1
    return GroupDecisions(
        group_key=group.key,
        counts=counts,
        decisions=tuple(SittingDecision.of(one) for one in decided),
        decisions_run=results.run(group.key, RunKind.DECISIONS),
        announcement_run=results.run(group.key, RunKind.ANNOUNCEMENT),
    )


def request_announcement(
    staff: Caller, body: ResultsGroupRequest, request_id: str, deps: Dependencies | None = None
) -> ResultsQueued:
    deps = deps or dependencies()
    group = _offered(body)
    prefecture = _prefecture(staff)
    today = deps.clock().astimezone(JST).date()
    held = load_rounds().round_for(body.fiscal_year, body.term)
    announced_on = held.announcement(body.grade) if isinstance(held, Round) else today
    if announced_on > today:
        raise ConflictError(
            f"the round announces {body.grade.value} on {announced_on.isoformat()}: "
            "the announcement is not due yet",
            slug="announcement-not-due",
        )
    deps.audit.record(
        _event(staff, AuditAction.RESULTS_ANNOUNCEMENT_REQUESTED, group, request_id, deps)
    )
    deps.sync_queue.send(
        ResultsAnnouncementDue(
            **_message(staff, body, request_id, prefecture), announced_on=announced_on
        )
    )
    return ResultsQueued(group_key=group.key, announced_on=announced_on)


def passing_numbers(
    staff: Caller, body: ResultsGroupRequest, request_id: str, deps: Dependencies | None = None
) -> PassingNumbers:
    deps = deps or dependencies()
    group = _offered(body)
    results = deps.results(_prefecture(staff))
    decided = _decided(results.decisions(group.key))
    announced = [d for d in decided if d.status is DecisionStatus.ANNOUNCED]
    if not decided or len(announced) != len(decided):
        raise ConflictError(
            "the group is not announced (or not all of it yet)", slug="not-announced"
        )
    deps.audit.record(
        _event(
            staff,
            AuditAction.ANNOUNCEMENT_DOWNLOADED,
            group,
            request_id,
            deps,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    days = {d.announced_on for d in announced if d.announced_on is not None}
    return PassingNumbers(
        group_key=group.key,
        announced_on=min(days),
        exam_numbers=tuple(d.exam_number for d in announced if d.decision.result is Result.PASS),
    )


def passing_numbers_csv(numbers: PassingNumbers) -> str:
    """The list as a CSV to publish (UTF-8 with BOM, so spreadsheet programs read it)."""
    lines = ["受検番号", *numbers.exam_numbers]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _offered(body: ResultsGroupRequest) -> ResultsGroup:
    """The group, if the catalogue offers its grade and its round holds it."""
    try:
        load_catalogue().offer(body.trade_code, body.work_code, body.grade)
    except UnknownExamError as exc:
        raise InvalidRequestError(
            "the catalogue does not offer this work and grade",
            [FieldError(field=f"body.{exc.field}", problem=exc.rule)],
        ) from None
    try:
        held = load_rounds().round_for(body.fiscal_year, body.term)
    except UnknownExamError:
        raise InvalidRequestError(
            "no such round", [FieldError(field="body.term", problem="no such round")]
        ) from None
    if body.grade not in held.grades:
        raise InvalidRequestError(
            "the round does not hold this grade",
            [FieldError(field="body.grade", problem=f"not held in {held.label}")],
        )
    return body.group


def _decided(found: list[DecidedSitting]) -> list[DecidedSitting]:
    return sorted(found, key=lambda d: d.exam_number)


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def _message(
    staff: Caller, body: ResultsGroupRequest, request_id: str, prefecture: str
) -> dict[str, object]:
    return {
        "prefecture_code": prefecture,
        "fiscal_year": body.fiscal_year,
        "term": body.term.value,
        "trade_code": body.trade_code,
        "work_code": body.work_code,
        "grade": body.grade.value,
        "requested_by": staff.id,
        "request_id": request_id,
    }


def _event(
    staff: Caller,
    action: AuditAction,
    group: ResultsGroup,
    request_id: str,
    deps: Dependencies,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type="results_group",
        record_id=group.key[:64],
        prefecture_code=_prefecture(staff),
        request_id=request_id,
        at=deps.clock(),
        outcome=outcome,
    )
