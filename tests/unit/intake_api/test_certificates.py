"""The certificates office reads a pass's certificates, a PDF link, the font holds and the
counts: only its own prefecture's, only with the certificates role, each read of personal
data audited before it is answered, never the characters of a held name."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from tests.unit.review.factory import application

from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.data.certificates import (
    CertificateCount,
    CertificateHold,
    CertificateKind,
    CertificateRecord,
    HeldField,
)
from kentei.exemptions.model import PassKind, PassRecord
from kentei.messages import PassesAnnounced, ProofRequested
from kentei.records.codes import Grade, Term
from kentei.roster.parts import ExamRound, Part

from .events import event, invoke
from .fakes import Fakes

OFFICE = "staff:13:cert1:certificates"
OSAKA = "staff:27:cert2:certificates"
RESULTS = "staff:13:results1:results"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
AT = datetime(2026, 10, 2, 1, 0, tzinfo=UTC)


def _accepted(fakes: Fakes) -> str:
    made = application(status=Status.ACCEPTED)
    fakes.records.applications[made.application_id] = StoredApplication(made, 4, "fp")
    return made.application_id


def _issued(fakes: Fakes, application_id: str, prefecture: str = "13") -> CertificateRecord:
    record = CertificateRecord(
        certificate_id="C13G262-00001-1",
        kind=CertificateKind.PRINTED,
        language="ja",
        qualification_pseudonym_id=PERSON,
        application_id=application_id,
        certificate_number="C13G262-00001",
        grade="2級",
        list_number=1,
        index=77,
        pdf_key="certificates/13/C13G262-00001-1.pdf",
        vc_key="certificates/13/C13G262-00001-1.jwt",
        issued_at=AT,
        issued_by="certify",
    )
    fakes.certificates.records[(prefecture, record.certificate_id)] = record
    return record


def _get(path: str, caller: str = OFFICE, **query: str) -> tuple[int, Any]:
    target = f"{path}?{urlencode(query)}" if query else path
    status, _, body = invoke(event("GET", target, caller=caller))
    return status, body


def test_a_pass_lists_its_certificates_after_the_audit(fakes: Fakes) -> None:
    application_id = _accepted(fakes)
    record = _issued(fakes, application_id)

    status, body = _get("/v1/certificates", application_id=application_id)

    assert status == 200, body
    assert body["held"] is False
    (listed,) = body["certificates"]
    assert listed["certificate_id"] == record.certificate_id
    assert (listed["kind"], listed["status"], listed["has_pdf"]) == ("printed", "valid", True)
    assert "index" not in listed
    (entry,) = [e for e in fakes.audit.events if e.action is AuditAction.CERTIFICATES_LISTED]
    assert (entry.record_id, entry.person_id) == (application_id, PERSON)


def test_another_prefecture_or_role_sees_nothing(fakes: Fakes) -> None:
    application_id = _accepted(fakes)
    _issued(fakes, application_id)
    assert _get("/v1/certificates", OSAKA, application_id=application_id)[0] == 404
    assert _get("/v1/certificates/C13G262-00001-1/pdf", OSAKA)[0] == 404
    assert _get("/v1/certificates", RESULTS, application_id=application_id)[0] == 403
    assert _get("/v1/certificates/holds", RESULTS)[0] == 403
    assert _get("/v1/certificates/counts", RESULTS, fiscal_year="2026")[0] == 403
    assert fakes.certificates.links == []


def test_a_certificate_pdf_is_a_short_lived_link_after_the_audit(fakes: Fakes) -> None:
    record = _issued(fakes, _accepted(fakes))

    status, body = _get(f"/v1/certificates/{record.certificate_id}/pdf")

    assert status == 200, body
    assert body["download_url"].startswith("https://certificates.example/certificates/13/")
    assert body["expires_in_s"] == 300
    (entry,) = [e for e in fakes.audit.events if e.action is AuditAction.CERTIFICATE_DOWNLOADED]
    assert (entry.record_id, entry.person_id) == (record.certificate_id, PERSON)
    assert _get("/v1/certificates/C13G262-00009-1/pdf")[0] == 404


def test_the_holds_name_fields_and_counts_never_characters(fakes: Fakes) -> None:
    application_id = _accepted(fakes)
    fakes.certificates.held[("13", PERSON, application_id)] = CertificateHold(
        qualification_pseudonym_id=PERSON,
        application_id=application_id,
        kind=CertificateKind.PRINTED,
        fields=(HeldField(field="name", missing=2),),
        held_at=AT,
    )

    status, body = _get("/v1/certificates/holds")

    assert status == 200, body
    (hold,) = body["holds"]
    assert hold["fields"] == [{"field": "name", "missing": 2}]
    assert hold["application_id"] == application_id
    assert any(e.action is AuditAction.CERTIFICATE_HOLDS_LISTED for e in fakes.audit.events)
    assert _get("/v1/certificates", application_id=application_id)[1]["held"] is True
    assert _get("/v1/certificates/holds", OSAKA)[1] == {"holds": []}


@pytest.mark.parametrize("year", ["1999", "abc"])
def test_counts_need_a_fiscal_year(fakes: Fakes, year: str) -> None:
    assert _get("/v1/certificates/counts", fiscal_year=year)[0] == 422
    assert _get("/v1/certificates/counts")[0] == 422


def test_counts_of_a_fiscal_year_are_numbers_only(fakes: Fakes) -> None:
    fakes.certificates.counted[("13", 2026)] = [
        CertificateCount(2026, "2級", CertificateKind.PRINTED, "ja", False, 3),
        CertificateCount(2026, "2級", CertificateKind.ELECTRONIC, "ja", False, 3),
    ]

    status, body = _get("/v1/certificates/counts", fiscal_year="2026")

    assert status == 200, body
    assert body["total"] == 6
    assert body["counts"][0] == {
        "grade": "2級",
        "kind": "printed",
        "language": "ja",
        "reissue": False,
        "count": 3,
    }
    assert any(e.action is AuditAction.CERTIFICATE_COUNTS_READ for e in fakes.audit.events)
    assert _get("/v1/certificates/counts", OSAKA, fiscal_year="2026")[1]["total"] == 0


def _post(path: str, body: dict[str, Any], caller: str = OFFICE) -> tuple[int, Any]:
    status, _, answer = invoke(
        event("POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body)
    )
    return status, answer


def _held(fakes: Fakes) -> str:
    application_id = _accepted(fakes)
    fakes.certificates.held[("13", PERSON, application_id)] = CertificateHold(
        qualification_pseudonym_id=PERSON,
        application_id=application_id,
        kind=CertificateKind.PRINTED,
        fields=(HeldField(field="name", missing=1),),
        held_at=AT,
        group_key="2026-前期#0301#030101#2級",
    )
    return application_id


def test_a_hold_is_resolved_with_a_drawable_spelling_and_certify_is_told(fakes: Fakes) -> None:
    application_id = _held(fakes)
    path = f"/v1/certificates/holds/{application_id}/resolution"

    refused = _post(path, {"printed_name": "\U00020bb7田 花子", "reason": "異体字"})
    assert refused[0] == 422
    assert refused[1]["type"].endswith("printed-name-refused")
    assert "\U00020bb7" not in json.dumps(refused[1], ensure_ascii=False)

    status, body = _post(path, {"printed_name": "吉田 花子", "reason": "異体字"})

    assert status == 200, body
    assert body["resolved_by"] == "staff:13:cert1"
    assert "吉田" not in json.dumps(body, ensure_ascii=False)
    assert fakes.certificates.printed_names == {PERSON: "吉田 花子"}
    (entry,) = fakes.certificates.audit
    assert entry.action is AuditAction.CERTIFICATE_HOLD_RESOLVED
    assert entry.person_id == PERSON
    (told,) = fakes.certify_queue.sent
    assert isinstance(told, PassesAnnounced)
    assert told.application_ids == (application_id,)
    assert told.group_key == "2026-前期#0301#030101#2級"

    again = _post(path, {"printed_name": "吉田 花子", "reason": "異体字"})
    assert again[0] == 409
    assert again[1]["type"].endswith("hold-resolved")


def test_a_hold_of_another_prefecture_or_role_cannot_be_resolved(fakes: Fakes) -> None:
    application_id = _held(fakes)
    path = f"/v1/certificates/holds/{application_id}/resolution"
    body = {"printed_name": "吉田 花子", "reason": "異体字"}
    assert _post(path, body, OSAKA)[0] == 404
    assert _post(path, body, RESULTS)[0] == 403
    assert _post(path, {"printed_name": "吉田 花子"})[0] == 422
    assert _post(f"/v1/certificates/holds/{_accepted(fakes)}/resolution", body)[0] == 404
    assert fakes.certify_queue.sent == []


def _passed(fakes: Fakes, kind: PassKind = PassKind.PASS) -> str:
    application_id = _accepted(fakes)
    numbers: dict[str, Any] = (
        {"passer_number": "13G26-000001", "certificate_number": "C13G262-00001"}
        if kind is PassKind.PASS
        else {"notice_number": "P13G26-000001"}
    )
    fakes.records.passes.append(
        PassRecord(
            record_id=application_id,
            qualification_pseudonym_id=PERSON,
            kind=kind,
            parts=tuple(Part) if kind is PassKind.PASS else (Part.WRITTEN,),
            exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
            trade_code="0301",
            work_code="030101",
            grade=Grade.SECOND,
            passed_on=date(2026, 10, 2),
            **numbers,
        )
    )
    return application_id


def test_a_proof_in_english_keeps_the_latin_name_on_the_examinee_and_queues(
    fakes: Fakes,
) -> None:
    application_id = _passed(fakes)
    body = {"application_id": application_id, "language": "en", "name_latin": "Hanako Gino"}

    status, answer = _post("/v1/certificates/proofs", body)

    assert status == 202, answer
    assert answer["queued"] is True
    assert "Hanako" not in json.dumps(answer)
    (request,) = fakes.certificates.proofs.values()
    assert (request.proof_id, request.language) == (answer["proof_id"], "en")
    assert "Hanako" not in request.model_dump_json()
    assert fakes.certificates.latin_names == {PERSON: "Hanako Gino"}
    (entry,) = fakes.certificates.audit
    assert entry.action is AuditAction.CERTIFICATE_PROOF_REQUESTED
    (told,) = fakes.certify_queue.sent
    assert isinstance(told, ProofRequested)
    assert (told.proof_id, told.application_id) == (answer["proof_id"], application_id)


def test_a_proof_is_refused_without_a_pass_or_with_the_wrong_name_fields(fakes: Fakes) -> None:
    passed = _passed(fakes)
    part = _passed(fakes, PassKind.PART_PASS)
    post = "/v1/certificates/proofs"
    assert _post(post, {"application_id": passed, "language": "en"})[0] == 422
    assert _post(post, {"application_id": passed, "language": "ja", "name_latin": "A"})[0] == 422
    bad = _post(post, {"application_id": passed, "language": "en", "name_latin": "花子"})
    assert bad[0] == 422
    assert "花子" not in json.dumps(bad[1], ensure_ascii=False)
    assert _post(post, {"application_id": part, "language": "ja"})[0] == 404
    assert _post(post, {"application_id": passed, "language": "ja"}, OSAKA)[0] == 404
    assert _post(post, {"application_id": passed, "language": "ja"}, RESULTS)[0] == 403
    assert fakes.certify_queue.sent == []
