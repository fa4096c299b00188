"""A corrected resubmission (再申請): which returned application it names, and whether it may.

The caller must be able to see the returned application (its own submission, or one of its
prefecture for staff): otherwise it is a ``422`` naming ``query.resubmission_of``, as for an
id that does not exist. What may correct what is :mod:`kentei.applications.lifecycle`'s rule;
a refusal there is a ``409``.
"""

from __future__ import annotations

from datetime import datetime

from intake.dependencies import Dependencies
from intake.errors import ConflictError, InvalidRequestError
from kentei.applications import lifecycle
from kentei.applications.model import Application
from kentei.callers import Caller
from kentei.data.applications import StoredApplication
from kentei.field_errors import FieldError


def returned_application(
    caller: Caller, resubmission_of: str | None, deps: Dependencies
) -> StoredApplication | None:
    """The returned application a resubmission replaces, if the caller may see it."""
    if resubmission_of is None:
        return None
    returned = deps.readable(caller).get(resubmission_of)
    if returned is None:
        raise InvalidRequestError(
            "the application to replace was not found",
            [
                FieldError(
                    field="query.resubmission_of",
                    problem="names no application the caller submitted or may review",
                )
            ],
        )
    return returned


def link(
    returned: Application, resubmission: Application, now: datetime
) -> tuple[Application, Application]:
    """The returned application and its resubmission, linked; a ``409`` if they may not be."""
    try:
        return lifecycle.link_resubmission(returned, resubmission, now)
    except lifecycle.ResubmissionError as exc:
        raise ConflictError(str(exc), slug="resubmission-refused") from None
