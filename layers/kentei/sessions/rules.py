"""The rules a session obeys, checked when staff create or change one.

- The work and grade exist in the national catalogue and offer the part (the written test,
  which every offered grade has, or the practical component kind).
- The round exists and holds the grade; the date is inside it: a written session on the
  round's written date for the grade (on demand: inside the period), a practical session
  inside the practical period.
- It ends after it starts, and holds at least one seat.
- No other session of the prefecture shares its space (:meth:`Venue.shares_space_with`) on
  the same day at intersecting times, whatever its round, work or part. Two sessions of the
  same family at the same time in different rooms or venues are fine: only the space is
  exclusive, examiners and papers are not modelled.
- A change never lowers the capacity below the seats already assigned (the store checks it
  again in the write, so a seat taken meanwhile cannot slip under it).

Every broken rule is reported at once (:class:`SessionRefusedError`, one field error each).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from kentei.exams.catalogue import Catalogue
from kentei.exams.errors import UnknownExamError
from kentei.exams.rounds import AnyRound, Round, Rounds
from kentei.field_errors import FieldError
from kentei.roster.sitting import ExamRound
from kentei.sessions.errors import SessionRefusedError
from kentei.sessions.model import ExamSession, SessionChange, SessionDraft, SessionPart


def check_draft(draft: SessionDraft, *, catalogue: Catalogue, rounds: Rounds) -> list[FieldError]:
    """The rules a session breaks on its own (the overlaps need the other sessions)."""
    errors: list[FieldError] = []
    if draft.capacity < 1:
        errors.append(FieldError(field="capacity", problem="must be at least 1 seat"))
    if draft.ends_at <= draft.starts_at:
        errors.append(FieldError(field="ends_at", problem="must be after the start time"))
    errors.extend(_catalogue_errors(draft, catalogue))
    try:
        held = rounds.round_for(draft.exam_round.fiscal_year, draft.exam_round.term)
    except UnknownExamError as exc:
        errors.append(FieldError(field="exam_round", problem=exc.rule))
        return errors
    if draft.grade not in held.grades:
        errors.append(FieldError(field="grade", problem=f"not held in {held.label}"))
        return errors
    errors.extend(_date_errors(draft, held))
    return errors


def _catalogue_errors(draft: SessionDraft, catalogue: Catalogue) -> list[FieldError]:
    try:
        offer = catalogue.offer(draft.trade_code, draft.work_code, draft.grade)
    except UnknownExamError as exc:
        return [FieldError(field=exc.field, problem=exc.rule)]
    component = draft.part.component
    if component is not None and all(c.kind is not component for c in offer.practical):
        offered = ", ".join(c.kind.value for c in offer.practical)
        return [
            FieldError(
                field="part",
                problem=f"the practical test of this work and grade has no {component.value} "
                f"(it has {offered})",
            )
        ]
    return []


def _date_errors(draft: SessionDraft, held: AnyRound) -> list[FieldError]:
    day = draft.exam_date
    if draft.part is SessionPart.WRITTEN:
        if held.is_written_date(day, draft.grade):
            return []
        if isinstance(held, Round):
            rule = (
                f"must be the written date of {draft.grade.value} in {held.label} "
                f"({held.written_date(draft.grade).isoformat()})"
            )
        else:
            rule = f"must be inside {held.label} ({_period(held)})"
        return [FieldError(field="exam_date", problem=rule)]
    if held.in_practical_period(day):
        return []
    return [
        FieldError(
            field="exam_date",
            problem=f"must be inside the practical period of {held.label} ({_period(held)})",
        )
    ]


def _period(held: AnyRound) -> str:
    period = held.practical_period
    return f"{period.start.isoformat()} to {period.end.isoformat()}"


def overlap_errors(
    candidate: ExamSession | SessionDraft,
    prefecture_code: str,
    same_day: Iterable[ExamSession],
    *,
    itself: str | None = None,
) -> list[FieldError]:
    """The sessions of the prefecture that would share the candidate's space at its time."""
    errors = []
    for other in same_day:
        if other.prefecture_code != prefecture_code or other.session_id == itself:
            continue
        if other.overlaps(candidate):
            errors.append(
                FieldError(
                    field="venue",
                    problem=f"the same venue and room is taken by session {other.session_id} "
                    f"on {other.exam_date.isoformat()} from {other.starts_at:%H:%M} to "
                    f"{other.ends_at:%H:%M}",
                )
            )
    return errors


def rounds_on(rounds: Rounds, day: date) -> tuple[ExamRound, ...]:
    """The rounds that may hold a session on ``day``: the sessions to check overlaps against
    are theirs (the on-demand round runs alongside the regular ones)."""
    found = []
    for held in rounds.all():
        written = isinstance(held, Round) and day in held.written_dates.values()
        if written or held.in_practical_period(day):
            found.append(ExamRound(fiscal_year=held.fiscal_year, term=held.term))
    return tuple(found)


def create(
    draft: SessionDraft,
    *,
    prefecture_code: str,
    session_id: str,
    by: str,
    at: datetime,
    catalogue: Catalogue,
    rounds: Rounds,
    same_day: Iterable[ExamSession],
) -> ExamSession:
    """A new session from ``draft``, or :class:`SessionRefusedError` naming every rule broken.
    ``same_day``: the prefecture's sessions on the draft's date (of :func:`rounds_on`)."""
    errors = check_draft(draft, catalogue=catalogue, rounds=rounds)
    errors.extend(overlap_errors(draft, prefecture_code, same_day))
    if errors:
        raise SessionRefusedError(errors)
    return ExamSession(
        session_id=session_id,
        prefecture_code=prefecture_code,
        **draft.model_dump(),
        seats=0,
        created_by=by,
        created_at=at,
        version=1,
    )


def change(
    current: ExamSession,
    changes: SessionChange,
    *,
    by: str,
    at: datetime,
    catalogue: Catalogue,
    rounds: Rounds,
    same_day: Iterable[ExamSession],
) -> ExamSession:
    """``current`` with ``changes``, its version one up; :class:`SessionRefusedError` naming
    every rule broken. ``same_day``: the prefecture's sessions on the (new) date."""
    asked = changes.model_dump(exclude_none=True)
    fields = {name: getattr(current, name) for name in SessionDraft.model_fields}
    draft = SessionDraft.model_validate({**fields, **asked})
    errors = check_draft(draft, catalogue=catalogue, rounds=rounds)
    if draft.capacity < current.seats:
        errors.append(
            FieldError(
                field="capacity",
                problem=f"cannot be below the {current.seats} seats already assigned",
            )
        )
    errors.extend(
        overlap_errors(draft, current.prefecture_code, same_day, itself=current.session_id)
    )
    if errors:
        raise SessionRefusedError(errors)
    return ExamSession.model_validate(
        {
            **current.model_dump(),
            **asked,
            "updated_by": by,
            "updated_at": at,
            "version": current.version + 1,
        }
    )
