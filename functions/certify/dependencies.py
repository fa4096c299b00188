"""What certify works with: its ports, and their deployed (or local) adapters.

:func:`dependencies` builds them on the first message of a container and keeps them (the
notice adapter's connection pool and circuit breaker are worth keeping). Tests pass their own
:class:`Dependencies` (in-memory fakes) to :func:`certify.tickets.issue_ticket`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Protocol

from certify import certificate_ports
from certify.certificate_ports import CertificatePorts, RenewalPorts, Revocations
from kentei.applications.model import Application
from kentei.data.deletions import VoidedTicket
from kentei.data.roster import StoredExaminee
from kentei.data.tickets import TicketRecord
from kentei.egov_notices.port import CompletionNoticePort
from kentei.exams.catalogue import Catalogue
from kentei.exemptions.model import PassRecord
from kentei.notice_records import NoticeRecord, PostListEntry
from kentei.notices.port import NoticePort
from kentei.person_requests.suspension import HeldWork, Suspension
from kentei.sessions.model import ExamSession
from kentei.sessions.seating import SeatedSitting
from kentei.tickets.content import TicketContent


class Applications(Protocol):
    def application(self, application_id: str) -> Application | None: ...


class Roster(Protocol):
    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None: ...


class Seats(Protocol):
    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None: ...

    def session(self, round_key: str, session_id: str) -> ExamSession | None: ...


class Tickets(Protocol):
    def current(self, application_id: str) -> TicketRecord | None: ...

    def issue(
        self, application_id: str, ticket_id: str, pdf: bytes, at: datetime
    ) -> tuple[TicketRecord, bool]: ...


class NoticeAddresses(Protocol):
    """Where a person's notices go: the Mynaportal pseudonym they linked last
    (:class:`kentei.vault.links.DynamoPseudonymLinks`, in the records table beside the
    prefectures; never the vault)."""

    def mynaportal_for(self, qualification_pseudonym_id: str) -> str | None: ...


class Voids(Protocol):
    """One prefecture's ticket voids (:class:`kentei.data.deletions.TicketVoids`)."""

    def void(self, application_id: str, at: datetime) -> VoidedTicket | None: ...


class Suspensions(Protocol):
    """One prefecture's suspensions of use (利用停止) and the work held for them
    (:class:`kentei.data.suspensions.PrefectureSuspensions`)."""

    def suspended_persons(self) -> frozenset[str]: ...

    def suspension(self, person: str) -> Suspension | None: ...

    def hold_work(self, work: HeldWork) -> None: ...

    def held_work(self, person: str) -> list[HeldWork]: ...

    def release_work(self, work: HeldWork) -> None: ...


def _suspensions(prefecture_code: str) -> Suspensions:
    from kentei.data.suspensions import PrefectureSuspensions

    return PrefectureSuspensions(prefecture_code)


@dataclass(frozen=True)
class Dependencies:
    applications: Callable[[str], Applications]
    roster: Callable[[str], Roster]
    seats: Callable[[str], Seats]
    tickets: Callable[[str], Tickets]
    notices: NoticePort
    catalogue: Callable[[], Catalogue]
    render: Callable[[TicketContent], bytes]
    clock: Callable[[], datetime]
    voids: Callable[[str], Voids]
    addresses: NoticeAddresses
    certificates: CertificatePorts = field(default_factory=certificate_ports.deployed)
    """Certificates of passes (:mod:`certify.certificates`)."""
    suspensions: Callable[[str], Suspensions] = field(default=_suspensions)
    """A prefecture's suspensions of use: a suspended person's certificate waits."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Applications:
    def __init__(self, prefecture_code: str) -> None:
        from kentei.data.applications import PrefectureApplications

        self._store = PrefectureApplications(prefecture_code)

    def application(self, application_id: str) -> Application | None:
        stored = self._store.get(application_id)
        return None if stored is None else stored.application


def _render(content: TicketContent) -> bytes:
    from kentei.tickets.pdf import render

    return render(content)


@cache
def dependencies() -> Dependencies:
    from kentei.data.deletions import TicketVoids
    from kentei.data.roster import PrefectureRoster
    from kentei.data.sessions import PrefectureSessions
    from kentei.data.tickets import PrefectureTickets
    from kentei.exams.catalogue import load_catalogue
    from kentei.notices import notices_from_environment
    from kentei.vault.links import DynamoPseudonymLinks

    return Dependencies(
        applications=_Applications,
        roster=PrefectureRoster,
        seats=PrefectureSessions,
        tickets=PrefectureTickets,
        notices=notices_from_environment(),
        catalogue=load_catalogue,
        render=_render,
        clock=utc_now,
        voids=TicketVoids,
        addresses=DynamoPseudonymLinks(),
    )


def _prefecture_revocations(prefecture_code: str) -> Revocations:
    from kentei.data.pass_revocations import PrefecturePassRevocations

    return PrefecturePassRevocations(prefecture_code)


class PassRecords(Protocol):
    """One prefecture's pass records (:class:`kentei.data.passes.PrefecturePasses`)."""

    def pass_of(self, qualification_pseudonym_id: str, application_id: str) -> PassRecord | None:
        """The record, revoked or not."""
        ...

    def announced_pass_of(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRecord | None:
        """The record while it stands: None once revoked (a correction, a relink,
        合格の取消し)."""
        ...


class NoticeRecords(Protocol):
    """One prefecture's notice records and post lists
    (:class:`kentei.data.notices.PrefectureNotices`)."""

    def get(self, notice_id: str) -> NoticeRecord | None: ...

    def save(self, record: NoticeRecord, post: PostListEntry | None = None) -> NoticeRecord: ...


@dataclass(frozen=True)
class NoticeDependencies:
    """What the pass notices and the e-Gov completion notices need
    (:mod:`certify.pass_notices`, :mod:`certify.completion_notices`)."""

    applications: Callable[[str], Applications]
    passes: Callable[[str], PassRecords]
    records: Callable[[str], NoticeRecords]
    mynaportal: NoticePort
    egov: CompletionNoticePort
    addresses: NoticeAddresses
    catalogue: Callable[[], Catalogue]
    clock: Callable[[], datetime]
    revocations: Callable[[str], Revocations] = field(default=_prefecture_revocations)
    """One prefecture's revoked passes (the revocation notice reads its day)."""
    suspensions: Callable[[str], Suspensions] = field(default=_suspensions)
    """A prefecture's suspensions of use: a suspended person's pass notice waits."""


@cache
def notice_dependencies() -> NoticeDependencies:
    from kentei.data.notices import PrefectureNotices
    from kentei.data.passes import PrefecturePasses
    from kentei.egov_notices import egov_notices_from_environment
    from kentei.exams.catalogue import load_catalogue

    shared = dependencies()
    return NoticeDependencies(
        applications=_Applications,
        passes=PrefecturePasses,
        records=PrefectureNotices,
        # The one Mynaportal adapter of the container: its pool and circuit are shared.
        mynaportal=shared.notices,
        egov=egov_notices_from_environment(),
        addresses=shared.addresses,
        catalogue=load_catalogue,
        clock=utc_now,
    )


@cache
def renewal_dependencies() -> RenewalPorts:
    """What the daily re-signing of the status lists works with
    (:mod:`certify.status_renewal`): the certificates' ports and the JWKS record."""
    return certificate_ports.deployed_renewal()
