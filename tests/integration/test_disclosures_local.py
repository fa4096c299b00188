"""A disclosure over the local runtime (P10's done-when: "a disclosure for one person contains
all of their data and nothing of anyone else's"). Two persons registered in Tokyo, the first
also in Osaka; staff open both; a dry-run report lists both. The privacy office records a
disclosure request of the first person, grants it over HTTP; verify (its queue pumped) seals
the copy; the office reads its link and picks the passphrase up once; the CLI opens the copy.

The copy holds every item of the first person's in Tokyo (an independent scan of the records
table: every item that names them, less the one list that names the other person too, which
the copy counts as withheld), their audit trail, and their My Number; nothing that identifies
the other person (pseudonym, name, My Number), nothing of Osaka's. A representative's copy
holds no My Number. No My Number is in the logs, the queues or any table but the vault
(the passphrase's item included); Osaka's office gets a 404."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import requests
from tests.integration.intake_helpers import Client, IntakeSystem, _clear_clients
from tests.integration.national_helpers import national_runtime
from tests.unit.review.factory import application, form

from kentei import aws, settings
from kentei.applications.model import Status
from kentei.data.retention import DRY_RUN_PREFIX, PrefectureRetention, report_key
from kentei.data.roster import PrefectureRoster
from kentei.my_number import MyNumber
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import Doomed
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.vault import vault_from_environment
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime

WAIT_S: Final = 60.0
AT: Final = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
A_NUMBER: Final = "900000000010"
B_NUMBER: Final = "900000000028"
A_NAME: Final = "開示 一郎"
B_NAME: Final = "他人 花子"
OSAKA_ADDRESS: Final = "大阪府大阪市北区中之島1-1"
PRIVACY: Final = "staff:13:privacy1:privacy"
OSAKA_PRIVACY: Final = "staff:27:privacy9:privacy"
READER: Final = "staff:13:reviewer7:reviewer"
LAYERS: Final = Path(__file__).resolve().parents[2] / "layers"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    _clear_clients()
    try:
        with national_runtime(tmp_path_factory.mktemp("state"), serve_http=True) as started:
            yield started
    finally:
        _clear_clients()


def _register(prefecture: str, person: str, work_code: str, **changes: Any) -> str:
    """``person`` registered in ``prefecture`` as staff accepting an application write it."""
    roster = PrefectureRoster(prefecture)
    accepted = application(
        form(prefecture_code=prefecture, work_code=work_code, **changes),
        status=Status.UNDER_REVIEW,
        prefecture_code=prefecture,
    )
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": person})
    registration = registration_of(accepted)
    scheme = schemes().of(prefecture)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by=f"staff:{prefecture}:r1"
    )
    aws.dynamodb().transact_write_items(
        TransactItems=roster.registration_writes(registration.examinee, sitting, AT)
    )
    return sitting.application_id


def _json(response: requests.Response) -> dict[str, Any]:
    assert response.ok, response.text
    body: dict[str, Any] = response.json()
    return body


def _post(client: Client, path: str, caller: str, body: dict[str, Any]) -> requests.Response:
    return client.request(
        "POST",
        path,
        caller,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def _disclosure(client: Client, person: str, requester: str) -> tuple[str, dict[str, Any]]:
    """A disclosure request recorded, granted, and its copy sealed by verify: its state."""
    request = _json(
        _post(
            client,
            "/v1/person-requests",
            PRIVACY,
            {
                "qualification_pseudonym_id": person,
                "kind": "disclosure",
                "channel": "window",
                "identity_confirmation": "my_number_card",
                "requester": requester,
            },
        )
    )
    request_id: str = request["request_id"]
    decided = _post(
        client,
        f"/v1/person-requests/{request_id}/decision",
        PRIVACY,
        {"decision": "granted", "reason": "全部開示"},
    )
    assert decided.status_code == 200, decided.text
    path = f"/v1/person-requests/{request_id}/disclosure"

    def ready() -> dict[str, Any] | None:
        state = _json(client.get(path, PRIVACY))
        return state if state["status"] == "ready" else None

    return request_id, wait_until(ready, WAIT_S, "the copy sealed by verify")


def _opened(client: Client, request_id: str, state: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """The copy downloaded at its link, checked against its digest, opened by the CLI with the
    passphrase picked up once."""
    sealed = requests.get(state["download_url"], timeout=30).content
    assert hashlib.sha256(sealed).hexdigest() == state["sha256"]
    path = tmp / f"{request_id}.sealed"
    path.write_bytes(sealed)
    taken = _json(
        _post(client, f"/v1/person-requests/{request_id}/disclosure/passphrase", PRIVACY, {})
    )
    again = _post(client, f"/v1/person-requests/{request_id}/disclosure/passphrase", PRIVACY, {})
    assert again.status_code == 409
    opened = subprocess.run(
        [sys.executable, "-m", "kentei.disclosures", "open", str(path)],
        input=taken["passphrase"] + "\n",
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(LAYERS)},
        timeout=60,
    )
    assert opened.returncode == 0, opened.stderr
    document: dict[str, Any] = json.loads(opened.stdout)
    return document


def _tokyo_items_naming(names: set[str]) -> dict[str, str]:
    """Independently of the code under test: every item of Tokyo's partition whose stored text
    names one of ``names``, as its sort key and text."""
    found: dict[str, str] = {}
    for page in (
        aws.dynamodb()
        .get_paginator("query")
        .paginate(
            TableName=settings.table_name("records"),
            KeyConditionExpression="prefecture_code = :p",
            ExpressionAttributeValues={":p": {"S": "13"}},
        )
    ):
        for item in page["Items"]:
            text = json.dumps(item, ensure_ascii=False)
            if any(name in text for name in names):
                found[item["record_key"]["S"]] = text
    return found


def test_a_disclosure_holds_all_of_the_persons_data_and_nothing_of_anyone_elses(
    runtime: LocalRuntime,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    vault = vault_from_environment()
    a = vault.enrol(MyNumber(A_NUMBER)).qualification_pseudonym_id
    b = vault.enrol(MyNumber(B_NUMBER)).qualification_pseudonym_id
    a_sitting = _register("13", a, "1011", name=A_NAME)
    b_sitting = _register("13", b, "1012", name=B_NAME)
    osaka_sitting = _register("27", a, "1011", name=A_NAME, address=OSAKA_ADDRESS)
    # A list that names both persons (what a retention dry run would delete).
    PrefectureRetention("13").add_to_report(
        DRY_RUN_PREFIX,
        "20330401T162000Z",
        RecordKind.EXAMINEE,
        [
            Doomed(f"EXAMINEE#{p}", RecordKind.EXAMINEE, AT, AT, "default:5y from last_activity", p)
            for p in (a, b)
        ],
        AT,
    )
    system = IntakeSystem(runtime, Client(runtime))
    client = system.client
    for person in (a, b):
        _json(client.get(f"/v1/roster/examinees/{person}", READER))

    request_id, state = _disclosure(client, a, "person")
    document = _opened(client, request_id, state, tmp_path)

    # Every item of A's in Tokyo, by an independent scan: those naming A or A's application,
    # less those naming B too (left out, and counted as withheld).
    naming_a = _tokyo_items_naming({a, a_sitting})
    shared = {key for key, text in naming_a.items() if b in text or b_sitting in text}
    sections = document["sections"]
    copied = {
        entry["record_key"]
        for kind, entries in sections.items()
        if kind not in ("audit_trail", "my_number")
        for entry in entries
    }
    assert copied == set(naming_a) - shared
    assert shared == {report_key(DRY_RUN_PREFIX, "20330401T162000Z", RecordKind.EXAMINEE, 0)}
    assert sum(w["count"] for w in document["withheld"]) == len(shared)
    assert {f"EXAMINEE#{a}", f"PERSON_REQUEST#{request_id}"} <= copied
    assert any(key.startswith("SITTING#") for key in copied)
    assert sections["my_number"] == {"held": True, "my_number": A_NUMBER}
    assert A_NAME in json.dumps(document, ensure_ascii=False)
    trail = sections["audit_trail"]
    assert {"examinee.opened", "person_request.received", "person_request.changed"} <= {
        e["action"] for e in trail
    }
    assert any(e["user_id"] == "reviewer7" for e in trail)
    # Nothing of B's, nothing of Osaka's.
    text = json.dumps(document, ensure_ascii=False)
    for foreign in (b, B_NAME, B_NUMBER, b_sitting, osaka_sitting, OSAKA_ADDRESS):
        assert foreign not in text
    assert document["prefecture_code"] == "13"
    assert (document["request_id"], document["copy_for"]) == (request_id, "person")

    # The passphrase is erased; Osaka's office sees nothing of Tokyo's request.
    item = aws.dynamodb().get_item(
        TableName=settings.table_name("records"),
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": f"PERSON_REQUEST#{request_id}"}},
        ConsistentRead=True,
    )["Item"]
    assert "passphrase" not in item
    assert A_NUMBER not in json.dumps(item)
    osaka = client.get(f"/v1/person-requests/{request_id}/disclosure", OSAKA_PRIVACY)
    assert osaka.status_code == 404

    # A representative's copy holds no My Number.
    represented, state = _disclosure(client, a, "representative")
    for_representative = _opened(client, represented, state, tmp_path)
    assert "my_number" not in for_representative["sections"]
    assert A_NUMBER not in json.dumps(for_representative)

    # No My Number outside the vault: tables, queues, idempotency records; nor in the logs.
    assert system.my_numbers() == {}
    captured = capfd.readouterr()
    records = [json.dumps(vars(r), default=str, ensure_ascii=False) for r in caplog.records]
    logged = "\n".join([captured.out, captured.err, *records])
    for number in (A_NUMBER, B_NUMBER):
        assert number not in logged
    sealed = [r for r in caplog.records if r.getMessage() == "disclosure copy"]
    assert [getattr(r, "outcome", None) for r in sealed] == ["sealed", "sealed"]
