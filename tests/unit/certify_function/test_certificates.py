"""Issuing the certificates of announced passes over in-memory ports (the PDF rendered and
PAdES-signed for real under the local test CA, the VC signed by an in-memory key): a pass
gets one certificate with a signed PDF and a VC the verifier says valid over the published
documents; a redelivery issues nothing new; a part pass gets none; a name the font cannot
draw is held for staff without its characters; a missing document is made again from the
record."""

from __future__ import annotations

from collections import Counter

import pytest
from tests.unit.certify_function.fakes import (
    AT,
    GROUP_KEY,
    ISSUER,
    KEY,
    NAME,
    CertificateWorld,
    announced,
    decided,
)
from tests.unit.pades.helpers import validate
from tests.unit.review.factory import application, form

from certify.certificates import CertificateRefusedError, issue_certificates, issue_proof
from certify.suspension import resume_held_work
from kentei.certificates.content import CertificateOfPass
from kentei.credentials.status import CACHE_CONTROL
from kentei.credentials.verifier import Outcome, verify
from kentei.data.audit import AuditAction
from kentei.data.certificates import CertificateKind, ProofRequest
from kentei.messages import PassesAnnounced, ProofRequested, UseResumed
from kentei.results.decision import Result
from kentei.results.passes import DecidedSitting
from kentei.roster.registration import examinee_of

TSUCHIYOSHI = "\U00020bb7"


def test_a_pass_gets_a_signed_pdf_and_a_valid_vc_sharing_one_status_index() -> None:
    world = CertificateWorld()
    one = world.add(1)
    report = issue_certificates(announced(one), world.deps())
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
    assert (record.issued_by, record.issued_at, record.reissue_of) == ("certify", AT, None)
    (entry,) = world.audit
    assert entry.action is AuditAction.CERTIFICATE_ISSUED
    assert (entry.actor, entry.request_id, entry.at) == ("certify", GROUP_KEY, AT)
    assert (entry.record_type, entry.record_id) == ("certificate", record.certificate_id)
    assert entry.person_id == one.qualification_pseudonym_id

    pdf, pdf_type, _ = world.files[record.pdf_key]
    assert pdf_type == "application/pdf"
    status = validate(pdf)
    assert status.intact
    assert status.valid
    assert status.trusted

    vc, vc_type, _ = world.files[record.vc_key]
    assert vc_type == "application/vc+jwt"
    jwks, lists = world.published()
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


def test_given_a_page_of_passes_then_the_list_they_open_is_published_once_before_them() -> None:
    world = CertificateWorld()
    page = [world.add(n) for n in (1, 2, 3)]

    report = issue_certificates(announced(*page), world.deps())

    assert report.counts == Counter({"issued": 3})
    assert report.published == [1]
    assert {r.list_number for r in world.certificates.values()} == {1}
    assert world.puts.count("published/status/1/revocation.jwt") == 1
    assert world.puts.count("published/jwks.json") == 1
    first = min(world.puts.index(r.vc_key or "") for r in world.certificates.values())
    assert world.puts.index("published/status/1/revocation.jwt") < first


def test_a_redelivered_message_issues_nothing_new_and_draws_no_index() -> None:
    world = CertificateWorld()
    one = world.add(1)
    issue_certificates(announced(one), world.deps())
    files = dict(world.files)
    again = issue_certificates(announced(one), world.deps())
    assert again.counts == Counter({"already": 1})
    assert again.published == []
    assert world.allocated == 1
    assert len(world.certificates) == 1
    assert len(world.audit) == 1
    assert world.files == files


def test_a_missing_document_is_made_again_from_the_record() -> None:
    world = CertificateWorld()
    one = world.add(1)
    issue_certificates(announced(one), world.deps())
    (record,) = world.certificates.values()
    assert record.pdf_key is not None
    del world.files[record.pdf_key]
    again = issue_certificates(announced(one), world.deps())
    assert again.counts == Counter({"repaired": 1})
    assert world.allocated == 1
    assert validate(world.files[record.pdf_key][0]).valid
    assert world.rendered[-1].issued_at == record.issued_at


def test_a_part_pass_gets_no_certificate() -> None:
    world = CertificateWorld()
    part = world.add(2, Result.PART_PASS)
    report = issue_certificates(announced(part), world.deps())
    assert report.counts == Counter({"part_pass": 1})
    assert world.certificates == {}
    assert world.files == {}


def test_a_name_the_font_cannot_draw_is_held_with_fields_and_counts_only() -> None:
    world = CertificateWorld()
    held = world.add(3, name=f"{TSUCHIYOSHI}田 花子")
    fine = world.add(4)
    report = issue_certificates(announced(held, fine), world.deps())
    assert report.counts == Counter({"held": 1, "issued": 1})
    (hold,) = world.holds.values()
    assert hold.application_id == held.application_id
    assert [(f.field, f.missing) for f in hold.fields] == [("name", 1)]
    assert TSUCHIYOSHI not in hold.model_dump_json()
    assert "花子" not in hold.model_dump_json()
    assert [r.application_id for r in world.certificates.values()] == [fine.application_id]
    assert world.allocated == 1, "no index for a held pass"
    again = issue_certificates(announced(held), world.deps())
    assert again.counts == Counter({"held": 1})


