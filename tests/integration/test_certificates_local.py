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
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.integration.test_passes_data import decided
from tests.unit.pades.helpers import validate
from tests.unit.review.factory import application, form

from kentei import messages
from kentei.applications.model import Status
from kentei.credentials.issuer import issuer_from_environment
from kentei.credentials.verifier import Outcome, verify
from kentei.data.certificate_files import CertificateFiles
from kentei.data.certificates import CertificateRecord, PrefectureCertificates
from kentei.data.passes import PrefecturePasses
from kentei.data.published import JWKS_KEY
from kentei.data.queues import send
from kentei.data.roster import PrefectureRoster
from kentei.records.codes import Grade
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


def _registered() -> Sitting:
    accepted = application(
        form(
            fiscal_year=2026,
            term="前期",
            trade_code="0301",
            work_code="030101",
            grade="2級",
            name=NAME,
            birth_date=BIRTH_DATE,
        ),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": PERSON})
    registration = registration_of(accepted)
    roster = PrefectureRoster(TOKYO)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


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
    PrefecturePasses(TOKYO).put_decision(one)
    send(
        "sync",
        messages.ResultsAnnouncementDue(
            prefecture_code=TOKYO,
            fiscal_year=2026,
            term="前期",
            trade_code="0301",
            work_code="030101",
            grade="2級",
            requested_by="staff:13:results-13",
            request_id="req-cert-local",
            announced_on=dt.date(2026, 10, 2),
        ),
    )
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
        files.read(record.vc_key).decode(), jwks=jwks, status_lists=lists, issuer=issuer
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
