"""A person's initial registration (R17) from the Mynaportal bridge, through the local
runtime: the association's historical records imported into Tokyo's partition; signed with
``openssl cms -sign`` by the test PKI's card, sent over mutual TLS, stored by intake, verified
by the real verify handler from its queue (the registry, the vault's enrolment, the
pseudonym link), matched and linked with its pass record, and followed by the bridge on the
status route; a claim whose birth date the record does not hold goes to staff. The results
office then reviews over HTTP with real tokens: it lists the claim with the claimant's
certificate items beside the record's, links it (the bridge reads ``linked``) and rejects a
claim of a number no record holds (``rejected``); another prefecture's staff see none of it.
The raw parts leave the inbox; no My Number is stored outside the vault or answered, and no
name or birth date is logged."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import HANAKO, TARO, Person
from tests.integration.intake_helpers import Client

from kentei import aws
from kentei.data import inbox
from kentei.data.historical_passes import PrefectureHistoricalPasses
from kentei.data.passes import PrefecturePasses
from kentei.results.historical.apply import apply_historical_file, default_mapping
from kentei.results.historical.model import HistoricalStatus
from kentei_local.bridges import MynaportalBridge, Signer, sign_detached
from kentei_local.probes import my_numbers_in, wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.testpki import TestPki
from verify import dependencies

pytestmark = pytest.mark.tools("openssl")

WAIT_S: Final = 60.0
TOKYO: Final = "13"
ENDED: Final = frozenset({"linked", "in_review", "refused"})
HEADER: Final = "技能士番号,等級,職種コード,作業コード,合格年度,期,合格日,氏名,生年月日"
RESULTS: Final = f"staff:{TOKYO}:results-{TOKYO}:results"
OSAKA_RESULTS: Final = "staff:27:results-27:results"
REVIEW: Final = "/v1/review/initial-registrations"


@dataclass
class Registered:
    runtime: LocalRuntime
    pki: TestPki
    folder: Path
    bridge: MynaportalBridge
    sent: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    review: dict[str, Any] = field(default_factory=dict)
    """What the staff review answered, by step."""
    logged: list[str] = field(default_factory=list)
    """Every record intake and verify logged, raw (before any formatter)."""

    def card(self, person: Person, name: str) -> Signer:
        issued = self.pki.signature_certificate(person.four_items())
        paths = issued.write(self.folder / name, "card")
        return Signer(key=paths.key, certificate=paths.certificate)

    def send(self, case: str, person: Person, number: str, account: str) -> None:
        document = json.dumps(
            {
                "mynaportal_pseudonym_id": account,
                "my_number": person.my_number,
                "prefecture_code": TOKYO,
                "passer_number": number,
            }
        ).encode()
        signature = sign_detached(document, self.card(person, case.replace(" ", "-")))
        submitted = self.bridge.submit_initial_registration(document, signature)
        assert submitted.response.status_code == 202, submitted.response.text
        self.sent[case] = submitted.response.json()["registration_id"]


def _clear_clients() -> None:
    for client in (aws.dynamodb, aws.sqs, aws.s3, aws.kms):
        client.cache_clear()
    dependencies.reset()


def _import_historical_records() -> None:
    rows = [
        f"13-2-000123,2級,0101,010101,平成13,前期,2001-08-31,{TARO.name},{TARO.birth_date}",
        f"13-2-000124,2級,0101,010101,平成13,前期,2001-08-31,{HANAKO.name},1950-01-01",
    ]
    data = ("\r\n".join((HEADER, *rows)) + "\r\n").encode("cp932")
    report = apply_historical_file(
        [data],
        default_mapping(),
        TOKYO,
        PrefectureHistoricalPasses(TOKYO),
        at=dt.datetime.now(dt.UTC),
        by="operator:test",
    )
    assert report.clean, report.summary()
    assert report.written == 2


class _Records(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(json.dumps(record.__dict__, default=str, ensure_ascii=False))


def _review(system: Registered) -> None:
    """The results office over HTTP: list, open, link the mismatch, reject the unknown
    number; Osaka's results office tries the same."""
    staff = Client(system.runtime)
    answers = system.review

    def decide(case: str, caller: str, **body: Any) -> Any:
        return staff.request(
            "POST",
            f"{REVIEW}/{system.sent[case]}/decision",
            caller,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )

    listed = staff.get(REVIEW, RESULTS)
    answers["list"] = (listed.status_code, listed.json())
    osaka = staff.get(REVIEW, OSAKA_RESULTS)
    answers["osaka list"] = (osaka.status_code, osaka.json())
    opened = staff.get(f"{REVIEW}/{system.sent['birth date differs']}", OSAKA_RESULTS)
    answers["osaka open"] = opened.status_code
    refused = decide("birth date differs", OSAKA_RESULTS, decision="link", reason="確認")
    answers["osaka decision"] = refused.status_code
    linked = decide("birth date differs", RESULTS, decision="link", reason="生年月日の誤記を確認")
    answers["link"] = (linked.status_code, linked.json())
    rejected = decide("no record", RESULTS, decision="reject", reason="該当する合格記録がない")
    answers["reject"] = (rejected.status_code, rejected.json())
    for case in ("birth date differs", "no record"):
        answers[f"bridge {case}"] = system.bridge.initial_registration_status(
            system.sent[case]
        ).json()


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registered]:
    folder = tmp_path_factory.mktemp("initial-registrations-local")
    pki = TestPki.create(folder / "pki")
    _clear_clients()
    logged: list[str] = []
    records = _Records(logged)
    loggers = [logging.getLogger(name) for name in ("intake", "verify")]
    for logger in loggers:
        logger.addHandler(records)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in pki.settings().items():
            patch.setenv(name, value)
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1)).start()
        try:
            system = Registered(runtime, pki, folder, MynaportalBridge(runtime.endpoints))
            system.logged = logged
            _import_historical_records()
            system.send("matching", TARO, "13-2-000123", "mp-taro-initial-01")
            system.send("birth date differs", HANAKO, "13-2-000124", "mp-hanako-initial-1")
            system.send("no record", TARO, "13-2-999999", "mp-taro-initial-01")
            for case, registration_id in system.sent.items():

                def ended(registration_id: str = registration_id) -> Any:
                    response = system.bridge.initial_registration_status(registration_id)
                    assert response.status_code == 200, response.text
                    body = response.json()
                    return body if body["status"] in ENDED else None

                system.statuses[case] = wait_until(ended, WAIT_S, f"{case} never ended")
            _review(system)
            yield system
        finally:
            runtime.stop()
            _clear_clients()
            for logger in loggers:
                logger.removeHandler(records)


