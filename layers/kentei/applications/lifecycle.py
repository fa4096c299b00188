"""The life of an application (申請の状態遷移): from receipt to a decision, and resubmission.

received → verifying → under_review → accepted | returned; received or verifying →
returned | rejected when verification fails. An application verified for a person whose use of
their data is suspended (利用停止) waits ``held`` (verifying → held) and goes under review when
the suspension is lifted (held → under_review, or returned if it turns out to be a resubmission
of another person's application). A returned application is corrected by a new
application (再申請) that names it; the new one replaces it only once verification shows it
comes from the same person (:func:`link_resubmission`); accepted and rejected are final.
Every function here is pure: it returns new ``Application`` objects and leaves storing them
to the data layer.
Errors name statuses and rules, never a value of the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final

from kentei.applications import identity
from kentei.applications.model import Application, Channel, Reason, Status, StatusChange
from kentei.callers import Caller, CallerKind
from kentei.registry.normalise import normalise_name

ALLOWED: Final[Mapping[Status, frozenset[Status]]] = {
    Status.RECEIVED: frozenset({Status.VERIFYING, Status.RETURNED, Status.REJECTED}),
    Status.VERIFYING: frozenset(
        {Status.UNDER_REVIEW, Status.HELD, Status.RETURNED, Status.REJECTED}
    ),
    Status.HELD: frozenset({Status.UNDER_REVIEW, Status.RETURNED}),
    Status.UNDER_REVIEW: frozenset({Status.ACCEPTED, Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.ACCEPTED: frozenset(),
    Status.REJECTED: frozenset(),
}
"""Where each status may go next. A returned application only gets replaced (see
:func:`link_resubmission`); its status stays ``returned``."""

NEEDS_REASONS: Final = frozenset({Status.RETURNED, Status.REJECTED})
"""The applicant must be told why: these statuses need at least one reason."""

REPLACED: Final = "resubmitted"
"""Reason code of the history entry that marks a returned application as replaced."""


class InvalidTransitionError(ValueError):
    """The application's status does not allow the requested change (API: 409)."""

    def __init__(self, from_status: Status, to_status: Status) -> None:
        super().__init__(f"an application cannot go from {from_status} to {to_status}")
        self.from_status = from_status
        self.to_status = to_status


class ReasonsRequiredError(ValueError):
    """Returning or rejecting without saying why (API: 422)."""

    def __init__(self, to_status: Status) -> None:
        super().__init__(f"going to {to_status} needs at least one reason")
        self.to_status = to_status


class NotStaffError(PermissionError):
    """Only association staff decide on applications (API: 403)."""


class OutsidePrefectureError(LookupError):
    """Staff of another prefecture: for them the application does not exist (API: 404)."""


class IdentityUnconfirmedError(InvalidTransitionError):
    """Accepting an application whose applicant staff have not yet chosen among the
    candidates, or verify not yet enrolled (API: 409)."""

    def __init__(self) -> None:
        super().__init__(Status.UNDER_REVIEW, Status.ACCEPTED)
        self.args = (
            "the applicant's identity is not confirmed: choose the person among the candidates "
            "first (or return the application)",
        )


class ResubmissionError(ValueError):
    """A resubmission that may not replace the returned application (API: 409)."""


class Decision(StrEnum):
    """The outcome of a review (審査結果): accept, or return for correction (返戻)."""

    ACCEPT = "accept"
    RETURN = "return"


def transition(
    application: Application,
    to: Status,
    *,
    by: str,
    at: datetime,
    reasons: Sequence[Reason] = (),
) -> Application:
    """``application`` moved to ``to``: its reasons are ``reasons`` and the change is appended
    to its history. ``by`` is a staff user id or a function name."""
    if to not in ALLOWED[application.status]:
        raise InvalidTransitionError(application.status, to)
    if to in NEEDS_REASONS and not reasons:
        raise ReasonsRequiredError(to)
    change = _change(to, by=by, at=at, reasons=reasons)
    return application.model_copy(
        update={
            "status": to,
            "reasons": change.reasons,
            "history": (*application.history, change),
        }
    )


def decide(
    application: Application,
    decision: Decision,
    reasons: Sequence[Reason],
    staff: Caller,
    at: datetime,
) -> Application:
    """Staff's review decision: accept (reasons, if any, are notes kept with it) or return
    for correction (at least one reason). Only staff of the application's prefecture decide,
    and only on an application under review; accepting needs the applicant's identity
    confirmed (:func:`kentei.applications.identity.unconfirmed`)."""
    if staff.kind is not CallerKind.STAFF:
        raise NotStaffError("only association staff decide on applications")
    if staff.prefecture_code != application.prefecture_code:
        raise OutsidePrefectureError("no such application in the caller's prefecture")
    to = Status.ACCEPTED if decision is Decision.ACCEPT else Status.RETURNED
    if application.status is not Status.UNDER_REVIEW:
        raise InvalidTransitionError(application.status, to)
    if to is Status.ACCEPTED and identity.unconfirmed(application):
        raise IdentityUnconfirmedError
    return transition(application, to, by=staff.id, at=at, reasons=reasons)


