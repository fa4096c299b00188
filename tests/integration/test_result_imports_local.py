"""A result file from the results office's request to stored scores, through the local
runtime: intake (HTTP, a real token) makes the import and a presigned PUT, the file goes to
moto's S3 with ``requests``, the bucket's notification puts S3's event on the sync queue, the
real sync checks it into a report; a file with bad rows is reported row by row and
discarded, a clean one committed and its scores stored; an association's historical passer
register goes the same way and is written once. S3's test event is dropped, not
dead-lettered, and nothing of a file (names, exam numbers) reaches the import's record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.unit.results.historical.helpers import csv_bytes, row
from tests.unit.review.factory import application, form

from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.historical_passes import PrefectureHistoricalPasses
from kentei.data.result_imports import import_key
from kentei.data.results import PrefectureScores
from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import load_catalogue
from kentei.results.historical.model import HistoricalStatus
from kentei.results.imports.directory import facts_of
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting
from kentei_local.probes import wait_until

RESULTS = f"staff:{TOKYO}:results-{TOKYO}:results"
AT = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
WAIT_S = 60.0
NAME = "髙橋一郎"
HEADER = ("年度", "期", "作業コード", "等級", "受検番号", "試験区分", "実技区分", "得点", "氏名")


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("sync").start()
        yield started


def _sitting(pseudonym: str) -> Sitting:
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101", grade="2級"),
        status=Status.ACCEPTED,
        pseudonym=pseudonym,
    )
    PrefectureApplications(TOKYO).create(accepted, f"fp-{accepted.application_id}")
    roster = PrefectureRoster(TOKYO)
    registration = registration_of(accepted)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


def _rows(sitting: Sitting, score: int = 70) -> list[tuple[str, ...]]:
    facts = facts_of(sitting, load_catalogue())
    assert facts is not None
    base = ("2026", "前期", sitting.work_code, "2級", sitting.exam_number)
    rows: list[tuple[str, ...]] = []
    if Part.WRITTEN in facts.parts:
        rows.append((*base, "学科", "", str(score), NAME))
    if Part.PRACTICAL in facts.parts:
        for component in sorted(facts.components):
            rows.append((*base, "実技", component.value, str(score), NAME))
    return rows


def _cp932(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp932")


def _post(system: IntakeSystem, path: str, body: dict[str, Any]) -> requests.Response:
    return system.client.request(
        "POST",
        path,
        RESULTS,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def _upload(system: IntakeSystem, data: bytes) -> str:
    created = _post(
        system,
        "/v1/results/imports",
        {"source": "association", "exam_round": {"fiscal_year": 2026, "term": "前期"}},
    )
    assert created.status_code == 201, created.text
    upload = created.json()["upload"]
    put = requests.put(upload["url"], data=data, headers=upload["headers"], timeout=30)
    assert put.status_code == 200, put.text
    return str(created.json()["import_id"])


def _when(system: IntakeSystem, import_id: str, *statuses: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        answer = system.client.get(f"/v1/results/imports/{import_id}", RESULTS)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body if body["status"] in statuses else None

    return wait_until(reached, WAIT_S, f"the import never reached {statuses}")


def test_a_file_with_bad_rows_is_reported_and_a_clean_one_committed(
    system: IntakeSystem,
) -> None:
    first, second = _sitting("mp-results-0001"), _sitting("mp-results-0002")
    bad = [*_rows(first), ("2026", "前期", "010101", "2級", "99999999", "学科", "", "70", NAME)]
    bad_id = _upload(system, _cp932(bad))
    report = _when(system, bad_id, "validated", "refused")
    assert report["status"] == "validated", report
    assert report["committable"] is False
    assert report["counts"]["by_code"]["unknown-exam-number"] == 1
    wrong_row = len(bad) + 1  # the header is row 1
    assert {"row": wrong_row, "column": "受検番号", "code": "unknown-exam-number"} in report[
        "problems"
    ]
    problems_csv = requests.get(report["report_url"], timeout=30).content.decode("utf-8-sig")
    assert f"{wrong_row},受検番号,unknown-exam-number" in problems_csv
    assert NAME not in problems_csv
    assert _post(system, f"/v1/results/imports/{bad_id}/commit", {}).status_code == 409
    assert _post(system, f"/v1/results/imports/{bad_id}/discard", {}).status_code == 200

    good_id = _upload(system, _cp932([*_rows(first), *_rows(second)]))
    checked = _when(system, good_id, "validated", "refused")
    assert checked["committable"] is True, checked
    assert checked["counts"]["by_code"] == {"outside-jis-x-0208": checked["counts"]["rows"]}
    committed = _post(system, f"/v1/results/imports/{good_id}/commit", {})
    assert committed.status_code == 202, committed.text
    done = _when(system, good_id, "committed", "validated")
    assert done["status"] == "committed", done
    assert done["applied"]["written"] == checked["counts"]["rows"]
    stored = PrefectureScores(TOKYO).scores_of(first.application_id)
    assert {score.source for score in stored} == {good_id}
    assert {score.entry.score for score in stored} == {70}
    assert _post(system, f"/v1/results/imports/{good_id}/commit", {}).status_code == 409

    items = [i for i in system.records() if i["record_key"]["S"].startswith("IMPORT#")]
    assert {i["record_key"]["S"] for i in items} == {import_key(bad_id), import_key(good_id)}
    text = json.dumps(items, ensure_ascii=False)
    assert NAME not in text
    assert first.exam_number not in text
    dlq = system.runtime.resources.queues["sync"].dlq_url
    left = system.runtime.sqs().get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert left == "0", "S3's test event is dropped, not dead-lettered"


def test_a_historical_passer_register_is_uploaded_checked_and_committed_once(
    system: IntakeSystem,
) -> None:
    register = csv_bytes(
        row(技能士番号="13-2-900001", 合格証書番号="C-900001"),
        row(技能士番号="13-2-900002", 合格証書番号="C-900002", 氏名="佐藤 花子"),
        encoding="cp932",
    )
    ids = []
    for _ in range(2):  # the same register uploaded twice: the second writes nothing
        created = _post(system, "/v1/results/imports", {"kind": "historical"})
        assert created.status_code == 201, created.text
        upload = created.json()["upload"]
        put = requests.put(upload["url"], data=register, headers=upload["headers"], timeout=30)
        assert put.status_code == 200, put.text
        import_id = str(created.json()["import_id"])
        checked = _when(system, import_id, "validated", "refused")
        assert checked["committable"] is True, checked
        assert (checked["kind"], checked["exam_round"]) == ("historical", None)
        commit = _post(system, f"/v1/results/imports/{import_id}/commit", {})
        assert commit.status_code == 202, commit.text
        ids.append(_when(system, import_id, "committed", "validated"))
    first, second = ids
    assert (first["applied"]["written"], first["applied"]["unchanged"]) == (2, 0)
    assert (second["applied"]["written"], second["applied"]["unchanged"]) == (0, 2)
    stored = PrefectureHistoricalPasses(TOKYO).get("13-2-900002")
    assert stored is not None
    assert stored.status is HistoricalStatus.UNLINKED
    assert stored.imported_by == first["committed_by"]
