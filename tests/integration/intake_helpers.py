"""What the intake tests share: the local runtime with the real intake, requests as a bridge
or a staff member would build them, and the scans for My Numbers.

Signatures are detached CMS SignedData made with ``cryptography`` and a throwaway
self-signed certificate: intake checks their shape only (verify checks the signer).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from kentei import catalog
from kentei.applications import lifecycle
from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.my_number import check_digit
from kentei_local.bridges import sample_pdf, sample_png
from kentei_local.containers import forget_containers
from kentei_local.probes import my_numbers_in
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.signin import Credentials, credentials

MYNAPORTAL: Final = "bridge:mynaportal"
EGOV: Final = "bridge:egov"
TOKYO: Final = "13"
OSAKA: Final = "27"
STAFF_TOKYO: Final = f"staff:{TOKYO}:reviewer1"
STAFF_OSAKA: Final = f"staff:{OSAKA}:reviewer9"
APPLICATIONS: Final = "/v1/applications"
REVIEW: Final = "/v1/review/applications"
PDF: Final = sample_pdf(label="intake")
PNG: Final = sample_png()
GIF: Final = b"GIF89a" + b"\x00" * 32
NAME: Final = "試験 太郎"
"""The applicant's name in every sample form: a value no answer to a bridge may carry."""


def valid_my_number(first_eleven: str) -> str:
    return f"{first_eleven}{check_digit(first_eleven)}"


MY_NUMBER: Final = valid_my_number("31415926535")
"""The sample applicant's My Number (valid check digit): the scans look for any such."""


def form(**changes: Any) -> dict[str, Any]:
    """A complete, valid form (English item names), with ``changes`` applied."""
    base: dict[str, Any] = {
        "prefecture_code": TOKYO,
        "fiscal_year": 2026,
        "term": "前期",
        "grade": "2級",
        "trade_code": "0701",
        "work_code": "070101",
        "exam_category": "学科+実技",
        "my_number": MY_NUMBER,
        "name": NAME,
        "birth_date": "1990-04-01",
        "sex": "1",
        "postal_code": "1000013",
        "address": "東京都千代田区霞が関1-2-2",
        "phone": "03-1234-5678",
        "name_kana": "しけん たろう",
        "years_of_experience": 5,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


@dataclass(frozen=True)
class File:
    name: str
    content: bytes
    media_type: str = "application/pdf"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def upload(self) -> dict[str, str]:
        return {"name": self.name, "media_type": self.media_type, "content": b64(self.content)}


RESUME: Final = File("resume.pdf", PDF)


@cache
def _signer() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kentei intake test signer")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def signer_pem() -> tuple[bytes, bytes]:
    """The throwaway signer's private key and certificate, PEM (for command-line tools)."""
    certificate, key = _signer()
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate.public_bytes(serialization.Encoding.PEM),
    )