def test_a_matching_claim_is_linked_with_its_pass_record(registered: Registered) -> None:
    assert registered.statuses["matching"]["status"] == "linked"
    stored = PrefectureHistoricalPasses(TOKYO).get("13-2-000123")
    assert stored is not None
    assert stored.status is HistoricalStatus.LINKED
    assert stored.link is not None
    passes = PrefecturePasses(TOKYO).passes_of(stored.link.qualification_pseudonym_id)
    assert [p.record_id for p in passes] == ["H-13-2-000123"]


def test_a_claim_the_record_does_not_match_goes_to_staff(registered: Registered) -> None:
    status = registered.statuses["birth date differs"]
    assert status["status"] == "in_review"
    assert status["reasons"] == ["historical.birth_date_mismatch"]
    # The record was in conflict, naming this registration, when staff listed it (they
    # linked it after: see below).
    _, page = registered.review["list"]
    [listed] = [
        r
        for r in page["registrations"]
        if r["registration_id"] == registered.sent["birth date differs"]
    ]
    assert listed["historical"]["status"] == "in_conflict"
    assert listed["historical"]["conflict_names_this_registration"] is True


def test_the_raw_parts_are_gone_and_nothing_leaks(registered: Registered) -> None:
    for registration_id in registered.sent.values():
        for part in ("document.json", "signature.p7s"):
            assert inbox.InboxReader().get(registration_id, part) is None
        answer = registered.bridge.initial_registration_status(registration_id).text
        assert my_numbers_in(answer) == []
        assert TARO.name not in answer


def test_staff_see_the_claim_beside_the_record_and_link_it(registered: Registered) -> None:
    status, page = registered.review["list"]
    assert status == 200, page
    listed = {r["registration_id"]: r for r in page["registrations"]}
    mismatch = listed[registered.sent["birth date differs"]]
    assert mismatch["checks"] == ["historical.birth_date_mismatch"]
    assert mismatch["claimant"] == {
        "name": HANAKO.name,
        "birth_date": HANAKO.birth_date.isoformat(),
    }
    assert mismatch["historical"]["birth_date"] == "1950-01-01"
    assert mismatch["historical"]["linked_to"] == "nobody"
    assert listed[registered.sent["no record"]]["historical"] is None
    assert registered.sent["matching"] not in listed  # linked by verify: not in review

    status, linked = registered.review["link"]
    assert status == 200, linked
    assert (linked["status"], linked["claimant"]) == ("linked", None)
    assert registered.review["bridge birth date differs"]["status"] == "linked"
    stored = PrefectureHistoricalPasses(TOKYO).get("13-2-000124")
    assert stored is not None
    assert stored.status is HistoricalStatus.LINKED
    assert stored.link is not None
    passes = PrefecturePasses(TOKYO).passes_of(stored.link.qualification_pseudonym_id)
    assert [p.record_id for p in passes] == ["H-13-2-000124"]


def test_staff_reject_a_claim_of_a_number_no_record_holds(registered: Registered) -> None:
    status, rejected = registered.review["reject"]
    assert status == 200, rejected
    assert rejected["status"] == "rejected"
    assert rejected["decision"]["reason"] == "該当する合格記録がない"
    bridge = registered.review["bridge no record"]
    assert (bridge["status"], bridge["reasons"]) == ("rejected", ["historical.not_found"])
    assert "該当" not in json.dumps(bridge, ensure_ascii=False)


def test_another_prefectures_staff_see_none_of_it(registered: Registered) -> None:
    status, page = registered.review["osaka list"]
    assert (status, page["registrations"]) == (200, [])
    assert registered.review["osaka open"] == 404
    assert registered.review["osaka decision"] == 404


def test_no_name_or_birth_date_is_logged(registered: Registered) -> None:
    assert registered.logged
    text = "\n".join(registered.logged)
    assert "initial registration reviewed" in text
    for value in (
        TARO.name,
        HANAKO.name,
        HANAKO.birth_date.isoformat(),
        TARO.birth_date.isoformat(),
    ):
        assert value not in text
    assert my_numbers_in(text) == []
