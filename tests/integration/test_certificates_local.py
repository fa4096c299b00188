"""A pass's certificates from its announcement to the stored documents, through the local
runtime: the real sync announces a decided pass (``results_announcement_due`` on its queue)
and tells certify (``passes_announced``); the real certify issues the 合格証書, signed through
moto's KMS with the chain the runtime put in the certificates bucket. pyHanko validates the
stored PDF against the local test CA, and :mod:`kentei.credentials.verifier` says the stored
VC is valid over the published JWKS and status lists. No table item but the examinee's own,
holds the person's name or birth date (messages carry ids only: their models forbid more)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.integration.test_passes_data import decided
from tests.unit.credentials.test_independent_verifier import verify_code, verify_vc
from tests.unit.pades.helpers import validate
from tests.unit.review.factory import application, form

from kentei import aws, messages
from kentei.applications.model import Status
from kentei.credentials.issuer import issuer_from_environment
from kentei.credentials.verifier import Outcome, verify
from kentei.data.applications import PrefectureApplications
from kentei.data.certificate_files import CertificateFiles
from kentei.data.certificates import CertificateRecord, PrefectureCertificates
from kentei.data.passes import PrefecturePasses
from kentei.data.published import JWKS_KEY
from kentei.data.queues import send
from kentei.data.roster import PrefectureRoster
from kentei.records.codes import Grade
from kentei.results.passes import DecidedSitting
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting
from kentei_local.probes import wait_until

AT = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)
NAME = "検定 証子"
BIRTH_DATE = "1990-02-03"
PERSON = "person-cert-0001"
WAIT_S = 90.0


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("sync").start()
        started.runtime.pump("certify").start()
        yield started


def _registered(person: str = PERSON, grade: str = "2級", *, stored: bool = False) -> Sitting:
    accepted = application(
        form(
            fiscal_year=2026,
            term="前期",
            trade_code="0301",
            work_code="030101",
            grade=grade,
            name=NAME,
            birth_date=BIRTH_DATE,
        ),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": person})
    if stored:  # the staff routes read the accepted application
        kept = accepted.model_copy(update={"status": Status.ACCEPTED})
        PrefectureApplications(TOKYO).create(kept, f"fp-{kept.application_id}")
    registration = registration_of(accepted)
    roster = PrefectureRoster(TOKYO)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


def _announce(decided_sitting: DecidedSitting, grade: str, request_id: str) -> None:
    """The decided sitting's group announced through the real sync (its queue)."""
    PrefecturePasses(TOKYO).put_decision(decided_sitting)
    send(
        "sync",
        messages.ResultsAnnouncementDue(
            prefecture_code=TOKYO,
            fiscal_year=2026,
            term="前期",
            trade_code="0301",
            work_code="030101",
            grade=grade,
            requested_by="staff:13:results-13",
            request_id=request_id,
            announced_on=dt.date(2026, 10, 2),
        ),
    )


def _issued() -> list[CertificateRecord]:
    return PrefectureCertificates(TOKYO).certificates_of(PERSON)


