"""Verification over real HTTP, against the running system (``python -m kentei_local serve``).

The session's test PKI is trusted by the runtime only through its settings
(``KENTEI_JPKI_TRUST_ANCHORS``, ``KENTEI_JPKI_USER_AUTHENTICATION_CAS``,
``KENTEI_JPKI_CRL_DIR``); the registry is the committed demo seed. Applications are signed
with ``openssl cms -sign`` by the bridge client, which knows nothing of the server. The
session's scans (tables, queues, every output line) then prove the My Number stayed in the
vault.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import pytest
from tests.e2e.support import (
    HANAKO,
    TARO,
    Person,
    assert_no_personal_echo,
    card_signer,
    wait_for_status,
)

from kentei_local.bridges import (
    Attachment,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    sample_pdf,
    sign_detached,
)
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import TestPki

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 30.0
ENDED: Final = ("under_review", "returned", "rejected")
PDF: Final = Attachment("experience-certificate.pdf", sample_pdf(label="experience"))
STRANGER: Final = Person(
    "900000000079",
    "不在 三郎",
    "ふざい さぶろう",
    dt.date(2000, 1, 1),
    "1",
    "東京都台東区不在町1-1-1",
    "1100001",
)
"""Valid My Number, not in the registry seed."""


@dataclass(frozen=True)
class Sent:
    application_id: str
    form: dict[str, Any]


@pytest.fixture
def bridge(local_system: ServeProcess) -> Iterator[MynaportalBridge]:
    client = MynaportalBridge(local_system.endpoints)
    yield client
    client.session.close()


def send(
    bridge: MynaportalBridge,
    signer: Signer,
    form: dict[str, Any],
    *,
    signed: bytes | None = None,
) -> Sent:
    """Submit ``form`` signed by ``signer`` (over ``signed`` instead, if given)."""
    document = application_document(form, [PDF])
    submission = bridge.submit(document, sign_detached(signed or document, signer), [PDF])
    assert submission.response.status_code == 202, submission.response.text[:2000]
    assert_no_personal_echo(submission.response, form)
    assert submission.application_id is not None
    return Sent(submission.application_id, form)


def ended(bridge: MynaportalBridge, sent: Sent) -> dict[str, Any]:
    status = wait_for_status(bridge, sent.application_id, ENDED, WAIT_S)
    assert_no_personal_echo(bridge.status(sent.application_id), sent.form)
    return status


def application_item(system: ServeProcess, application_id: str) -> dict[str, Any]:
    item = system.dynamodb().get_item(
        TableName=physical_name("records"),
        Key={
            "prefecture_code": {"S": application_id[:2]},
            "record_key": {"S": f"APPLICATION#{application_id}"},
        },
        ConsistentRead=True,
    )["Item"]
    stored: dict[str, Any] = json.loads(item["application"]["S"])
    return stored


def examinee_item(system: ServeProcess, prefecture: str, pseudonym: str) -> dict[str, Any] | None:
    return (
        system.dynamodb()
        .get_item(
            TableName=physical_name("records"),
            Key={
                "prefecture_code": {"S": prefecture},
                "record_key": {"S": f"EXAMINEE#{pseudonym}"},
            },
            ConsistentRead=True,
        )
        .get("Item")
    )


def vault_entries(system: ServeProcess) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for page in system.dynamodb().get_paginator("scan").paginate(TableName=physical_name("vault")):
        entries.extend(i for i in page["Items"] if i["kind"]["S"] == "entry")
    return entries


def test_an_openssl_signed_application_reaches_review_and_the_roster_once_accepted(
    local_system: ServeProcess,
    bridge: MynaportalBridge,
    jpki: TestPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    signer = card_signer(jpki, TARO, tmp_path_factory.mktemp("verify-taro"))
    first = send(bridge, signer, TARO.form())
    second = send(bridge, signer, TARO.form(grade="1級"))

    statuses = [ended(bridge, sent) for sent in (first, second)]

    assert [s["status"] for s in statuses] == ["under_review", "under_review"]
    pseudonyms = {
        application_item(local_system, sent.application_id)["qualification_pseudonym_id"]
        for sent in (first, second)
    }
    assert len(pseudonyms) == 1, "two applications by one person: one 資格仮名ID"
    (pseudonym,) = pseudonyms
    # The runtime is shared by the worker's tests, and another may have put TARO on the roster
    # already: what matters is that these applications are not there before acceptance.
    mine = {first.application_id, second.application_id}
    before = examinee_item(local_system, "13", pseudonym)
    registered = set() if before is None else set(before["application_ids"]["SS"])
    assert not registered & mine, "not before acceptance (R7)"
    reviewer = PaperDesk(local_system.endpoints, "13", "e2e-reviewer", roles=("reviewer",))
    for sent in (first, second):
        decided = reviewer.decide(sent.application_id, "accept")
        assert decided.status_code == 200, decided.text
    examinee = examinee_item(local_system, "13", pseudonym)
    assert examinee is not None
    assert set(examinee["application_ids"]["SS"]) == registered | mine
    assert "個人番号" not in examinee["examinee"]["S"]
    holding = [
        e for e in vault_entries(local_system) if e["qualification_pseudonym_id"]["S"] == pseudonym
    ]
    assert len(holding) == 1, "one vault entry for the person"
    assert "B" in holding[0]["ciphertext"], "the number is kept encrypted"


REFUSALS: Final = {
    "changed after signing": ("rejected", "signature.digest_mismatch"),
    "user authentication": ("returned", "certificate.user_authentication"),
    "revoked": ("returned", "certificate.revoked"),
    "not in the registry": ("returned", "registry.not_confirmed"),
}


def test_refused_applications_end_with_their_documented_reasons_over_http(
    local_system: ServeProcess,
    bridge: MynaportalBridge,
    jpki: TestPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("verify-refused")
    hanako = card_signer(jpki, HANAKO, folder / "hanako")
    revoked_card = jpki.signature_certificate(HANAKO.four_items())
    jpki.revoke(revoked_card)
    revoked = revoked_card.write(folder / "revoked")
    authentication = jpki.user_authentication_certificate().write(folder / "authentication")
    sent = {
        "changed after signing": send(
            bridge,
            hanako,
            HANAKO.form(grade="1級"),
            signed=application_document(HANAKO.form(), [PDF]),
        ),
        "user authentication": send(
            bridge, Signer(authentication.key, authentication.certificate), HANAKO.form()
        ),
        "revoked": send(bridge, Signer(revoked.key, revoked.certificate), HANAKO.form()),
        "not in the registry": send(
            bridge, card_signer(jpki, STRANGER, folder / "stranger"), STRANGER.form()
        ),
    }

    outcomes = {case: ended(bridge, application) for case, application in sent.items()}

    for case, (status, code) in REFUSALS.items():
        assert outcomes[case]["status"] == status, case
        assert [r["code"] for r in outcomes[case]["reasons"]] == [code], case
        assert outcomes[case]["reasons"][0]["message"]
        stored = application_item(local_system, sent[case].application_id)
        assert stored["verification"]["reason"] == code
        assert stored.get("qualification_pseudonym_id") is None


def test_a_signed_document_sent_again_from_another_account_is_refused_as_a_replay(
    local_system: ServeProcess,
    bridge: MynaportalBridge,
    jpki: TestPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    signer = card_signer(jpki, HANAKO, tmp_path_factory.mktemp("verify-replay"))
    form = HANAKO.form(grade="3級")
    document = application_document(form, [PDF])
    signature = sign_detached(document, signer)
    first = bridge.submit(document, signature, [PDF], pseudonym_id="mp-hanako-replay-owner")
    assert first.application_id is not None
    owner = ended(bridge, Sent(first.application_id, form))
    assert owner["status"] == "under_review"

    copy = bridge.submit(document, signature, [PDF], pseudonym_id="mp-hanako-replay-other")
    assert copy.response.status_code == 202, copy.response.text[:2000]
    assert copy.application_id is not None
    replayed = ended(bridge, Sent(copy.application_id, form))

    assert replayed["status"] == "rejected"
    assert [r["code"] for r in replayed["reasons"]] == ["submission.replayed"]
    pseudonym = application_item(local_system, first.application_id)["qualification_pseudonym_id"]
    link = (
        local_system.dynamodb()
        .get_item(
            TableName=physical_name("records"),
            Key={
                "prefecture_code": {"S": "PSEUDONYMS"},
                "record_key": {"S": f"QUALIFICATION#{pseudonym}"},
            },
            ConsistentRead=True,
        )
        .get("Item")
    )
    assert link is not None
    assert link["mynaportal_pseudonym_id"]["S"] == "mp-hanako-replay-owner"
