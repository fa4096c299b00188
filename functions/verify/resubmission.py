"""A verified resubmission (再申請) replaces the returned application only if it is the same
person's.

Intake stores a resubmission as a new application naming the returned one
(``resubmission_of``) and leaves the returned one as it is: a bridge or staff member can name
applications of many persons, so naming one proves nothing. Once verify has confirmed who the
resubmission is from (its 資格仮名ID; for paper too, by the registry), :func:`store_admitted`
decides, for the admitted application:

- not a resubmission, or the returned one is no longer ``returned`` or already replaced (by
  another resubmission that got there first): the admitted application is stored as any
  other, and it still names what it corrected;
- the same person (:func:`kentei.applications.lifecycle.same_person`): both are written in
  one transaction, the returned one ``replaced_by`` the new one (it leaves the listings),
  with an ``application.replaced`` audit event beside verify's own;
- another person: nothing is written, and the caller refuses the new application with
  ``resubmission.other_person``; the returned one is untouched.

The new application never carries the returned one's history or reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kentei.applications import lifecycle
from kentei.applications.model import Application, Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent
from kentei.person_requests.suspension import UseCondition
from verify.dependencies import ApplicationStore
from verify.reasons import Refusal, VerifyReason


def store_admitted(
    store: ApplicationStore,
    stored: StoredApplication,
    admitted: Application,
    audit: Sequence[AuditEvent],
    *,
    by: str,
    at: datetime,
    request_id: str,
    use: UseCondition | None = None,
) -> Refusal | None:
    """Store ``admitted`` (verified, with its 資格仮名ID) in place of ``stored``, linked to
    the returned application it corrects if that is the same person's; the refusal, with
    nothing written, if it is another person's. ``use``: checked in the same write."""
    returned = _replaceable(store, admitted)
    if returned is None:
        store.replace(stored, admitted, audit, use=use)
        return None
    if not lifecycle.same_person(returned.application, admitted):
        return Refusal.of(
            VerifyReason.RESUBMISSION_OTHER_PERSON,
            "the returned application it names was verified for another person",
            resubmission_of=returned.application.application_id,
        )
    replaced, linked = lifecycle.link_resubmission(returned.application, admitted, at, by=by)
    event = AuditEvent(
        actor=by,
        action=AuditAction.APPLICATION_REPLACED,
        record_type="application",
        record_id=replaced.application_id,
        prefecture_code=replaced.prefecture_code,
        request_id=request_id,
        at=at,
    )
    store.replace_all([(returned, replaced), (stored, linked)], (*audit, event), use=use)
    return None


def _replaceable(store: ApplicationStore, admitted: Application) -> StoredApplication | None:
    """The returned application ``admitted`` corrects, if it is still there to replace."""
    if admitted.resubmission_of is None:
        return None
    returned = store.get(admitted.resubmission_of)
    if returned is None:
        return None
    application = returned.application
    if application.status is not Status.RETURNED or application.replaced_by is not None:
        return None
    return returned
