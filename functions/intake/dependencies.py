"""What intake's logic works with: the ports it needs, and their deployed (or local) adapters.

:func:`dependencies` builds the adapters on first use and keeps them for the container's life;
each reads its settings from the environment the first time it is used (once), so a request
that needs no bucket or key (a status read) never depends on their settings, and a missing
setting raises where it is needed and is tried again on the next request. Logic modules
take a :class:`Dependencies`; tests pass their own, made of in-memory fakes, and never need
moto for the receive flow. :func:`reset` forgets the built adapters (tests that change the
environment, e.g. a new local runtime).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from kentei import catalog
from kentei.accounts import Account, IdlePolicy
from kentei.applications.model import Application, Status
from kentei.audit_chain import ChainReport
from kentei.callers import Caller
from kentei.change_requests import ChangeRequest
from kentei.data.applications import ApplicationReader, Page, StoredApplication
from kentei.data.audit import AuditEvent, AuditPage, AuditQuery
from kentei.data.inbox import HashedPart, Part
from kentei.data.results import ScoreRow, StoredScore
from kentei.data.roster import StoredExaminee
from kentei.data.tickets import TicketRecord
from kentei.disclosures.record import DisclosureCopy
from kentei.exemptions.model import PassRecord, PassRevocation
from kentei.fees.payments import FeePayment, PaymentMethod
from kentei.initial_registrations import InitialRegistrationRequest, InitialRegistrationStatus
from kentei.initial_registrations.review import LinkPlan, RejectPlan
from kentei.messages import (
    ApplicationReceived,
    ChangeRequestReceived,
    CompletionNoticeDue,
    DisclosureDue,
    Envelope,
    IdentityChosen,
    InitialRegistrationReceived,
    NationalReconcilePrefecture,
    PassesAnnounced,
    PassRevoked,
    ProofRequested,
    ReissueRequested,
    ResultImportCommit,
    ResultsAnnouncementDue,
    ResultsDecisionsDue,
    TicketDue,
    TicketVoid,
    UseResumed,
)
from kentei.national.conflicts import ConflictStatus, NationalConflict
from kentei.national.reconciliation import ReconcileReport
from kentei.notice_records import NoticeRecord, PostListEntry
from kentei.person_requests.model import PersonRequest, RequestStatus
from kentei.person_requests.suspension import Suspension, UseCondition
from kentei.records.examinee import Examinee
from kentei.results.historical.model import StoredHistoricalPass
from kentei.results.passes import DecidedSitting
from kentei.results.revocations import PassRevocationRecord, ReturnStatus
from kentei.results.runs import ResultsRun, RunKind
from kentei.roster.changes import HistoryEntry, Proposal, ProposalStatus, RunRecord
from kentei.roster.deletion import DeletionReason, DeletionRecord, DeletionSource
from kentei.roster.registration import Registration
from kentei.roster.sitting import ExamRound, Sitting
from kentei.sessions.model import ExamSession, Family, SessionPart
from kentei.sessions.seating import SeatedSitting, SeatOutcome
from kentei.sign_ins import SignInSummary
from kentei.statistics.round_table import Outcome

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from intake.fingerprints import KmsFingerprinter
    from kentei.data.audit import AuditTrail as DynamoAuditTrail
    from kentei.data.certificates import (
        CertificateCount,
        CertificateHold,
        CertificateRecord,
        ProofRequest,
        ReissueRequest,
    )
    from kentei.data.change_requests import StoredChangeRequest
    from kentei.data.inbox import Attachments, Inbox
    from kentei.data.incidents import ScoreWrite
    from kentei.data.initial_registrations import StoredInitialRegistration
    from kentei.data.result_files import ResultFiles, Upload
    from kentei.results.imports.record import ImportStatus, ResultImport


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

    def list(self, status: Status, limit: int = 25, cursor: str | None = None) -> Page:
        """One page of the prefecture's applications at ``status``, oldest first
        (``InvalidCursorError`` for a cursor not issued for this listing)."""
        ...

    def replace(
        self,
        stored: StoredApplication,
        updated: Application,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredApplication:
        """``updated`` in place of ``stored`` with the decision's audit events, in one
        transaction (``ConcurrentChangeError`` and nothing written if ``stored`` changed)."""
        ...

    def accept(
        self,
        stored: StoredApplication,
        accepted: Application,
        registration: Registration,
        *,
        by: str,
        audit: Sequence[AuditEvent] = (),
        use: UseCondition | None = None,
    ) -> tuple[StoredApplication, Sitting]:
        """``accepted`` in place of ``stored`` and the person and a sitting with its exam
        number on the roster, with the audit events, in one transaction (R7, R8); with
        ``use``, only while the person's suspension of use is as it says."""
        ...


