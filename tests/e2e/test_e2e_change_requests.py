"""A person's signed change request over real HTTP, against the running system
(``python -m kentei_local serve``): the Mynaportal bridge signs with ``openssl cms -sign`` and
posts over mutual TLS, verify proposes the change, a reviewer accepts it with a real token, the
examinee changes with a history entry, and the bridge reads ``accepted``. Refusals end with
their reason codes only. The session's scans (tables, buckets, queues, every output line,
the inbox once verification ended) prove the My Number stayed in the vault.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import TARO, assert_no_personal_echo, card_signer, wait_for_status

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
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import TestPki

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 30.0
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))
NEW_ADDRESS: Final = "東京都港区転居町九丁目8番7号"
ENDED: Final = frozenset({"proposed", "refused"})


@pytest.fixture
def bridge(local_system: ServeProcess) -> Iterator[MynaportalBridge]:
    client = MynaportalBridge(local_system.endpoints)
    yield client
    client.session.close()


def _on_the_roster(
    bridge: MynaportalBridge, reviewer: PaperDesk, signer: Signer, account: str
) -> str:
    """Taro applies from ``account`` (verify links it to him), a reviewer accepts: his
    資格仮名ID, on Tokyo's roster."""
    document = application_document(TARO.form(), [PDF])
    submitted = bridge.submit(
        document, sign_detached(document, signer), [PDF], pseudonym_id=account
    )
    assert submitted.response.status_code == 202, submitted.response.text[:2000]
    application_id = submitted.application_id
    assert application_id is not None
    status = wait_for_status(
        bridge, application_id, ("under_review", "returned", "rejected"), WAIT_S
    )
    assert status["status"] == "under_review", status
    assert reviewer.decide(application_id, "accept").status_code == 200
    pseudonym: str = reviewer.review_item(application_id).json()["qualification_pseudonym_id"]
    return pseudonym


def _send(
    bridge: MynaportalBridge,
    signer: Signer,
    account: str,
    items: dict[str, Any],
    *,
    signed_items: dict[str, Any] | None = None,
) -> str:
    document = change_document(account, TARO.my_number, "13", items)
    signed = change_document(account, TARO.my_number, "13", signed_items or items)
    submission = bridge.submit_change_request(document, sign_detached(signed, signer))
    assert submission.response.status_code == 202, submission.response.text[:2000]
    assert_no_personal_echo(submission.response, {"my_number": TARO.my_number, **items})
    assert submission.request_id is not None
    return submission.request_id


def _ended(bridge: MynaportalBridge, request_id: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        response = bridge.change_request_status(request_id)
        assert response.status_code == 200, response.text
        assert my_numbers_in(response.text) == []
        body: dict[str, Any] = response.json()
        return body if body["status"] in ENDED else None

    ended: dict[str, Any] = wait_until(reached, WAIT_S, f"{request_id} never ended")
    return ended


def _examinee(system: ServeProcess, pseudonym: str) -> dict[str, Any]:
    item = system.dynamodb().get_item(
        TableName=physical_name("records"),
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": f"EXAMINEE#{pseudonym}"}},
        ConsistentRead=True,
    )["Item"]
    examinee: dict[str, Any] = json.loads(item["examinee"]["S"])
    return examinee


def test_a_signed_change_request_is_proposed_accepted_and_followed_by_the_bridge(
    local_system: ServeProcess,
    bridge: MynaportalBridge,
    jpki: TestPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder: Path = tmp_path_factory.mktemp("change-taro")
    signer = card_signer(jpki, TARO, folder)
    account = f"mp-e2e-{uuid.uuid4().hex}"
    reviewer = PaperDesk(local_system.endpoints, "13", "e2e-change-reviewer", roles=("reviewer",))
    pseudonym = _on_the_roster(bridge, reviewer, signer, account)
    before = _examinee(local_system, pseudonym)["address"]

    changed = _send(bridge, signer, account, {"address": NEW_ADDRESS})
    forged = _send(
        bridge, signer, account, {"address": NEW_ADDRESS}, signed_items={"address": "元の住所"}
    )
    stranger = _send(bridge, signer, f"mp-e2e-{uuid.uuid4().hex}", {"address": NEW_ADDRESS})

    assert _ended(bridge, changed)["status"] == "proposed"
    assert (_ended(bridge, forged)["status"], _ended(bridge, forged)["reasons"]) == (
        "refused",
        ["signature.digest_mismatch"],
    )
    assert _ended(bridge, stranger)["reasons"] == ["signer-not-person"]

    listed = reviewer.get("/v1/roster/changes", params={"limit": "100"})
    assert listed.status_code == 200, listed.text
    (proposal,) = [p for p in listed.json()["proposals"] if p["request_id"] == changed]
    assert proposal["source"] == "mynaportal_request"
    assert proposal["changes"] == [{"field": "address", "before": before, "after": NEW_ADDRESS}]
    accepted = reviewer.post(f"/v1/roster/changes/{proposal['proposal_id']}/accept", {})
    assert accepted.status_code == 200, accepted.text

    assert _examinee(local_system, pseudonym)["address"] == NEW_ADDRESS
    status = bridge.change_request_status(changed)
    assert status.json()["status"] == "accepted"
    assert NEW_ADDRESS not in status.text
    assert bridge.change_request_status(forged).json()["status"] == "refused"


def test_a_my_number_in_an_item_is_refused_naming_the_field(
    bridge: MynaportalBridge, jpki: TestPki, tmp_path_factory: pytest.TempPathFactory
) -> None:
    signer = card_signer(jpki, TARO, tmp_path_factory.mktemp("change-refused"))
    document = change_document(
        "mp-e2e-refused-0001", TARO.my_number, "13", {"employer_name": f"番号 {TARO.my_number}"}
    )
    submission = bridge.submit_change_request(document, sign_detached(document, signer))
    assert submission.response.status_code == 422, submission.response.text
    body = submission.response.json()
    assert [e["field"] for e in body["errors"]] == ["document.items.employer_name"]
    assert my_numbers_in(submission.response.text) == []
