"""In-memory ports of certify's unit tests (:mod:`certify.dependencies`,
:mod:`certify.certificate_ports`), each one object that plays every port it needs:

- :class:`StatusListStore`, :class:`Allocator` and :class:`Bucket`: the issuer's status
  lists, their index allocator and the certificates bucket, shared by the worlds below;
- :class:`CertificateWorld`: announced passes, their examinees, certificates, holds, proof
  and reissue requests and revocations (the certificate, reissue and revocation tests);
- :class:`Issuer`: the status lists, the bucket and the JWKS record of the daily re-signing;
- :class:`TicketWorld`: one application's seated sitting, its tickets and notices.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from typing import Any, Final

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.unit.person_requests.fakes import FakeSuspensions
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import WRITTEN_2, session, sitting

from certify.certificate_ports import CertificatePorts, RenewalPorts
from certify.dependencies import Dependencies
from kentei.applications.model import Application, Channel, Status
from kentei.certificates.content import Certificate
from kentei.credentials.allocator import InMemoryStatusIndexAllocator
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.status import CertificateStatus, StatusList, StatusSlot
from kentei.data.audit import AuditEvent
from kentei.data.certificates import (
    CertificateExistsError,
    CertificateHold,
    CertificateRecord,
    CertificateState,
    ProofRequest,
    ReissueRequest,
)
from kentei.data.deletions import VoidedTicket
from kentei.data.published_jwks import JwksPublication
from kentei.data.roster import StoredExaminee
from kentei.data.status_lists import StoredStatusList
from kentei.data.tickets import TicketRecord
from kentei.exams.catalogue import load_catalogue
from kentei.exemptions.model import PassRecord
from kentei.messages import PassesAnnounced, TicketDue
from kentei.notices.fake import InMemoryMynaportal
from kentei.records.codes import Grade, Term
from kentei.results.decision import Decision, PartDecision, PartOutcome, Result
from kentei.results.passes import DecidedSitting, PassNumbers, pass_record
from kentei.results.revocations import PassRevocationRecord
from kentei.roster.parts import ExamRound, Part
from kentei.roster.registration import examinee_of
from kentei.sessions.model import ExamSession, SessionPart
from kentei.sessions.seating import SeatedSitting, needed_parts
from kentei.signing.keyring import KeyRing, load_key_ring, load_key_ring_data
from kentei.signing.memory import InMemorySigningKey
from kentei.signing.port import SigningKey
from kentei.tickets.content import TicketContent
from kentei_local.certificate_ca import root

ISSUER: Final = IssuerProfile("https://kentei.example.jp", "技能検定 電子合格証 発行者（テスト）")
JWKS: Final = "published/jwks.json"


# The issuer's status lists, their allocator and the certificates bucket


@dataclass
class StatusListStore:
    """The status lists as stored (:class:`kentei.data.status_lists.StatusLists`): a list's
    version grows with each flip, and its signing is recorded unless a later one was."""

    lists: dict[int, StoredStatusList] = field(default_factory=dict)

    def status_list(self, list_number: int) -> StoredStatusList | None:
        return self.lists.get(list_number)

    def list_numbers(self) -> list[int]:
        return sorted(self.lists)

    def mark_signed(
        self, list_number: int, version: int, *, kid: str, signed_at: dt.datetime
    ) -> bool:
        stored = self.lists[list_number]
        if (stored.published_version or 0) > version or (
            stored.signed_at is not None and stored.signed_at > signed_at
        ):
            return False
        self.lists[list_number] = StoredStatusList(
            stored.statuses, stored.used, stored.version, version, kid, signed_at
        )
        return True

    def set_status(self, slot: StatusSlot, status: CertificateStatus, on: dt.date) -> bool:
        stored = self.lists[slot.list_number]
        if not stored.statuses.change(slot.index, status, on):
            return False
        self.lists[slot.list_number] = replace(stored, version=stored.version + 1)
        return True


@dataclass
class Allocator:
    """The in-memory allocator, opening lists in a :class:`StatusListStore` as the stored one
    does."""

    lists: StatusListStore
    inner: InMemoryStatusIndexAllocator
    created: list[int] = field(default_factory=list)

    def allocate(self, claimed_for: str = "") -> StatusSlot:
        slot = self.inner.allocate()
        if slot.list_number not in self.lists.lists:
            self.lists.lists[slot.list_number] = StoredStatusList(
                StatusList(slot.list_number), 0, 1, None
            )
            self.created.append(slot.list_number)
        return slot


@dataclass
class Bucket:
    """The certificates bucket: each key's body, media type and ``Cache-Control``, and every
    put in order."""

    files: dict[str, tuple[bytes, str, str | None]] = field(default_factory=dict)
    puts: list[str] = field(default_factory=list)

    def exists(self, key: str) -> bool:
        return key in self.files

    def put(
        self, key: str, body: bytes, content_type: str, *, cache_control: str | None = None
    ) -> None:
        self.files[key] = (body, content_type, cache_control)
        self.puts.append(key)

    def body(self, key: str) -> bytes:
        return self.files[key][0]

    def published(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The published JWKS and status lists (by URL), as a verifier fetches them."""
        lists = {
            ISSUER.status_list_url(int(key.split("/")[2]), key.split("/")[3][: -len(".jwt")]): (
                body.decode()
            )
            for key, (body, _, _) in self.files.items()
            if key.startswith("published/status/")
        }
        return json.loads(self.body(JWKS)), lists


