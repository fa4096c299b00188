"""Issuing the certificates of announced passes over in-memory ports (the PDF rendered and
PAdES-signed for real under the local test CA, the VC signed by an in-memory key): a pass
gets one certificate with a signed PDF and a VC the verifier says valid over the published
documents; a redelivery issues nothing new; a part pass gets none; a name the font cannot
draw is held for staff without its characters; a missing document is made again from the
record."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.unit.pades.helpers import validate
from tests.unit.review.factory import application, form

from certify.certificate_ports import CertificatePorts
from certify.certificates import CertificateRefusedError, issue_certificates, issue_proof
from certify.dependencies import Dependencies
from kentei.certificates.content import Certificate, CertificateOfPass
from kentei.credentials.allocator import InMemoryStatusIndexAllocator
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.status import CACHE_CONTROL, CertificateStatus, StatusList, StatusSlot
from kentei.credentials.verifier import Outcome, verify
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.certificates import (
    CertificateExistsError,
    CertificateHold,
    CertificateKind,
    CertificateRecord,
    CertificateState,
    ProofRequest,
    ReissueRequest,
)
from kentei.data.roster import StoredExaminee
from kentei.data.status_lists import StoredStatusList
from kentei.exams.catalogue import load_catalogue
from kentei.exemptions.model import PassRecord
from kentei.messages import PassesAnnounced, ProofRequested
from kentei.records.codes import Grade, Term
from kentei.results.decision import Decision, PartDecision, PartOutcome, Result
from kentei.results.passes import DecidedSitting, PassNumbers, pass_record
from kentei.results.revocations import PassRevocationRecord
from kentei.roster.parts import ExamRound, Part
from kentei.roster.registration import examinee_of
from kentei.signing.keyring import load_key_ring, load_key_ring_data
from kentei.signing.memory import InMemorySigningKey
from kentei.signing.port import SigningKey
from kentei_local.certificate_ca import root

AT = dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.UTC)
ANNOUNCED = dt.date(2026, 10, 2)
ISSUER = IssuerProfile("https://kentei.example.jp", "技能検定 電子合格証 発行者（テスト）")
GROUP_KEY = "2026-前期#0301#030101#2級"
KEY = InMemorySigningKey(load_key_ring_data().active_kid)
NAME = "技能 花子"
TSUCHIYOSHI = "\U00020bb7"


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


def _decided(n: int, result: Result = Result.PASS) -> DecidedSitting:
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


class _Lists:
    """The status lists as stored, over the in-memory allocator's lists."""

    def __init__(self) -> None:
        self.lists: dict[int, StoredStatusList] = {}

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
class _Allocator:
    """The in-memory allocator, opening lists in :class:`_Lists` as the stored one does."""

    lists: _Lists
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
class World:
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
    files: dict[str, tuple[bytes, str, str | None]] = field(default_factory=dict)
    lists: _Lists = field(default_factory=_Lists)
    inner: InMemoryStatusIndexAllocator = field(default_factory=InMemoryStatusIndexAllocator)
    allocated: int = 0
    rendered: list[Certificate] = field(default_factory=list)

    def add(self, n: int, result: Result = Result.PASS, name: str = NAME) -> DecidedSitting:
        one = _decided(n, result)
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

    # Files
    def exists(self, key: str) -> bool:
        return key in self.files

    def put(
        self, key: str, body: bytes, content_type: str, *, cache_control: str | None = None
    ) -> None:
        self.files[key] = (body, content_type, cache_control)

    def allocator(self) -> _Allocator:
        world = self

        class _Counting(_Allocator):
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


def _message(*decided: DecidedSitting) -> PassesAnnounced:
    return PassesAnnounced(
        prefecture_code="13",
        group_key=GROUP_KEY,
        application_ids=tuple(d.application_id for d in decided),
    )


def _published(world: World) -> tuple[dict[str, Any], dict[str, str]]:
    jwks = json.loads(world.files["published/jwks.json"][0])
    lists = {
        ISSUER.status_list_url(
            int(key.split("/")[2]), key.split("/")[3][: -len(".jwt")]
        ): body.decode()
        for key, (body, _, _) in world.files.items()
        if key.startswith("published/status/")
    }
    return jwks, lists


