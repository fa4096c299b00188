"""Suspension of use (利用停止, P10) in verify: a suspended person's application waits.

Verify has to identify the applicant to know whose application it is (the signature, the
registry, the vault's 資格仮名ID). If that person's use of their data is suspended in the
application's prefecture, verify goes no further: the application is kept ``held``, with its
evidence and 資格仮名ID and the reason ``use_suspended`` (the bridge's status shows it), and
is neither put under review nor linked to a returned application it corrects. Its raw parts
leave the inbox as after any verification (nothing later needs them).

When the suspension is lifted, intake sends ``use_resumed``; :func:`resume_held` takes each
of the person's held applications on to review as verify would have (the resubmission link,
or the refusal when the returned application it names is another person's). Both writes are
conditional on the suspension as read (:class:`kentei.person_requests.model.UseCondition`): a
suspension granted while an application was verified fails the write and the retried message
holds it; a suspension lifted while one was being held fails the hold, and the retry admits
it. So no application is left held by a lift it raced with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from kentei.applications import lifecycle
from kentei.applications.model import Application, Reason, Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.messages import UseResumed
from kentei.person_requests.suspension import UseCondition
from verify.candidates import audit_event
from verify.dependencies import ApplicationStore, Dependencies
from verify.reasons import Refusal

USE_SUSPENDED: Final = Reason(
    code="use_suspended",
    message="the person's use of their data is suspended at their request (利用停止): the "
    "application waits until the suspension is lifted",
)
"""The held application's reason: what the applicant and staff are told."""
_PAGE: Final = 100


def suspended(deps: Dependencies, prefecture_code: str, person: str) -> bool:
    return deps.suspensions(prefecture_code).suspension(person) is not None


def hold(
    store: ApplicationStore,
    stored: StoredApplication,
    verified: Application,
    *,
    by: str,
    at: datetime,
    request_id: str,
) -> Application:
    """``verified`` (its 資格仮名ID and evidence, still ``verifying``) kept ``held``, audited in
    the same write, while the person's suspension stands."""
    person = verified.qualification_pseudonym_id
    if person is None:
        raise ValueError("only an application verified for a person is held")
    evidence = {**(verified.verification or {}), "outcome": Status.HELD.value}
    held = lifecycle.transition(
        verified, Status.HELD, by=by, at=at, reasons=(USE_SUSPENDED,)
    ).model_copy(update={"verification": evidence})
    store.replace(
        stored,
        held,
        (audit_event(request_id, at, held, AuditAction.APPLICATION_HELD),),
        use=UseCondition(person=person, suspended=True),
    )
    return held


@dataclass(frozen=True)
class Resumed:
    """What a ``use_resumed`` message did: the applications taken on, by their new status;
    nothing while the suspension still stands."""

    still_suspended: bool
    applications: tuple[Application, ...] = ()


class Admit(Protocol):
    """:func:`verify.verification.store_verified`, bound to the store, ports and request."""

    def __call__(
        self,
        stored: StoredApplication,
        updated: Application,
        at: datetime,
        keep: Callable[[Refusal], Refusal],
    ) -> Application: ...


def resume_held(message: UseResumed, deps: Dependencies, admit: Admit) -> Resumed:
    """The person's held applications in the prefecture, each taken on to review by
    ``admit`` (``held`` → ``under_review``, or ``returned``), once the suspension is lifted."""
    person = message.qualification_pseudonym_id
    if suspended(deps, message.prefecture_code, person):
        return Resumed(still_suspended=True)
    store = deps.applications(message.prefecture_code)
    done: list[Application] = []
    for stored in list(_held_of(store, person)):
        at = deps.clock()
        application = stored.application
        evidence = {
            **(application.verification or {}),
            "outcome": "verified",
            "resumed_at": at.isoformat(),
        }
        updated = lifecycle.transition(
            application, Status.UNDER_REVIEW, by="verify", at=at
        ).model_copy(update={"verification": evidence})
        done.append(admit(stored, updated, at, _keeping(evidence)))
    return Resumed(still_suspended=False, applications=tuple(done))


def _held_of(store: ApplicationStore, person: str) -> Iterator[StoredApplication]:
    """The prefecture's held applications of ``person`` (held ones are few: every held
    application is read, and the person's kept)."""
    cursor: str | None = None
    while True:
        page = store.list(Status.HELD, _PAGE, cursor)
        for summary in page.items:
            stored = store.get(summary.application_id)
            if (
                stored is not None
                and stored.application.status is Status.HELD
                and stored.application.qualification_pseudonym_id == person
            ):
                yield stored
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _keeping(evidence: dict[str, object]) -> Callable[[Refusal], Refusal]:
    """A refusal on resuming keeps what verify established before the hold."""

    def kept(refusal: Refusal) -> Refusal:
        return Refusal(refusal.code, refusal.detail, {**evidence, **refusal.evidence})

    return kept
