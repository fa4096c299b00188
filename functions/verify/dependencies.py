"""What verify works with: the ports it needs, and their deployed (or local) adapters.

:func:`dependencies` builds them from the environment on the first application of a
container and keeps them for its life: the trust store's CAs, the CRL cache, the registry
adapter's connection pool and circuit breaker are only worth something across invocations.
A heartbeat never builds them. A failure to build (a missing or wrong setting) raises, so the
message is retried and, if the deployment stays wrong, kept in the DLQ; nothing is cached
until a build succeeds. Tests pass their own :class:`Dependencies` (in-memory fakes) to
:func:`verify.verification.verify_application`, or call :func:`reset`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Protocol

from kentei.applications.model import Application, Status
from kentei.data.applications import Page, StoredApplication
from kentei.data.audit import AuditEvent
from kentei.data.changes import BatchCounts, RosterPage
from kentei.messages import CompletionNoticeDue, RegistryRecheckBatch
from kentei.registry import Registry
from kentei.results.historical.claims import ClaimStore
from kentei.roster.changes import Proposal, RunRecord
from kentei.signatures import RevocationSource, TrustStore
from kentei.vault import PseudonymLinks, Vault

if TYPE_CHECKING:
    from kentei.change_requests import ChangeRequest
    from kentei.data.change_requests import StoredChangeRequest
    from kentei.data.initial_registrations import StoredInitialRegistration
    from kentei.data.roster import StoredExaminee
    from kentei.initial_registrations import InitialRegistrationRequest
    from kentei.person_requests.suspension import Suspension, UseCondition
    from verify.disclosures import DisclosurePorts
    from verify.vault_release import ReleasePorts


class ApplicationStore(Protocol):
    """One prefecture's applications (:class:`kentei.data.applications.PrefectureApplications`)."""

    def get(self, application_id: str) -> StoredApplication | None: ...

    def list(self, status: Status, limit: int = 25, cursor: str | None = None) -> Page:
        """A page of the prefecture's applications at ``status``, oldest first."""
        ...

    def replace(
        self,
        stored: StoredApplication,
        updated: Application,
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> StoredApplication:
        """``updated`` in place of ``stored`` with the decision's audit events, in one
        transaction (``ConcurrentChangeError`` and nothing written if ``stored`` changed, or
        the person's suspension of use is not as ``use`` says)."""
        ...

    def replace_all(
        self,
        changes: Sequence[tuple[StoredApplication, Application]],
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> tuple[StoredApplication, ...]:
        """Several applications in place of their stored versions with the audit events, in
        one transaction: all or nothing (a resubmission and the application it replaces)."""
        ...


class SuspensionReader(Protocol):
    """A prefecture's suspensions of use (利用停止,
    :class:`kentei.data.suspensions.PrefectureSuspensions`)."""

    def suspension(self, person: str) -> Suspension | None: ...


class RawSubmissions(Protocol):
    """The inbox, verify's side (:class:`kentei.data.inbox.InboxReader`): read a raw part,
    and delete raw parts with every version once verification has ended."""

    def get(self, application_id: str, part_name: str) -> bytes | None: ...

    def delete(self, application_id: str, part_names: Collection[str]) -> int:
        """Delete every version of these parts of the application; how many were deleted
        (0 when they are gone already)."""
        ...


class SignedActs(Protocol):
    """The single-use register of signed acts (:mod:`kentei.vault.signed_acts`)."""

    def claim(
        self,
        prefecture_code: str,
        signature_value: bytes,
        application_id: str,
        *,
        replacing: str | None = None,
    ) -> str | None:
        """None if the signed act is now ``application_id``'s (first use, a redelivery, or
        taken over from the returned application it is the resubmission of); else the id of
        the application that used it."""
        ...


class ChangeRequestStore(Protocol):
    """One prefecture's signed change requests (:class:`kentei.data.change_requests.
    PrefectureChangeRequests`): the request's record, and its decision written in one
    transaction with its audit events (``RequestDecidedError`` if no longer received)."""

    def request(self, request_id: str) -> StoredChangeRequest | None: ...

    def propose_from(
        self,
        stored: StoredChangeRequest,
        proposed: ChangeRequest,
        proposal: Proposal,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The proposal, the request ``proposed`` and the audit events, in one transaction."""
        ...

    def refuse(
        self,
        stored: StoredChangeRequest,
        refused: ChangeRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None: ...


class RosterReader(Protocol):
    """One prefecture's roster (:class:`kentei.data.roster.PrefectureRoster`): the person's
    items and when they were last written, by 資格仮名ID."""

    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None: ...


class InitialRegistrationStore(Protocol):
    """One prefecture's initial registrations (:class:`kentei.data.initial_registrations.
    PrefectureInitialRegistrations`): the record, and its decision written in one transaction
    with its audit events (``RegistrationDecidedError`` if no longer received)."""

    def registration(self, request_id: str) -> StoredInitialRegistration | None: ...

    def decide(
        self,
        stored: StoredInitialRegistration,
        decided: InitialRegistrationRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None: ...


def _initial_registrations(prefecture_code: str) -> InitialRegistrationStore:
    from kentei.data.initial_registrations import PrefectureInitialRegistrations

    return PrefectureInitialRegistrations(prefecture_code)


def _historical(prefecture_code: str) -> ClaimStore:
    from kentei.data.historical_passes import PrefectureHistoricalPasses

    return PrefectureHistoricalPasses(prefecture_code)


def _change_requests(prefecture_code: str) -> ChangeRequestStore:
    from kentei.data.change_requests import PrefectureChangeRequests

    return PrefectureChangeRequests(prefecture_code)


def _roster(prefecture_code: str) -> RosterReader:
    from kentei.data.roster import PrefectureRoster

    return PrefectureRoster(prefecture_code)


def _suspensions(prefecture_code: str) -> SuspensionReader:
    from kentei.data.suspensions import PrefectureSuspensions

    return PrefectureSuspensions(prefecture_code)


def utc_now() -> datetime:
    return datetime.now(UTC)


class CertifyQueue(Protocol):
    """Certify's queue (:mod:`kentei.data.queues`): an e-Gov application's completion notice."""

    def send(self, message: CompletionNoticeDue) -> str: ...


class _SqsCertifyQueue:
    def send(self, message: CompletionNoticeDue) -> str:
        from kentei.data import queues

        return queues.send("certify", message)


@dataclass(frozen=True)
class Dependencies:
    """Verify's ports; those with defaults are built on first use."""

    trust: TrustStore
    revocation: RevocationSource
    registry: Registry
    vault: Vault
    links: PseudonymLinks
    inbox: RawSubmissions
    applications: Callable[[str], ApplicationStore]
    """A prefecture's applications, by prefecture code."""
    signed_acts: SignedActs
    clock: Callable[[], datetime] = utc_now
    change_requests: Callable[[str], ChangeRequestStore] = _change_requests
    """A prefecture's signed change requests (and the proposals they become), by code."""
    roster: Callable[[str], RosterReader] = _roster
    """A prefecture's roster, by prefecture code (a change request's examinee)."""
    initial_registrations: Callable[[str], InitialRegistrationStore] = _initial_registrations
    """A prefecture's initial registrations, by prefecture code."""
    historical: Callable[[str], ClaimStore] = _historical
    """A prefecture's historical pass records (the claims of past passes), by code."""
    suspensions: Callable[[str], SuspensionReader] = _suspensions
    """A prefecture's suspensions of use, by code: a suspended person's application waits."""
    certify_queue: CertifyQueue = field(default_factory=_SqsCertifyQueue)
    """Certify's queue: the e-Gov completion notice of an application verify refused."""


@cache
def dependencies() -> Dependencies:
    """The container's dependencies, built from the environment on first use."""
    from kentei.data.applications import PrefectureApplications
    from kentei.data.inbox import InboxReader
    from kentei.registry import registry_from_environment
    from kentei.signatures import revocation_from_environment
    from kentei.vault import links_from_environment, vault_from_environment
    from kentei.vault.signed_acts import DynamoSignedActs

    return Dependencies(
        trust=TrustStore.from_environment(),
        revocation=revocation_from_environment(),
        registry=registry_from_environment(),
        vault=vault_from_environment(),
        links=links_from_environment(),
        inbox=InboxReader(),
        applications=PrefectureApplications,
        signed_acts=DynamoSignedActs(),
    )


def reset() -> None:
    """Forget the built dependencies: the next application builds them again (tests that
    change the environment, e.g. the trusted CAs or the registry seed)."""
    dependencies.cache_clear()
    recheck_dependencies.cache_clear()
    release_ports.cache_clear()
    disclosure_ports.cache_clear()


class RecheckStore(Protocol):
    """One prefecture's roster as the registry re-check reads it, and its proposals and runs
    (:class:`kentei.data.changes.PrefectureChanges`, the sittings from
    :class:`kentei.data.roster.PrefectureRoster`)."""

    def examinees(self, limit: int, after: str | None = None) -> RosterPage: ...

    def has_examinees(self) -> bool: ...

    def active(self, qualification_pseudonym_id: str) -> bool:
        """The person has a registered sitting here (a deleted one does not count)."""
        ...

    def suspended_persons(self) -> frozenset[str]:
        """Whose use of their data is suspended in the prefecture now (利用停止)."""
        ...

    def open_proposal(self, qualification_pseudonym_id: str) -> Proposal | None: ...

    def propose(
        self, proposal: Proposal, superseding: Proposal | None, audit: Sequence[AuditEvent] = ()
    ) -> None: ...

    def start_run(self, run: RunRecord) -> bool: ...

    def batch_done(self, run_id: str, page: int) -> bool: ...

    def finish_batch(
        self,
        run_id: str,
        page: int,
        counts: BatchCounts,
        *,
        finished_at: datetime | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool: ...


class OwnQueue(Protocol):
    """Verify's own queue: the re-check's next batch (:mod:`kentei.data.queues`)."""

    def send(self, message: RegistryRecheckBatch) -> str: ...


@dataclass(frozen=True)
class RecheckDependencies:
    registry: Registry
    vault: Vault
    store: Callable[[str], RecheckStore]
    """A prefecture's roster, proposals and runs, by prefecture code."""
    queue: OwnQueue
    clock: Callable[[], datetime] = utc_now


class _Recheck:
    """The deployed re-check store of one prefecture: its proposals and runs, and whether a
    person has a registered sitting."""

    def __init__(self, prefecture_code: str) -> None:
        from kentei.data.changes import PrefectureChanges
        from kentei.data.roster import PrefectureRoster
        from kentei.data.suspensions import PrefectureSuspensions

        self._changes = PrefectureChanges(prefecture_code)
        self._roster = PrefectureRoster(prefecture_code)
        self.examinees = self._changes.examinees
        self.has_examinees = self._changes.has_examinees
        self.open_proposal = self._changes.open_proposal
        self.propose = self._changes.propose
        self.start_run = self._changes.start_run
        self.batch_done = self._changes.batch_done
        self.finish_batch = self._changes.finish_batch
        self.suspended_persons = PrefectureSuspensions(prefecture_code).suspended_persons

    def active(self, qualification_pseudonym_id: str) -> bool:
        from kentei.roster.sitting import SittingStatus

        return any(
            s.status is SittingStatus.REGISTERED
            for s in self._roster.sittings_of(qualification_pseudonym_id)
        )


class _SqsOwnQueue:
    def send(self, message: RegistryRecheckBatch) -> str:
        from kentei.data import queues

        return queues.send("verify", message)


@cache
def recheck_dependencies() -> RecheckDependencies:
    """The re-check's dependencies: the registry and vault adapters of :func:`dependencies`
    when those are built (one connection pool and circuit breaker), else their own; the
    trust store and CRLs are not needed."""
    from kentei.registry import registry_from_environment
    from kentei.vault import vault_from_environment

    built = dependencies.cache_info().currsize > 0
    return RecheckDependencies(
        registry=dependencies().registry if built else registry_from_environment(),
        vault=dependencies().vault if built else vault_from_environment(),
        store=_Recheck,
        queue=_SqsOwnQueue(),
    )


@cache
def release_ports() -> ReleasePorts:
    """The retention job's vault release (:mod:`verify.vault_release`): the vault and links
    adapters of :func:`dependencies` when those are built, else their own."""
    from kentei import prefectures
    from kentei.data.retention import PrefectureRetention
    from kentei.retention.schedule import load_retention_schedule
    from kentei.vault.dynamo import DynamoVault
    from kentei.vault.links import DynamoPseudonymLinks
    from verify.vault_release import ReleasePorts

    return ReleasePorts(
        records=PrefectureRetention,
        prefectures=tuple(sorted(prefectures.NAMES)),
        vault=DynamoVault(),
        links=DynamoPseudonymLinks(),
        schedule=load_retention_schedule,
    )


@cache
def disclosure_ports() -> DisclosurePorts:
    """A granted disclosure's copy (:mod:`verify.disclosures`): the vault adapter of
    :func:`dependencies` when it is built, else its own; the prefecture's items read as the
    retention job reads them, the audit trail, the disclosures bucket."""
    from kentei.data.audit import AuditTrail
    from kentei.data.disclosure_copies import DisclosureCopies
    from kentei.data.person_requests import PrefecturePersonRequests
    from kentei.data.record_kinds import kind_of
    from kentei.data.retention import PrefectureRetention
    from kentei.vault import vault_from_environment
    from verify.disclosures import DisclosurePorts

    built = dependencies.cache_info().currsize > 0
    return DisclosurePorts(
        requests=PrefecturePersonRequests,
        partition=PrefectureRetention,
        trail=AuditTrail(),
        vault=dependencies().vault if built else vault_from_environment(),
        copies=DisclosureCopies(),
        kind_of=kind_of,
        clock=utc_now,
    )