class RawInbox(Protocol):
    """The inbox, write side (:class:`kentei.data.inbox.Inbox`): the raw parts, vault key."""

    def put_parts(self, application_id: str, parts: Iterable[Part]) -> str: ...


class AttachmentWriter(Protocol):
    """The attachments bucket (:class:`kentei.data.inbox.Attachments`), records key."""

    def put(self, application_id: str, attachment: HashedPart) -> str: ...


class VerifyQueue(Protocol):
    """Verify's queue: a received application or change request, staff's choice of the
    applicant, by id, or a person's suspension of use lifted (:mod:`kentei.data.queues`)."""

    def send(
        self,
        message: ApplicationReceived
        | IdentityChosen
        | ChangeRequestReceived
        | InitialRegistrationReceived
        | DisclosureDue
        | UseResumed,
    ) -> str: ...


class Fingerprinter(Protocol):
    """What makes two requests the same request, as a value that may be stored: keyed, so
    that no reader of the tables can confirm a guessed body (:mod:`intake.fingerprints`)."""

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str: ...


class AuditTrail(Protocol):
    """The audit trail (:class:`kentei.data.audit.AuditTrail`): reads of specific personal
    information and refusals, recorded on their own (decisions go with their write
    instead); the auditors' search and the chain's verification."""

    def record(self, event: AuditEvent) -> None: ...

    def search(self, query: AuditQuery, cursor: str | None = None) -> AuditPage:
        """One page, newest first (``InvalidAuditCursorError`` for a foreign cursor)."""
        ...

    def verify(self, prefecture_code: str, first: date, last: date) -> ChainReport: ...


class StaffDirectory(Protocol):
    """A prefecture's staff accounts and what is kept of their sign-ins, for the login review
    (the user pool: :class:`kentei.data.staff_accounts.CognitoStaffAccounts`; the records
    table: :mod:`kentei.data.sign_ins`, :mod:`kentei.data.idle_warnings`). Each read returns
    ``prefecture_code``'s and no other prefecture's; only the staff user's own id, roles,
    state, instants and source addresses."""

    def accounts(self, prefecture_code: str) -> list[Account]: ...

    def sign_ins(self, prefecture_code: str) -> list[SignInSummary]: ...

    def warnings(self, prefecture_code: str) -> Mapping[str, datetime]:
        """The idle job's latest warning of each user, by user name."""
        ...

    def policy(self) -> IdlePolicy:
        """The idle limit and warning in force (the function's settings)."""
        ...


class RosterReader(Protocol):
    """One prefecture's roster (:class:`kentei.data.roster.PrefectureRoster`): the person
    and their sittings, by 資格仮名ID, in that prefecture only."""

    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None: ...

    def sittings_of(self, qualification_pseudonym_id: str) -> list[Sitting]: ...


CertifyMessage = (
    TicketDue
    | TicketVoid
    | CompletionNoticeDue
    | PassesAnnounced
    | ProofRequested
    | ReissueRequested
    | PassRevoked
    | UseResumed
)


class CertifyQueue(Protocol):
    """Certify's queue: an exam ticket asked for, or one to void, by id; an e-Gov
    application's completion notice; a pass to certify again once its font hold is resolved,
    or a certificate of pass asked for; a person's suspension of use lifted
    (:mod:`kentei.data.queues`)."""

    def send(
        self,
        message: CertifyMessage,
    ) -> str: ...


class RosterDeletions(Protocol):
    """One prefecture's deletions from the roster (:class:`kentei.data.deletions.
    PrefectureDeletions`): a sitting deleted with its audit events in one transaction, and
    the deletion records, in that prefecture only."""

    def delete_sitting(
        self,
        qualification_pseudonym_id: str,
        application_id: str,
        reason: DeletionReason,
        *,
        source: DeletionSource,
        by: str,
        at: datetime,
        audit: Sequence[AuditEvent] = (),
    ) -> DeletionRecord:
        """``SittingNotOnRosterError``, ``SittingAlreadyDeletedError`` (with the record) or
        ``DeletionConflictError``, and nothing written, when it cannot."""
        ...

    def record(self, application_id: str) -> DeletionRecord | None: ...

    def records(self) -> list[DeletionRecord]:
        """Newest first."""
        ...


class TicketFiles(Protocol):
    """One prefecture's exam tickets (:class:`kentei.data.tickets.PrefectureTickets`): the
    sitting's current ticket, and a short-lived link to its PDF."""

    def current(self, application_id: str) -> TicketRecord | None: ...

    def download_url(self, record: TicketRecord) -> str: ...