def sign_detached(content: bytes) -> bytes:
    """A detached CMS SignedData (DER) over ``content``, with the signer's certificate."""
    certificate, key = _signer()
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(certificate, key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def document(form_items: Mapping[str, Any], files: Sequence[File]) -> bytes:
    """The application document as a bridge signs it: the form plus the attachment list."""
    signed = {
        **form_items,
        "attachments": [{"name": f.name, "sha256": f.sha256} for f in files],
    }
    return json.dumps(signed, ensure_ascii=False).encode("utf-8")


def mynaportal_body(
    form_items: Mapping[str, Any] | None = None,
    files: Sequence[File] = (RESUME,),
    pseudonym: str = "mp-pseudonym-0001",
    **extra: Any,
) -> dict[str, Any]:
    signed = document(form() if form_items is None else form_items, files)
    return {
        "channel": "mynaportal",
        "mynaportal_pseudonym_id": pseudonym,
        "document": b64(signed),
        "signature": b64(sign_detached(signed)),
        "attachments": [f.upload() for f in files],
        **extra,
    }


def paper_body(
    form_items: Mapping[str, Any] | None = None, files: Sequence[File] = (), **extra: Any
) -> dict[str, Any]:
    return {
        "channel": "paper",
        "form": form() if form_items is None else dict(form_items),
        "identity_confirmation": "my_number_card",
        "attachments": [f.upload() for f in files],
        **extra,
    }


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


class Client:
    """HTTP to the runtime, as a bridge (its certificate, on the bridge port) or a staff
    member (an ID token of the local user pool, on the staff port); ``caller`` in the local
    tooling's shorthand, None for nobody (the staff port, no token)."""

    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime
        self.url = runtime.url
        self.session = requests.Session()
        self.session.trust_env = False

    def credentials(self, caller: str | None) -> Credentials:
        return credentials(self.runtime.endpoints, caller)

    def request(
        self,
        method: str,
        path: str,
        caller: str | None,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        given = self.credentials(caller)
        return self.session.request(
            method,
            given.base_url + path,
            data=data,
            headers={**given.headers(), **(headers or {})},
            params=params,
            cert=given.cert,
            verify=given.verify,
            timeout=60,
        )

    def submit(
        self,
        body: Mapping[str, Any] | bytes,
        caller: str | None,
        key: str | None = None,
        *,
        content_type: str = "application/json",
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": content_type}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.request("POST", APPLICATIONS, caller, data=data, headers=headers, params=params)

    def get(
        self, path: str, caller: str | None, params: Mapping[str, str] | None = None
    ) -> requests.Response:
        return self.request("GET", path, caller, params=params)

    def decide(
        self,
        application_id: str,
        caller: str | None,
        decision: str,
        reasons: Sequence[Mapping[str, Any]] = (),
    ) -> requests.Response:
        return self.request(
            "POST",
            f"{REVIEW}/{application_id}/decision",
            caller,
            data=json.dumps({"decision": decision, "reasons": list(reasons)}).encode(),
            headers={"Content-Type": "application/json"},
        )


@dataclass
class IntakeSystem:
    """A started runtime (queues not pumped: messages stay for the tests to read)."""

    runtime: LocalRuntime
    client: Client
    kept: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """The records table's items other than staff sign-ins (which each sign-in adds)."""
        return [
            item
            for item in self.scan("records")
            if not item["record_key"]["S"].startswith(("STAFF_SIGNIN#", "STAFF_SIGNIN_EVENT#"))
        ]

    def scan(self, table: str) -> list[dict[str, Any]]:
        name = self.runtime.resources.tables[table]
        items: list[dict[str, Any]] = []
        for page in self.runtime.dynamodb().get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        return items

    def queued(self, queue: str = "verify") -> list[dict[str, Any]]:
        """Every message sent to the queue so far. Each receive counts towards the queue's
        ``maxReceiveCount``, so messages are taken off the queue once and kept here."""
        return self._drain(queue, self.runtime.resources.queues[queue].url)

    def under_review(
        self, application_id: str, person: str | None = "4qc7cvj3twxoaxwlxb7x4ahwb4"
    ) -> str | None:
        """Move a received application to under_review as verify admits it: with the
        資格仮名ID ``person``, linking a resubmission to the returned application it names
        if that is the same person's (:mod:`verify.resubmission`). The reason code if verify
        would refuse it instead (and nothing is written)."""
        from verify import resubmission

        repository = PrefectureApplications(application_id[:2])
        stored = repository.get(application_id)
        assert stored is not None
        at = dt.datetime.now(dt.UTC)
        application = lifecycle.transition(stored.application, Status.VERIFYING, by="verify", at=at)
        stored = repository.replace(stored, application)
        admitted = lifecycle.transition(
            application, Status.UNDER_REVIEW, by="verify", at=at
        ).model_copy(update={"qualification_pseudonym_id": person})
        refused = resubmission.store_admitted(
            repository, stored, admitted, (), by="verify", at=at, request_id="test-request"
        )
        return None if refused is None else refused.code

    def my_numbers(self) -> dict[str, int]:
        """Valid My Numbers in every table item and queue message (DLQs too), by resource."""
        found: dict[str, int] = {}
        for table in catalog.TABLES:
            for item in self.scan(table.name):
                found[table.name] = found.get(table.name, 0) + len(stored_my_numbers(item))
        for queue in catalog.QUEUES:
            local = self.runtime.resources.queues[queue.name]
            for name, url in ((queue.name, local.url), (queue.dlq_name, local.dlq_url)):
                for message in self._drain(name, url):
                    found[name] = found.get(name, 0) + len(stored_my_numbers(message))
        return {name: count for name, count in found.items() if count}

    def _drain(self, name: str, url: str) -> list[dict[str, Any]]:
        kept = self.kept.setdefault(name, [])
        sqs = self.runtime.sqs()
        while batch := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60
        ).get("Messages", []):
            for message in batch:
                kept.append(dict(message))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return list(kept)


def stored_my_numbers(value: Any) -> list[str]:
    """Valid My Numbers in a stored item or message (hex digests left out, as in the probe)."""
    return my_numbers_in(_text(value))


def _clear_clients() -> None:
    # The handlers run in this process: what they kept would point at an earlier runtime.
    forget_containers()


@contextmanager
def intake_system() -> Iterator[IntakeSystem]:
    """The local runtime with the real intake; on the way out, no My Number may be stored
    outside the vault (tables, queues, idempotency records)."""
    _clear_clients()
    runtime = LocalRuntime(LocalSettings(port=0), pumps=False).start()
    try:
        system = IntakeSystem(runtime, Client(runtime))
        yield system
        leaked = system.my_numbers()
    finally:
        runtime.stop()
        _clear_clients()
    assert not leaked, f"valid My Numbers stored outside the vault: {leaked}"


def _text(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def granted_disclosure(prefecture_code: str, person: str) -> str:
    """A disclosure request of ``person`` decided granted, written straight to the records (what
    a correction or suspension request follows); its request id. Setup only: the disclosure
    itself is not assembled."""
    from kentei.applications.model import IdentityConfirmation
    from kentei.data.person_requests import PrefecturePersonRequests
    from kentei.person_requests.model import Decision, RequestStatus, received
    from kentei.person_requests.procedures import Channel, RequestKind, procedures

    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    request = received(
        prefecture_code=prefecture_code,
        person=person,
        kind=RequestKind.DISCLOSURE,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by=f"staff:{prefecture_code}:privacy-setup",
        at=at,
        procedure=procedures().of(prefecture_code, RequestKind.DISCLOSURE),
    )
    store = PrefecturePersonRequests(prefecture_code)
    store.receive(request)
    decided = request.decided(
        Decision.GRANTED, f"staff:{prefecture_code}:privacy-setup", at, "開示する"
    )
    store.change(decided, RequestStatus.RECEIVED)
    return request.request_id


@contextmanager
def intake_system_with_outbox() -> Iterator[IntakeSystem]:
    """:func:`intake_system` with sync's queue, the national queue and the records stream
    pumped: a change reaches the national side (the fake) as deployed."""
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    with intake_system() as started:
        for queue in ("sync", catalog.NATIONAL_QUEUE):
            started.runtime.pump(queue).start()
        for stream in started.runtime.stream_pumps.values():
            stream.start()
        yield started
    national_system.cache_clear()