def test_a_pass_gets_a_signed_pdf_and_a_valid_vc_sharing_one_status_index() -> None:
    world = World()
    one = world.add(1)
    report = issue_certificates(_message(one), world.deps())
    assert report.counts == Counter({"issued": 1})
    assert report.published == [1]
    listed = world.lists.lists[1]  # recorded with the key and instant that signed it
    assert (listed.published_version, listed.signed_kid, listed.signed_at) == (1, KEY.kid, AT)
    (record,) = world.certificates.values()
    assert record.certificate_id == "C13G262-00001-1"
    assert (record.kind, record.language, record.grade) == (CertificateKind.PRINTED, "ja", "2級")
    assert (record.qualification_pseudonym_id, record.application_id) == (
        one.qualification_pseudonym_id,
        one.application_id,
    )
    assert record.pdf_key == "certificates/13/C13G262-00001-1.pdf"
    assert record.vc_key == "certificates/13/C13G262-00001-1.jwt"
    (entry,) = world.audit
    assert entry.action is AuditAction.CERTIFICATE_ISSUED
    assert entry.person_id == one.qualification_pseudonym_id

    pdf, pdf_type, _ = world.files[record.pdf_key]
    assert pdf_type == "application/pdf"
    status = validate(pdf)
    assert status.intact
    assert status.valid
    assert status.trusted

    vc, vc_type, _ = world.files[record.vc_key]
    assert vc_type == "application/vc+jwt"
    jwks, lists = _published(world)
    assert world.files["published/jwks.json"][1] == "application/jwk-set+json"
    assert {world.files[k][2] for k in world.files if k.startswith("published/status/")} == {
        CACHE_CONTROL
    }
    verdict = verify(vc.decode(), jwks=jwks, status_lists=lists, issuer=ISSUER, now=AT)
    assert verdict.outcome is Outcome.VALID, verdict.detail
    assert verdict.claims is not None
    assert verdict.claims.name == NAME
    assert verdict.claims.certificate_number == "C13G262-00001"
    assert verdict.claims.certificate_id == record.certificate_id == "C13G262-00001-1"
    (printed,) = world.rendered
    assert printed.certificate_id == record.certificate_id
    order = list(world.files)
    assert order.index("published/status/1/revocation.jwt") < order.index(record.vc_key), (
        "the list is published before a certificate naming it is stored"
    )


def test_a_redelivered_message_issues_nothing_new_and_draws_no_index() -> None:
    world = World()
    one = world.add(1)
    issue_certificates(_message(one), world.deps())
    files = dict(world.files)
    again = issue_certificates(_message(one), world.deps())
    assert again.counts == Counter({"already": 1})
    assert again.published == []
    assert world.allocated == 1
    assert len(world.certificates) == 1
    assert len(world.audit) == 1
    assert world.files == files


def test_a_missing_document_is_made_again_from_the_record() -> None:
    world = World()
    one = world.add(1)
    issue_certificates(_message(one), world.deps())
    (record,) = world.certificates.values()
    assert record.pdf_key is not None
    del world.files[record.pdf_key]
    again = issue_certificates(_message(one), world.deps())
    assert again.counts == Counter({"repaired": 1})
    assert world.allocated == 1
    assert validate(world.files[record.pdf_key][0]).valid
    assert world.rendered[-1].issued_at == record.issued_at


def test_a_part_pass_gets_no_certificate() -> None:
    world = World()
    part = world.add(2, Result.PART_PASS)
    report = issue_certificates(_message(part), world.deps())
    assert report.counts == Counter({"part_pass": 1})
    assert world.certificates == {}
    assert world.files == {}


def test_a_name_the_font_cannot_draw_is_held_with_fields_and_counts_only() -> None:
    world = World()
    held = world.add(3, name=f"{TSUCHIYOSHI}田 花子")
    fine = world.add(4)
    report = issue_certificates(_message(held, fine), world.deps())
    assert report.counts == Counter({"held": 1, "issued": 1})
    (hold,) = world.holds.values()
    assert hold.application_id == held.application_id
    assert [(f.field, f.missing) for f in hold.fields] == [("name", 1)]
    assert TSUCHIYOSHI not in hold.model_dump_json()
    assert "花子" not in hold.model_dump_json()
    assert [r.application_id for r in world.certificates.values()] == [fine.application_id]
    assert world.allocated == 1, "no index for a held pass"
    again = issue_certificates(_message(held), world.deps())
    assert again.counts == Counter({"held": 1})


