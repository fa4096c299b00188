"""Verify in the local runtime, in process: applications signed with the standard tools
(``openssl cms -sign``, ``xmlsec1``) through intake over HTTP, verified by the real handler
from the verify queue against moto (records, vault, inbox under KMS) and the local registry
seed, with the test PKI trusted through its documented settings.

Every case is submitted first and then awaited together, so the pump verifies them in
batches: one runtime, a few seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import HANAKO, SAKURA, TARO, Person

from kentei import aws, catalog, messages
from kentei.applications.model import (
    Application,
    AttachmentRecord,
    Channel,
    Status,
    StatusChange,
)
from kentei.data import inbox, queues
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.roster import PrefectureRoster
from kentei.submissions.document import parse_document
from kentei.vault.links import DynamoPseudonymLinks
from kentei_local.bridges import (
    ApiClient,
    Attachment,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    build_package,
    sample_pdf,
    sign_detached,
)
from kentei_local.probes import my_numbers_in, wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.testpki import CaKind, CertificateAuthority, Issued, TestPki, Validity
from verify import dependencies

pytestmark = pytest.mark.tools("openssl", "xmlsec1")

WAIT_S: Final = 60.0
STAFF: Final = ("13", "clerk-verify")
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))
EXTRA: Final = Attachment("unsigned.pdf", sample_pdf(label="unsigned"))
STRANGER: Final = Person(
    "900000000079",
    "不在 三郎",
    "みほん さぶろう",
    dt.date(2000, 1, 1),
    "1",
    "東京都台東区不在町1-1-1",
    "1100001",
)
"""A valid My Number that the local registry seed does not hold."""
ENDED: Final = frozenset({"under_review", "returned", "rejected"})
OTHERS_NUMBERS: Final = {
    "unknown": STRANGER.my_number,
    "deceased": "900000000060",
    "moved": "900000000052",
    "current": TARO.my_number,
}
"""My Numbers of the seed (and one it lacks) that Hanako types in, signing with her own card."""


@dataclass
class Verified:
    """The running system, the cases submitted, and each application's final status."""

    runtime: LocalRuntime
    pki: TestPki
    folder: Path
    submitted: dict[str, tuple[str, ApiClient]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    submit_statuses: dict[str, int] = field(default_factory=dict)
    sent: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    """What each Mynaportal case sent: the document and its signature (to replay them)."""

    def signer(self, issued: Issued, name: str) -> Signer:
        paths = issued.write(self.folder / name, "card")
        return Signer(key=paths.key, certificate=paths.certificate)

    def card(self, person: Person, name: str, **options: Any) -> Signer:
        return self.signer(self.pki.signature_certificate(person.four_items(), **options), name)

    def mynaportal(
        self,
        case: str,
        signer: Signer,
        form: Mapping[str, Any],
        *,
        signed: bytes | None = None,
        digest: str = "sha256",
    ) -> None:
        document = application_document(form, [PDF])
        signature = sign_detached(signed or document, signer, digest=digest)  # type: ignore[arg-type]
        bridge = MynaportalBridge(self.runtime.endpoints)
        self.sent[case] = (document, signature)
        self._track(case, bridge.submit(document, signature, [PDF]), bridge)

    def _track(self, case: str, submission: Any, client: ApiClient) -> None:
        self.submit_statuses[case] = submission.response.status_code
        if submission.response.status_code == 202:
            self.submitted[case] = (submission.application_id, client)

    def application(self, case: str) -> Application:
        application_id = self.submitted[case][0]
        stored = PrefectureApplications(application_id[:2]).get(application_id)
        assert stored is not None
        return stored.application


def _clear_clients() -> None:
    for client in (aws.dynamodb, aws.sqs, aws.s3, aws.kms):
        client.cache_clear()
    dependencies.reset()


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Verified]:
    folder = tmp_path_factory.mktemp("verify-local")
    pki = TestPki.create(folder / "pki")
    _clear_clients()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in pki.settings().items():
            patch.setenv(name, value)
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1)).start()
        try:
            system = Verified(runtime, pki, folder)
            _submit_every_case(system)
            _wait_for_every_case(system)
            yield system
        finally:
            runtime.stop()
            _clear_clients()


