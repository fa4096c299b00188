"""In-memory fakes of intake's ports (:mod:`intake.dependencies`): the receive flow runs on
them without moto. They keep the semantics the flow relies on: a conditional create that
finds the same request's application and refuses another's, one transaction per write."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from intake.dependencies import CertifyMessage, Dependencies, SyncMessage
from kentei.accounts import Account, IdlePolicy
from kentei.applications.model import Application, Status
from kentei.audit_chain import ChainReport
from kentei.callers import Caller, CallerKind
from kentei.change_requests import ChangeRequest
from kentei.data.applications import (
    ApplicationSummary,
    ConcurrentChangeError,
    IdTakenError,
    Page,
    StoredApplication,
)
from kentei.data.audit import AuditEvent, AuditPage, AuditQuery, InvalidAuditCursorError
from kentei.data.certificates import (
    CertificateCount,
    CertificateHold,
    CertificateRecord,
    HoldNotOpenError,
    ProofRequest,
    ReissueRefusedError,
    ReissueRequest,
)
from kentei.data.change_requests import RequestIdTakenError, StoredChangeRequest
from kentei.data.inbox import HashedPart, Part
from kentei.data.incidents import ScoreWrite
from kentei.data.initial_registrations import RegistrationIdTakenError, StoredInitialRegistration
from kentei.data.result_files import Upload
from kentei.data.results import ScoreRow, StoredScore, slot
from kentei.data.roster import StoredExaminee
from kentei.data.tickets import TicketRecord
from kentei.disclosures.record import DisclosureCopy
from kentei.exemptions.model import PassRecord
from kentei.fees.payments import (
    FeePayment,
    PaymentMethod,
    record_group_payment,
    record_payment,
)
from kentei.initial_registrations import InitialRegistrationRequest, InitialRegistrationStatus
from kentei.initial_registrations.review import LinkPlan, RejectPlan, ReviewChangedError
from kentei.messages import (
    ApplicationReceived,
    ChangeRequestReceived,
    DisclosureDue,
    IdentityChosen,
    InitialRegistrationReceived,
    UseResumed,
)
from kentei.national.conflicts import ConflictDecidedError, ConflictStatus, NationalConflict
from kentei.national.reconciliation import ReconcileReport
from kentei.notice_records import NoticeRecord, PostListEntry
from kentei.person_requests.model import ConcurrentRequestChangeError, PersonRequest, RequestStatus
from kentei.person_requests.suspension import Suspension, UseCondition
from kentei.records.examinee import Examinee
from kentei.results.historical.model import StoredHistoricalPass
from kentei.results.imports.record import ImportStatus, ResultImport
from kentei.results.passes import DecidedSitting
from kentei.results.runs import ResultsRun, RunKind
from kentei.roster.changes import (
    ExamineeChangedError,
    HistoryEntry,
    Proposal,
    ProposalDecidedError,
    ProposalStatus,
    RunRecord,
)
from kentei.roster.deletion import (
    DeletionReason,
    DeletionRecord,
    DeletionSource,
    SittingAlreadyDeletedError,
    SittingNotOnRosterError,
    deleted_sitting,
    deletion_record,
)
from kentei.roster.exam_numbers import schemes as exam_number_schemes
from kentei.roster.registration import Registration
from kentei.roster.sitting import ExamRound, Sitting, SittingStatus
from kentei.sessions.errors import SeatRefusedError, SessionChangedError, SessionRefusedError
from kentei.sessions.model import ExamSession, Family, SessionPart
from kentei.sessions.seating import SeatedSitting, SeatOutcome, in_family
from kentei.sign_ins import SignInSummary
from kentei.statistics.round_table import Group, Outcome

from .revocation_fakes import FakeRevocations

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
Created = TypeVar("Created", StoredApplication, StoredChangeRequest, StoredInitialRegistration)
Signed = TypeVar("Signed", StoredChangeRequest, StoredInitialRegistration)


def _of_prefecture(table: Mapping[str, Signed], key: str, prefecture_code: str) -> Signed | None:
    """A signed request's record, in its prefecture only."""
    found = table.get(key)
    if found is None or found.record.prefecture_code != prefecture_code:
        return None
    return found


