"""A past passer's initial registration (初期登録申請, R17) over real HTTP, against the running
system (``python -m kentei_local serve``): the association's record of the pass holds another
birth date than the person's card, so verify sends the claim to staff; the results office
lists it with a real token (the card's items beside the record's), links it, and the bridge
reads ``linked``; the person's pass record is there. Another prefecture's staff see none of
it, and no line the runtime wrote holds the person's name. The session's scans prove the My
Number stayed in the vault.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import Person, card_signer

from kentei.data.historical_passes import PrefectureHistoricalPasses
from kentei.data.passes import PrefecturePasses
from kentei.records.codes import Grade, Term
from kentei.results.historical.model import HistoricalPass, PasserItems
from kentei_local.bridges import MynaportalBridge, PaperDesk, sign_detached
from kentei_local.probes import my_numbers_in, wait_until
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import TestPki

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 30.0
REVIEW: Final = "/v1/review/initial-registrations"
GINO: Final = Person(
    "900000000036",
    "髙﨑 技能",
    "たかさき ぎのう",
    dt.date(2001, 2, 28),
    "1",
    "愛知県名古屋市中区架空町三丁目十二番地の一",
    "4600001",
)
"""A person of the registry seed no other end-to-end test uses (their Mynaportal link and
pass records stay this test's)."""


def _past_pass(system: ServeProcess, number: str) -> None:
    """The association's record, as an operator's import stores it, with a birth date one
    day off the card's."""
    store = PrefectureHistoricalPasses("13", physical_name("records"), client=system.dynamodb())
    record = HistoricalPass(
        prefecture_code="13",
        passer_number=number,
        grade=Grade.SECOND,
        trade_code="0101",
        work_code="010101",
        pass_fiscal_year=2019,
        term=Term.FIRST,
        passed_on=dt.date(2019, 8, 30),
        person=PasserItems(name=GINO.name, birth_date=GINO.birth_date + dt.timedelta(days=1)),
    )
    assert store.add(record, dt.datetime.now(dt.UTC), "operator:e2e")


def _status(bridge: MynaportalBridge, registration_id: str) -> dict[str, Any]:
    response = bridge.initial_registration_status(registration_id)
    assert response.status_code == 200, response.text
    assert my_numbers_in(response.text) == []
    assert GINO.name not in response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_past_pass_the_record_does_not_match_is_linked_by_staff(
    local_system: ServeProcess, jpki: TestPki, tmp_path: Path
) -> None:
    number = f"13-E2E-{uuid.uuid4().hex[:10]}"
    _past_pass(local_system, number)
    account = f"mp-e2e-initial-{uuid.uuid4().hex[:8]}"
    document = json.dumps(
        {
            "mynaportal_pseudonym_id": account,
            "my_number": GINO.my_number,
            "prefecture_code": "13",
            "passer_number": number,
        }
    ).encode()
    bridge = MynaportalBridge(local_system.endpoints)
    signer = card_signer(jpki, GINO, tmp_path / "gino")
    submitted = bridge.submit_initial_registration(document, sign_detached(document, signer))
    assert submitted.response.status_code == 202, submitted.response.text[:2000]
    registration_id = submitted.response.json()["registration_id"]

    def reviewed() -> dict[str, Any] | None:
        body = _status(bridge, registration_id)
        return body if body["status"] != "received" else None

    status = wait_until(reviewed, WAIT_S, "the registration was never verified")
    assert (status["status"], status["reasons"]) == (
        "in_review",
        ["historical.birth_date_mismatch"],
    )

    results = PaperDesk(local_system.endpoints, "13", "results-e2e", roles=["results"])
    listed = results.get(REVIEW)
    assert listed.status_code == 200, listed.text
    [mine] = [r for r in listed.json()["registrations"] if r["registration_id"] == registration_id]
    assert mine["claimant"] == {"name": GINO.name, "birth_date": "2001-02-28"}
    assert mine["historical"]["birth_date"] == "2001-03-01"
    assert mine["historical"]["conflict_names_this_registration"] is True
    assert my_numbers_in(listed.text) == []

    osaka = PaperDesk(local_system.endpoints, "27", "results-e2e-osaka", roles=["results"])
    assert registration_id not in osaka.get(REVIEW).text
    assert osaka.get(f"{REVIEW}/{registration_id}").status_code == 404
    refused = osaka.post(
        f"{REVIEW}/{registration_id}/decision", {"decision": "link", "reason": "確認"}
    )
    assert refused.status_code == 404

    decided = results.post(
        f"{REVIEW}/{registration_id}/decision",
        {"decision": "link", "reason": "生年月日の誤記を卒業証書で確認"},
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["status"], body["claimant"]) == ("linked", None)
    assert body["historical"]["linked_to"] == "claimant"
    again = results.post(
        f"{REVIEW}/{registration_id}/decision",
        {"decision": "link", "reason": "生年月日の誤記を卒業証書で確認"},
    )
    assert (again.status_code, again.json()) == (200, body)

    assert _status(bridge, registration_id)["status"] == "linked"
    person = body["qualification_pseudonym_id"]
    passes = PrefecturePasses("13", physical_name("records"), client=local_system.dynamodb())
    assert [p.record_id for p in passes.passes_of(person)] == [f"H-{number}"]
    assert not [line for line in local_system.lines if GINO.name in line]