def _submit_every_case(system: Verified) -> None:
    taro = system.card(TARO, "taro")
    system.mynaportal("signed", taro, TARO.form())
    hanako = system.card(HANAKO, "hanako")
    egov = EgovBridge(system.runtime.endpoints)
    package = build_package(application_document(TARO.form(), [PDF]), [PDF], taro)
    system._track("again by e-Gov", egov.submit(package), egov)
    desk = PaperDesk(system.runtime.endpoints, *STAFF)
    system._track("paper", desk.submit(SAKURA.form(), "my_number_card"), desk)

    system.mynaportal("sha1", hanako, HANAKO.form(), digest="sha1")
    user_authentication = system.signer(system.pki.user_authentication_certificate(), "auth")
    system.mynaportal("user authentication", user_authentication, HANAKO.form())
    revoked = system.pki.signature_certificate(HANAKO.four_items())
    system.pki.revoke(revoked)
    system.mynaportal("revoked", system.signer(revoked, "revoked"), HANAKO.form())
    expired = system.card(HANAKO, "expired", validity=Validity.EXPIRED)
    system.mynaportal("expired", expired, HANAKO.form())
    stranger_ca = CertificateAuthority.create(CaKind.SIGNATURE, label="untrusted")
    untrusted = system.signer(stranger_ca.issue_signature(HANAKO.four_items()), "untrusted")
    system.mynaportal("untrusted", untrusted, HANAKO.form())
    signed = application_document(HANAKO.form(), [PDF])
    system.mynaportal("changed after signing", hanako, HANAKO.form(grade="1級"), signed=signed)
    system.mynaportal("four items", hanako, HANAKO.form(address="大阪府大阪市北区別町1-1"))
    system.mynaportal("not in the registry", system.card(STRANGER, "stranger"), STRANGER.form())
    for case, number in OTHERS_NUMBERS.items():
        system.mynaportal(f"number of {case}", hanako, HANAKO.form(my_number=number))
    no_number = build_package(
        application_document(HANAKO.form(my_number=None), [PDF]), [PDF], hanako
    )
    system._track("e-Gov without a My Number", egov.submit(no_number), egov)
    unreferenced = build_package(
        application_document(HANAKO.form(), [PDF]), [PDF], hanako, unreferenced=[EXTRA]
    )
    system._track("unreferenced over HTTP", egov.submit(unreferenced), egov)
    _queue_directly(system, "unreferenced", HANAKO.form(), unreferenced)


def _queue_directly(system: Verified, case: str, form: Mapping[str, Any], package: bytes) -> None:
    """An e-Gov package intake would refuse, put where verify reads it: a bridge defect or a
    tampered inbox must still end in a documented reason."""
    document = parse_document(application_document(form, [PDF]), "application.json")
    application_id = f"13-{hashlib.sha256(package).hexdigest()[:26].upper()}"
    now = dt.datetime.now(dt.UTC)
    application = Application(
        application_id=application_id,
        prefecture_code="13",
        channel=Channel.EGOV,
        status=Status.RECEIVED,
        received_at=now,
        form=document.to_form().to_applicant(application_id),
        attachments=(
            AttachmentRecord(
                name=PDF.name,
                sha256=PDF.sha256,
                media_type="application/pdf",
                size=len(PDF.content),
                object_key=inbox.attachment_key(application_id, PDF.sha256),
            ),
        ),
        inbox_key=inbox.prefix(application_id),
        submitted_by="bridge:egov",
        history=(StatusChange(status=Status.RECEIVED, at=now, by="bridge:egov"),),
    )
    inbox.Inbox().put_parts(application_id, [_Part("package.zip", "application/zip", package)])
    PrefectureApplications("13").create(application, "test")
    queues.send(
        "verify",
        messages.ApplicationReceived(application_id=application_id, prefecture_code="13"),
    )
    system.submitted[case] = (application_id, EgovBridge(system.runtime.endpoints))


