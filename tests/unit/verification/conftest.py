"""Verify's flow over in-memory ports: the applications, inbox and audit as dicts,
the vault and pseudonym links in memory, the seeded fake registry, and the test PKI trusted
the way the local runtime trusts it. Signatures are made in Python (the signature tests'
builders), so no external tool runs here."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.unit.signatures.builders import CmsOptions, XmlOptions, sign_cms, sign_kousei

from kentei.applications.model import Application, AttachmentRecord, Channel, Status, StatusChange
from kentei.data.applications import (
    ApplicationSummary,
    ConcurrentChangeError,
    Page,
    StoredApplication,
)
from kentei.data.audit import AuditEvent
from kentei.data.inbox import attachment_key, prefix
from kentei.messages import ApplicationReceived
from kentei.person_requests.suspension import Suspension, UseCondition
from kentei.records.sensitive import REVEAL
from kentei.registry.fake import SeededRegistry, parse_seed
from kentei.signatures import RevocationSource, TrustStore
from kentei.signatures.crl import CrlDirectory
from kentei.submissions import ApplicationForm
from kentei.vault.links import InMemoryPseudonymLinks
from kentei.vault.memory import InMemoryVault
from kentei.vault.signed_acts import InMemorySignedActs
from kentei_local.bridges import sample_form
from kentei_local.testpki import FourItems, Issued, TestPki
from verify.dependencies import Dependencies
from verify.verification import Outcome, verify_application

TOKYO = "13"


@dataclass(frozen=True)
class Person:
    my_number: str
    name: str
    birth_date: dt.date
    sex: str
    address: str
    status: str = "current"

    def seed(self) -> dict[str, str]:
        return {
            "my_number": self.my_number,
            "name": self.name,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "address": self.address,
            "status": self.status,
        }

    def four_items(self) -> FourItems:
        return FourItems(self.name, self.sex, self.birth_date, self.address)

    def form(self, **changes: Any) -> dict[str, Any]:
        return sample_form(
            **{
                "my_number": self.my_number,
                "name": self.name,
                "birth_date": self.birth_date.isoformat(),
                "sex": self.sex,
                "address": self.address,
                "postal_code": "1000001",
                **changes,
            }
        )


TARO = Person(
    "900000000010", "見本 太郎", dt.date(1990, 4, 1), "1", "東京都千代田区見本町一丁目2番3号"
)
HANAKO = Person(
    "900000000028", "試験 花子", dt.date(1985, 11, 23), "2", "東京都港区試験町4丁目5番6号"
)
SAKURA = Person(
    "900000000044",
    "検定 さくら",
    dt.date(1978, 7, 7),
    "2",
    "東京都新宿区見本通1-23-4 サンプルハイツ101",
)
JIRO = Person(
    "900000000052", "仮名 次郎", dt.date(1995, 12, 31), "1", "東京都中野区例示町2丁目3番", "moved"
)
UME = Person(
    "900000000060", "架空 ウメ", dt.date(1931, 3, 3), "2", "東京都北区模擬町5-6-7", "deceased"
)
STRANGER = Person("900000000079", "不在 三郎", dt.date(2000, 1, 1), "1", "東京都台東区不在町1-1-1")
"""Valid My Number, not in the registry."""
SEEDED = (TARO, HANAKO, SAKURA, JIRO, UME)


class Audit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []


class Applications:
    """One prefecture's applications with optimistic versions, as the records table keeps them,
    and the audit events written in the same transaction as a change."""

    def __init__(self, audit: Audit | None = None) -> None:
        self.items: dict[str, StoredApplication] = {}
        self.writes = 0
        self.audit = audit or Audit()
        self.suspended: dict[str, Suspension] = {}
        """The prefecture's suspensions of use, by 資格仮名ID (the records table's
        ``SUSPENSION#`` items, which a write's ``use`` condition checks)."""

    def suspension(self, person: str) -> Suspension | None:
        return self.suspended.get(person)

    def suspend(self, person: str) -> None:
        self.suspended[person] = Suspension(
            prefecture_code=TOKYO,
            qualification_pseudonym_id=person,
            request_id="prq-" + "0" * 26,
            since=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
            by="privacy-officer",
        )

    def list(self, status: Status, limit: int = 25, cursor: str | None = None) -> Page:
        at = sorted(
            (s.application for s in self.items.values() if s.application.status is status),
            key=lambda a: (a.received_at, a.application_id),
        )
        start = int(cursor or 0)
        chosen = at[start : start + limit]
        more = start + limit < len(at)
        return Page(
            items=tuple(ApplicationSummary.of(a) for a in chosen),
            next_cursor=str(start + limit) if more else None,
        )

    def put(self, application: Application) -> None:
        self.items[application.application_id] = StoredApplication(application, 1, "sha")

    def get(self, application_id: str) -> StoredApplication | None:
        return self.items.get(application_id)

    def replace(
        self,
        stored: StoredApplication,
        updated: Application,
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> StoredApplication:
        (saved,) = self.replace_all([(stored, updated)], audit, use=use)
        return saved

    def replace_all(
        self,
        changes: Sequence[tuple[StoredApplication, Application]],
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> tuple[StoredApplication, ...]:
        if use is not None and (use.person in self.suspended) != use.suspended:
            raise ConcurrentChangeError("the person's suspension changed")
        for stored, updated in changes:
            current = self.items[updated.application_id]
            if current.version != stored.version:
                raise ConcurrentChangeError("changed")
        self.audit.events.extend(audit)
        saved = []
        for stored, updated in changes:
            # Stored as JSON, as the table does: what cannot round-trip fails here.
            reloaded = Application.model_validate_json(
                updated.model_dump_json(context={REVEAL: True})
            )
            self.items[updated.application_id] = StoredApplication(
                reloaded, stored.version + 1, stored.request_fingerprint
            )
            saved.append(self.items[updated.application_id])
        self.writes += 1
        return tuple(saved)


class Inbox:
    """The versioned inbox: each put adds a version; a delete removes every version."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], list[bytes]] = {}
        self.deletes = 0

    @property
    def parts(self) -> dict[tuple[str, str], bytes]:
        """The current version of every part."""
        return {key: versions[-1] for key, versions in self.versions.items() if versions}

    def put(self, application_id: str, name: str, content: bytes) -> None:
        self.versions.setdefault((application_id, name), []).append(content)

    def get(self, application_id: str, part_name: str) -> bytes | None:
        return self.parts.get((application_id, part_name))

    def delete(self, application_id: str, part_names: Collection[str]) -> int:
        self.deletes += 1
        gone = 0
        for name in part_names:
            gone += len(self.versions.pop((application_id, name), []))
        return gone

    def names(self, application_id: str) -> set[str]:
        """The parts of the application that have a version left."""
        return {name for (owner, name) in self.parts if owner == application_id}


@dataclass
class World:
    """The ports, the PKI and a way to submit applications as intake stores them."""

    pki: TestPki
    trust: TrustStore
    revocation: RevocationSource
    registry: Any
    audit: Audit = field(default_factory=Audit)
    applications: Applications = field(init=False)
    inbox: Inbox = field(default_factory=Inbox)
    vault: InMemoryVault = field(default_factory=InMemoryVault)
    links: InMemoryPseudonymLinks = field(default_factory=InMemoryPseudonymLinks)
    signed_acts: InMemorySignedActs = field(init=False)
    counter: int = 0

    def __post_init__(self) -> None:
        self.applications = Applications(self.audit)
        # The same counter as the vault's, as deployed: one blind-index key, one KMS bill.
        self.signed_acts = InMemorySignedActs(self.vault.kms_requests)

    def dependencies(self) -> Dependencies:
        return Dependencies(
            trust=self.trust,
            revocation=self.revocation,
            registry=self.registry,
            vault=self.vault,
            links=self.links,
            inbox=self.inbox,
            applications=lambda _prefecture: self.applications,
            signed_acts=self.signed_acts,
            suspensions=lambda _prefecture: self.applications,
        )

    def verify(self, application_id: str) -> Outcome:
        message = ApplicationReceived(application_id=application_id, prefecture_code=TOKYO)
        return verify_application(message, self.dependencies(), "test-request")

    def application(self, application_id: str) -> Application:
        stored = self.applications.get(application_id)
        assert stored is not None
        return stored.application

    def new_id(self) -> str:
        self.counter += 1
        return f"{TOKYO}-{self.counter:026d}"

    def store(
        self,
        channel: Channel,
        form: Mapping[str, Any],
        parts: Mapping[str, bytes],
        *,
        attachments: Sequence[tuple[str, bytes]] = (),
        pseudonym: str | None = None,
        received_at: dt.datetime | None = None,
        resubmission_of: str | None = None,
    ) -> str:
        """An application as intake stores it: the record without the My Number, the raw
        parts in the inbox."""
        application_id = self.new_id()
        at = received_at or dt.datetime.now(dt.UTC)
        parsed = ApplicationForm.model_validate(form)
        self.applications.put(
            Application(
                application_id=application_id,
                prefecture_code=TOKYO,
                channel=channel,
                status=Status.RECEIVED,
                received_at=at,
                form=parsed.to_applicant(application_id),
                attachments=tuple(
                    AttachmentRecord(
                        name=name,
                        sha256=hashlib.sha256(content).hexdigest(),
                        media_type="application/pdf",
                        size=len(content),
                        object_key=attachment_key(
                            application_id, hashlib.sha256(content).hexdigest()
                        ),
                    )
                    for name, content in attachments
                ),
                inbox_key=prefix(application_id),
                mynaportal_pseudonym_id=(
                    pseudonym or f"mp-{application_id}" if channel is Channel.MYNAPORTAL else None
                ),
                submitted_by=f"bridge:{channel.value}",
                history=(StatusChange(status=Status.RECEIVED, at=at, by="intake"),),
                resubmission_of=resubmission_of,
            )
        )
        for name, content in parts.items():
            self.inbox.put(application_id, name, content)
        return application_id

    def mynaportal(
        self,
        person: Person,
        *,
        card: Issued | None = None,
        form: Mapping[str, Any] | None = None,
        signed_over: bytes | None = None,
        options: CmsOptions | None = None,
        pseudonym: str | None = None,
        resubmission_of: str | None = None,
    ) -> str:
        """A Mynaportal application of ``person`` (their form unless given), signed by
        ``card`` (a new card of theirs by default) over the document, or over ``signed_over``
        (what the applicant signed before the document was changed)."""
        form = person.form() if form is None else form
        document = document_of(form)
        signature = sign_cms(signed_over or document, card or self.card(person), options)
        return self.store(
            Channel.MYNAPORTAL,
            form,
            {"document.json": document, "signature.p7s": signature},
            pseudonym=pseudonym,
            resubmission_of=resubmission_of,
        )

    def egov(
        self,
        person: Person,
        *,
        omit: Sequence[str] = (),
        extra: Mapping[str, bytes] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> str:
        form = person.form() if form is None else form
        files = {"application.json": document_of(form), **(extra or {})}
        kousei = sign_kousei(files, self.card(person), XmlOptions(omit=omit))
        return self.store(
            Channel.EGOV, form, {"package.zip": zipped({"kousei.xml": kousei, **files})}
        )

    def paper(self, form: Mapping[str, Any]) -> str:
        parsed = ApplicationForm.model_validate(form)
        entered = parsed.model_dump_json(exclude_unset=True, context={REVEAL: True}).encode()
        return self.store(Channel.PAPER, form, {"form.json": entered})

    def card(self, person: Person) -> Issued:
        return self.pki.signature_certificate(person.four_items())


def document_of(form: Mapping[str, Any]) -> bytes:
    return json.dumps({**form, "attachments": []}, ensure_ascii=False).encode()


def zipped(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.create(tmp_path_factory.mktemp("verify-pki"))


@pytest.fixture(scope="session")
def trust(pki: TestPki) -> TrustStore:
    return TrustStore.with_local(
        signing_pem=pki.signing_ca.certificate_pem,
        user_authentication_pem=pki.authentication_ca.certificate_pem,
    )


@pytest.fixture(scope="session")
def registry() -> SeededRegistry:
    return SeededRegistry(parse_seed(json.dumps([p.seed() for p in SEEDED])))


@pytest.fixture
def world(pki: TestPki, trust: TrustStore, registry: SeededRegistry) -> World:
    return World(pki, trust, CrlDirectory(pki.crl_dir), registry)