# Announced passes and their certificates

AT: Final = dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.UTC)
ANNOUNCED: Final = dt.date(2026, 10, 2)
GROUP_KEY: Final = "2026-前期#0301#030101#2級"
KEY: Final = InMemorySigningKey(load_key_ring_data().active_kid)
NAME: Final = "技能 花子"


def _decision(result: Result) -> Decision:
    practical = PartOutcome.PASSED if result is Result.PASS else PartOutcome.FAILED
    failures = {PartOutcome.PASSED: (), PartOutcome.FAILED: ({"reason": "below_pass_mark"},)}
    return Decision.model_validate(
        {
            "result": result,
            "rule_version": "2026.1/default:2級#1",
            "parts": [
                PartDecision.model_validate(
                    {"part": part, "outcome": outcome, "failures": failures[outcome]}
                ).model_dump()
                for part, outcome in (
                    (Part.WRITTEN, PartOutcome.PASSED),
                    (Part.PRACTICAL, practical),
                )
            ],
        }
    )


def decided(n: int, result: Result = Result.PASS) -> DecidedSitting:
    return DecidedSitting(
        application_id=f"13-{n:026d}",
        prefecture_code="13",
        qualification_pseudonym_id=f"p-{n:06d}",
        exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
        trade_code="0301",
        work_code="030101",
        grade=Grade.SECOND,
        exam_number=f"N{n:05d}",
        decision=_decision(result),
        decided_at=AT,
        decided_by="staff:13:results-13",
    )


def announced(*passes: DecidedSitting) -> PassesAnnounced:
    """The announcement page of ``passes`` (in :data:`GROUP_KEY`)."""
    return PassesAnnounced(
        prefecture_code="13",
        group_key=GROUP_KEY,
        application_ids=tuple(d.application_id for d in passes),
    )


