"""Verify's cost per application: KMS requests, and CPU relative to the bare signature check.

Each sample is one Mynaportal application (a document signed with ``openssl cms -sign`` by a
card certificate of the local test PKI, its person in a registry seed made for the run),
stored as intake stores it (the record in the records table, the raw parts in the inbox under
the vault key) and handed, as the SQS event Lambda sends, to verify's real handler in this
process: inbox reads, the CMS and certificate checks with the CRL, the signed act's claim
(KMS ``GenerateMac``), the registry, the vault (KMS ``GenerateMac`` and ``Encrypt``), the
examinee, the application and audit writes, the inbox deletion.

- **KMS requests per verified application**: :data:`kentei.vault.KMS_REQUESTS` (every request
  the vault and the signed-act claim make) around each application; a person's first
  application (enrolled) and a second one (found). KMS requests that S3 makes for SSE-KMS on
  the inbox objects are S3's, billed to the key's account too, and not counted here.
- **CPU**: ``time.process_time`` of the handler, against the bare signature check with the same
  library (``cryptography``) over the same CMS: load the signer certificate, verify the RSA
  PKCS#1 v1.5 signature over the signed attributes, compare the document's digest with the
  messageDigest (the CMS taken apart beforehand, untimed). Between the two, the signature
  stage alone (:func:`kentei.signatures.verify_mynaportal`: the CMS profile, the certificate
  chain, validity at arrival, the CRL, the four items), to show where the rest goes.

Moto runs in a child process, so CPU here is only the client side: verify's logic, its
libraries and boto3. Samples are interleaved (first application, bare, second application,
bare) after a warm-up, and the figures are medians. Nothing here is a test.

    .venv/bin/python bench/verify_cost.py [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import tempfile
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final

from kentei_local.testpki import TestPki
from measure import cpu, quiet
from moto_child import moto_child

ROOT: Final = Path(__file__).resolve().parents[1]
PREFECTURE: Final = "13"
NAME: Final = "検定 一郎"
ADDRESS: Final = "東京都千代田区見本町一丁目2番3号"
BIRTH_DATE: Final = dt.date(1990, 4, 1)


@dataclass(frozen=True)
class Signed:
    """One application as a bridge sent it: the document and its detached CMS signature."""

    my_number: str
    document: bytes
    signature: bytes


@dataclass(frozen=True)
class Bare:
    """The same CMS taken apart for the bare check (untimed)."""

    certificate_der: bytes
    signed_attributes: bytes
    signature_value: bytes
    message_digest: bytes
    document: bytes


def people(count: int) -> list[str]:
    from kentei_local.bridges import sample_my_number

    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(sample_my_number())
    return sorted(numbers)


def signed_applications(
    numbers: list[str], pki: TestPki, folder: Path
) -> list[tuple[Signed, Signed]]:
    """Two signed applications per person, by one card each, with openssl cms -sign."""
    from kentei_local.bridges import Signer, application_document, sample_form, sign_detached
    from kentei_local.testpki import FourItems

    pairs = []
    items = FourItems(NAME, "1", BIRTH_DATE, ADDRESS)
    for index, number in enumerate(numbers):
        paths = pki.signature_certificate(items).write(folder / "cards", f"card-{index}")
        signer = Signer(paths.key, paths.certificate)
        applications = []
        for grade in ("2級", "1級"):
            form = sample_form(
                my_number=number,
                name=NAME,
                birth_date=BIRTH_DATE.isoformat(),
                sex="1",
                address=ADDRESS,
                grade=grade,
            )
            document = application_document(form, [])
            applications.append(Signed(number, document, sign_detached(document, signer)))
        pairs.append((applications[0], applications[1]))
    return pairs


def seed(numbers: list[str], path: Path) -> Path:
    entries = [
        {
            "my_number": number,
            "name": NAME,
            "birth_date": BIRTH_DATE.isoformat(),
            "sex": "1",
            "address": ADDRESS,
            "status": "current",
        }
        for number in numbers
    ]
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def taken_apart(signed: Signed) -> Bare:
    from asn1crypto import cms

    info = cms.ContentInfo.load(signed.signature)
    signer = info["content"]["signer_infos"][0]
    attributes = signer["signed_attrs"]
    digest = next(a["values"][0].native for a in attributes if a["type"].native == "message_digest")
    return Bare(
        certificate_der=info["content"]["certificates"][0].chosen.dump(),
        signed_attributes=b"\x31" + attributes.dump()[1:],
        signature_value=signer["signature"].native,
        message_digest=digest,
        document=signed.document,
    )


def bare_check(bare: Bare) -> None:
    """The signature check alone, with cryptography."""
    import hmac

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = x509.load_der_x509_certificate(bare.certificate_der).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(bare.signature_value, bare.signed_attributes, padding.PKCS1v15(), hashes.SHA256())
    if not hmac.compare_digest(hashlib.sha256(bare.document).digest(), bare.message_digest):
        raise RuntimeError("the document is not the one signed")


def store(signed: Signed) -> str:
    """The application as intake stores it: record, raw parts, ready for verify."""
    from kentei.applications.model import Application, Channel, Status, StatusChange
    from kentei.data import inbox
    from kentei.data.applications import PrefectureApplications
    from kentei.submissions.document import parse_document
    from kentei.submissions.parsed import RawPart

    now = dt.datetime.now(dt.UTC)
    application_id = f"{PREFECTURE}-{uuid.uuid4().hex[:26].upper()}"
    form = parse_document(signed.document, "document").to_form()
    inbox.Inbox().put_parts(
        application_id,
        [
            RawPart("document.json", "application/json", signed.document),
            RawPart("signature.p7s", "application/pkcs7-signature", signed.signature),
        ],
    )
    PrefectureApplications(PREFECTURE).create(
        Application(
            application_id=application_id,
            prefecture_code=PREFECTURE,
            channel=Channel.MYNAPORTAL,
            status=Status.RECEIVED,
            received_at=now,
            form=form.to_applicant(application_id),
            inbox_key=inbox.prefix(application_id),
            mynaportal_pseudonym_id=f"mp-bench-{uuid.uuid4().hex}",
            submitted_by="bridge:mynaportal",
            history=(StatusChange(status=Status.RECEIVED, at=now, by="bridge:mynaportal"),),
        ),
        hashlib.sha256(signed.document).hexdigest(),
    )
    return application_id


def event_for(application_id: str) -> dict[str, Any]:
    from kentei import messages

    body = messages.encode(
        messages.ApplicationReceived(application_id=application_id, prefecture_code=PREFECTURE)
    )
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-local-verify",
                "awsRegion": "ap-northeast-1",
            }
        ]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    warm_up = 2
    with tempfile.TemporaryDirectory(prefix="kentei-bench-verify-") as work:
        folder = Path(work)
        numbers = people(args.runs + warm_up)
        pki = TestPki.create(folder / "pki")
        pairs = signed_applications(numbers, pki, folder)
        settings = {
            **pki.settings(),
            "KENTEI_REGISTRY_SEED": str(seed(numbers, folder / "seed.json")),
        }
        with moto_child() as moto:
            samples, kms = measure(moto, settings, pairs, warm_up)
    report(samples, kms, args.runs)


def measure(
    moto: dict[str, Any],
    settings: dict[str, str],
    pairs: list[tuple[Signed, Signed]],
    warm_up: int,
) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    from kentei_local.environment import handler_environment, patched_environ

    env = {
        **handler_environment(moto["endpoint"]),
        **moto["env"],
        **settings,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    samples: dict[str, list[float]] = {"first": [], "again": [], "bare": [], "signature": []}
    kms: dict[str, list[int]] = {"first": [], "again": []}
    with patched_environ(env):
        from kentei.applications.model import Status
        from kentei.data.applications import PrefectureApplications
        from kentei.signatures import TrustStore, revocation_from_environment, verify_mynaportal
        from kentei.vault import KMS_REQUESTS
        from kentei_local.context import LocalContext
        from verify.handler import handler

        def verify(application_id: str) -> None:
            response = handler(event_for(application_id), LocalContext.for_function("verify"))
            if response.get("batchItemFailures"):
                raise RuntimeError(f"verify failed {application_id}")

        trust, revocation = TrustStore.from_environment(), revocation_from_environment()

        def signature_stage(signed: Signed) -> None:
            arrival = dt.datetime.now(dt.UTC)
            verify_mynaportal(signed.document, signed.signature, arrival, trust, revocation)

        for index, (first, again) in enumerate(pairs):
            bare = taken_apart(first)
            ids = {"first": store(first), "again": store(again)}
            with quiet():
                for kind in ("first", "again"):
                    before = KMS_REQUESTS.total
                    spent = cpu(partial(verify, ids[kind]))
                    requests = KMS_REQUESTS.total - before
                    bare_spent = cpu(partial(bare_check, bare))
                    stage_spent = cpu(partial(signature_stage, first))
                    if index >= warm_up:
                        samples[kind].append(spent)
                        kms[kind].append(requests)
                        samples["bare"].append(bare_spent)
                        samples["signature"].append(stage_spent)
            for application_id in ids.values():
                stored = PrefectureApplications(PREFECTURE).get(application_id)
                if stored is None or stored.application.status is not Status.UNDER_REVIEW:
                    raise RuntimeError(f"{application_id} was not verified")
    return samples, kms


def report(samples: dict[str, list[float]], kms: dict[str, list[int]], runs: int) -> None:
    bare_ms = statistics.median(samples["bare"]) * 1000
    print(
        f"verify per Mynaportal application (openssl cms -sign, SHA-256, CRL), median of {runs} "
        "interleaved samples each, time.process_time; moto in a child process"
    )
    print(f"{'what':<44} {'median ms':>10} {'ratio':>7} {'KMS requests':>13}")
    print(f"{'bare signature check (cryptography)':<44} {bare_ms:>10.2f} {1.0:>7.2f} {'-':>13}")
    stage_ms = statistics.median(samples["signature"]) * 1000
    label = "signature stage (verify_mynaportal)"
    print(f"{label:<44} {stage_ms:>10.2f} {stage_ms / bare_ms:>7.2f} {'-':>13}")
    for kind, label in (
        ("first", "verify: a person's first application"),
        ("again", "verify: the same person again"),
    ):
        spent = statistics.median(samples[kind]) * 1000
        requests = statistics.median(kms[kind])
        print(f"{label:<44} {spent:>10.2f} {spent / bare_ms:>7.2f} {requests:>13g}")
    every = kms["first"] + kms["again"]
    print(
        f"KMS requests per verified application: {statistics.mean(every):g} on average over "
        f"{len(every)} (first {min(kms['first'])}-{max(kms['first'])}, "
        f"again {min(kms['again'])}-{max(kms['again'])}; the vault and the signed-act claim, "
        "S3's SSE-KMS not counted)"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
