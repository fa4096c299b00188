"""A results group as a sync message names it, and the audit entries sync writes for the
staff member who asked."""

from __future__ import annotations

from datetime import datetime

from kentei.data.audit import AuditAction, AuditEvent
from kentei.messages import ResultsGroupMessage
from kentei.records.codes import Grade, Term
from kentei.results.groups import ResultsGroup
from kentei.roster.parts import ExamRound


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
