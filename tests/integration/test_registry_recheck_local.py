"""The periodic registry re-check (定期照会) through the local runtime: a person moves in the
fake registry's seed file; the next run (``registry_recheck_due`` into verify's queue, the
real verify) proposes the change; a reviewer accepts it over HTTP with a real token, and the
examinee's address changes with a history entry. No My Number outside the vault (the
intake system's scan on the way out), nor in any answer or proposal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.unit.review.factory import application, form

from kentei import messages
from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.changes import PrefectureChanges
from kentei.data.roster import PrefectureRoster
from kentei.my_number import MyNumber
from kentei.registry import SEED_ENV
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.vault import vault_from_environment
from kentei_local.fake_registry_server import DEMO_SEED
from kentei_local.probes import my_numbers_in, wait_until
from verify import dependencies as verify_dependencies

REVIEWER = f"staff:{TOKYO}:reviewer-{TOKYO}:reviewer"
TARO = "900000000010"
NEW_ADDRESS = "東京都港区転居町九丁目8番7号"
WAIT_S = 60.0


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo seed the runtime's registry reads (and reads again when it changes)."""
    path = tmp_path / "registry_seed.json"
    path.write_bytes(DEMO_SEED.read_bytes())
    monkeypatch.setenv(SEED_ENV, str(path))
    return path


@pytest.fixture
def system(seed: Path) -> Iterator[IntakeSystem]:
    verify_dependencies.reset()
    with intake_system() as started:
        started.runtime.pump("verify").start()
        yield started
    verify_dependencies.reset()


def _taro_on_the_roster() -> str:
    """見本 太郎 (the demo seed's), enrolled in the vault and registered from an accepted
    application with his registry items, as review's acceptance would."""
    person = vault_from_environment().enrol(MyNumber(TARO)).qualification_pseudonym_id
    accepted = application(
        form(
            name="見本 太郎",
            name_kana="みほん たろう",
            birth_date="1990-04-01",
            sex="1",
            address="東京都千代田区見本町一丁目2番3号",
        ),
        status=Status.ACCEPTED,
    ).model_copy(update={"qualification_pseudonym_id": person})
    PrefectureApplications(TOKYO).create(accepted, f"fp-{accepted.application_id}")
    roster = PrefectureRoster(TOKYO)
    registration = registration_of(accepted)
    scheme = schemes().of(TOKYO)
    at = accepted.history[-1].at
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=at, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, at))
    return person


def _move(seed: Path, my_number: str, address: str) -> None:
    entries = json.loads(seed.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["my_number"] == my_number:
            entry["address"] = address
    seed.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")


def _due(system: IntakeSystem, at: datetime) -> None:
    queue = system.runtime.resources.queues["verify"]
    body = messages.encode(messages.RegistryRecheckDue(scheduled_at=at))
    system.runtime.sqs().send_message(QueueUrl=queue.url, MessageBody=body)


def _open(system: IntakeSystem, person: str) -> list[dict[str, Any]]:
    response = system.client.get("/v1/roster/changes", REVIEWER)
    assert response.status_code == 200, response.text
    assert my_numbers_in(response.text) == []
    return [p for p in response.json()["proposals"] if p["qualification_pseudonym_id"] == person]


def _finished_run(system: IntakeSystem, run_id: str) -> dict[str, Any] | None:
    response = system.client.get("/v1/roster/rechecks", REVIEWER)
    assert response.status_code == 200, response.text
    runs = [r for r in response.json()["runs"] if r["run_id"] == run_id]
    return runs[0] if runs and runs[0]["finished_at"] else None


def test_a_moved_person_is_proposed_accepted_and_the_address_changes_with_history(
    system: IntakeSystem, seed: Path
) -> None:
    person = _taro_on_the_roster()
    first = datetime.now(UTC).replace(microsecond=0)
    _due(system, first)
    run = wait_until(
        lambda: _finished_run(system, first.strftime("%Y%m%dT%H%M%SZ")),
        WAIT_S,
        "the first run did not finish",
    )
    assert (run["queried"], run["differences"]) == (1, 0), "nothing moved yet"
    assert _open(system, person) == []

    _move(seed, TARO, NEW_ADDRESS)
    second = first + timedelta(days=7)
    _due(system, second)
    [proposal] = wait_until(lambda: _open(system, person) or None, WAIT_S, "nothing proposed")
    assert proposal["kind"] == "update"
    assert proposal["changes"] == [
        {"field": "address", "before": "東京都千代田区見本町一丁目2番3号", "after": NEW_ADDRESS}
    ]
    run = wait_until(
        lambda: _finished_run(system, second.strftime("%Y%m%dT%H%M%SZ")),
        WAIT_S,
        "the second run did not finish",
    )
    assert (run["queried"], run["differences"], run["proposed"]) == (1, 1, 1)

    accepted = system.client.request(
        "POST",
        f"/v1/roster/changes/{proposal['proposal_id']}/accept",
        REVIEWER,
        data=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"

    stored = PrefectureRoster(TOKYO).examinee(person)
    assert stored is not None
    assert stored.examinee.address == NEW_ADDRESS
    assert stored.examinee.my_number is None
    [entry] = PrefectureChanges(TOKYO).history(person)
    assert entry.after == {"address": NEW_ADDRESS}
    assert entry.by == f"staff:{TOKYO}:reviewer-{TOKYO}"
    opened = system.client.get(f"/v1/roster/examinees/{person}", REVIEWER)
    assert opened.status_code == 200, opened.text
    assert opened.json()["examinee"]["address"] == NEW_ADDRESS
    assert _open(system, person) == []