@dataclass
class CertificateWorld(Bucket):
    decisions: dict[str, DecidedSitting] = field(default_factory=dict)
    passes: dict[str, PassRecord] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    printed_names: dict[str, str] = field(default_factory=dict)
    """資格仮名ID → the spelling staff chose for printing (on the examinee's item)."""
    latin_names: dict[str, str] = field(default_factory=dict)
    proofs: dict[str, ProofRequest] = field(default_factory=dict)
    reissues: dict[str, ReissueRequest] = field(default_factory=dict)
    revoked: dict[str, PassRevocationRecord] = field(default_factory=dict)
    """Application id → the revocation of its pass."""
    certificates: dict[str, CertificateRecord] = field(default_factory=dict)
    holds: dict[tuple[str, str], CertificateHold] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    lists: StatusListStore = field(default_factory=StatusListStore)
    inner: InMemoryStatusIndexAllocator = field(default_factory=InMemoryStatusIndexAllocator)
    allocated: int = 0
    rendered: list[Certificate] = field(default_factory=list)
    suspensions: FakeSuspensions = field(default_factory=FakeSuspensions)

    def add(self, n: int, result: Result = Result.PASS, name: str = NAME) -> DecidedSitting:
        one = decided(n, result)
        self.decisions[one.application_id] = one
        numbers = (
            PassNumbers(passer_number=f"13G26-{n:06d}", certificate_number=f"C13G262-{n:05d}")
            if result is Result.PASS
            else PassNumbers(notice_number=f"P13G26-{n:06d}")
        )
        self.passes[one.application_id] = pass_record(one, numbers, ANNOUNCED)
        self.names[one.qualification_pseudonym_id] = name
        return one

    # Passes
    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None:
        return self.decisions.get(application_id) if group_key == GROUP_KEY else None

    def pass_of(self, person: str, application_id: str) -> PassRecord | None:
        found = self.passes.get(application_id)
        return found if found is not None and found.qualification_pseudonym_id == person else None

    # Roster
    def examinee(self, person: str) -> StoredExaminee | None:
        if person not in self.names:
            return None
        person_form = form(name=self.names[person])
        return StoredExaminee(
            person,
            examinee_of(person_form),
            frozenset(),
            AT,
            AT,
            certificate_name=self.printed_names.get(person),
            certificate_name_latin=self.latin_names.get(person),
        )

    # Certificates
    def certificate(self, certificate_id: str) -> CertificateRecord | None:
        return self.certificates.get(certificate_id)

    def issue(
        self,
        record: CertificateRecord,
        *,
        audit: AuditEvent,
        proof_id: str | None = None,
        reissue: tuple[ReissueRequest, CertificateRecord] | None = None,
    ) -> None:
        if record.certificate_id in self.certificates:
            raise CertificateExistsError(record.certificate_id)
        if reissue is not None:
            request, old = reissue
            current = self.certificates[old.certificate_id]
            kept = self.reissues[request.reissue_id]
            if current.status is not CertificateState.VALID or kept.new_certificate_id:
                raise CertificateExistsError(record.certificate_id)
            self.certificates[old.certificate_id] = current.model_copy(
                update={
                    "status": CertificateState.SUPERSEDED,
                    "superseded_by": record.certificate_id,
                }
            )
            self.reissues[request.reissue_id] = kept.model_copy(
                update={"new_certificate_id": record.certificate_id}
            )
        if proof_id is not None:
            if self.proofs[proof_id].certificate_id is not None:
                raise CertificateExistsError(record.certificate_id)
            self.proofs[proof_id] = self.proofs[proof_id].model_copy(
                update={"certificate_id": record.certificate_id}
            )
        self.certificates[record.certificate_id] = record
        self.audit.append(audit)

    def proof_request(self, proof_id: str) -> ProofRequest | None:
        return self.proofs.get(proof_id)

    def reissue_request(self, reissue_id: str) -> ReissueRequest | None:
        return self.reissues.get(reissue_id)

    def next_serial(self, certificate_number: str) -> int:
        serials = [
            int(i.rsplit("-", 1)[1])
            for i in self.certificates
            if i.startswith(f"{certificate_number}-") and i.rsplit("-", 1)[1].isdigit()
        ]
        return max(serials, default=0) + 1

    def signed_with(self, certificate_id: str, kid: str) -> None:
        record = self.certificates[certificate_id]
        self.certificates[certificate_id] = record.model_copy(update={"signing_kid": kid})

    # Revocations
    def revocation(self, person: str, application_id: str) -> PassRevocationRecord | None:
        found = self.revoked.get(application_id)
        return found if found is not None and found.qualification_pseudonym_id == person else None

    def proof_count(self, certificate_number: str) -> int:
        return sum(1 for i in self.certificates if i.startswith(f"{certificate_number}-P"))

    def hold(self, person: str, application_id: str) -> CertificateHold | None:
        return self.holds.get((person, application_id))

    def put_hold(self, hold: CertificateHold) -> bool:
        key = (hold.qualification_pseudonym_id, hold.application_id)
        if key in self.holds:
            return False
        self.holds[key] = hold
        return True

    def allocator(self) -> Allocator:
        world = self

        class _Counting(Allocator):
            def allocate(self, claimed_for: str = "") -> StatusSlot:
                world.allocated += 1
                return super().allocate(claimed_for)

        return _Counting(self.lists, self.inner)

    def deps(self) -> Dependencies:
        certificate = root().issue_signing_certificate(
            KEY.public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        )

        def sign(pdf: bytes, key: SigningKey, at: dt.datetime) -> bytes:
            from kentei.certificates.pades import sign_pdf

            return sign_pdf(
                pdf,
                key,
                certificate,
                (root().certificate,),
                field_name="KenteiCertificate",
                reason="技能検定 合格証書の交付",
                location="JP",
                signed_at=at,
            )

        def render(printed: Certificate, code: bytes) -> bytes:
            from kentei.certificates.pdf import render as draw

            self.rendered.append(printed)
            return draw(printed, code)

        def unused(*_: Any) -> Any:
            raise AssertionError("tickets are not issued here")

        return Dependencies(
            applications=unused,
            roster=lambda _p: self,
            seats=unused,
            tickets=unused,
            notices=unused,  # type: ignore[arg-type]
            catalogue=load_catalogue,
            render=unused,
            clock=lambda: AT,
            voids=unused,
            addresses=unused,  # type: ignore[arg-type]
            suspensions=lambda _p: self.suspensions,
            certificates=CertificatePorts(
                passes=lambda _p: self,
                certificates=lambda _p: self,
                status_lists=self.lists,
                allocator=self.allocator,
                files=self,
                key_ring=lambda: load_key_ring(KEY),
                issuer=lambda: ISSUER,
                sign_pdf=sign,
                render=render,
                revocations=lambda _p: self,
            ),
        )


