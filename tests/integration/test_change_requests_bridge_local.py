"""A person's signed change request from the Mynaportal bridge, through the local runtime
(R9): signed with ``openssl cms -sign`` by the test PKI's card, sent over mutual TLS, stored
by intake against moto, verified by the real verify handler from its queue (the vault, the
pseudonym link, the roster), proposed to review, accepted by a reviewer with a real token,
and followed by the bridge on the status route. Refusals end with their reason codes; the
raw parts leave the inbox once verification ends; no My Number is stored outside the vault,
queued, or answered.

Every case is sent first and then awaited together: one runtime, a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import HANAKO, TARO, Person

from kentei import aws, catalog
from kentei.data import inbox
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.change_requests import REQUEST_PREFIX
from kentei.data.changes import PrefectureChanges
from kentei.data.roster import PrefectureRoster
from kentei.roster.changes import ChangeSource
from kentei_local.bridges import (
    Attachment,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    change_document,
    sample_pdf,
    sign_detached,
)
from kentei_local.probes import my_numbers_in, wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.testpki import TestPki
from verify import dependencies

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 60.0
TOKYO: Final = "13"
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))
TARO_ACCOUNT: Final = "mp-taro-account-0001"
NEW_ADDRESS: Final = "東京都港区転居町九丁目8番7号"
ENDED: Final = frozenset({"proposed", "refused"})
RAW_PARTS: Final = ("document.json", "signature.p7s")


@dataclass
class Bridged:
    """The running system, Taro on Tokyo's roster, and each change request sent."""

    runtime: LocalRuntime
    pki: TestPki
    folder: Path
    bridge: MynaportalBridge
    reviewer: PaperDesk
    pseudonym: str = ""
    sent: dict[str, str] = field(default_factory=dict)
    """Case → request id."""
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused_at_intake: dict[str, Any] = field(default_factory=dict)

    def card(self, person: Person, name: str) -> Signer:
        issued = self.pki.signature_certificate(person.four_items())
        paths = issued.write(self.folder / name, "card")
        return Signer(key=paths.key, certificate=paths.certificate)

    def send(
        self,
        case: str,
        signer: Signer,
        person: Person,
        items: dict[str, Any],
        *,
        account: str = TARO_ACCOUNT,
        signed: bytes | None = None,
    ) -> None:
        document = change_document(account, person.my_number, TOKYO, items)
        signature = sign_detached(signed or document, signer)
        submission = self.bridge.submit_change_request(document, signature)
        if submission.response.status_code != 202:
            self.refused_at_intake[case] = submission.response
            return
        assert submission.request_id is not None
        self.sent[case] = submission.request_id


def _clear_clients() -> None:
    for client in (aws.dynamodb, aws.sqs, aws.s3, aws.kms):
        client.cache_clear()
    dependencies.reset()


def _taro_on_the_roster(system: Bridged, taro: Signer) -> None:
    """Taro applies through the Mynaportal (his account linked by verify), a reviewer
    accepts: he is on Tokyo's roster."""
    document = application_document(TARO.form(), [PDF])
    submitted = system.bridge.submit(
        document, sign_detached(document, taro), [PDF], pseudonym_id=TARO_ACCOUNT
    )
    assert submitted.response.status_code == 202, submitted.response.text
    application_id = submitted.application_id
    assert application_id is not None

    def reviewable() -> Any:
        body = system.bridge.status(application_id).json()
        return body if body["status"] in {"under_review", "returned", "rejected"} else None

    assert wait_until(reviewable, WAIT_S, "Taro's application")["status"] == "under_review"
    decided = system.reviewer.decide(application_id, "accept")
    assert decided.status_code == 200, decided.text
    view = system.reviewer.review_item(application_id).json()
    system.pseudonym = view["qualification_pseudonym_id"]


