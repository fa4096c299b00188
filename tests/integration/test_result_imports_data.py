"""Result imports against moto (in process): the presigned PUT with SSE-KMS, the import record
with conditional status changes, and sync's check and commit over the real stores: a CP932
file's bad rows reported exactly, a commit applied twice changing nothing, a corrected file
replacing scores with the history of both imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests
from tests.integration.moto_tables import records_and_audit
from tests.unit.review.factory import application, form

from kentei import catalog
from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.result_files import ResultFiles
from kentei.data.result_imports import PrefectureImports
from kentei.data.result_sittings import RosterSittings
from kentei.data.results import PrefectureScores
from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.messages import Envelope, ResultFileUploaded, ResultImportCommit
from kentei.results.imports.directory import facts_of
from kentei.results.imports.record import ImportStatus, ResultImport, new_import_id
from kentei.results.rules import load_pass_rules
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import ExamRound, Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting
from sync import imports
from sync.dependencies import Dependencies
from sync.import_ports import deployed
from sync.imports import commit, file_uploaded

PREFECTURE = "13"
BUCKET = "kentei-test-imports"
AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ROUND = ExamRound(fiscal_year=2026, term="前期")
HEADER = ("年度", "期", "作業コード", "等級", "受検番号", "試験区分", "実技区分", "得点", "氏名")


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with records_and_audit(monkeypatch):
        key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
        s3 = boto3.client("s3")
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": catalog.REGION}
        )
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        monkeypatch.setenv("KENTEI_BUCKET_IMPORTS", BUCKET)
        monkeypatch.setenv("KENTEI_KEY_RECORDS", key)
        yield key


class Clock:
    def __init__(self) -> None:
        self.now = AT

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _deps(clock: Clock) -> Dependencies:
    return Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=clock,
        imports=deployed(),
    )


def _sitting(pseudonym: str, term: str = "前期") -> Sitting:
    accepted = application(
        form(fiscal_year=2026, term=term, trade_code="0101", work_code="010101", grade="2級"),
        status=Status.ACCEPTED,
        pseudonym=pseudonym,
    )
    PrefectureApplications(PREFECTURE).create(accepted, f"fp-{accepted.application_id}")
    roster = PrefectureRoster(PREFECTURE)
    registration = registration_of(accepted)
    scheme = schemes().of(PREFECTURE)
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
        rows.append((*base, "学科", "", str(score), "髙橋"))
    for component in sorted(facts.components) if Part.PRACTICAL in facts.parts else ():
        rows.append((*base, "実技", component.value, str(score), "髙橋"))
    return rows


def _cp932(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode("cp932")


def _import(clock: Clock, data: bytes) -> ResultImport:
    """An import made, its file put at the presigned URL, and checked by sync."""
    now = clock()
    record = ResultImport(
        import_id=new_import_id(PREFECTURE, now),
        prefecture_code=PREFECTURE,
        source="association",
        exam_round=ROUND,
        status=ImportStatus.AWAITING_UPLOAD,
        created_by="results-13",
        created_at=now,
        updated_at=now,
    )
    PrefectureImports(PREFECTURE).create(record)
    upload = ResultFiles().upload(record.object_key, 900)
    put = requests.put(upload.url, data=data, headers=upload.headers, timeout=30)
    assert put.status_code == 200, put.text
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=record.object_key)
    assert head["ServerSideEncryption"] == "aws:kms"
    message = ResultFileUploaded(
        bucket=BUCKET, key=record.object_key, size=len(data), version_id=head.get("VersionId")
    )
    return file_uploaded(message, _deps(clock))


def _commit(clock: Clock, record: ResultImport) -> ResultImport:
    store = PrefectureImports(PREFECTURE)
    current = store.get(record.import_id)
    assert current is not None
    committing = current.model_copy(
        update={"status": ImportStatus.COMMITTING, "committed_by": "results-13"}
    )
    store.save(committing, {ImportStatus.VALIDATED, ImportStatus.COMMITTING})
    message = ResultImportCommit(
        import_id=record.import_id, prefecture_code=PREFECTURE, requested_by="results-13"
    )
    return commit(message, _deps(clock))


def test_a_cp932_file_with_bad_rows_is_reported_row_by_row(moto: str) -> None:
    clock = Clock()
    one, two = _sitting("p-1"), _sitting("p-2")
    rows = [
        *_rows(one),
        ("2026", "前期", "010101", "2級", "00000000", "学科", "", "70", ""),
        ("2026", "前期", "010101", "2級", two.exam_number, "学科", "", "170", ""),
        _rows(one)[0],
    ]
    checked = _import(clock, _cp932(rows))
    assert checked.status is ImportStatus.VALIDATED
    first_bad = len(_rows(one)) + 2
    errors = [
        (p.row, p.code.value) for p in checked.problems if p.code.value != "outside-jis-x-0208"
    ]
    assert errors == [
        (first_bad, "unknown-exam-number"),
        (first_bad + 1, "score-out-of-range"),
        (first_bad + 2, "duplicate-row"),
    ]
    assert checked.report_key is not None
    report = boto3.client("s3").get_object(Bucket=BUCKET, Key=checked.report_key)["Body"].read()
    assert f"{first_bad},受検番号,unknown-exam-number".encode() in report
    assert "髙橋".encode() not in report
    stored = PrefectureImports(PREFECTURE).get(checked.import_id)
    assert stored == checked


def test_committing_twice_changes_nothing_and_a_correction_keeps_the_history(moto: str) -> None:
    clock = Clock()
    one, two = _sitting("p-1"), _sitting("p-2")
    data = _cp932([*_rows(one), *_rows(two)])
    first = _import(clock, data)
    assert first.committable
    done = _commit(clock, first)
    assert done.status is ImportStatus.COMMITTED
    assert done.applied is not None
    assert done.applied.written == len(_rows(one)) + len(_rows(two))
    scores = PrefectureScores(PREFECTURE)
    before = scores.scores_of(one.application_id)
    # A redelivered commit, then the same file as another import: nothing changes.
    assert _commit(clock, first) == done
    again = _commit(clock, _import(clock, data))
    assert again.applied is not None
    assert (again.applied.written, again.applied.unchanged) == (0, done.applied.written)
    assert scores.scores_of(one.application_id) == before
    # A corrected file: the new scores, with the history of both imports.
    corrected = _commit(clock, _import(clock, _cp932(_rows(one, score=75))))
    assert corrected.applied is not None
    assert corrected.applied.replaced == len(_rows(one))
    now = {s.entry.score for s in scores.scores_of(one.application_id)}
    assert now == {75}
    history = scores.history_of(one.application_id)
    assert {(h.before_source, h.after_source) for h in history} == {
        (None, first.import_id),
        (first.import_id, corrected.import_id),
    }
    assert {s.entry.score for s in scores.scores_of(two.application_id)} == {70}


def test_a_status_change_is_conditional(moto: str) -> None:
    clock = Clock()
    record = _import(clock, _cp932([]))
    store = PrefectureImports(PREFECTURE)
    discarded = record.model_copy(update={"status": ImportStatus.DISCARDED})
    assert not store.save(discarded, {ImportStatus.COMMITTING})
    assert store.save(discarded, {ImportStatus.VALIDATED})
    with pytest.raises(ValueError, match="exists"):
        store.create(record)


def test_a_file_holding_a_my_number_is_deleted_with_every_version(moto: str) -> None:
    clock = Clock()
    one = _sitting("p-1")
    rows = [(*_rows(one)[0][:-1], "900000000010")]
    first = _import(clock, _cp932(_rows(one)))
    assert not first.file_deleted
    # The same URL put again (a second version), this time with a My Number in a cell.
    upload = ResultFiles().upload(first.object_key, 900)
    assert requests.put(upload.url, data=_cp932(rows), headers=upload.headers, timeout=30).ok
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=first.object_key)
    message = ResultFileUploaded(
        bucket=BUCKET, key=first.object_key, size=1, version_id=head["VersionId"]
    )
    checked = file_uploaded(message, _deps(clock))
    assert checked.file_deleted
    assert not checked.committable
    versions = boto3.client("s3").list_object_versions(Bucket=BUCKET, Prefix=first.object_key)
    assert versions.get("Versions", []) == []
    assert versions.get("DeleteMarkers", []) == []


def test_the_directory_knows_the_rounds_registered_sittings_only(moto: str) -> None:
    one, two, later = _sitting("p-1"), _sitting("p-2"), _sitting("p-3", term="後期")
    directory = RosterSittings(PREFECTURE, load_catalogue())
    for sitting in (one, two):
        assert directory.application_of(ROUND.key, sitting.exam_number) == sitting.application_id
        assert directory.find(ROUND.key, sitting.exam_number) == facts_of(sitting, load_catalogue())
    assert directory.find(ROUND.key, "00000000") is None
    assert later.exam_round.key != ROUND.key
    assert directory.application_of(later.exam_round.key, later.exam_number) == (
        later.application_id
    )
    if later.exam_number not in (one.exam_number, two.exam_number):
        assert directory.find(ROUND.key, later.exam_number) is None


class _Queue:
    def __init__(self) -> None:
        self.sent: list[ResultImportCommit] = []

    def send(self, message: Envelope) -> None:
        assert isinstance(message, ResultImportCommit)
        self.sent.append(message)


def test_a_commit_goes_page_by_page_and_a_redelivered_page_counts_nothing_twice(
    moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "COMMIT_PAGE_ROWS", 2)
    clock = Clock()
    one, two = _sitting("p-1"), _sitting("p-2")
    rows = [*_rows(one), *_rows(two)]
    record = _import(clock, _cp932(rows))
    queue = _Queue()
    paged = replace(_deps(clock), imports=replace(deployed(), sync_queue=queue))
    store = PrefectureImports(PREFECTURE)
    current = store.get(record.import_id)
    assert current is not None
    store.save(
        current.model_copy(update={"status": ImportStatus.COMMITTING, "committed_by": "r-13"}),
        {ImportStatus.VALIDATED},
    )
    first = ResultImportCommit(
        import_id=record.import_id, prefecture_code=PREFECTURE, requested_by="results-13"
    )
    assert commit(first, paged).status is ImportStatus.COMMITTING
    (middle,) = queue.sent
    running = store.get(record.import_id)
    assert running is not None
    assert running.applied is not None
    assert running.applied.written == 2
    commit(middle, paged)
    commit(middle, paged)  # delivered twice
    while queue.sent[1:]:
        commit(queue.sent.pop(), paged)
    done = store.get(record.import_id)
    assert done is not None
    assert done.status is ImportStatus.COMMITTED
    assert done.applied is not None
    assert (done.applied.written, done.applied.unchanged) == (len(rows), 0)
    assert sum(page.written for page in done.applied_pages.values()) == len(rows)
    scores = PrefectureScores(PREFECTURE)
    stored = [*scores.scores_of(one.application_id), *scores.scores_of(two.application_id)]
    assert len(stored) == len(rows)
    assert all(len(scores.history_of(s.application_id)) >= 1 for s in (one, two))