# The daily re-signing

RENEWAL_KEY: Final = InMemorySigningKey("kentei-cert-1")


@dataclass
class Issuer(StatusListStore, Bucket):
    """The status lists as stored, the certificates bucket (where every put carries a JWT or
    the JWKS with its ``Cache-Control``), the JWKS record and the key ring."""

    publication: JwksPublication | None = None
    ring: KeyRing = field(default_factory=lambda: KeyRing(RENEWAL_KEY))
    on_put: Callable[[str], None] | None = None
    """Called after each put (a revocation landing during the run)."""

    def add(self, number: int, **recorded: Any) -> StatusList:
        statuses = StatusList(number)
        self.lists[number] = StoredStatusList(statuses, 0, 1, None, **recorded)
        return statuses

    def flip(self, number: int, index: int, status: CertificateStatus, on: dt.date) -> None:
        """What a revocation writes: a changed entry and a new version (not yet published)."""
        assert self.set_status(StatusSlot(number, index), status, on)

    def put(
        self, key: str, body: bytes, content_type: str, *, cache_control: str | None = None
    ) -> None:
        assert content_type in {"application/vc+jwt", "application/jwk-set+json"}
        assert cache_control is not None
        super().put(key, body, content_type, cache_control=cache_control)
        if self.on_put is not None:
            self.on_put(key)

    # JwksRecord
    def last(self) -> JwksPublication | None:
        return self.publication

    def record(self, digest: str, at: dt.datetime) -> bool:
        if self.publication is not None and self.publication.published_at > at:
            return False
        self.publication = JwksPublication(digest, at)
        return True

    def ports(self) -> RenewalPorts:
        def unused(*_: Any) -> Any:
            raise AssertionError("nothing is issued here")

        certificates = CertificatePorts(
            passes=unused,
            certificates=unused,
            status_lists=self,
            allocator=unused,
            files=self,
            key_ring=lambda: self.ring,
            issuer=lambda: ISSUER,
            sign_pdf=unused,
            render=unused,
            revocations=unused,
        )
        return RenewalPorts(certificates=certificates, jwks=self)


# Exam tickets