@dataclass
class Records:
    """The records table and the audit table, as dicts and lists."""

    applications: dict[str, StoredApplication] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    writes: int = 0
    sittings: dict[str, Sitting] = field(default_factory=dict)
    """By application id."""
    examinees: dict[tuple[str, str], Examinee] = field(default_factory=dict)
    sequences: dict[tuple[str, str], int] = field(default_factory=dict)
    sessions: dict[str, ExamSession] = field(default_factory=dict)
    """Every prefecture's exam sessions, by session id."""
    seats: dict[str, dict[SessionPart, str]] = field(default_factory=dict)
    """Application id → its session per part."""
    deletions: dict[str, DeletionRecord] = field(default_factory=dict)
    """By application id."""
    examinees_updated: dict[tuple[str, str], datetime] = field(default_factory=dict)
    """When an examinee's items last changed other than by a registration."""
    proposals: dict[str, Proposal] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    change_requests: dict[str, StoredChangeRequest] = field(default_factory=dict)
    """Signed change requests, by request id."""
    initial_registrations: dict[str, StoredInitialRegistration] = field(default_factory=dict)
    """Initial registrations, by id."""
    historical: dict[tuple[str, str], StoredHistoricalPass] = field(default_factory=dict)
    """(prefecture, passer number) → the historical pass record."""
    historical_passes: dict[tuple[str, str, str], PassRecord] = field(default_factory=dict)
    """(prefecture, 資格仮名ID, record id) → a past pass's pass record (``H-<number>``)."""
    revoked: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """The same keys → the reason a past pass's pass record was revoked."""
    revoked_passes: set[str] = field(default_factory=set)
    """Record ids of pass records revoked (合格の取消し)."""
    printed_names: dict[str, str] = field(default_factory=dict)
    """資格仮名ID → the spelling to print on certificates, kept on the examinee's item (the
    roster reads it as ``certificate_name``; the certificates store writes it)."""
    decisions: dict[str, DecidedSitting] = field(default_factory=dict)
    """Every prefecture's decisions, by application id."""
    results_runs: dict[tuple[str, str, RunKind], ResultsRun] = field(default_factory=dict)
    """(prefecture, group key, kind) → the latest run."""
    passes: list[PassRecord] = field(default_factory=list)
    """Every prefecture's pass records (record id: the application id)."""
    scores: dict[str, dict[str, StoredScore]] = field(default_factory=dict)
    """Application id → its scores by slot (``part#component``)."""
    pending_scores: list[StoredScore] = field(default_factory=list)
    """A correction's scores, written when its transaction (``FakeResults.correct``) is."""
    national_conflicts: dict[str, NationalConflict] = field(default_factory=dict)
    """Every prefecture's conflicts with the national side, by id."""
    person_requests: dict[str, PersonRequest] = field(default_factory=dict)
    """Every prefecture's person requests (P10), by id."""
    suspensions: dict[tuple[str, str], Suspension] = field(default_factory=dict)
    """(prefecture, 資格仮名ID) → the suspension of use while it stands."""
    disclosures: dict[str, DisclosureCopy] = field(default_factory=dict)
    """A granted disclosure request's sealed copy, by request id."""
    passphrases: dict[str, str] = field(default_factory=dict)
    """A sealed copy's passphrase until picked up, by request id."""
    national_reports: list[ReconcileReport] = field(default_factory=list)
    """Every prefecture's reconciliation reports."""
    reasserted: list[tuple[str, str]] = field(default_factory=list)
    """(prefecture, 資格仮名ID) of examinees marked to travel to the national side again."""

    def created(
        self,
        table: dict[str, Created],
        key: str,
        stored: Created,
        taken: Exception,
        audit: Sequence[AuditEvent],
    ) -> Created:
        """A conditional create in ``table``, as in the data layer: the same request's item
        found again, another request's refused with ``taken``; else ``stored`` written with
        its audit events in one transaction."""
        existing = table.get(key)
        if existing is not None:
            if existing.request_fingerprint != stored.request_fingerprint:
                raise taken
            return existing
        table[key] = stored
        self.written(audit)
        return stored

    def sitting_on_roster(self, prefecture_code: str, person: str, application_id: str) -> Sitting:
        """The person's sitting on the prefecture's roster (``SittingNotOnRosterError`` if
        none), as the data layer's conditions read it."""
        sitting = self.sittings.get(application_id)
        if (
            sitting is None
            or sitting.prefecture_code != prefecture_code
            or sitting.qualification_pseudonym_id != person
        ):
            raise SittingNotOnRosterError("no such sitting on this prefecture's roster")
        return sitting

    def written(self, audit: Sequence[AuditEvent]) -> None:
        """One transaction written, with its audit events."""
        self.audit.extend(audit)
        self.writes += 1

    def prefecture(self, prefecture_code: str) -> FakeApplications:
        return FakeApplications(self, prefecture_code)

    def readable(self, caller: Caller) -> FakeReader:
        return FakeReader(self, caller)

    def roster(self, prefecture_code: str) -> FakeRoster:
        return FakeRoster(self, prefecture_code)

    def deletions_of(self, prefecture_code: str) -> FakeDeletions:
        return FakeDeletions(self, prefecture_code)

    def session_book(self, prefecture_code: str) -> FakeSessions:
        return FakeSessions(self, prefecture_code)

    def changes(self, prefecture_code: str) -> FakeChanges:
        return FakeChanges(self, prefecture_code)

    def corrections_of(self, prefecture_code: str) -> FakeCorrections:
        return FakeCorrections(self, prefecture_code)

    def national_conflicts_of(self, prefecture_code: str) -> FakeNationalConflicts:
        return FakeNationalConflicts(self, prefecture_code)

    def person_requests_of(self, prefecture_code: str) -> FakePersonRequests:
        return FakePersonRequests(self, prefecture_code)

    def national_reports_of(self, prefecture_code: str) -> FakeNationalReports:
        return FakeNationalReports(self, prefecture_code)

    def change_requests_of(self, prefecture_code: str) -> FakeChangeRequests:
        return FakeChangeRequests(self, prefecture_code)

    def initial_registrations_of(self, prefecture_code: str) -> FakeInitialRegistrations:
        return FakeInitialRegistrations(self, prefecture_code)

    def passer_reviews_of(self, prefecture_code: str) -> FakePasserReviews:
        return FakePasserReviews(self, prefecture_code)

    def payments_of(self, prefecture_code: str) -> FakePayments:
        return FakePayments(self, prefecture_code)

    def results_of(self, prefecture_code: str) -> FakeResults:
        return FakeResults(self, prefecture_code)

    def statistics_of(self, prefecture_code: str) -> FakeStatistics:
        return FakeStatistics(self, prefecture_code)

    def scores_of_prefecture(self, prefecture_code: str) -> FakeScores:
        return FakeScores(self, prefecture_code)

    def put_scores(self, scores: Sequence[StoredScore]) -> None:
        for one in scores:
            self.scores.setdefault(one.application_id, {})[slot(one.entry)] = one


