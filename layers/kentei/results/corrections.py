"""A correction of a sitting's scores (訂正, R11, R12): always with a reason, never silent.

Before its group is announced, a correction only replaces scores: staff decide the group
again. After the announcement, the sitting is decided again at once, and the correction is
kept on the decision (:class:`~kentei.results.passes.Correction`: who, when, why, the result
before and after, the rule). What it does to the pass record (:func:`record_change`):

- the same kind of result: nothing (the pass keeps its numbers);
- a new pass or part pass (``new``): numbered and recorded, as at the announcement;
- a part pass become a full pass, or the reverse (``replace``): the record is replaced and
  numbered for its new kind; the old numbers stay in the number claims, never reused;
- a pass or part pass lost (``revoke``): the record is kept, marked revoked with the
  correction, and no longer exempts anything (certificates follow with issue 11).

Pure.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from kentei.exemptions.model import PassKind, PassRecord
from kentei.results.decision import Decision, Result
from kentei.results.passes import Correction, DecidedSitting

_KIND_OF: dict[Result, PassKind] = {
    Result.PASS: PassKind.PASS,
    Result.PART_PASS: PassKind.PART_PASS,
}


class RecordChange(StrEnum):
    NONE = "none"
    NEW = "new"
    REPLACE = "replace"
    REVOKE = "revoke"


def record_change(current: PassRecord | None, after: Decision) -> RecordChange:
    """What a corrected decision does to the sitting's pass record."""
    kind = _KIND_OF.get(after.result)
    if current is None:
        return RecordChange.NONE if kind is None else RecordChange.NEW
    if kind is None:
        return RecordChange.REVOKE
    same_parts = set(current.parts) == set(after.passed_here) or kind is PassKind.PASS
    if current.kind is kind and same_parts:
        return RecordChange.NONE
    return RecordChange.REPLACE


def corrected(
    decided: DecidedSitting, decision: Decision, *, at: datetime, by: str, reason: str
) -> DecidedSitting:
    """The announced decision decided again, with the correction kept on it."""
    correction = Correction(
        at=at,
        by=by,
        reason=reason,
        before=decided.decision.result,
        after=decision.result,
        rule_version=decision.rule_version,
    )
    return decided.model_copy(
        update={
            "decision": decision,
            "decided_at": at,
            "decided_by": by,
            "corrections": (*decided.corrections, correction),
        }
    )
