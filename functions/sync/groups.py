"""A results group as a sync message names it, and the audit entries sync writes for the
staff member who asked, and the pages its group-wide work goes in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from kentei.data.audit import AuditAction, AuditEvent
from kentei.messages import ResultsGroupMessage
from kentei.records.codes import Grade, Term
from kentei.results.groups import ResultsGroup
from kentei.roster.parts import ExamRound


class _Numbered(Protocol):
    @property
    def exam_number(self) -> str: ...


Numbered = TypeVar("Numbered", bound=_Numbered)


def page_of(
    ordered: Sequence[Numbered], after: str | None, size: int
) -> tuple[list[Numbered], str | None, bool]:
    """The page of at most ``size`` after exam number ``after`` of a group's sittings in
    exam-number order: the page, its last exam number (None when empty) and whether more
    follow it."""
    page = [one for one in ordered if after is None or one.exam_number > after][:size]
    last = page[-1].exam_number if page else None
    return page, last, last is not None and ordered[-1].exam_number > last


def group_of(message: ResultsGroupMessage) -> ResultsGroup:
    return ResultsGroup(
        exam_round=ExamRound(fiscal_year=message.fiscal_year, term=Term(message.term)),
        trade_code=message.trade_code,
        work_code=message.work_code,
        grade=Grade(message.grade),
    )


def event(
    message: ResultsGroupMessage,
    action: AuditAction,
    at: datetime,
    *,
    record: tuple[str, str],
    person_id: str | None = None,
) -> AuditEvent:
    """An entry by the staff member whose request this message carries out."""
    return AuditEvent(
        actor=message.requested_by,
        action=action,
        record_type=record[0],
        record_id=record[1][:64],
        prefecture_code=message.prefecture_code,
        request_id=message.request_id,
        at=at,
        person_id=person_id,
    )