@pytest.fixture(scope="module")
def bridged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bridged]:
    folder = tmp_path_factory.mktemp("change-requests-local")
    pki = TestPki.create(folder / "pki")
    _clear_clients()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in pki.settings().items():
            patch.setenv(name, value)
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1)).start()
        try:
            system = Bridged(
                runtime,
                pki,
                folder,
                MynaportalBridge(runtime.endpoints),
                PaperDesk(runtime.endpoints, TOKYO, "reviewer-changes", roles=("reviewer",)),
            )
            taro = system.card(TARO, "taro")
            _taro_on_the_roster(system, taro)
            _send_every_case(system, taro)
            _wait_for_every_case(system)
            yield system
        finally:
            runtime.stop()
            _clear_clients()


def _send_every_case(system: Bridged, taro: Signer) -> None:
    system.send("address", taro, TARO, {"address": NEW_ADDRESS})
    original = change_document(TARO_ACCOUNT, TARO.my_number, TOKYO, {"address": "元の住所"})
    system.send("changed after signing", taro, TARO, {"address": NEW_ADDRESS}, signed=original)
    hanako = system.card(HANAKO, "hanako")
    system.send("never applied", hanako, HANAKO, {"address": NEW_ADDRESS}, account="mp-hanako-01")
    system.send("another account", taro, TARO, {"phone": "03-9999-0000"}, account="mp-not-taro-1")
    system.send(
        "my number in an item", taro, TARO, {"employer_name": f"番号{HANAKO.my_number}の会社"}
    )


def _wait_for_every_case(system: Bridged) -> None:
    for case, request_id in system.sent.items():

        def ended(request_id: str = request_id) -> Any:
            response = system.bridge.change_request_status(request_id)
            assert response.status_code == 200, response.text
            body = response.json()
            return body if body["status"] in ENDED else None

        system.statuses[case] = wait_until(ended, WAIT_S, f"{case} never ended")


def test_a_signed_request_is_proposed_accepted_and_changes_the_examinee(
    bridged: Bridged,
) -> None:
    request_id = bridged.sent["address"]
    assert bridged.statuses["address"]["status"] == "proposed"

    listed = bridged.reviewer.get("/v1/roster/changes")
    assert listed.status_code == 200, listed.text
    assert my_numbers_in(listed.text) == []
    (proposal,) = [p for p in listed.json()["proposals"] if p["request_id"] == request_id]
    assert (proposal["source"], proposal["entered_by"], proposal["identity_confirmation"]) == (
        "mynaportal_request",
        None,
        None,
    )
    assert proposal["qualification_pseudonym_id"] == bridged.pseudonym
    assert proposal["changes"] == [
        {"field": "address", "before": TARO.address, "after": NEW_ADDRESS}
    ]

    accepted = bridged.reviewer.post(f"/v1/roster/changes/{proposal['proposal_id']}/accept", {})
    assert accepted.status_code == 200, accepted.text

    stored = PrefectureRoster(TOKYO).examinee(bridged.pseudonym)
    assert stored is not None
    assert (stored.examinee.address, stored.examinee.my_number) == (NEW_ADDRESS, None)
    (entry,) = PrefectureChanges(TOKYO).history(bridged.pseudonym)
    assert (entry.source, entry.before, entry.after) == (
        ChangeSource.MYNAPORTAL_REQUEST,
        {"address": TARO.address},
        {"address": NEW_ADDRESS},
    )
    status = bridged.bridge.change_request_status(request_id)
    assert status.status_code == 200
    assert status.json()["status"] == "accepted"
    assert NEW_ADDRESS not in status.text

    day = dt.datetime.now(dt.UTC).date()
    trail = [
        (e.action, e.actor)
        for e in AuditTrail().day(TOKYO, day)
        if e.record_id in (request_id, proposal["proposal_id"])
    ]
    assert trail == [
        (AuditAction.CHANGE_REQUEST_RECEIVED, "bridge:mynaportal"),
        (AuditAction.EXAMINEE_CHANGE_PROPOSED, "verify"),
        (AuditAction.EXAMINEE_CHANGE_ACCEPTED, f"staff:{TOKYO}:reviewer-changes"),
    ]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("changed after signing", "signature.digest_mismatch"),
        ("never applied", "examinee-unknown"),
        ("another account", "signer-not-person"),
    ],
)
def test_a_refused_request_says_why_with_codes_only(
    bridged: Bridged, case: str, reason: str
) -> None:
    body = bridged.statuses[case]
    assert (body["status"], body["reasons"]) == ("refused", [reason])
    assert set(body) == {
        "request_id",
        "status",
        "received_at",
        "verified_at",
        "decided_at",
        "reasons",
    }