def check_resubmission(returned: Application, resubmission: Application) -> None:
    """Raise :class:`ResubmissionError` unless ``resubmission`` may correct ``returned``.

    Allowed: a returned application not yet replaced, by a pending application of the same
    prefecture that corrects no other; from the same channel (a Mynaportal one from the same
    pseudonymous applicant), or an online one corrected on paper, since staff confirm the
    applicant's identity when they key in the paper form. Paper is not corrected online,
    nor one bridge by the other: neither proves it is the same applicant. Intake checks this
    when the resubmission arrives; whether it is the same *person* is known only once verify
    has confirmed them (:func:`same_person`).
    """
    if returned.status is not Status.RETURNED:
        raise ResubmissionError(
            f"only a returned application is replaced, not a {returned.status} one"
        )
    if returned.replaced_by is not None:
        raise ResubmissionError("the returned application has already been replaced")
    if resubmission.application_id == returned.application_id:
        raise ResubmissionError("an application cannot replace itself")
    if resubmission.resubmission_of not in (None, returned.application_id):
        raise ResubmissionError("the resubmission already replaces another application")
    if resubmission.status not in {Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW}:
        raise ResubmissionError(f"a {resubmission.status} application cannot be a resubmission")
    if resubmission.prefecture_code != returned.prefecture_code:
        raise ResubmissionError("a resubmission must be for the same prefecture")
    if not _same_submitter_kind(returned, resubmission):
        raise ResubmissionError(
            f"a {returned.channel} application cannot be corrected through {resubmission.channel}"
        )


def same_person(returned: Application, resubmission: Application) -> bool:
    """Whether verify may let ``resubmission`` replace ``returned``.

    Both name the same 資格仮名ID; or, when verify returned ``returned`` before it confirmed
    anyone (it names no 資格仮名ID: a typo in the My Number, an expired certificate), the
    verified resubmission is of the person ``returned`` described: the same name, birth date
    and sex, compared as the registry compares them. The address is left out: a move is a
    common reason to be returned and to correct. Naming an application proves nothing (a
    bridge names applications of many persons), so a resubmission of someone else never takes
    over their application, its reasons or its history. The resubmission must have been
    verified (it has its 資格仮名ID)."""
    if resubmission.qualification_pseudonym_id is None:
        raise ResubmissionError("only a verified resubmission replaces an application")
    if returned.qualification_pseudonym_id is not None:
        return returned.qualification_pseudonym_id == resubmission.qualification_pseudonym_id
    before, after = returned.form, resubmission.form
    return (
        normalise_name(before.name) == normalise_name(after.name)
        and before.birth_date == after.birth_date
        and before.sex == after.sex
    )


def link_resubmission(
    returned: Application,
    resubmission: Application,
    at: datetime,
    *,
    by: str | None = None,
) -> tuple[Application, Application]:
    """The returned application replaced by its corrected, verified resubmission, and the
    resubmission.

    The returned one keeps its status and gets ``replaced_by`` and a history entry saying
    so (it leaves the listings); the resubmission gets ``resubmission_of`` and keeps its own
    history and reasons: it never sees the returned one's. ``by`` defaults to the
    resubmission's submitter. The rules are :func:`check_resubmission`'s, and the same person
    (:func:`same_person`).
    """
    check_resubmission(returned, resubmission)
    if not same_person(returned, resubmission):
        raise ResubmissionError("the resubmission comes from another person")
    marker = _change(
        Status.RETURNED,
        by=by or resubmission.submitted_by,
        at=at,
        reasons=(Reason(code=REPLACED, message="replaced by a corrected resubmission"),),
    )
    replaced = returned.model_copy(
        update={
            "replaced_by": resubmission.application_id,
            "history": (*returned.history, marker),
        }
    )
    linked = resubmission.model_copy(update={"resubmission_of": returned.application_id})
    return replaced, linked


def _same_submitter_kind(returned: Application, resubmission: Application) -> bool:
    if resubmission.channel is Channel.PAPER:
        return True
    if resubmission.channel is not returned.channel:
        return False
    if returned.channel is Channel.MYNAPORTAL:
        return (
            returned.mynaportal_pseudonym_id is not None
            and returned.mynaportal_pseudonym_id == resubmission.mynaportal_pseudonym_id
        )
    return True


def _change(to: Status, *, by: str, at: datetime, reasons: Sequence[Reason]) -> StatusChange:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a status change needs a time with its UTC offset")
    if not by.strip():
        raise ValueError("a status change needs who made it")
    return StatusChange(status=to, at=at, by=by, reasons=tuple(reasons))