def test_a_resolved_hold_is_issued_with_the_spelling_staff_chose() -> None:
    world = CertificateWorld()
    held = world.add(3, name=f"{TSUCHIYOSHI}田 花子")
    issue_certificates(announced(held), world.deps())
    (hold,) = world.holds.values()
    assert hold.group_key == GROUP_KEY
    key = (hold.qualification_pseudonym_id, hold.application_id)
    world.holds[key] = hold.model_copy(
        update={"resolved_at": AT, "resolved_by": "staff:13:cert1", "reason": "異体字"}
    )
    with pytest.raises(CertificateRefusedError):
        issue_certificates(announced(held), world.deps())
    world.printed_names[held.qualification_pseudonym_id] = "吉田 花子"
    report = issue_certificates(announced(held), world.deps())
    assert report.counts == Counter({"issued": 1})
    (printed,) = world.rendered
    assert printed.name == "吉田 花子"
    (record,) = world.certificates.values()
    assert validate(world.files[record.pdf_key or ""][0]).valid


def test_a_pass_without_its_decision_or_examinee_is_refused_for_the_dlq() -> None:
    world = CertificateWorld()
    one = world.add(1)
    other = decided(9)
    with pytest.raises(CertificateRefusedError) as caught:
        issue_certificates(announced(other), world.deps())
    assert other.application_id in str(caught.value)
    del world.names[one.qualification_pseudonym_id]
    with pytest.raises(CertificateRefusedError):
        issue_certificates(announced(one), world.deps())
    assert world.certificates == {}


def test_nothing_stored_or_audited_holds_the_name_or_birth_date() -> None:
    world = CertificateWorld()
    one = world.add(1)
    issue_certificates(announced(one), world.deps())
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


def _proof_of(
    world: CertificateWorld, one: DecidedSitting, n: int, language: str
) -> ProofRequested:
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
    world = CertificateWorld()
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
    jwks, lists = world.published()
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
    world = CertificateWorld()
    one = world.add(1)
    with pytest.raises(CertificateRefusedError):
        issue_proof(_proof_of(world, one, 1, "en"), world.deps())
    part = world.add(2, Result.PART_PASS)
    with pytest.raises(CertificateRefusedError):
        issue_proof(_proof_of(world, part, 2, "ja"), world.deps())
    assert world.certificates == {}


def test_a_suspended_persons_pass_waits_and_is_certified_once_the_suspension_is_lifted() -> None:
    """P10: 利用停止 holds the certificate (ids kept as held work, no index drawn); once
    lifted, ``use_resumed`` certifies it and forgets the work."""
    world = CertificateWorld()
    waiting = world.add(5)
    fine = world.add(6)
    world.suspensions.suspend(waiting.qualification_pseudonym_id)

    report = issue_certificates(announced(waiting, fine), world.deps())

    assert report.counts == Counter({"suspended": 1, "issued": 1})
    assert [r.application_id for r in world.certificates.values()] == [fine.application_id]
    (work,) = world.suspensions.held.values()
    assert (work.application_id, work.group_key) == (waiting.application_id, GROUP_KEY)
    message = UseResumed(
        prefecture_code="13", qualification_pseudonym_id=waiting.qualification_pseudonym_id
    )

    def announce(again: PassesAnnounced) -> None:
        issue_certificates(again, world.deps())

    assert resume_held_work(message, world.suspensions, announce) is None, "still suspended"
    del world.suspensions.suspensions[waiting.qualification_pseudonym_id]
    assert resume_held_work(message, world.suspensions, announce) == 1

    assert {r.application_id for r in world.certificates.values()} == {
        waiting.application_id,
        fine.application_id,
    }
    assert world.suspensions.held == {}
    assert resume_held_work(message, world.suspensions, announce) == 0


def test_a_certificate_keeps_the_kid_it_was_signed_with_and_a_repair_notes_another() -> None:
    """An incident about a signing key finds the certificates it signed (P9): the record keeps
    the active key's kid; a repair signing with another key (a record from before the kid was
    kept, or after a rotation) notes that one."""
    world = CertificateWorld()
    one = world.add(7)
    issue_certificates(announced(one), world.deps())
    (record,) = world.certificates.values()
    kid = world.deps().certificates.key_ring().active.kid
    assert record.signing_kid == kid
    assert "signing_kid" not in record.model_dump_json(), "kept beside the document, not in it"

    world.certificates[record.certificate_id] = record.model_copy(update={"signing_kid": None})
    assert record.pdf_key is not None
    del world.files[record.pdf_key]
    again = issue_certificates(announced(one), world.deps())

    assert again.counts == Counter({"repaired": 1})
    assert world.certificates[record.certificate_id].signing_kid == kid