@dataclass
class FakeScores:
    """A prefecture's scores: a correction is one write with its audit events."""

    records: Records
    prefecture_code: str

    def scores_of(self, application_id: str) -> list[StoredScore]:
        return list(self.records.scores.get(application_id, {}).values())

    def correct(
        self,
        rows: Sequence[ScoreRow],
        *,
        source: str,
        at: datetime,
        by: str,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        self.records.put_scores(
            [StoredScore(r.application_id, r.entry, source, None, at, by) for r in rows]
        )
        self.records.written(audit)

    def correction_writes(
        self, rows: Sequence[ScoreRow], *, source: str, at: datetime, by: str
    ) -> list[TransactWriteItemTypeDef]:
        self.records.pending_scores = [
            StoredScore(r.application_id, r.entry, source, None, at, by) for r in rows
        ]
        return []


@dataclass
class FakeStatistics:
    """A prefecture's registered sittings of a round and their results, as the data layer
    counts them: another prefecture's are not there."""

    records: Records
    prefecture_code: str

    def outcomes(self, exam_round: ExamRound) -> list[Outcome]:
        decided = {d.application_id: d.decision.result for d in self.records.decisions.values()}
        return [
            Outcome(Group(s.trade_code, s.work_code, s.grade.value), decided.get(s.application_id))
            for s in self.records.sittings.values()
            if s.prefecture_code == self.prefecture_code
            and s.exam_round == exam_round
            and s.status is SittingStatus.REGISTERED
        ]


@dataclass
class FakeResults:
    """A prefecture's decisions and results runs: another prefecture's are not there."""

    records: Records
    prefecture_code: str

    def decisions(self, group_key: str) -> list[DecidedSitting]:
        return [
            d
            for d in self.records.decisions.values()
            if d.prefecture_code == self.prefecture_code and d.group_key == group_key
        ]

    def run(self, group_key: str, kind: RunKind) -> ResultsRun | None:
        return self.records.results_runs.get((self.prefecture_code, group_key, kind))

    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None:
        found = self.records.decisions.get(application_id)
        if found is None or found.prefecture_code != self.prefecture_code:
            return None
        return found if found.group_key == group_key else None

    def pass_of(self, qualification_pseudonym_id: str, application_id: str) -> PassRecord | None:
        """Revoked or not, as the data layer reads one record."""
        return next(
            (
                p
                for p in self.records.passes
                if p.qualification_pseudonym_id == qualification_pseudonym_id
                and p.record_id == application_id
                and p.record_id[:2] == self.prefecture_code
            ),
            None,
        )

    def correct(
        self,
        before: DecidedSitting,
        after: DecidedSitting,
        at: datetime,
        *,
        writes: Sequence[TransactWriteItemTypeDef] = (),
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None:
        assert self.records.decisions[before.application_id] == before
        self.records.decisions[after.application_id] = after
        self.records.put_scores(self.records.pending_scores)
        self.records.pending_scores = []
        self.records.written(audit)
        return self.pass_of(after.qualification_pseudonym_id, after.application_id)

    def passes_of(self, qualification_pseudonym_id: str) -> list[PassRecord]:
        return [
            p
            for p in self.records.passes
            if p.qualification_pseudonym_id == qualification_pseudonym_id
            and p.record_id[:2] == self.prefecture_code
            and p.record_id not in self.records.revoked_passes
        ]


@dataclass
class FakeInitialRegistrations:
    """A prefecture's initial registrations: a conditional create, as in the data layer."""

    records: Records
    prefecture_code: str

    def registration(self, request_id: str) -> StoredInitialRegistration | None:
        return _of_prefecture(self.records.initial_registrations, request_id, self.prefecture_code)

    def create(
        self,
        record: InitialRegistrationRequest,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredInitialRegistration:
        assert record.prefecture_code == self.prefecture_code
        return self.records.created(
            self.records.initial_registrations,
            record.request_id,
            StoredInitialRegistration(record, request_fingerprint),
            RegistrationIdTakenError("the id belongs to another request"),
            audit,
        )


@dataclass
class FakePasserReviews:
    """A prefecture's registrations in review and historical records: each decision written
    at once, conditional on the registration being in review and the record as read (its
    status and linked person), as in the data layer's transaction."""

    records: Records
    prefecture_code: str
    fail_next: bool = False
    """Make the next decision find everything changed (a concurrent decision)."""

    def registration(self, request_id: str) -> StoredInitialRegistration | None:
        return FakeInitialRegistrations(self.records, self.prefecture_code).registration(request_id)

    def registrations(
        self, status: InitialRegistrationStatus, limit: int, after: str | None = None
    ) -> tuple[list[InitialRegistrationRequest], str | None]:
        found = sorted(
            (
                stored.record
                for stored in self.records.initial_registrations.values()
                if stored.record.prefecture_code == self.prefecture_code
                and stored.record.status is status
                and (after is None or stored.record.request_id > after)
            ),
            key=lambda record: record.request_id,
        )
        page = found[:limit]
        return page, page[-1].request_id if len(found) > limit else None

    def historical(self, passer_number: str) -> StoredHistoricalPass | None:
        return self.records.historical.get((self.prefecture_code, passer_number))

    def link(
        self,
        stored: StoredInitialRegistration,
        plan: LinkPlan,
        at: datetime,
        *,
        audit: Sequence[AuditEvent],
    ) -> None:
        self._check(stored, plan.current)
        key = (self.prefecture_code, plan.current.record.passer_number)
        if plan.link is None or plan.pass_record is None:
            self.records.historical[key] = plan.after
        else:
            record = plan.pass_record
            mine = (self.prefecture_code, record.qualification_pseudonym_id, record.record_id)
            if mine in self.records.historical_passes and mine not in self.records.revoked:
                raise ReviewChangedError("the pass record is there")
            if plan.revoke is not None:
                theirs = (
                    self.prefecture_code,
                    plan.revoke.qualification_pseudonym_id,
                    plan.revoke.record_id,
                )
                if theirs not in self.records.historical_passes or theirs in self.records.revoked:
                    raise ReviewChangedError("the other pass record is gone or revoked")
                self.records.revoked[theirs] = plan.revoke.reason
            self.records.revoked.pop(mine, None)
            self.records.historical_passes[mine] = record
            self.records.historical[key] = plan.after
        self._decided(stored, plan.decided, audit)

    def reject(
        self, stored: StoredInitialRegistration, plan: RejectPlan, *, audit: Sequence[AuditEvent]
    ) -> None:
        self._check(stored, plan.current)
        if plan.current is not None and plan.after is not None:
            key = (self.prefecture_code, plan.current.record.passer_number)
            self.records.historical[key] = plan.after
        self._decided(stored, plan.decided, audit)

    def _check(
        self, stored: StoredInitialRegistration, current: StoredHistoricalPass | None
    ) -> None:
        now = self.registration(stored.record.request_id)
        if (
            self.fail_next
            or now is None
            or now.record.status is not InitialRegistrationStatus.IN_REVIEW
        ):
            self.fail_next = False
            raise ReviewChangedError("the registration changed meanwhile")
        if current is not None:
            there = self.historical(current.record.passer_number)
            if there is None or (there.status, there.link) != (current.status, current.link):
                raise ReviewChangedError("the record changed meanwhile")

    def _decided(
        self,
        stored: StoredInitialRegistration,
        decided: InitialRegistrationRequest,
        audit: Sequence[AuditEvent],
    ) -> None:
        self.records.initial_registrations[decided.request_id] = StoredInitialRegistration(
            decided, stored.request_fingerprint
        )
        self.records.written(audit)


@dataclass
class FakeChangeRequests:
    """A prefecture's signed change requests: a conditional create, as in the data layer."""

    records: Records
    prefecture_code: str

    def request(self, request_id: str) -> StoredChangeRequest | None:
        return _of_prefecture(self.records.change_requests, request_id, self.prefecture_code)

    def create(
        self, record: ChangeRequest, request_fingerprint: str, audit: Sequence[AuditEvent] = ()
    ) -> StoredChangeRequest:
        assert record.prefecture_code == self.prefecture_code
        return self.records.created(
            self.records.change_requests,
            record.request_id,
            StoredChangeRequest(record, request_fingerprint),
            RequestIdTakenError("the request id belongs to another request"),
            audit,
        )

    def proposal(self, proposal_id: str) -> Proposal | None:
        return FakeChanges(self.records, self.prefecture_code).proposal(proposal_id)


@dataclass
class FakeSessions:
    """One prefecture's sessions and seats, with the store's conditions (no concurrency):
    a session or sitting of another prefecture is not there."""

    records: Records
    prefecture_code: str

    def create(self, session: ExamSession, *, audit: Sequence[AuditEvent] = ()) -> None:
        assert session.prefecture_code == self.prefecture_code
        if session.session_id in self.records.sessions:
            raise ValueError(f"session {session.session_id} exists already")
        self.records.sessions[session.session_id] = session
        self._written(audit)

    def _written(self, audit: Sequence[AuditEvent]) -> None:
        """A write went through: its audit entries with it (as in one transaction)."""
        self.records.written(audit)

    def update(
        self, session: ExamSession, expected_version: int, *, audit: Sequence[AuditEvent] = ()
    ) -> None:
        assert session.prefecture_code == self.prefecture_code
        assert session.version == expected_version + 1
        stored = self.records.sessions[session.session_id]
        if stored.version != expected_version:
            raise SessionChangedError(session.session_id)
        if stored.seats > session.capacity:
            raise SessionRefusedError.one("capacity", "below the seats already assigned")
        self.records.sessions[session.session_id] = session.model_copy(
            update={"seats": stored.seats}
        )
        self._written(audit)

    def session(self, round_key: str, session_id: str) -> ExamSession | None:
        found = self.records.sessions.get(session_id)
        if found is None or found.prefecture_code != self.prefecture_code:
            return None
        return found if found.exam_round.key == round_key else None

    def _mine(self) -> list[ExamSession]:
        found = [
            s for s in self.records.sessions.values() if s.prefecture_code == self.prefecture_code
        ]
        return sorted(found, key=lambda s: s.order)

    def sessions_of(self, exam_round: ExamRound) -> list[ExamSession]:
        return [s for s in self._mine() if s.exam_round == exam_round]

    def sessions_on(self, day: date, rounds: Iterable[ExamRound]) -> list[ExamSession]:
        wanted = set(rounds)
        return [s for s in self._mine() if s.exam_date == day and s.exam_round in wanted]

    def family_sessions(self, family: Family) -> list[ExamSession]:
        return [s for s in self._mine() if s.family == family]

    def take_seat(
        self,
        session: ExamSession,
        sitting: Sitting,
        part: SessionPart,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        stored = self.records.sittings.get(sitting.application_id)
        if (
            stored is None
            or stored.prefecture_code != self.prefecture_code
            or stored.status is not SittingStatus.REGISTERED
        ):
            return SeatOutcome.NOT_SEATABLE
        seats = self.records.seats.setdefault(sitting.application_id, {})
        if part in seats:
            return SeatOutcome.ALREADY_SEATED
        live = self.records.sessions[session.session_id]
        if live.seats >= live.capacity:
            return SeatOutcome.FULL
        self.records.sessions[live.session_id] = live.model_copy(update={"seats": live.seats + 1})
        seats[part] = live.session_id
        self._written(audit)
        return SeatOutcome.SEATED

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        seats = self.records.seats.setdefault(sitting.application_id, {})
        if seats.get(part) != source.session_id:
            raise SeatRefusedError("part", "not seated there")
        new = self.records.sessions[target.session_id]
        if new.seats >= new.capacity:
            return SeatOutcome.FULL
        old = self.records.sessions[source.session_id]
        self.records.sessions[old.session_id] = old.model_copy(update={"seats": old.seats - 1})
        self.records.sessions[new.session_id] = new.model_copy(update={"seats": new.seats + 1})
        seats[part] = new.session_id
        self._written(audit)
        return SeatOutcome.SEATED

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None:
        found = self.records.sittings.get(application_id)
        if (
            found is None
            or found.prefecture_code != self.prefecture_code
            or found.qualification_pseudonym_id != qualification_pseudonym_id
        ):
            return None
        return SeatedSitting(found, dict(self.records.seats.get(application_id, {})))

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        found = [
            SeatedSitting(s, dict(self.records.seats.get(s.application_id, {})))
            for s in self.records.sittings.values()
            if s.prefecture_code == self.prefecture_code and in_family(s, family)
        ]
        return sorted(found, key=lambda one: (one.sitting.accepted_at, one.sitting.application_id))


@dataclass
class FakeDeletions:
    """As the data layer: the sitting deleted, its record kept, the examinee deleted with
    their last registered sitting, the audit events with the write; all or nothing."""

    store: Records
    prefecture_code: str

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
        sitting = self.store.sitting_on_roster(
            self.prefecture_code, qualification_pseudonym_id, application_id
        )
        if sitting.status is not SittingStatus.REGISTERED:
            raise SittingAlreadyDeletedError(self.store.deletions.get(application_id))
        others = [
            s
            for s in self.store.sittings.values()
            if s.qualification_pseudonym_id == qualification_pseudonym_id
            and s.prefecture_code == self.prefecture_code
            and s.application_id != application_id
            and s.status is SittingStatus.REGISTERED
        ]
        person = (self.prefecture_code, qualification_pseudonym_id)
        last = not others and person in self.store.examinees
        record = deletion_record(
            sitting,
            reason,
            source=source,
            by=by,
            at=at,
            seats_released=tuple(sitting.sessions.values()),
            examinee_deleted=last,
        )
        self.store.sittings[application_id] = deleted_sitting(sitting)
        self.store.deletions[application_id] = record
        if last:
            del self.store.examinees[person]
        self.store.written(audit)
        return record

    def record(self, application_id: str) -> DeletionRecord | None:
        found = self.store.deletions.get(application_id)
        if found is None or found.prefecture_code != self.prefecture_code:
            return None
        return found

    def records(self) -> list[DeletionRecord]:
        return sorted(
            (r for r in self.store.deletions.values() if r.prefecture_code == self.prefecture_code),
            key=lambda r: (r.deleted_at, r.application_id),
            reverse=True,
        )


@dataclass
class FakePayments:
    """As the data layer: the payment recorded on the sitting with its audit events, all or
    nothing; the same payment again writes nothing."""

    store: Records
    prefecture_code: str

    def record_payment(
        self,
        qualification_pseudonym_id: str,
        application_id: str,
        payment: FeePayment,
        *,
        today: date,
        audit: Sequence[AuditEvent] = (),
    ) -> Sitting:
        sitting = self.store.sitting_on_roster(
            self.prefecture_code, qualification_pseudonym_id, application_id
        )
        paid = record_payment(sitting, payment, today=today)
        if paid == sitting:
            return sitting
        self.store.sittings[application_id] = paid
        self.store.written(audit)
        return paid

    def record_group_payment(
        self,
        members: Sequence[tuple[str, str]],
        method: PaymentMethod,
        paid_on: date,
        *,
        today: date,
        audit: Mapping[str, AuditEvent],
    ) -> list[Sitting]:
        sittings = [
            self.store.sitting_on_roster(self.prefecture_code, person, application_id)
            for person, application_id in members
        ]
        paid = record_group_payment(sittings, method, paid_on, today=today)
        changed = [after for before, after in zip(sittings, paid, strict=True) if after != before]
        if changed:
            for after in changed:
                self.store.sittings[after.application_id] = after
                if after.application_id in audit:
                    self.store.audit.append(audit[after.application_id])
            self.store.writes += 1
        return paid


@dataclass
class FakeRoster:
    store: Records
    prefecture_code: str

    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None:
        examinee = self.store.examinees.get((self.prefecture_code, qualification_pseudonym_id))
        if examinee is None:
            return None
        sittings = self.sittings_of(qualification_pseudonym_id)
        return StoredExaminee(
            qualification_pseudonym_id,
            examinee,
            frozenset(s.application_id for s in sittings),
            min(s.accepted_at for s in sittings),
            self.store.examinees_updated.get(
                (self.prefecture_code, qualification_pseudonym_id),
                max(s.accepted_at for s in sittings),
            ),
            certificate_name=self.store.printed_names.get(qualification_pseudonym_id),
        )

    def sittings_of(self, qualification_pseudonym_id: str) -> list[Sitting]:
        return [
            s
            for s in self.store.sittings.values()
            if s.prefecture_code == self.prefecture_code
            and s.qualification_pseudonym_id == qualification_pseudonym_id
        ]


@dataclass
class FakeChanges:
    """A prefecture's change proposals and runs: a decision is all or nothing, conditional on
    the proposal open and the examinee at the proposal's basis, as in the data layer."""

    records: Records
    prefecture_code: str

    def proposal(self, proposal_id: str) -> Proposal | None:
        found = self.records.proposals.get(proposal_id)
        return (
            found if found is not None and found.prefecture_code == self.prefecture_code else None
        )

    def proposals(
        self, status: ProposalStatus, limit: int = 25, after: str | None = None
    ) -> tuple[list[Proposal], str | None]:
        listed = sorted(
            (
                p
                for p in self.records.proposals.values()
                if p.prefecture_code == self.prefecture_code and p.status is status
            ),
            key=lambda p: p.proposal_id,
        )
        listed = [p for p in listed if after is None or p.proposal_id > after]
        page = listed[:limit]
        return page, page[-1].proposal_id if len(listed) > limit else None

    def decide(
        self,
        decided: Proposal,
        *,
        examinee: Examinee | None = None,
        history: HistoryEntry | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        current = self.records.proposals[decided.proposal_id]
        if current.status is not ProposalStatus.PROPOSED:
            raise ProposalDecidedError("the proposal was decided meanwhile")
        person = (self.prefecture_code, decided.qualification_pseudonym_id)
        if examinee is not None:
            assert examinee.my_number is None
            assert history is not None
            assert decided.decided_at is not None
            stored = FakeRoster(self.records, self.prefecture_code).examinee(person[1])
            if stored is None or stored.updated_at != decided.basis:
                raise ExamineeChangedError("the examinee changed since the proposal")
            self.records.examinees[person] = examinee
            self.records.examinees_updated[person] = decided.decided_at
            self.records.history.append(history)
        self.records.proposals[decided.proposal_id] = decided
        self.records.written(audit)

    def runs(self, limit: int = 25) -> list[RunRecord]:
        mine = [r for r in self.records.runs if r.prefecture_code == self.prefecture_code]
        return sorted(mine, key=lambda r: r.run_id, reverse=True)[:limit]

    def propose(
        self, proposal: Proposal, superseding: Proposal | None, audit: Sequence[AuditEvent] = ()
    ) -> None:
        assert proposal.prefecture_code == self.prefecture_code
        assert superseding is None, "intake proposes a person's request, superseding nothing"
        assert proposal.proposal_id not in self.records.proposals
        self.records.proposals[proposal.proposal_id] = proposal
        self.records.written(audit)


@dataclass
class FakeCorrections:
    """A correction request naming its proposal, and the proposal (superseding the request's
    open one), all or nothing, conditional as in the data layer."""

    records: Records
    prefecture_code: str

    def propose_correction(
        self,
        changed: PersonRequest,
        was: PersonRequest,
        proposal: Proposal,
        superseding: Proposal | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        assert changed.prefecture_code == proposal.prefecture_code == self.prefecture_code
        assert proposal.person_request_id == changed.request_id
        assert changed.proposal_id == proposal.proposal_id
        assert (None if superseding is None else superseding.proposal_id) == was.proposal_id
        stored = self.records.person_requests[changed.request_id]
        if (stored.status, stored.proposal_id) != (was.status, was.proposal_id):
            raise ConcurrentRequestChangeError("the request changed meanwhile")
        if superseding is not None:
            if self.records.proposals[superseding.proposal_id].status is not (
                ProposalStatus.PROPOSED
            ):
                raise ProposalDecidedError("the correction was decided meanwhile")
            self.records.proposals[superseding.proposal_id] = superseding.model_copy(
                update={"status": ProposalStatus.SUPERSEDED}
            )
        assert proposal.proposal_id not in self.records.proposals
        self.records.proposals[proposal.proposal_id] = proposal
        self.records.person_requests[changed.request_id] = changed
        self.records.written(audit)


@dataclass
class FakePersonRequests:
    """One prefecture's person requests and suspensions, as the data layer keeps them."""

    records: Records
    prefecture_code: str

    def receive(self, request: PersonRequest, audit: Sequence[AuditEvent] = ()) -> None:
        assert request.prefecture_code == self.prefecture_code
        if request.request_id in self.records.person_requests:
            raise ConcurrentRequestChangeError("the request exists")
        self.records.person_requests[request.request_id] = request
        self.records.written(audit)

    def request(self, request_id: str) -> PersonRequest | None:
        found = self.records.person_requests.get(request_id)
        if found is None or found.prefecture_code != self.prefecture_code:
            return None
        return found

    def requests_of(self, person: str) -> list[PersonRequest]:
        return [
            r
            for r in self.records.person_requests.values()
            if r.prefecture_code == self.prefecture_code and r.qualification_pseudonym_id == person
        ]

    def open_requests(self) -> list[PersonRequest]:
        return [
            r
            for r in self.records.person_requests.values()
            if r.prefecture_code == self.prefecture_code and r.open
        ]

    def change(
        self,
        changed: PersonRequest,
        was: RequestStatus,
        audit: Sequence[AuditEvent] = (),
        *,
        suspension: Suspension | None = None,
    ) -> None:
        stored = self.records.person_requests[changed.request_id]
        if stored.status is not was or stored.proposal_id != changed.proposal_id:
            raise ConcurrentRequestChangeError("the request changed meanwhile")
        if suspension is not None:
            key = (self.prefecture_code, suspension.qualification_pseudonym_id)
            if key in self.records.suspensions:
                raise ConcurrentRequestChangeError("the person is suspended already")
            self.records.suspensions[key] = suspension
        self.records.person_requests[changed.request_id] = changed
        self.records.written(audit)

    def suspension(self, person: str) -> Suspension | None:
        return self.records.suspensions.get((self.prefecture_code, person))

    def suspended_persons(self) -> frozenset[str]:
        return frozenset(p for c, p in self.records.suspensions if c == self.prefecture_code)

    def lift(self, suspension: Suspension, audit: Sequence[AuditEvent] = ()) -> None:
        key = (self.prefecture_code, suspension.qualification_pseudonym_id)
        if self.records.suspensions.get(key) != suspension:
            raise ConcurrentRequestChangeError("another suspension")
        del self.records.suspensions[key]
        self.records.written(audit)

    def disclosure(self, request_id: str) -> DisclosureCopy | None:
        copy = self.records.disclosures.get(request_id)
        return copy if copy is not None and copy.prefecture_code == self.prefecture_code else None

    def passphrase(self, request_id: str) -> str | None:
        if self.disclosure(request_id) is None:
            return None
        return self.records.passphrases.get(request_id)

    def record_disclosure(
        self, copy: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        """As verify keeps it (the tests seal a copy with it)."""
        if copy.request_id in self.records.disclosures:
            return False
        self.records.disclosures[copy.request_id] = copy
        self.records.passphrases[copy.request_id] = passphrase
        self.records.written(audit)
        return True

    def take_passphrase(
        self, taken: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> None:
        if self.records.passphrases.get(taken.request_id) != passphrase:
            raise ConcurrentRequestChangeError("the passphrase was picked up meanwhile")
        del self.records.passphrases[taken.request_id]
        self.records.disclosures[taken.request_id] = taken
        self.records.written(audit)


@dataclass
class FakeNationalReports:
    records: Records
    prefecture_code: str

    def latest(self, limit: int) -> list[ReconcileReport]:
        mine = [
            r for r in self.records.national_reports if r.prefecture_code == self.prefecture_code
        ]
        return sorted(mine, key=lambda r: r.run_id, reverse=True)[:limit]


@dataclass
class FakeNationalConflicts:
    """One prefecture's conflicts with the national side, as the data layer keeps them."""

    records: Records
    prefecture_code: str

    def conflict(self, conflict_id: str) -> NationalConflict | None:
        found = self.records.national_conflicts.get(conflict_id)
        return (
            found if found is not None and found.prefecture_code == self.prefecture_code else None
        )

    def conflicts(
        self, status: ConflictStatus, limit: int, cursor: str | None = None
    ) -> tuple[list[NationalConflict], str | None]:
        listed = sorted(
            (
                c
                for c in self.records.national_conflicts.values()
                if c.prefecture_code == self.prefecture_code and c.status is status
            ),
            key=lambda c: c.conflict_id,
        )
        listed = [c for c in listed if cursor is None or c.conflict_id > cursor]
        page = listed[:limit]
        return page, page[-1].conflict_id if len(listed) > limit else None

    def keep_ours(self, decided: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None:
        self._decided(decided)
        self.records.reasserted.append((self.prefecture_code, decided.qualification_pseudonym_id))
        self.records.national_conflicts[decided.conflict_id] = decided
        self.records.written(audit)

    def take_theirs(
        self,
        decided: NationalConflict,
        change: tuple[Examinee, HistoryEntry, datetime] | None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        self._decided(decided)
        person = (self.prefecture_code, decided.qualification_pseudonym_id)
        if change is None:
            self.records.reasserted.append(person)
        else:
            examinee, history, basis = change
            stored = FakeRoster(self.records, self.prefecture_code).examinee(person[1])
            if stored is None or stored.updated_at != basis:
                raise ConflictDecidedError("the examinee changed meanwhile")
            assert decided.decided_at is not None
            self.records.examinees[person] = examinee
            self.records.examinees_updated[person] = decided.decided_at
            self.records.history.append(history)
        self.records.national_conflicts[decided.conflict_id] = decided
        self.records.written(audit)

    def _decided(self, decided: NationalConflict) -> None:
        current = self.records.national_conflicts[decided.conflict_id]
        if current.status is not ConflictStatus.OPEN:
            raise ConflictDecidedError("the conflict was resolved meanwhile")


@dataclass
class FakeApplications:
    records: Records
    prefecture_code: str

    def get(self, application_id: str) -> StoredApplication | None:
        stored = self.records.applications.get(application_id)
        if stored is None or stored.application.prefecture_code != self.prefecture_code:
            return None
        return stored

    def create(
        self,
        application: Application,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredApplication:
        assert application.form.my_number is None
        assert application.prefecture_code == self.prefecture_code
        return self.records.created(
            self.records.applications,
            application.application_id,
            StoredApplication(application, 1, request_fingerprint),
            IdTakenError("the application id belongs to another request"),
            audit,
        )

    def list(self, status: Status, limit: int = 25, cursor: str | None = None) -> Page:
        """The prefecture's applications at ``status`` (still listed), oldest first; the
        cursor is the last id of the page before."""
        listed = sorted(
            (
                s.application
                for s in self.records.applications.values()
                if s.application.prefecture_code == self.prefecture_code
                and s.application.status is status
                and s.application.replaced_by is None
            ),
            key=lambda a: (a.received_at, a.application_id),
        )
        ids = [a.application_id for a in listed]
        start = ids.index(cursor) + 1 if cursor in ids else 0
        page = listed[start : start + limit]
        more = start + limit < len(listed)
        return Page(
            tuple(ApplicationSummary.of(a) for a in page),
            page[-1].application_id if more and page else None,
        )

    def replace(
        self,
        stored: StoredApplication,
        updated: Application,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredApplication:
        current = self.records.applications[updated.application_id]
        if current.version != stored.version:
            raise ConcurrentChangeError("the application changed since it was read")
        saved = StoredApplication(updated, stored.version + 1, stored.request_fingerprint)
        self.records.applications[updated.application_id] = saved
        self.records.written(audit)
        return saved

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
        """As the data layer: the sequence drawn first, then all or nothing."""
        scheme = exam_number_schemes().of(self.prefecture_code)
        if use is not None:
            standing = (self.prefecture_code, use.person) in self.records.suspensions
            if standing != use.suspended:
                raise ConcurrentChangeError("the person's suspension changed")

        def draw(counter: str) -> int:
            key = (self.prefecture_code, counter)
            self.records.sequences[key] = self.records.sequences.get(key, 0) + 1
            return self.records.sequences[key]

        sitting = registration.drawn_sitting(scheme, draw, at=accepted.history[-1].at, by=by)
        assert registration.examinee.my_number is None
        assert accepted.application_id not in self.records.sittings
        saved = self.replace(stored, accepted, audit)
        self.records.sittings[accepted.application_id] = sitting
        person = (self.prefecture_code, registration.qualification_pseudonym_id)
        self.records.examinees[person] = registration.examinee
        return saved, sitting


@dataclass
class FakeReader:
    records: Records
    caller: Caller

    def get(self, application_id: str) -> StoredApplication | None:
        stored = self.records.applications.get(application_id)
        if stored is None:
            return None
        application = stored.application
        if self.caller.kind is CallerKind.STAFF:
            visible = application.prefecture_code == self.caller.prefecture_code
        else:
            visible = application.submitted_by == self.caller.id
        return stored if visible else None


@dataclass
class FakeInbox:
    objects: dict[str, bytes] = field(default_factory=dict)

    def put_parts(self, application_id: str, parts: Iterable[Part]) -> str:
        for part in parts:
            self.objects[f"{application_id}/{part.name}"] = part.content
        return f"{application_id}/"


@dataclass
class FakeAttachments:
    objects: dict[str, bytes] = field(default_factory=dict)

    def put(self, application_id: str, attachment: HashedPart) -> str:
        key = f"{application_id}/{attachment.sha256}"
        self.objects[key] = attachment.content
        return key


Sent = (
    ApplicationReceived
    | IdentityChosen
    | ChangeRequestReceived
    | InitialRegistrationReceived
    | DisclosureDue
    | UseResumed
)


@dataclass
class FakeDisclosureLinks:
    """Presigned GETs of the disclosures bucket, as links that name their key."""

    issued: list[tuple[str, int]] = field(default_factory=list)

    def download_url(self, key: str, expires_s: int) -> str:
        self.issued.append((key, expires_s))
        return f"https://disclosures.example/{key}?expires={expires_s}"


@dataclass
class FakeQueue:
    sent: list[Sent] = field(default_factory=list)

    def send(self, message: Sent) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"


@dataclass
class FakeSyncQueue:
    sent: list[SyncMessage] = field(default_factory=list)

    def send(self, message: SyncMessage) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"


@dataclass
class FakeCertifyQueue:
    sent: list[CertifyMessage] = field(default_factory=list)

    def send(self, message: CertifyMessage) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"


@dataclass
class FakeTickets:
    current_by_application: dict[str, TicketRecord] = field(default_factory=dict)

    def prefecture(self, prefecture_code: str) -> FakeTickets:
        return self

    def current(self, application_id: str) -> TicketRecord | None:
        return self.current_by_application.get(application_id)

    def download_url(self, record: TicketRecord) -> str:
        return f"https://certificates.example/{record.object_key}?signature=fake"


@dataclass
class FakeResultImports:
    """Every prefecture's result imports; each store answers its own prefecture only."""

    records: dict[str, ResultImport] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def prefecture(self, prefecture_code: str) -> _PrefectureImports:
        return _PrefectureImports(self, prefecture_code)


@dataclass
class _PrefectureImports:
    all: FakeResultImports
    prefecture_code: str

    def get(self, import_id: str) -> ResultImport | None:
        found = self.all.records.get(import_id)
        return (
            found if found is not None and found.prefecture_code == self.prefecture_code else None
        )

    def create(self, record: ResultImport, *, audit: Sequence[AuditEvent] = ()) -> None:
        assert record.prefecture_code == self.prefecture_code
        if record.import_id in self.all.records:
            raise ValueError("exists")
        self.all.records[record.import_id] = record
        self.all.audit.extend(audit)

    def save(
        self,
        record: ResultImport,
        expected: Collection[ImportStatus],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        current = self.get(record.import_id)
        if current is None or current.status not in expected:
            return False
        self.all.records[record.import_id] = record
        self.all.audit.extend(audit)
        return True


@dataclass
class FakeResultFiles:
    uploads: list[str] = field(default_factory=list)

    def upload(self, key: str, expires_s: int) -> Upload:
        self.uploads.append(key)
        return Upload(
            url=f"https://imports.example/{key}?signature=fake",
            headers={"x-amz-server-side-encryption": "aws:kms"},
            expires_in_s=expires_s,
        )

    def download_url(self, key: str, expires_s: int) -> str:
        return f"https://imports.example/{key}?signature=fake&expires={expires_s}"


@dataclass
class FakeFingerprinter:
    """A keyed fingerprint, as the KMS one is, under a test key."""

    key: bytes = b"test fingerprint key"
    calls: int = 0

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str:
        self.calls += 1
        digest = hashlib.sha256(f"resubmission_of={resubmission_of or ''}\n".encode() + body)
        return "v1:" + hmac.new(self.key, digest.digest(), hashlib.sha256).hexdigest()


@dataclass
class FakeAuditTrail:
    """Events recorded on their own (``events``); the search also sees those committed with
    a write (``committed``, the records' list)."""

    events: list[AuditEvent] = field(default_factory=list)
    committed: list[AuditEvent] = field(default_factory=list)
    verified: list[tuple[str, date, date]] = field(default_factory=list)

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)

    def search(self, query: AuditQuery, cursor: str | None = None) -> AuditPage:
        found = sorted(
            (
                e
                for e in (*self.committed, *self.events)
                if e.prefecture_code == query.prefecture_code
                and query.since <= e.at <= query.until
                and query.person_id in (None, e.person_id)
                and query.user_id in (None, e.user_id)
                and query.record_id in (None, e.record_id)
                and query.action in (None, e.action)
                and query.request_id in (None, e.request_id)
            ),
            key=lambda e: e.at,
            reverse=True,
        )
        if cursor is not None and not cursor.startswith("at"):
            raise InvalidAuditCursorError("not a cursor of this fake")
        start = int(cursor[2:]) if cursor is not None else 0
        page = found[start : start + query.limit]
        more = start + query.limit < len(found)
        return AuditPage(tuple(page), f"at{start + query.limit}" if more else None)

    def verify(self, prefecture_code: str, first: date, last: date) -> ChainReport:
        self.verified.append((prefecture_code, first, last))
        days = (last - first).days + 1
        return ChainReport(partitions=days, entries=len(self.events), unchained=0, broken=None)

    def all(self) -> list[AuditEvent]:
        return [*self.committed, *self.events]


@dataclass
class FakeStaffDirectory:
    """The user pool's accounts, the sign-in summaries and the idle warnings of every
    prefecture; each read answers the asked prefecture's only, as the adapters do."""

    accounts_by_user: dict[str, Account] = field(default_factory=dict)
    summaries: dict[str, SignInSummary] = field(default_factory=dict)
    warned: dict[tuple[str, str], datetime] = field(default_factory=dict)
    """(prefecture, user name) → the latest warning."""
    idle_policy: IdlePolicy = field(default_factory=IdlePolicy)
    asked: list[str] = field(default_factory=list)

    def accounts(self, prefecture_code: str) -> list[Account]:
        self.asked.append(prefecture_code)
        return [a for a in self.accounts_by_user.values() if a.prefecture_code == prefecture_code]

    def sign_ins(self, prefecture_code: str) -> list[SignInSummary]:
        return [s for s in self.summaries.values() if s.prefecture_code == prefecture_code]

    def warnings(self, prefecture_code: str) -> Mapping[str, datetime]:
        return {user: at for (p, user), at in self.warned.items() if p == prefecture_code}

    def policy(self) -> IdlePolicy:
        return self.idle_policy


@dataclass
class FakeCertificates:
    """Every prefecture's certificates, holds and counts; each store answers its own
    prefecture only."""

    records: dict[tuple[str, str], CertificateRecord] = field(default_factory=dict)
    """(prefecture, certificate id) → the record."""
    held: dict[tuple[str, str, str], CertificateHold] = field(default_factory=dict)
    """(prefecture, 資格仮名ID, application id) → the hold."""
    counted: dict[tuple[str, int], list[CertificateCount]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    printed_names: dict[str, str] = field(default_factory=dict)
    """資格仮名ID → the spelling to print (kept on the examinee's item)."""
    audit: list[AuditEvent] = field(default_factory=list)
    """Entries written with a resolution or a proof request."""
    proofs: dict[str, ProofRequest] = field(default_factory=dict)
    latin_names: dict[str, str] = field(default_factory=dict)
    reissues: dict[str, ReissueRequest] = field(default_factory=dict)

    def prefecture(self, prefecture_code: str) -> _PrefectureCertificates:
        return _PrefectureCertificates(self, prefecture_code)

    def download_url(self, key: str, expires_s: int) -> str:
        self.links.append(key)
        return f"https://certificates.example/{key}?signature=fake&expires={expires_s}"


@dataclass
class _PrefectureCertificates:
    world: FakeCertificates
    prefecture_code: str

    def certificate(self, certificate_id: str) -> CertificateRecord | None:
        return self.world.records.get((self.prefecture_code, certificate_id))

    def every_certificate(self) -> list[CertificateRecord]:
        return [r for (p, _), r in sorted(self.world.records.items()) if p == self.prefecture_code]

    def certificates_of_pass(self, person: str, application_id: str) -> list[CertificateRecord]:
        return [
            r
            for (p, _), r in sorted(self.world.records.items())
            if p == self.prefecture_code
            and (r.qualification_pseudonym_id, r.application_id) == (person, application_id)
        ]

    def hold(self, person: str, application_id: str) -> CertificateHold | None:
        return self.world.held.get((self.prefecture_code, person, application_id))

    def holds(self) -> list[CertificateHold]:
        return [h for (p, _, _), h in self.world.held.items() if p == self.prefecture_code]

    def counts(self, fiscal_year: int) -> list[CertificateCount]:
        return list(self.world.counted.get((self.prefecture_code, fiscal_year), []))

    def request_proof(
        self, request: ProofRequest, *, name_latin: str | None, audit: AuditEvent
    ) -> None:
        self.world.proofs[request.proof_id] = request
        if name_latin is not None:
            self.world.latin_names[request.qualification_pseudonym_id] = name_latin
        self.world.audit.append(audit)

    def resolve_hold(
        self,
        hold: CertificateHold,
        *,
        printed_name: str,
        reason: str,
        by: str,
        at: datetime,
        audit: AuditEvent,
    ) -> CertificateHold:
        key = (self.prefecture_code, hold.qualification_pseudonym_id, hold.application_id)
        current = self.world.held.get(key)
        if current is None or current.resolved_at is not None:
            raise HoldNotOpenError(str(key))
        resolved = hold.model_copy(update={"resolved_at": at, "resolved_by": by, "reason": reason})
        self.world.held[key] = resolved
        self.world.printed_names[hold.qualification_pseudonym_id] = printed_name
        self.world.audit.append(audit)
        return resolved

    def request_reissue(
        self, request: ReissueRequest, *, printed_name: str | None, audit: AuditEvent
    ) -> None:
        old = self.world.records.get((self.prefecture_code, request.certificate_id))
        pending = {r.certificate_id for r in self.world.reissues.values()}
        if old is None or old.status.value != "valid" or request.certificate_id in pending:
            raise ReissueRefusedError(request.certificate_id)
        self.world.reissues[request.reissue_id] = request
        if printed_name is not None:
            self.world.printed_names[request.qualification_pseudonym_id] = printed_name
        self.world.audit.append(audit)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeNotices:
    """Every prefecture's notice records and post lists."""

    records: dict[str, list[NoticeRecord]] = field(default_factory=dict)
    post: dict[str, list[PostListEntry]] = field(default_factory=dict)

    def prefecture(self, prefecture_code: str) -> _PrefectureNotices:
        return _PrefectureNotices(self, prefecture_code)


@dataclass
class _PrefectureNotices:
    store: FakeNotices
    prefecture_code: str

    def of_application(self, application_id: str) -> list[NoticeRecord]:
        if application_id[:2] != self.prefecture_code:
            return []
        return list(self.store.records.get(application_id, []))

    def post_list(self, group_key: str) -> list[PostListEntry]:
        return [
            entry
            for entry in self.store.post.get(group_key, [])
            if entry.application_id[:2] == self.prefecture_code
        ]


@dataclass
class FakeIncidentRecords:
    """One prefecture's records as an incident trace reads them, over the fakes' records and
    notices: the application's person, the scores a source wrote, a group's notices."""

    records: Records
    notices: FakeNotices
    prefecture_code: str

    def persons_of(self, application_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for application_id in application_ids:
            stored = self.records.applications.get(application_id)
            if stored is None or stored.application.prefecture_code != self.prefecture_code:
                continue
            if stored.application.qualification_pseudonym_id is not None:
                found[application_id] = stored.application.qualification_pseudonym_id
        return found

    def scores_written_by(self, source: str) -> list[ScoreWrite]:
        return [
            ScoreWrite(score.application_id, slot(score.entry), score.recorded_at, replaced=False)
            for application_id, scores in sorted(self.records.scores.items())
            if application_id[:2] == self.prefecture_code
            for score in scores.values()
            if score.source == source
        ]

    def notices_of_group(self, group_key: str) -> list[NoticeRecord]:
        return [
            record
            for application_id, records in sorted(self.notices.records.items())
            if application_id[:2] == self.prefecture_code
            for record in records
            if record.group_key == group_key
        ]


@dataclass
class Fakes:
    records: Records = field(default_factory=Records)
    inbox: FakeInbox = field(default_factory=FakeInbox)
    attachments: FakeAttachments = field(default_factory=FakeAttachments)
    queue: FakeQueue = field(default_factory=FakeQueue)
    fingerprinter: FakeFingerprinter = field(default_factory=FakeFingerprinter)
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)
    staff: FakeStaffDirectory = field(default_factory=FakeStaffDirectory)
    clock: Clock = field(default_factory=Clock)
    certify_queue: FakeCertifyQueue = field(default_factory=FakeCertifyQueue)
    tickets: FakeTickets = field(default_factory=FakeTickets)
    result_imports: FakeResultImports = field(default_factory=FakeResultImports)
    result_files: FakeResultFiles = field(default_factory=FakeResultFiles)
    sync_queue: FakeSyncQueue = field(default_factory=FakeSyncQueue)
    certificates: FakeCertificates = field(default_factory=FakeCertificates)
    notices: FakeNotices = field(default_factory=FakeNotices)
    reviews: dict[str, FakePasserReviews] = field(default_factory=dict)
    """Each prefecture's passer reviews (one per prefecture, so a test can make it fail)."""
    disclosure_links: FakeDisclosureLinks = field(default_factory=FakeDisclosureLinks)
    revocations: FakeRevocations = field(init=False)

    def __post_init__(self) -> None:
        self.revocations = FakeRevocations(self.records, self.certificates)

    def passer_reviews(self, prefecture_code: str) -> FakePasserReviews:
        if prefecture_code not in self.reviews:
            self.reviews[prefecture_code] = self.records.passer_reviews_of(prefecture_code)
        return self.reviews[prefecture_code]

    def incident_records(self, prefecture_code: str) -> FakeIncidentRecords:
        return FakeIncidentRecords(self.records, self.notices, prefecture_code)

    def dependencies(self) -> Dependencies:
        self.audit.committed = self.records.audit
        # Entries a certificates store writes with its change join the committed trail.
        self.certificates.audit = self.records.audit
        # A spelling a certificates store keeps is the examinee's item the roster reads.
        self.certificates.printed_names = self.records.printed_names
        return Dependencies(
            applications=self.records.prefecture,
            readable=self.records.readable,
            inbox=self.inbox,
            attachments=self.attachments,
            verify_queue=self.queue,
            fingerprinter=self.fingerprinter,
            audit=self.audit,
            staff=self.staff,
            roster=self.records.roster,
            certify_queue=self.certify_queue,
            tickets=self.tickets.prefecture,
            sessions=self.records.session_book,
            deletions=self.records.deletions_of,
            clock=self.clock,
            changes=self.records.changes,
            corrections=self.records.corrections_of,
            change_requests=self.records.change_requests_of,
            initial_registrations=self.records.initial_registrations_of,
            passer_reviews=self.passer_reviews,
            payments=self.records.payments_of,
            results=self.records.results_of,
            statistics=self.records.statistics_of,
            scores=self.records.scores_of_prefecture,
            result_imports=self.result_imports.prefecture,
            result_files=self.result_files,
            sync_queue=self.sync_queue,
            notices=self.notices.prefecture,
            certificates=self.certificates.prefecture,
            certificate_links=self.certificates,
            revocations=self.revocations.prefecture,
            national_conflicts=self.records.national_conflicts_of,
            national_reports=self.records.national_reports_of,
            person_requests=self.records.person_requests_of,
            disclosure_links=self.disclosure_links,
            incident_records=self.incident_records,
        )