@dataclass(frozen=True)
class _Part:
    name: str
    media_type: str
    content: bytes


def _wait_for_every_case(system: Verified) -> None:
    for case, (application_id, client) in system.submitted.items():
        if case == "unreferenced":
            stored = _stored_status(application_id)
            system.statuses[case] = wait_until(stored, WAIT_S, f"{case} never ended")
            continue

        def ended(application_id: str = application_id, client: ApiClient = client) -> Any:
            response = client.status(application_id)
            assert response.status_code == 200, response.text
            body = response.json()
            return body if body["status"] in ENDED else None

        system.statuses[case] = wait_until(ended, WAIT_S, f"{case} never ended")


def _stored_status(application_id: str) -> Callable[[], dict[str, Any] | None]:
    def read() -> dict[str, Any] | None:
        stored = PrefectureApplications("13").get(application_id)
        if stored is None or stored.application.status.value not in ENDED:
            return None
        return stored.application.model_dump(mode="json", include={"status", "reasons"})

    return read


# --- Done when: signed with openssl, in the registry: under review; accepted, on the roster ---


def test_an_openssl_signed_application_is_under_review_and_on_the_roster_once_accepted(
    verified: Verified,
) -> None:
    assert verified.statuses["signed"]["status"] == "under_review"
    application = verified.application("signed")
    pseudonym = application.qualification_pseudonym_id
    assert pseudonym is not None
    roster = PrefectureRoster("13")
    assert roster.examinee(pseudonym) is None, "not on the roster before staff accept (R7)"

    desk = PaperDesk(verified.runtime.endpoints, "13", "reviewer-verify", roles=("reviewer",))
    accepted = desk.decide(application.application_id, "accept")

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    examinee = roster.examinee(pseudonym)
    assert examinee is not None
    assert examinee.examinee.name == TARO.name
    assert examinee.examinee.my_number is None
    sitting = roster.sitting(pseudonym, application.application_id)
    assert sitting is not None
    assert sitting.exam_number
    assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == (
        application.application_id
    )
    evidence = application.verification
    assert evidence is not None
    assert evidence["signature"]["revocation"]["source"] == "crl"
    assert evidence["signature"]["signer"]["issuer_origin"].startswith("local:")


def test_staff_reviewing_a_verified_application_see_its_pseudonym_and_evidence(
    verified: Verified,
) -> None:
    application = verified.application("signed")
    response = PaperDesk(verified.runtime.endpoints, *STAFF).review_item(application.application_id)
    assert response.status_code == 200
    view = response.json()
    assert view["qualification_pseudonym_id"] == application.qualification_pseudonym_id
    assert view["verification"] == application.verification
    assert TARO.my_number not in response.text
    assert my_numbers_in(json.dumps(view["verification"])) == []


def test_the_same_person_through_another_channel_keeps_one_vault_entry_and_one_pseudonym(
    verified: Verified,
) -> None:
    assert verified.statuses["again by e-Gov"]["status"] == "under_review"
    first = verified.application("signed").qualification_pseudonym_id
    again = verified.application("again by e-Gov").qualification_pseudonym_id
    assert first == again
    entries = _vault_entries(verified)
    assert len(entries) == len({e["qualification_pseudonym_id"]["S"] for e in entries})
    assert sum(1 for e in entries if e["qualification_pseudonym_id"]["S"] == first) == 1


def test_a_paper_application_is_confirmed_by_the_registry(verified: Verified) -> None:
    assert verified.statuses["paper"]["status"] == "under_review"
    evidence = verified.application("paper").verification
    assert evidence is not None
    assert evidence["signature"] is None
    assert evidence["registry"] == {"query": "by_my_number", "status": "current"}


# --- Done when: each refusal ends returned or rejected with its distinct reason ----------------

