"""A person's initial registration (R17) from the Mynaportal bridge, through the local
runtime: the association's historical records imported into Tokyo's partition; signed with
``openssl cms -sign`` by the test PKI's card, sent over mutual TLS, stored by intake, verified
by the real verify handler from its queue (the registry, the vault's enrolment, the
pseudonym link), matched and linked with its pass record, and followed by the bridge on the
status route; a claim whose birth date the record does not hold goes to staff. The raw parts
leave the inbox; no My Number is stored outside the vault or answered."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from tests.e2e.support import HANAKO, TARO, Person

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


@dataclass
class Registered:
    runtime: LocalRuntime
    pki: TestPki
    folder: Path
    bridge: MynaportalBridge
    sent: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)

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


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registered]:
    folder = tmp_path_factory.mktemp("initial-registrations-local")
    pki = TestPki.create(folder / "pki")
    _clear_clients()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in pki.settings().items():
            patch.setenv(name, value)
        runtime = LocalRuntime(LocalSettings(port=0, visibility_timeout_s=1)).start()
        try:
            system = Registered(runtime, pki, folder, MynaportalBridge(runtime.endpoints))
            _import_historical_records()
            system.send("matching", TARO, "13-2-000123", "mp-taro-initial-01")
            system.send("birth date differs", HANAKO, "13-2-000124", "mp-hanako-initial-1")
            for case, registration_id in system.sent.items():

                def ended(registration_id: str = registration_id) -> Any:
                    response = system.bridge.initial_registration_status(registration_id)
                    assert response.status_code == 200, response.text
                    body = response.json()
                    return body if body["status"] in ENDED else None

                system.statuses[case] = wait_until(ended, WAIT_S, f"{case} never ended")
            yield system
        finally:
            runtime.stop()
            _clear_clients()


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
    stored = PrefectureHistoricalPasses(TOKYO).get("13-2-000124")
    assert stored is not None
    assert stored.status is HistoricalStatus.IN_CONFLICT


def test_the_raw_parts_are_gone_and_nothing_leaks(registered: Registered) -> None:
    for registration_id in registered.sent.values():
        for part in ("document.json", "signature.p7s"):
            assert inbox.InboxReader().get(registration_id, part) is None
        answer = registered.bridge.initial_registration_status(registration_id).text
        assert my_numbers_in(answer) == []
        assert TARO.name not in answer
