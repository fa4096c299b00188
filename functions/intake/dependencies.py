"""What intake's logic works with: the ports it needs, and their deployed (or local) adapters.

:func:`dependencies` builds the adapters from the environment on first use and keeps them for
the container's life (the settings are read once, the clients are shared). A failure to build
(a missing setting) raises and caches nothing, so the next request tries again. Logic modules
take a :class:`Dependencies`; tests pass their own, made of in-memory fakes, and never need
moto for the receive flow. :func:`reset` forgets the built adapters (tests that change the
environment, e.g. a new local runtime).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Protocol

from kentei.applications.model import Application
from kentei.callers import Caller
from kentei.data.applications import ApplicationReader, StoredApplication
from kentei.data.audit import AuditEvent
from kentei.data.inbox import HashedPart, Part
from kentei.messages import ApplicationReceived


class ApplicationStore(Protocol):
    """One prefecture's applications (:class:`kentei.data.applications.PrefectureApplications`)."""

    def get(self, application_id: str) -> StoredApplication | None: ...

    def create(
        self,
        application: Application,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredApplication:
        """Store a new application with its ``audit`` events in one transaction; a repeat of
        the same request finds the stored one (``IdTakenError`` if another request has it)."""
        ...


class RawInbox(Protocol):
    """The inbox, write side (:class:`kentei.data.inbox.Inbox`): the raw parts, vault key."""

    def put_parts(self, application_id: str, parts: Iterable[Part]) -> str: ...


class AttachmentWriter(Protocol):
    """The attachments bucket (:class:`kentei.data.inbox.Attachments`), records key."""

    def put(self, application_id: str, attachment: HashedPart) -> str: ...


class VerifyQueue(Protocol):
    """Verify's queue: a received application, by id (:mod:`kentei.data.queues`)."""

    def send(self, message: ApplicationReceived) -> str: ...


class Fingerprinter(Protocol):
    """What makes two requests the same request, as a value that may be stored: keyed, so
    that no reader of the tables can confirm a guessed body (:mod:`intake.fingerprints`)."""

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str: ...


class AuditTrail(Protocol):
    """Reads of specific personal information, recorded on their own
    (:class:`kentei.data.audit.AuditTrail`); decisions go with their write instead."""

    def record(self, event: AuditEvent) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    applications: Callable[[str], ApplicationStore]
    """A prefecture's applications, by prefecture code."""
    readable: Callable[[Caller], ApplicationReader]
    """What a caller may read: its prefecture (staff) or its own submissions (a bridge)."""
    inbox: RawInbox
    attachments: AttachmentWriter
    verify_queue: VerifyQueue
    fingerprinter: Fingerprinter
    audit: AuditTrail
    clock: Callable[[], datetime] = utc_now


class _SqsVerifyQueue:
    def send(self, message: ApplicationReceived) -> str:
        from kentei.data import queues

        return queues.send("verify", message)


@cache
def dependencies() -> Dependencies:
    """The container's dependencies, built from the environment on first use."""
    # Imported here: the data layer's modules are only needed once a request needs them.
    from intake.fingerprints import KmsFingerprinter
    from kentei import settings
    from kentei.data.applications import PrefectureApplications, applications_for
    from kentei.data.audit import AuditTrail as DynamoAuditTrail
    from kentei.data.inbox import Attachments, Inbox

    return Dependencies(
        applications=PrefectureApplications,
        readable=applications_for,
        inbox=Inbox(),
        attachments=Attachments(),
        verify_queue=_SqsVerifyQueue(),
        fingerprinter=KmsFingerprinter(settings.key_id("fingerprint")),
        audit=DynamoAuditTrail(),
    )


def reset() -> None:
    """Forget the built dependencies: the next request builds them again."""
    dependencies.cache_clear()