def test_a_resolved_hold_is_issued_with_the_spelling_staff_chose() -> None:
    world = World()
    held = world.add(3, name=f"{TSUCHIYOSHI}田 花子")
    issue_certificates(_message(held), world.deps())
    (hold,) = world.holds.values()
    assert hold.group_key == GROUP_KEY
    key = (hold.qualification_pseudonym_id, hold.application_id)
    world.holds[key] = hold.model_copy(
        update={"resolved_at": AT, "resolved_by": "staff:13:cert1", "reason": "異体字"}
    )
    with pytest.raises(CertificateRefusedError):
        issue_certificates(_message(held), world.deps())
    world.printed_names[held.qualification_pseudonym_id] = "吉田 花子"
    report = issue_certificates(_message(held), world.deps())
    assert report.counts == Counter({"issued": 1})
    (printed,) = world.rendered
    assert printed.name == "吉田 花子"
    (record,) = world.certificates.values()
    assert validate(world.files[record.pdf_key or ""][0]).valid


def test_a_pass_without_its_decision_or_examinee_is_refused_for_the_dlq() -> None:
    world = World()
    one = world.add(1)
    other = _decided(9)
    with pytest.raises(CertificateRefusedError) as caught:
        issue_certificates(_message(other), world.deps())
    assert other.application_id in str(caught.value)
    del world.names[one.qualification_pseudonym_id]
    with pytest.raises(CertificateRefusedError):
        issue_certificates(_message(one), world.deps())
    assert world.certificates == {}


def test_nothing_stored_or_audited_holds_the_name_or_birth_date() -> None:
    world = World()
    one = world.add(1)
    issue_certificates(_message(one), world.deps())
    person = examinee_of(form(name=NAME))
    for text in [
        *(r.model_dump_json() for r in world.certificates.values()),
        *(e.model_dump_json() for e in world.audit),
        *(k for k in world.files),
    ]:
        assert NAME not in text
        assert person.birth_date.isoformat() not in text


def test_an_application_of_another_prefecture_is_never_announced_here() -> None:
    with pytest.raises(ValueError, match="another prefecture"):
        PassesAnnounced(
            prefecture_code="14",
            group_key=GROUP_KEY,
            application_ids=(application(form()).application_id,),
        )


def _proof_of(world: World, one: DecidedSitting, n: int, language: str) -> ProofRequested:
    proof_id = f"{n:016x}"
    world.proofs[proof_id] = ProofRequest(
        proof_id=proof_id,
        qualification_pseudonym_id=one.qualification_pseudonym_id,
        application_id=one.application_id,
        language=language,
        requested_by="staff:13:cert1:certificates",
        requested_at=AT,
    )
    return ProofRequested(
        application_id=one.application_id, prefecture_code="13", proof_id=proof_id
    )


def test_a_requested_english_proof_is_issued_once_with_the_latin_name() -> None:
    world = World()
    one = world.add(1)
    world.latin_names[one.qualification_pseudonym_id] = "Hanako Gino"
    asked = _proof_of(world, one, 1, "en")
    assert issue_proof(asked, world.deps()) == "issued"
    assert issue_proof(asked, world.deps()) == "already"
    (record,) = world.certificates.values()
    assert record.certificate_id == "C13G262-00001-P1"
    assert (record.kind, record.language) == (CertificateKind.PROOF, "en")
    assert world.proofs[asked.proof_id].certificate_id == record.certificate_id
    (content,) = world.rendered
    assert isinstance(content, CertificateOfPass)
    assert content.name_latin == "Hanako Gino"
    assert validate(world.files[record.pdf_key or ""][0]).valid
    jwks, lists = _published(world)
    vc = world.files[record.vc_key or ""][0].decode()
    verdict = verify(vc, jwks=jwks, status_lists=lists, issuer=ISSUER, now=AT)
    assert verdict.outcome is Outcome.VALID, verdict.detail
    assert verdict.claims is not None
    assert verdict.claims.name_latin == "Hanako Gino"
    assert verdict.claims.certificate_id == "C13G262-00001-P1"
    assert world.allocated == 1

    second = _proof_of(world, one, 2, "ja")
    assert issue_proof(second, world.deps()) == "issued"
    assert "C13G262-00001-P2" in world.certificates


def test_an_english_proof_without_a_latin_name_or_pass_is_refused() -> None:
    world = World()
    one = world.add(1)
    with pytest.raises(CertificateRefusedError):
        issue_proof(_proof_of(world, one, 1, "en"), world.deps())
    part = world.add(2, Result.PART_PASS)
    with pytest.raises(CertificateRefusedError):
        issue_proof(_proof_of(world, part, 2, "ja"), world.deps())
    assert world.certificates == {}
