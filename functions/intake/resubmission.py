"""A corrected resubmission (再申請): which returned application it names, and whether it may.

The caller must be able to see the returned application (its own submission, or one of its
prefecture for staff): otherwise it is a ``422`` naming ``query.resubmission_of``, as for an
id that does not exist. What may correct what is :mod:`kentei.applications.lifecycle`'s rule
(still ``returned``, not yet replaced, a channel that may correct it); a refusal there is a
``409``.

Intake does not replace the returned application: the new one is created with
``resubmission_of`` and a history of its own, and the returned one stays as it is until
verify has confirmed that the resubmission comes from the same person (the same 資格仮名ID);
only then are the two linked (``verify.resubmission``). A caller (a bridge, or staff) may see
applications of many persons, so naming one proves nothing about who is resubmitting.
"""

from __future__ import annotations

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


def naming(returned: StoredApplication | None, resubmission: Application) -> Application:
    """``resubmission`` naming the returned application it corrects, if it may (a ``409`` if
    not); the returned application itself is left as it is."""
    if returned is None:
        return resubmission
    named = resubmission.model_copy(update={"resubmission_of": returned.application.application_id})
    try:
        lifecycle.check_resubmission(returned.application, named)
    except lifecycle.ResubmissionError as exc:
        raise ConflictError(str(exc), slug="resubmission-refused") from None
    return named
