"""Correcting a sitting's scores (訂正, R11, R12): the results office (role ``results``) of the
sitting's prefecture, one sitting at a time, always with a reason, audited with the write.

Before the sitting's group is announced, the corrected scores replace the stored ones (each
change kept in the score history, the source ``correction:<request id>``); staff decide the
group again. After the announcement the sitting is decided again at once
(:mod:`kentei.results.corrections`): the correction is kept on its decision, and its pass
record follows the new result (numbered if new, replaced if its kind changed, revoked if
lost), all in one transaction with the scores and the audit entry. Scores the sitting does
not take (a part it does not sit, a component its grade does not have) are ``422`` naming the
score; the reason is staff text, screened for a My Number before anything is stored.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.passes import DecisionChangedError
from kentei.data.results import ScoreRow, slot
from kentei.exams.catalogue import load_catalogue
from kentei.exams.parts import ComponentKind
from kentei.field_errors import FieldError
from kentei.results.corrections import corrected
from kentei.results.decision import Result, ScoreEntry, ScoresError, decide
from kentei.results.groups import group_of_sitting, rule_for
from kentei.results.passes import DecisionStatus
from kentei.results.rules import load_pass_rules
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting

_NOT_FOUND = "no sitting of an accepted application with this id in the caller's prefecture"


class ScoreCorrection(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    part: Part
    component: ComponentKind | None = Field(None, description="the practical component")
    score: int | None = Field(None, ge=0, le=100, description="points of 100; none if absent")
    absent: bool = False
    question_minimum_missed: bool = False


class CorrectionRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    scores: list[ScoreCorrection] = Field(min_length=1, max_length=8)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="why (staff text; kept with the correction)"
    )


class CorrectedPass(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    kind: str
    parts: tuple[Part, ...]
    passer_number: str | None
    certificate_number: str | None
    notice_number: str | None


class CorrectionAnswer(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    announced: bool = Field(description="the group was announced: the sitting decided again")
    before: Result | None = None
    after: Result | None = None
    pass_record: CorrectedPass | None = None


def correct_scores(
    staff: Caller,
    application_id: str,
    request: CorrectionRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> CorrectionAnswer:
    screening.refuse_in_staff_body(request)
    deps = deps or dependencies()
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise ValueError("a staff caller has a prefecture")
    sitting = _sitting(prefecture, application_id, deps)
    group = group_of_sitting(sitting)
    rule = rule_for(group, load_catalogue(), load_pass_rules())
    entries = _entries(request, sitting, {c.kind for c in rule.practical})
    at = deps.clock()
    rows = [ScoreRow(application_id, entry) for entry in entries]
    source = f"correction:{request_id}"
    event = AuditEvent.by(
        staff,
        AuditAction.RESULTS_SCORE_CORRECTED,
        record_type="sitting",
        record_id=application_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=sitting.qualification_pseudonym_id,
    )
    scores, results = deps.scores(prefecture), deps.results(prefecture)
    decided = results.decision(group.key, application_id)
    if decided is None or decided.status is not DecisionStatus.ANNOUNCED:
        scores.correct(rows, source=source, at=at, by=staff.id, audit=(event,))
        return CorrectionAnswer(application_id=application_id, announced=False)
    current = {slot(stored.entry): stored.entry for stored in scores.scores_of(application_id)}
    current.update({slot(entry): entry for entry in entries})
    try:
        decision = decide(sitting.parts, sitting.exemptions, current.values(), rule)
    except ScoresError as exc:
        raise InvalidRequestError(
            str(exc), [FieldError(field="body.scores", problem="inconsistent with the stored")]
        ) from None
    after = corrected(decided, decision, at=at, by=staff.id, reason=request.reason)
    writes = scores.correction_writes(rows, source=source, at=at, by=staff.id)
    try:
        record = results.correct(decided, after, at, writes=writes, audit=(event,))
    except DecisionChangedError:
        raise ConflictError(
            "the sitting's decision changed meanwhile; read it again", slug="concurrent-change"
        ) from None
    return CorrectionAnswer(
        application_id=application_id,
        announced=True,
        before=decided.decision.result,
        after=decision.result,
        pass_record=None
        if record is None
        else CorrectedPass(
            kind=record.kind.value,
            parts=record.parts,
            passer_number=record.passer_number,
            certificate_number=record.certificate_number,
            notice_number=record.notice_number,
        ),
    )


def _sitting(prefecture: str, application_id: str, deps: Dependencies) -> Sitting:
    stored = deps.applications(prefecture).get(application_id)
    if stored is None or stored.application.status is not Status.ACCEPTED:
        raise NotFoundError(_NOT_FOUND)
    person = stored.application.qualification_pseudonym_id
    sittings = [] if person is None else deps.roster(prefecture).sittings_of(person)
    found = next((s for s in sittings if s.application_id == application_id), None)
    if found is None:
        raise NotFoundError(_NOT_FOUND)
    return found


def _entries(
    request: CorrectionRequest, sitting: Sitting, components: set[ComponentKind]
) -> list[ScoreEntry]:
    entries: list[ScoreEntry] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    for index, score in enumerate(request.scores):
        where = f"body.scores.{index}"
        try:
            entry = ScoreEntry(**score.model_dump())
        except ValueError:
            problems.append(FieldError(field=where, problem="a score, or absent, for its part"))
            continue
        if entry.part not in sitting.parts:
            problems.append(FieldError(field=f"{where}.part", problem="a part it does not sit"))
        elif entry.component is not None and entry.component not in components:
            problems.append(
                FieldError(field=f"{where}.component", problem="not a component of its grade")
            )
        elif slot(entry) in seen:
            problems.append(FieldError(field=where, problem="the same score twice"))
        seen.add(slot(entry))
        entries.append(entry)
    if problems:
        raise InvalidRequestError("scores the sitting does not take", problems)
    return entries