def test_an_announced_pass_gets_a_signed_pdf_and_a_valid_vc(system: IntakeSystem) -> None:
    sitting = _registered()
    one = decided(1, grade=Grade.SECOND).model_copy(
        update={
            "application_id": sitting.application_id,
            "qualification_pseudonym_id": PERSON,
            "exam_number": sitting.exam_number,
        }
    )
    _announce(one, "2級", "req-cert-local")
    files = CertificateFiles()

    def stored() -> CertificateRecord | None:
        issued = _issued()
        if issued and files.exists(issued[0].pdf_key or ""):
            return issued[0]
        return None

    record = wait_until(stored, WAIT_S, "the certificate issued and its PDF stored")
    assert len(_issued()) == 1
    assert record.application_id == sitting.application_id
    assert record.pdf_key is not None
    assert record.vc_key is not None

    status = validate(files.read(record.pdf_key))
    assert status.intact
    assert status.valid
    assert status.trusted

    issuer = issuer_from_environment(os.environ)
    jwks = json.loads(files.read(JWKS_KEY))
    lists = {
        issuer.status_list_url(record.list_number, purpose): files.read(
            f"published/status/{record.list_number}/{purpose}.jwt"
        ).decode()
        for purpose in ("revocation", "message")
    }
    verdict = verify(
        files.read(record.vc_key).decode(),
        jwks=jwks,
        status_lists=lists,
        issuer=issuer,
        now=dt.datetime.now(dt.UTC),
    )
    assert verdict.outcome is Outcome.VALID, verdict.detail
    assert verdict.claims is not None
    assert verdict.claims.name == NAME
    assert verdict.claims.birth_date.isoformat() == BIRTH_DATE

    head = system.runtime.s3().head_object(Bucket=files.bucket, Key=record.pdf_key)
    assert head["ServerSideEncryption"] == "aws:kms"
    published = system.runtime.s3().head_object(
        Bucket=files.bucket, Key=f"published/status/{record.list_number}/revocation.jwt"
    )
    assert published["ContentType"] == "application/vc+jwt"
    assert published["CacheControl"].startswith("public, max-age=")

    # Nothing but the examinee's own item holds the name or the birth date.
    def holders(item: dict[str, Any]) -> bool:
        text = json.dumps(item, default=str, ensure_ascii=False)
        return NAME in text or BIRTH_DATE in text

    found = [item["record_key"]["S"] for item in system.records() if holders(item)]
    assert found == [f"EXAMINEE#{PERSON}"], found

    # The record keeps the key that signed it: an auditor's incident trace by that key (P9)
    # lists the certificate and its person.
    kid = jwks["keys"][0]["kid"]
    assert record.signing_kid == kid
    traced = system.client.get("/v1/incidents/trace", "staff:13:aud-13:auditor", {"key": kid})
    assert traced.status_code == 200, traced.text
    assert record.certificate_id in {r["record_id"] for r in traced.json()["records"]}
    assert PERSON in {p["person_id"] for p in traced.json()["persons"]}


LIFECYCLE_PERSON = "person-cert-0002"
CERTIFICATES_OFFICE = "staff:13:certs-13:certificates"