MYNAPORTAL: Final = "mp-taro-0001"
TICKETED_AT: Final = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class TicketWorld:
    application: Application
    seated: SeatedSitting
    sessions: dict[str, ExamSession]
    tickets: dict[str, TicketRecord] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    rendered: list[TicketContent] = field(default_factory=list)
    notices: InMemoryMynaportal = field(default_factory=InMemoryMynaportal)
    voided_at: dict[str, datetime] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    """資格仮名ID → the Mynaportal pseudonym linked last."""

    # the ports, as one object per prefecture
    def app(self, application_id: str) -> Application | None:
        return self.application if application_id == self.application.application_id else None

    def examinee(self, person: str) -> StoredExaminee | None:
        return StoredExaminee(
            person, examinee_of(self.application.form), frozenset(), TICKETED_AT, TICKETED_AT
        )

    def seated_sitting(self, person: str, application_id: str) -> SeatedSitting | None:
        return self.seated

    def session(self, round_key: str, session_id: str) -> ExamSession | None:
        return self.sessions.get(session_id)

    def current(self, application_id: str) -> TicketRecord | None:
        return self.tickets.get(application_id)

    def issue(
        self, application_id: str, ticket_id: str, pdf: bytes, at: datetime
    ) -> tuple[TicketRecord, bool]:
        current = self.tickets.get(application_id)
        if current is not None and current.ticket_id == ticket_id:
            return current, False
        old = () if current is None else (*current.superseded, current.ticket_id)
        record = TicketRecord(application_id, ticket_id, "issued", f"k/{ticket_id}", "h", at, old)
        self.tickets[application_id] = record
        self.pdfs[ticket_id] = pdf
        return record, True

    def mynaportal_for(self, person: str) -> str | None:
        return self.links.get(person)

    def void(self, application_id: str, at: datetime) -> VoidedTicket | None:
        current = self.tickets.get(application_id)
        if current is None:
            return None
        if current.status == "void":
            return VoidedTicket(current, self.voided_at[application_id], False)
        self.tickets[application_id] = replace(current, status="void")
        self.voided_at[application_id] = at
        return VoidedTicket(self.tickets[application_id], at, True)

    def deps(self) -> Dependencies:
        def render(content: TicketContent) -> bytes:
            self.rendered.append(content)
            return f"%PDF-1.7 {content.ticket_id}".encode()

        return Dependencies(
            applications=lambda _p: _Applications(self),
            roster=lambda _p: self,
            seats=lambda _p: self,
            tickets=lambda _p: self,
            notices=self.notices,
            catalogue=load_catalogue,
            render=render,
            clock=lambda: TICKETED_AT,
            voids=lambda _p: self,
            addresses=self,
            suspensions=lambda _p: FakeSuspensions(),
        )


@dataclass
class _Applications:
    world: TicketWorld

    def application(self, application_id: str) -> Application | None:
        return self.world.app(application_id)


def ticket_world(channel: Channel = Channel.MYNAPORTAL, seat_all: bool = True) -> TicketWorld:
    """An accepted application's sitting, seated in every part it sits (or only the first)."""
    accepted = application(
        form(trade_code="0101", work_code="010101", grade="2級", fiscal_year=2026, term="前期"),
        status=Status.ACCEPTED,
        channel=channel,
        pseudonym=MYNAPORTAL,
    )
    registered = sitting(application_id=accepted.application_id)
    parts = needed_parts(registered, load_catalogue())
    sessions: dict[str, ExamSession] = {}
    seats: dict[SessionPart, str] = {}
    for index, part in enumerate(parts):
        if not seat_all and index:
            continue
        made = (
            session(part=part, exam_date=WRITTEN_2, starts_at=time(10), ends_at=time(11, 40))
            if part is SessionPart.WRITTEN
            else session(part=part)
        )
        sessions[made.session_id] = made
        seats[part] = made.session_id
    return TicketWorld(accepted, SeatedSitting(registered, seats), sessions)


def ticket_due(world: TicketWorld) -> TicketDue:
    return TicketDue(application_id=world.application.application_id, prefecture_code="13")
