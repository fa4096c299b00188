"""Reading the roster (R7, R8): staff of a prefecture open a person by 資格仮名ID and see their
items and sittings, and whether their use is suspended (利用停止). The read is written to the
audit trail before the answer goes out; the roster is the caller's prefecture's, so another
prefecture's person is simply not there (``404``)."""

from __future__ import annotations

from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.roster_views import RosterExaminee
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome

_NOT_FOUND = "no such examinee on the caller's prefecture's roster"


def open_examinee(
    staff: Caller,
    qualification_pseudonym_id: str,
    request_id: str,
    deps: Dependencies | None = None,
) -> RosterExaminee:
    deps = deps or dependencies()
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise ValueError("a staff caller has a prefecture")
    roster = deps.roster(prefecture)
    stored = roster.examinee(qualification_pseudonym_id)
    if stored is None:
        raise NotFoundError(_NOT_FOUND)
    sittings = roster.sittings_of(qualification_pseudonym_id)
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.EXAMINEE_OPENED,
            record_type="examinee",
            record_id=qualification_pseudonym_id,
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
            person_id=qualification_pseudonym_id,
        )
    )
    suspended = deps.person_requests(prefecture).suspension(qualification_pseudonym_id)
    return RosterExaminee.of(stored, sittings, use_suspended=suspended is not None)