def _staff_post(system: IntakeSystem, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = system.client.request(
        "POST",
        path,
        CERTIFICATES_OFFICE,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in {200, 201, 202}, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _code_on(pdf: bytes, folder: Path) -> str:
    """The 2D code as a scanner reads it off the printed page (pdftoppm, zxing-cpp)."""
    (folder / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(folder / "certificate.pdf"),
         str(folder / "page")],
        check=True,
    )  # fmt: skip
    scanned = [r.text for r in zxingcpp.read_barcodes(Image.open(folder / "page.png"))]
    assert len(scanned) == 1
    return scanned[0]


def _published(files: CertificateFiles) -> tuple[dict[str, Any], dict[str, str]]:
    """The JWK Set and every published status list, by URL: all an outside verifier has."""
    issuer = issuer_from_environment(os.environ)
    lists: dict[str, str] = {}
    listed = aws.s3().list_objects_v2(Bucket=files.bucket, Prefix="published/status/")
    for key in (item["Key"] for item in listed.get("Contents", [])):
        number, purpose = key.removeprefix("published/status/").removesuffix(".jwt").split("/")
        lists[issuer.status_list_url(int(number), purpose)] = files.read(key).decode()
    return json.loads(files.read(JWKS_KEY)), lists


@pytest.mark.tools("pdftoppm")
def test_a_reissue_supersedes_and_a_revocation_revokes_every_copy(
    system: IntakeSystem, tmp_path: Path
) -> None:
    """Issued, reissued (再交付: a new certificate id, the old superseded), then the pass
    revoked (合格の取消し: both revoked), each seen by an independent verifier (PyJWT; cbor2,
    base45, zlib) from the published JWK Set and status lists only, for the stored VC and for
    the 2D code scanned off the printed PDF."""
    sitting = _registered(LIFECYCLE_PERSON, "1級", stored=True)
    one = decided(2, grade=Grade.FIRST).model_copy(
        update={
            "application_id": sitting.application_id,
            "qualification_pseudonym_id": LIFECYCLE_PERSON,
            "exam_number": sitting.exam_number,
        }
    )
    _announce(one, "1級", "req-cert-lifecycle")
    files = CertificateFiles()
    store = PrefectureCertificates(TOKYO)

    def documents(certificate_id: str) -> CertificateRecord | None:
        record = store.certificate(certificate_id)
        if record is None or not files.exists(record.pdf_key or ""):
            return None
        return record if files.exists(record.vc_key or "") else None

    def first() -> CertificateRecord | None:
        issued = store.certificates_of(LIFECYCLE_PERSON)
        return documents(issued[0].certificate_id) if issued else None

    old = wait_until(first, WAIT_S, "the first certificate issued with its documents")
    assert old.pdf_key is not None
    assert old.vc_key is not None
    old_vc, old_code = files.read(old.vc_key).decode(), _code_on(files.read(old.pdf_key), tmp_path)
    issuer_id = issuer_from_environment(os.environ).id
    jwks, lists = _published(files)
    old_id = old.certificate_id
    assert old_id == f"{old.certificate_number}-1"
    assert verify_vc(old_vc, jwks, lists) == (old_id, "valid", None)
    assert verify_code(old_code, jwks, lists, issuer_id) == (old_id, "valid", None)

    # 再交付: staff ask through the API with the fee paid; certify issues the next serial.
    queued = _staff_post(
        system,
        f"/v1/certificates/{old.certificate_id}/reissue",
        {"reason": "loss", "fee": {"method": "現金", "paid_on": "2026-10-20"}},
    )
    assert queued["fee_amount"] == 2000
    new_id = f"{old.certificate_number}-2"
    new = wait_until(lambda: documents(new_id), WAIT_S, "the reissued certificate stored")
    assert new.reissue_of == old.certificate_id
    superseded = store.certificate(old.certificate_id)
    assert superseded is not None
    assert superseded.superseded_by == new_id

    def flipped() -> tuple[dict[str, Any], dict[str, str]] | None:
        published = _published(files)
        return published if verify_vc(old_vc, *published)[1] == "superseded" else None

    jwks, lists = wait_until(flipped, WAIT_S, "the old certificate superseded in the lists")
    assert new.pdf_key is not None
    assert new.vc_key is not None
    new_vc = files.read(new.vc_key).decode()
    new_code = _code_on(files.read(new.pdf_key), tmp_path)
    assert verify_code(old_code, jwks, lists, issuer_id)[:2] == (old_id, "superseded")
    # Each form names its own certificate: the old id superseded, the new one valid.
    assert verify_vc(new_vc, jwks, lists) == (new_id, "valid", None)
    assert verify_code(new_code, jwks, lists, issuer_id) == (new_id, "valid", None)
    counts = {(c.kind.value, c.reissue): c.count for c in store.counts(2026)}
    assert counts[("printed", True)] >= 1

    # 合格の取消し: every certificate of the pass revoked, as of the day given.
    revoked = _staff_post(
        system,
        "/v1/certificates/revocations",
        {
            "application_id": sitting.application_id,
            "effective_on": "2026-11-02",
            "reason": "受検資格の虚偽申告",
            "legal_basis": "技能検定試験実施規程 (unconfirmed)",
        },
    )
    assert set(revoked["certificates"]) == {old.certificate_id, new_id}
    assert revoked["return_status"] == "pending"

    def all_revoked() -> tuple[dict[str, Any], dict[str, str]] | None:
        published = _published(files)
        return published if verify_vc(new_vc, *published)[1] == "revoked" else None

    jwks, lists = wait_until(all_revoked, WAIT_S, "both certificates revoked in the lists")
    for token, the_id in ((old_vc, old_id), (new_vc, new_id)):
        assert verify_vc(token, jwks, lists) == (the_id, "revoked", "2026-11-02")
    for code, the_id in ((old_code, old_id), (new_code, new_id)):
        assert verify_code(code, jwks, lists, issuer_id) == (the_id, "revoked", "2026-11-02")
    assert PrefecturePasses(TOKYO).passes_of(LIFECYCLE_PERSON) == []

    returned = _staff_post(
        system,
        f"/v1/certificates/revocations/{sitting.application_id}/return",
        {"outcome": "returned", "on": "2026-11-10"},
    )
    assert returned["return_status"] == "returned"
