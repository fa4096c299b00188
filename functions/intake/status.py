"""An application's status, for the bridge that submitted it and staff of its prefecture.

Anyone else gets ``404``, as for an id that does not exist: the answer never confirms that
an application exists. A malformed id is a ``404`` too. A staff member's read is written to
the audit trail before the status is returned (it names a person's application); a bridge
polling the status of its own submission is not (its answer holds no personal data, and
the bridge submitted it).
"""

from __future__ import annotations

from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.views import ApplicationStatus
from kentei.callers import Caller, CallerKind
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome


def application_status(
    caller: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> ApplicationStatus:
    deps = deps or dependencies()
    stored = deps.readable(caller).get(application_id)
    if stored is None:
        raise NotFoundError("no such application")
    application = stored.application
    if caller.kind is CallerKind.STAFF:
        deps.audit.record(
            AuditEvent.by(
                caller,
                AuditAction.APPLICATION_STATUS_READ,
                record_type="application",
                record_id=application.application_id,
                prefecture_code=application.prefecture_code,
                request_id=request_id,
                at=deps.clock(),
                outcome=AuditOutcome.ALLOWED,
                person_id=application.qualification_pseudonym_id,
            )
        )
    return ApplicationStatus.of(application)
