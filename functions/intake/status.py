"""An application's status, for the bridge that submitted it and staff of its prefecture.

Anyone else gets ``404``, as for an id that does not exist: the answer never confirms that
an application exists. A malformed id is a ``404`` too.
"""

from __future__ import annotations

from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.views import ApplicationStatus
from kentei.callers import Caller


def application_status(
    caller: Caller, application_id: str, deps: Dependencies | None = None
) -> ApplicationStatus:
    stored = (deps or dependencies()).readable(caller).get(application_id)
    if stored is None:
        raise NotFoundError("no such application")
    return ApplicationStatus.of(stored.application)