class SessionBook(Protocol):
    """One prefecture's exam sessions and seats (:class:`kentei.data.sessions.
    PrefectureSessions`): both the staff store of :mod:`kentei.sessions.staff` and the seat
    store of :mod:`kentei.sessions.seating`, every read and write in that prefecture only."""

    prefecture_code: str

    def create(self, session: ExamSession, *, audit: Sequence[AuditEvent] = ()) -> None: ...

    def update(
        self, session: ExamSession, expected_version: int, *, audit: Sequence[AuditEvent] = ()
    ) -> None: ...

    def session(self, round_key: str, session_id: str) -> ExamSession | None: ...

    def sessions_of(self, exam_round: ExamRound) -> list[ExamSession]:
        """Every session of the round, in seating order."""
        ...

    def sessions_on(self, day: date, rounds: Iterable[ExamRound]) -> list[ExamSession]: ...

    def family_sessions(self, family: Family) -> list[ExamSession]: ...

    def take_seat(
        self,
        session: ExamSession,
        sitting: Sitting,
        part: SessionPart,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome: ...

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome: ...

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None: ...

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        """The registered sittings of the family, with their seats, by acceptance."""
        ...


class ChangeStore(Protocol):
    """One prefecture's change proposals and re-check runs
    (:class:`kentei.data.changes.PrefectureChanges`), in that prefecture only."""

    def proposal(self, proposal_id: str) -> Proposal | None: ...

    def proposals(
        self, status: ProposalStatus, limit: int = 25, after: str | None = None
    ) -> tuple[list[Proposal], str | None]: ...

    def decide(
        self,
        decided: Proposal,
        *,
        examinee: Examinee | None = None,
        history: HistoryEntry | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The decision, and with ``examinee`` the new items and the history entry, with the
        audit events in one transaction (``ExamineeChangedError`` if the examinee is no longer
        at the proposal's basis, ``ProposalDecidedError`` if decided meanwhile)."""
        ...

    def runs(self, limit: int = 25) -> list[RunRecord]: ...

    def propose(
        self, proposal: Proposal, superseding: Proposal | None, audit: Sequence[AuditEvent] = ()
    ) -> None:
        """A new proposal with its audit events in one transaction (a person's request:
        ``superseding`` is None)."""
        ...


class ChangeRequestStore(Protocol):
    """One prefecture's signed change requests (:class:`kentei.data.change_requests.
    PrefectureChangeRequests`): ids and status, never the My Number or the items."""

    def request(self, request_id: str) -> StoredChangeRequest | None: ...

    def create(
        self, record: ChangeRequest, request_fingerprint: str, audit: Sequence[AuditEvent] = ()
    ) -> StoredChangeRequest:
        """A new request with its audit events in one transaction; a repeat of the same
        request finds the stored one (``RequestIdTakenError`` if another request has it)."""
        ...

    def proposal(self, proposal_id: str) -> Proposal | None:
        """The proposal a request became (its decision is the request's)."""
        ...


class ResultImportStore(Protocol):
    """One prefecture's result imports (:class:`kentei.data.result_imports.PrefectureImports`):
    ids, statuses, counts and codes, never a cell's value."""

    def get(self, import_id: str) -> ResultImport | None: ...

    def create(self, record: ResultImport, *, audit: Sequence[AuditEvent] = ()) -> None: ...

    def save(
        self,
        record: ResultImport,
        expected: Collection[ImportStatus],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """Replace the import if still in an ``expected`` status (False: nothing written)."""
        ...


class ResultFileLinks(Protocol):
    """Presigned links into the imports bucket (:class:`kentei.data.result_files.ResultFiles`):
    a PUT of an upload, a GET of a problems report. Intake never reads a result file."""

    def upload(self, key: str, expires_s: int) -> Upload: ...

    def download_url(self, key: str, expires_s: int) -> str: ...


def _prefecture_result_imports(prefecture_code: str) -> ResultImportStore:
    from kentei.data.result_imports import PrefectureImports

    return PrefectureImports(prefecture_code)


class _ResultFileLinks:
    """The imports bucket, its name and key read from the environment on first use."""

    @cached_property
    def _files(self) -> ResultFiles:
        from kentei.data.result_files import ResultFiles

        return ResultFiles()

    def upload(self, key: str, expires_s: int) -> Upload:
        return self._files.upload(key, expires_s)

    def download_url(self, key: str, expires_s: int) -> str:
        return self._files.download_url(key, expires_s)


class InitialRegistrationStore(Protocol):
    """One prefecture's initial registrations (:class:`kentei.data.initial_registrations.
    PrefectureInitialRegistrations`): ids and status, never the My Number."""

    def registration(self, request_id: str) -> StoredInitialRegistration | None: ...

    def create(
        self,
        record: InitialRegistrationRequest,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredInitialRegistration:
        """A new registration with its audit events in one transaction; a repeat of the same
        request finds the stored one (``RegistrationIdTakenError`` for another)."""
        ...


def _prefecture_initial_registrations(prefecture_code: str) -> InitialRegistrationStore:
    from kentei.data.initial_registrations import PrefectureInitialRegistrations

    return PrefectureInitialRegistrations(prefecture_code)


class PasserReviewStore(Protocol):
    """One prefecture's initial registrations in review and the historical records they
    claim (:class:`kentei.data.passer_reviews.PrefecturePasserReviews`): a decision is one
    transaction, conditional on both being as read (``ReviewChangedError`` otherwise)."""

    def registration(self, request_id: str) -> StoredInitialRegistration | None: ...

    def registrations(
        self, status: InitialRegistrationStatus, limit: int, after: str | None = None
    ) -> tuple[list[InitialRegistrationRequest], str | None]:
        """At ``status``, in id order, after ``after``; the next page's cursor or None."""
        ...

    def historical(self, passer_number: str) -> StoredHistoricalPass | None: ...

    def link(
        self,
        stored: StoredInitialRegistration,
        plan: LinkPlan,
        at: datetime,
        *,
        audit: Sequence[AuditEvent],
    ) -> None: ...

    def reject(
        self, stored: StoredInitialRegistration, plan: RejectPlan, *, audit: Sequence[AuditEvent]
    ) -> None: ...


def _prefecture_passer_reviews(prefecture_code: str) -> PasserReviewStore:
    from kentei.data.passer_reviews import PrefecturePasserReviews

    return PrefecturePasserReviews(prefecture_code)


def _prefecture_change_requests(prefecture_code: str) -> ChangeRequestStore:
    from kentei.data.change_requests import PrefectureChangeRequests

    return PrefectureChangeRequests(prefecture_code)


class FeePayments(Protocol):
    """One prefecture's fee payments on the roster's sittings (:class:`kentei.data.payments.
    PrefecturePayments`): a payment recorded with its audit events in one transaction."""

    def record_payment(
        self,
        qualification_pseudonym_id: str,
        application_id: str,
        payment: FeePayment,
        *,
        today: date,
        audit: Sequence[AuditEvent] = (),
    ) -> Sitting:
        """The sitting with the payment recorded; ``SittingNotOnRosterError``,
        ``PaymentRefusedError``, ``AlreadyPaidError`` or ``PaymentConflictError``, and
        nothing written, when it cannot be. The same payment again writes nothing."""
        ...

    def record_group_payment(
        self,
        members: Sequence[tuple[str, str]],
        method: PaymentMethod,
        paid_on: date,
        *,
        today: date,
        audit: Mapping[str, AuditEvent],
    ) -> list[Sitting]:
        """A group's combined payment on every member's sitting (by 資格仮名ID and
        application id), all or none, each changed sitting with its audit event (by
        application id); the same refusals."""
        ...


def _prefecture_payments(prefecture_code: str) -> FeePayments:
    from kentei.data.payments import PrefecturePayments

    return PrefecturePayments(prefecture_code)


class NationalConflicts(Protocol):
    """One prefecture's conflicts with the national side
    (:class:`kentei.data.national_conflicts.PrefectureNationalConflicts`)."""

    def conflict(self, conflict_id: str) -> NationalConflict | None: ...

    def conflicts(
        self, status: ConflictStatus, limit: int, cursor: str | None = None
    ) -> tuple[list[NationalConflict], str | None]: ...

    def keep_ours(self, decided: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None:
        """The decision with our examinee sent again, and the audit events, in one
        transaction (``ConflictDecidedError`` if resolved meanwhile)."""
        ...

    def take_theirs(
        self,
        decided: NationalConflict,
        change: tuple[Examinee, HistoryEntry, datetime] | None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The decision with the examinee's new items and history (or, None, ours sent again),
        in one transaction (``ConflictDecidedError`` if resolved or the examinee changed
        meanwhile)."""
        ...


class PersonRequests(Protocol):
    """One prefecture's person requests and suspensions of use
    (:class:`kentei.data.person_requests.PrefecturePersonRequests`)."""

    def receive(self, request: PersonRequest, audit: Sequence[AuditEvent] = ()) -> None: ...

    def request(self, request_id: str) -> PersonRequest | None: ...

    def open_requests(self) -> list[PersonRequest]: ...

    def requests_of(self, person: str) -> list[PersonRequest]: ...

    def change(
        self,
        changed: PersonRequest,
        was: RequestStatus,
        audit: Sequence[AuditEvent] = (),
        *,
        suspension: Suspension | None = None,
    ) -> None:
        """Raises ``ConcurrentRequestChangeError`` if the request is no longer ``was``."""
        ...

    def suspension(self, person: str) -> Suspension | None: ...

    def suspended_persons(self) -> frozenset[str]:
        """Whose use is suspended in the prefecture now (one read for a listing)."""
        ...

    def lift(self, suspension: Suspension, audit: Sequence[AuditEvent] = ()) -> None: ...

    def disclosure(self, request_id: str) -> DisclosureCopy | None:
        """A granted disclosure's sealed copy, once verify has sealed it."""
        ...

    def passphrase(self, request_id: str) -> str | None:
        """The copy's one-time passphrase until it is picked up."""
        ...

    def take_passphrase(
        self, taken: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> None:
        """Erase the passphrase as read, once (``ConcurrentRequestChangeError`` otherwise)."""
        ...


def _prefecture_person_requests(prefecture_code: str) -> PersonRequests:
    from kentei.data.person_requests import PrefecturePersonRequests

    return PrefecturePersonRequests(prefecture_code)


class NationalReports(Protocol):
    """One prefecture's reconciliation reports
    (:class:`kentei.data.national_reconcile.PrefectureNationalReconcile`)."""

    def latest(self, limit: int) -> list[ReconcileReport]: ...


def _prefecture_national_reports(prefecture_code: str) -> NationalReports:
    from kentei.data.national_reconcile import PrefectureNationalReconcile

    return PrefectureNationalReconcile(prefecture_code)


def _prefecture_national_conflicts(prefecture_code: str) -> NationalConflicts:
    from kentei.data.national_conflicts import PrefectureNationalConflicts

    return PrefectureNationalConflicts(prefecture_code)


def _prefecture_changes(prefecture_code: str) -> ChangeStore:
    from kentei.data.changes import PrefectureChanges

    return PrefectureChanges(prefecture_code)


class Corrections(Protocol):
    """One prefecture's correction requests becoming change proposals (P10 through R9;
    :meth:`kentei.data.person_requests.PrefecturePersonRequests.propose_correction`)."""

    def propose_correction(
        self,
        changed: PersonRequest,
        was: PersonRequest,
        proposal: Proposal,
        superseding: Proposal | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The request naming the proposal, and the proposal (superseding the request's open
        one), in one transaction. Raises ``ConcurrentRequestChangeError`` if the request is no
        longer as read, ``ProposalDecidedError`` if the superseded proposal was decided."""
        ...


def _prefecture_corrections(prefecture_code: str) -> Corrections:
    from kentei.data.person_requests import PrefecturePersonRequests

    return PrefecturePersonRequests(prefecture_code)


class ResultsReader(Protocol):
    """One prefecture's decisions, results runs and pass records (:class:`kentei.data.passes.
    PrefecturePasses`): exam numbers and outcomes, never a name."""

    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None: ...

    def pass_of(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRecord | None: ...

    def correct(
        self,
        before: DecidedSitting,
        after: DecidedSitting,
        at: datetime,
        *,
        writes: Sequence[TransactWriteItemTypeDef] = (),
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None:
        """An announced decision corrected, with the corrected scores' ``writes`` and its pass
        record following, in one transaction (``DecisionChangedError``: changed meanwhile)."""
        ...

    def decisions(self, group_key: str) -> list[DecidedSitting]: ...

    def run(self, group_key: str, kind: RunKind) -> ResultsRun | None: ...

    def passes_of(self, qualification_pseudonym_id: str) -> list[PassRecord]:
        """The person's passes and part passes here: what an acceptance's exemptions check."""
        ...


class ScoreStore(Protocol):
    """One prefecture's scores (:class:`kentei.data.results.PrefectureScores`)."""

    def scores_of(self, application_id: str) -> list[StoredScore]: ...

    def correct(
        self,
        rows: Sequence[ScoreRow],
        *,
        source: str,
        at: datetime,
        by: str,
        audit: Sequence[AuditEvent] = (),
    ) -> None: ...

    def correction_writes(
        self, rows: Sequence[ScoreRow], *, source: str, at: datetime, by: str
    ) -> list[TransactWriteItemTypeDef]: ...


def _prefecture_scores(prefecture_code: str) -> ScoreStore:
    from kentei.data.results import PrefectureScores

    return PrefectureScores(prefecture_code)


SyncMessage = (
    ResultImportCommit | ResultsDecisionsDue | ResultsAnnouncementDue | NationalReconcilePrefecture
)


class SyncQueue(Protocol):
    """Sync's queue: a result import to commit, a results group to decide or announce, a
    prefecture to reconcile with the national side (:mod:`kentei.data.queues`)."""

    def send(self, message: SyncMessage) -> str: ...


class CertificateStore(Protocol):
    """One prefecture's certificates, holds and counts
    (:class:`kentei.data.certificates.PrefectureCertificates`)."""

    def certificate(self, certificate_id: str) -> CertificateRecord | None: ...

    def every_certificate(self) -> list[CertificateRecord]:
        """Every certificate of the prefecture (an incident trace by signing key)."""
        ...

    def certificates_of_pass(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> list[CertificateRecord]: ...

    def hold(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> CertificateHold | None: ...

    def holds(self) -> list[CertificateHold]: ...

    def counts(self, fiscal_year: int) -> list[CertificateCount]: ...

    def request_proof(
        self, request: ProofRequest, *, name_latin: str | None, audit: AuditEvent
    ) -> None: ...

    def resolve_hold(
        self,
        hold: CertificateHold,
        *,
        printed_name: str,
        reason: str,
        by: str,
        at: datetime,
        audit: AuditEvent,
    ) -> CertificateHold: ...

    def request_reissue(
        self, request: ReissueRequest, *, printed_name: str | None, audit: AuditEvent
    ) -> None:
        """``ReissueRefusedError``: the certificate is not valid, or a reissue is pending."""
        ...


class RevocationStore(Protocol):
    """One prefecture's revoked passes (:class:`kentei.data.pass_revocations.
    PrefecturePassRevocations`): the revocation written with everything that follows from it in
    one transaction, and the returns (返納)."""

    def revocation(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRevocationRecord | None: ...

    def revocations(
        self, return_status: ReturnStatus | None = None
    ) -> list[PassRevocationRecord]: ...

    def sittings_read(self, qualification_pseudonym_id: str) -> list[tuple[Sitting, str]]: ...

    def revoke(
        self,
        record: PassRevocationRecord,
        revocation: PassRevocation,
        *,
        certificates: Sequence[CertificateRecord],
        rewrites: Sequence[tuple[Sitting, str]],
        audit: Sequence[AuditEvent],
    ) -> None:
        """``RevocationConflictError``: revoked already, or something changed; nothing
        written."""
        ...

    def record_return(
        self,
        record: PassRevocationRecord,
        status: ReturnStatus,
        *,
        on: date,
        note: str | None,
        by: str,
        at: datetime,
        audit: AuditEvent,
    ) -> PassRevocationRecord: ...


def _prefecture_revocations(prefecture_code: str) -> RevocationStore:
    from kentei.data.pass_revocations import PrefecturePassRevocations

    return PrefecturePassRevocations(prefecture_code)


class DisclosureLinks(Protocol):
    """Short-lived links to the sealed disclosure copies (:class:`kentei.data.
    disclosure_copies.DisclosureCopies`)."""

    def download_url(self, key: str, expires_s: int) -> str: ...


class _DisclosureLinks:
    """The disclosures bucket, its name read from the environment on first use."""

    def download_url(self, key: str, expires_s: int) -> str:
        from kentei.data.disclosure_copies import DisclosureCopies

        return DisclosureCopies().download_url(key, expires_s)


class CertificateLinks(Protocol):
    """Short-lived links to the certificates bucket's objects."""

    def download_url(self, key: str, expires_s: int) -> str: ...


def _prefecture_certificates(prefecture_code: str) -> CertificateStore:
    from kentei.data.certificates import PrefectureCertificates

    return PrefectureCertificates(prefecture_code)


class _CertificateLinks:
    """The certificates bucket, its name read from the environment on first use."""

    def download_url(self, key: str, expires_s: int) -> str:
        from kentei.data.certificate_files import CertificateFiles

        return CertificateFiles().download_url(key, expires_s)


def _prefecture_results(prefecture_code: str) -> ResultsReader:
    from kentei.data.passes import PrefecturePasses

    return PrefecturePasses(prefecture_code)


class StatisticsSource(Protocol):
    """What one prefecture's statistics count (:class:`kentei.data.statistics.
    PrefectureStatistics`): each registered sitting of a round as its group and result."""

    def outcomes(self, exam_round: ExamRound) -> list[Outcome]: ...


def _prefecture_statistics(prefecture_code: str) -> StatisticsSource:
    from kentei.data.statistics import PrefectureStatistics

    return PrefectureStatistics(prefecture_code)


class NoticeReader(Protocol):
    """One prefecture's notice records and post lists (:class:`kentei.data.notices.
    PrefectureNotices`): ids, kinds, channels and outcomes, never a name or an address."""

    def of_application(self, application_id: str) -> list[NoticeRecord]: ...

    def post_list(self, group_key: str) -> list[PostListEntry]: ...


def _prefecture_notices(prefecture_code: str) -> NoticeReader:
    from kentei.data.notices import PrefectureNotices

    return PrefectureNotices(prefecture_code)


class IncidentRecords(Protocol):
    """What an incident trace reads of one prefecture's records beyond the trail
    (:class:`kentei.data.incidents.PrefectureIncidentRecords`): ids, kinds and instants."""

    def persons_of(self, application_ids: Iterable[str]) -> dict[str, str]:
        """The 資格仮名ID of each of these applications that has one, by application id."""
        ...

    def scores_written_by(self, source: str) -> list[ScoreWrite]: ...

    def notices_of_group(self, group_key: str) -> list[NoticeRecord]: ...


def _prefecture_incident_records(prefecture_code: str) -> IncidentRecords:
    from kentei.data.incidents import PrefectureIncidentRecords

    return PrefectureIncidentRecords(prefecture_code)


class _SqsQueue:
    """A catalog queue (:mod:`kentei.data.queues`): each port above admits only its kinds."""

    def __init__(self, name: str) -> None:
        self._name = name

    def send(self, message: Envelope) -> str:
        from kentei.data import queues

        return queues.send(self._name, message)


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
    staff: StaffDirectory
    roster: Callable[[str], RosterReader]
    """A prefecture's roster, by prefecture code."""
    certify_queue: CertifyQueue
    tickets: Callable[[str], TicketFiles]
    """A prefecture's exam tickets, by prefecture code."""
    sessions: Callable[[str], SessionBook]
    """A prefecture's exam sessions and seats, by prefecture code."""
    deletions: Callable[[str], RosterDeletions]
    """A prefecture's deletions from the roster, by prefecture code."""
    clock: Callable[[], datetime] = utc_now
    changes: Callable[[str], ChangeStore] = _prefecture_changes
    corrections: Callable[[str], Corrections] = _prefecture_corrections
    """A prefecture's correction requests' proposals, each in its request's transaction."""
    national_conflicts: Callable[[str], NationalConflicts] = _prefecture_national_conflicts
    """A prefecture's conflicts with the national qualifications system."""
    national_reports: Callable[[str], NationalReports] = _prefecture_national_reports
    """A prefecture's reconciliation reports with the national system."""
    person_requests: Callable[[str], PersonRequests] = _prefecture_person_requests
    """A prefecture's person requests (P10) and suspensions of use."""
    disclosure_links: DisclosureLinks = field(default_factory=_DisclosureLinks)
    """Presigned GETs of sealed disclosure copies."""
    """A prefecture's change proposals and re-check runs, by prefecture code."""
    change_requests: Callable[[str], ChangeRequestStore] = _prefecture_change_requests
    """A prefecture's signed change requests, by prefecture code."""
    initial_registrations: Callable[[str], InitialRegistrationStore] = (
        _prefecture_initial_registrations
    )
    """A prefecture's initial registrations, by prefecture code."""
    passer_reviews: Callable[[str], PasserReviewStore] = _prefecture_passer_reviews
    """A prefecture's initial registrations in review and their historical records."""
    payments: Callable[[str], FeePayments] = _prefecture_payments
    """A prefecture's fee payments on its sittings, by prefecture code."""
    results: Callable[[str], ResultsReader] = _prefecture_results
    """A prefecture's decisions and results runs, by prefecture code."""
    statistics: Callable[[str], StatisticsSource] = _prefecture_statistics
    """What a prefecture's statistics count, by prefecture code."""
    scores: Callable[[str], ScoreStore] = _prefecture_scores
    """A prefecture's scores, by prefecture code."""
    result_imports: Callable[[str], ResultImportStore] = _prefecture_result_imports
    """A prefecture's result imports, by prefecture code."""
    result_files: ResultFileLinks = field(default_factory=_ResultFileLinks)
    sync_queue: SyncQueue = field(default_factory=lambda: _SqsQueue("sync"))
    """Sync's queue: result imports to commit, results groups to decide and announce."""
    notices: Callable[[str], NoticeReader] = _prefecture_notices
    """A prefecture's notice records and post lists, by prefecture code."""
    certificates: Callable[[str], CertificateStore] = _prefecture_certificates
    """A prefecture's certificates of passes, by prefecture code."""
    certificate_links: CertificateLinks = field(default_factory=_CertificateLinks)
    revocations: Callable[[str], RevocationStore] = _prefecture_revocations
    """A prefecture's revoked passes and their returns, by prefecture code."""
    incident_records: Callable[[str], IncidentRecords] = _prefecture_incident_records
    """What an incident trace reads of a prefecture's records, by prefecture code."""


class _Inbox:
    """The inbox, its bucket and key read from the environment on first write: a request
    that writes nothing (a status read) needs none of this function's other settings."""

    @cached_property
    def _inbox(self) -> Inbox:
        from kentei.data.inbox import Inbox

        return Inbox()

    def put_parts(self, application_id: str, parts: Iterable[Part]) -> str:
        return self._inbox.put_parts(application_id, parts)


class _Attachments:
    @cached_property
    def _attachments(self) -> Attachments:
        from kentei.data.inbox import Attachments

        return Attachments()

    def put(self, application_id: str, attachment: HashedPart) -> str:
        return self._attachments.put(application_id, attachment)


class _AuditTrail:
    @cached_property
    def _trail(self) -> DynamoAuditTrail:
        from kentei.data.audit import AuditTrail as DynamoAuditTrail

        return DynamoAuditTrail()

    def record(self, event: AuditEvent) -> None:
        self._trail.record(event)

    def search(self, query: AuditQuery, cursor: str | None = None) -> AuditPage:
        return self._trail.search(query, cursor)

    def verify(self, prefecture_code: str, first: date, last: date) -> ChainReport:
        return self._trail.verify(prefecture_code, first, last)


class _Fingerprinter:
    @cached_property
    def _fingerprinter(self) -> KmsFingerprinter:
        from intake.fingerprints import KmsFingerprinter
        from kentei import settings

        return KmsFingerprinter(settings.key_id("fingerprint"))

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str:
        return self._fingerprinter.fingerprint(body, resubmission_of)


class _StaffDirectory:
    """The deployed staff directory: the pool's id and the idle settings read from the
    environment at each use (a request that reviews no accounts never needs them), and a new
    pool listing per review (:class:`~kentei.data.staff_accounts.CognitoStaffAccounts` keeps
    its listing for its instance's life)."""

    def accounts(self, prefecture_code: str) -> list[Account]:
        from kentei.data.staff_accounts import CognitoStaffAccounts

        pool = os.environ.get(catalog.user_pool(catalog.STAFF_USER_POOL).env_var)
        if not pool:
            raise RuntimeError("the staff user pool is not set")
        return CognitoStaffAccounts(pool).accounts(prefecture_code)

    def sign_ins(self, prefecture_code: str) -> list[SignInSummary]:
        from kentei.data.sign_ins import DynamoSignInStore

        return DynamoSignInStore().summaries(prefecture_code)

    def warnings(self, prefecture_code: str) -> Mapping[str, datetime]:
        from kentei.data.idle_warnings import DynamoIdleWarnings

        return DynamoIdleWarnings().warnings(prefecture_code)

    def policy(self) -> IdlePolicy:
        return IdlePolicy.from_environment(os.environ)


_built: list[Dependencies] = []


def dependencies() -> Dependencies:
    """The container's dependencies, built on first use; each adapter reads its settings
    from the environment when it is first used (a missing one raises then)."""
    if not _built:
        _built.append(_build())
    return _built[0]


def _build() -> Dependencies:
    # Imported here: the data layer's modules are only needed once a request needs them.
    from kentei.data.applications import PrefectureApplications, applications_for
    from kentei.data.deletions import PrefectureDeletions
    from kentei.data.roster import PrefectureRoster
    from kentei.data.sessions import PrefectureSessions
    from kentei.data.tickets import PrefectureTickets

    return Dependencies(
        applications=PrefectureApplications,
        readable=applications_for,
        inbox=_Inbox(),
        attachments=_Attachments(),
        verify_queue=_SqsQueue("verify"),
        fingerprinter=_Fingerprinter(),
        audit=_AuditTrail(),
        staff=_StaffDirectory(),
        roster=PrefectureRoster,
        certify_queue=_SqsQueue("certify"),
        tickets=PrefectureTickets,
        sessions=PrefectureSessions,
        deletions=PrefectureDeletions,
    )


def reset(replacement: Dependencies | None = None) -> None:
    """Forget the built dependencies: the next request builds them again, or uses
    ``replacement`` (tests run the real handler over in-memory fakes this way)."""
    _built.clear()
    if replacement is not None:
        _built.append(replacement)