def test_a_my_number_in_an_item_is_refused_naming_it(bridged: Bridged) -> None:
    response = bridged.refused_at_intake["my number in an item"]
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["document.items.employer_name"]
    assert my_numbers_in(response.text) == []


def test_another_bridge_sees_none_of_them(bridged: Bridged) -> None:
    from kentei_local.bridges import EgovBridge

    egov = EgovBridge(bridged.runtime.endpoints)
    for request_id in bridged.sent.values():
        assert egov.get(f"/v1/change-requests/{request_id}").status_code == 404


def test_the_same_key_and_body_again_is_the_same_request(bridged: Bridged) -> None:
    taro = bridged.card(TARO, "taro-again")
    document = change_document(TARO_ACCOUNT, TARO.my_number, TOKYO, {"phone": "03-1234-5678"})
    signature = sign_detached(document, taro)
    first = bridged.bridge.submit_change_request(document, signature, idempotency_key="k-again-1")
    again = bridged.bridge.submit_change_request(document, signature, idempotency_key="k-again-1")
    assert first.response.status_code == again.response.status_code == 202
    assert first.response.json() == again.response.json()
    other = bridged.bridge.submit_change_request(
        change_document(TARO_ACCOUNT, TARO.my_number, TOKYO, {"phone": "03-1234-0000"}),
        signature,
        idempotency_key="k-again-1",
    )
    assert other.response.status_code == 409


def test_no_raw_part_is_left_in_the_inbox_once_verification_ends(bridged: Bridged) -> None:
    s3 = bridged.runtime.s3()
    bucket = bridged.runtime.resources.buckets["inbox"]
    for case, request_id in bridged.sent.items():

        def gone(request_id: str = request_id) -> bool | None:
            listed = s3.list_object_versions(Bucket=bucket, Prefix=inbox.prefix(request_id))
            left = [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
            return None if left else True

        wait_until(gone, 10.0, f"{case}: raw parts left in the inbox")


def test_no_my_number_in_the_change_request_record_the_queues_or_any_table(
    bridged: Bridged,
) -> None:
    dynamodb = bridged.runtime.dynamodb()
    records = bridged.runtime.resources.tables["records"]
    item = dynamodb.get_item(
        TableName=records,
        Key={
            "prefecture_code": {"S": TOKYO},
            "record_key": {"S": REQUEST_PREFIX + bridged.sent["address"]},
        },
    )["Item"]
    kept = json.loads(item["request"]["S"])
    assert set(kept) == {
        "request_id",
        "prefecture_code",
        "status",
        "received_at",
        "submitted_by",
        "verified_at",
        "proposal_id",
        "reasons",
    }
    for table in catalog.TABLES:
        if table.name == "vault":
            continue
        name = bridged.runtime.resources.tables[table.name]
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            for scanned in page["Items"]:
                assert my_numbers_in(repr(scanned)) == [], table.name
                assert NEW_ADDRESS not in repr(scanned) or table.name == "records"
    sqs = bridged.runtime.sqs()
    for queue in catalog.QUEUES:
        local = bridged.runtime.resources.queues[queue.name]
        for url in (local.url, local.dlq_url):
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
            )
            for message in received.get("Messages", []):
                assert my_numbers_in(message["Body"]) == []