REFUSED: Final = {
    "sha1": ("returned", "signature.algorithm_refused"),
    "user authentication": ("returned", "certificate.user_authentication"),
    "revoked": ("returned", "certificate.revoked"),
    "expired": ("returned", "certificate.expired"),
    "untrusted": ("rejected", "certificate.untrusted"),
    "changed after signing": ("rejected", "signature.digest_mismatch"),
    "four items": ("returned", "identity.mismatch.address"),
    "not in the registry": ("returned", "registry.not_confirmed"),
    "unreferenced": ("rejected", "package.unreferenced_file"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_refusal_ends_with_its_documented_reason_and_no_5xx(
    verified: Verified, case: str
) -> None:
    status, code = REFUSED[case]
    assert all(answer < 500 for answer in verified.submit_statuses.values())
    ended = verified.statuses[case]
    assert ended["status"] == status
    assert [reason["code"] for reason in ended["reasons"]] == [code]
    application = verified.application(case)
    assert application.verification is not None
    assert application.verification["reason"] == code
    assert application.qualification_pseudonym_id is None


def test_someone_elses_number_gets_one_answer_through_the_status_route(
    verified: Verified,
) -> None:
    """No registry oracle: whatever the registry holds under the number typed in, the bridge
    reads the same status body; staff read the cause in review."""
    bodies = {}
    for case in OTHERS_NUMBERS:
        application_id, client = verified.submitted[f"number of {case}"]
        response = client.status(application_id)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "verification" not in response.text
        del body["application_id"], body["received_at"]
        for entry in body["history"]:
            del entry["at"]
        bodies[case] = body
    assert bodies["unknown"]["status"] == "returned"
    assert [r["code"] for r in bodies["unknown"]["reasons"]] == ["registry.not_confirmed"]
    for case, body in bodies.items():
        assert body == bodies["unknown"], case
    desk = PaperDesk(verified.runtime.endpoints, *STAFF)
    for case in OTHERS_NUMBERS:
        view = desk.review_item(verified.submitted[f"number of {case}"][0]).json()
        assert view["verification"]["registry"]["status"] == case


def test_an_egov_application_without_my_number_is_enrolled_once_staff_confirm_it(
    verified: Verified,
) -> None:
    """e-Gov without a My Number: to review with the one resident its four items find, not
    acceptable until staff confirm; the choice goes to verify, which enrols the person."""
    application_id, bridge = verified.submitted["e-Gov without a My Number"]
    assert verified.statuses["e-Gov without a My Number"]["status"] == "under_review"
    desk = PaperDesk(verified.runtime.endpoints, *STAFF)
    review = desk.review_item(application_id).json()
    evidence = review["verification"]
    assert evidence["identity_basis"] == "four_items_only"
    assert [c["status"] for c in evidence["identity_candidates"]] == ["current"]
    assert my_numbers_in(json.dumps(evidence)) == []
    assert "identity_candidates" not in bridge.status(application_id).text
    decide = f"/v1/review/applications/{application_id}/decision"
    assert desk.post(decide, {"decision": "accept"}).status_code == 409

    chosen = desk.post(f"/v1/review/applications/{application_id}/identity", {"candidate": 0})

    assert chosen.status_code == 200, chosen.text

    def enrolled() -> str | None:
        return verified.application("e-Gov without a My Number").qualification_pseudonym_id

    pseudonym = wait_until(enrolled, WAIT_S, "the chosen resident was never enrolled")
    assert PrefectureRoster("13").examinee(pseudonym) is None
    accepted = desk.post(decide, {"decision": "accept"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert PrefectureRoster("13").sitting(pseudonym, application_id) is not None


def test_the_refusal_reasons_are_distinct() -> None:
    assert len({code for _, code in REFUSED.values()}) == len(REFUSED)


def test_a_revoked_certificate_keeps_the_crl_as_evidence(verified: Verified) -> None:
    evidence = verified.application("revoked").verification
    assert evidence is not None
    revocation = evidence["signature"]["revocation"]
    assert revocation["source"] == "crl"
    assert revocation["crl_number"] >= 2
    assert revocation["sha256"]


def test_intake_already_refuses_an_unreferenced_file_over_http(verified: Verified) -> None:
    assert verified.submit_statuses["unreferenced over HTTP"] == 422


def test_every_outcome_is_audited_by_verify(verified: Verified) -> None:
    day = dt.datetime.now(dt.UTC).date()
    events = [e for e in AuditTrail().day("13", day) if e.actor == "verify"]
    actions = {(e.action, e.record_id) for e in events}
    for case in verified.submitted:
        if case in ("unreferenced over HTTP",):
            continue
        application_id = verified.submitted[case][0]
        assert any(record == application_id for _, record in actions), case
    assert (AuditAction.APPLICATION_REJECTED, verified.submitted["untrusted"][0]) in actions


def test_no_my_number_is_stored_outside_the_vault_or_queued(verified: Verified) -> None:
    dynamodb = verified.runtime.dynamodb()
    for table in catalog.TABLES:
        name = verified.runtime.resources.tables[table.name]
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            for item in page["Items"]:
                assert my_numbers_in(repr(item)) == [], table.name
    sqs = verified.runtime.sqs()
    for queue in catalog.QUEUES:
        local = verified.runtime.resources.queues[queue.name]
        for url in (local.url, local.dlq_url):
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
            )
            for message in received.get("Messages", []):
                assert my_numbers_in(message["Body"]) == []


def _vault_entries(verified: Verified) -> list[dict[str, Any]]:
    name = verified.runtime.resources.tables["vault"]
    items: list[dict[str, Any]] = []
    for page in verified.runtime.dynamodb().get_paginator("scan").paginate(TableName=name):
        items.extend(i for i in page["Items"] if i["kind"]["S"] == "entry")
    return items


# --- Done when: a signed document is single-use; the inbox keeps no raw submission ------------

RAW_PARTS: Final = ("document.json", "signature.p7s", "package.zip", "form.json")


def test_a_replayed_signed_document_is_rejected_and_moves_no_link(verified: Verified) -> None:
    original = verified.application("signed")
    pseudonym = original.qualification_pseudonym_id
    assert pseudonym is not None
    links = DynamoPseudonymLinks()
    linked = links.mynaportal_for(pseudonym)
    assert linked == original.mynaportal_pseudonym_id
    document, signature = verified.sent["signed"]
    bridge = MynaportalBridge(verified.runtime.endpoints)

    replay = bridge.submit(document, signature, [PDF])  # another Mynaportal account

    assert replay.response.status_code == 202, replay.response.text
    replay_id = replay.application_id
    assert replay_id is not None

    def ended() -> Any:
        body = bridge.status(replay_id).json()
        return body if body["status"] in ENDED else None

    body = wait_until(ended, WAIT_S, "the replay never ended")
    assert body["status"] == "rejected"
    assert [reason["code"] for reason in body["reasons"]] == ["submission.replayed"]
    assert links.mynaportal_for(pseudonym) == linked


def test_no_raw_submission_of_an_ended_application_is_left_in_the_inbox(
    verified: Verified,
) -> None:
    s3 = verified.runtime.s3()
    bucket = verified.runtime.resources.buckets["inbox"]

    def versions(application_id: str) -> set[str]:
        """The key of every version and delete marker under the application's prefix."""
        listed = s3.list_object_versions(Bucket=bucket, Prefix=inbox.prefix(application_id))
        entries = [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
        return {entry["Key"] for entry in entries}

    for case, (application_id, _) in verified.submitted.items():
        raw = {inbox.inbox_key(application_id, name) for name in RAW_PARTS}

        def raw_gone(application_id: str = application_id, raw: set[str] = raw) -> bool | None:
            return None if versions(application_id) & raw else True

        wait_until(raw_gone, 10.0, f"{case}: raw parts left in the inbox")
    signed = verified.submitted["signed"][0]
    assert versions(signed) == {inbox.inbox_key(signed, f"attachments/{PDF.name}")}
