"""An association's historical passer register uploaded through the result-import pipeline:
checked into a report (nothing written), committed once (a second commit or a redelivered
message writes nothing more), a file with errors never written, a conflict never overwritten."""

from __future__ import annotations

from tests.unit.results.historical.helpers import csv_bytes, row
from tests.unit.sync_function.fakes import BUCKET, World

from kentei.messages import ResultFileUploaded, ResultImportCommit
from kentei.results.imports.record import ImportKind, ImportStatus, ResultImport
from sync.imports import commit, file_uploaded

VERSION = "v1"
TWO_ROWS = (row(), row(技能士番号="13-2-000124", 合格証書番号="C-000124", 氏名="佐藤 花子"))


def historical_import(w: World) -> ResultImport:
    return w.new_import(kind=ImportKind.HISTORICAL)


def upload(w: World, record: ResultImport, data: bytes, version: str = VERSION) -> ResultImport:
    w.files.objects[(record.object_key, version)] = data
    message = ResultFileUploaded(
        bucket=BUCKET, key=record.object_key, size=len(data), version_id=version
    )
    return file_uploaded(message, w.deps())


def commit_now(w: World, record: ResultImport) -> ResultImport:
    """What intake does on POST .../commit, then sync's commit."""
    current = w.imports.records[record.import_id]
    w.imports.records[record.import_id] = current.model_copy(
        update={"status": ImportStatus.COMMITTING, "committed_by": "results-user"}
    )
    message = ResultImportCommit(
        import_id=record.import_id, prefecture_code="13", requested_by="results-user"
    )
    return commit(message, w.deps())


def test_a_clean_cp932_register_is_checked_without_writing_and_committed_once() -> None:
    w = World({})
    record = historical_import(w)
    checked = upload(w, record, csv_bytes(*TWO_ROWS, encoding="cp932"))
    assert checked.status is ImportStatus.VALIDATED
    assert checked.counts is not None
    assert (checked.counts.rows, checked.counts.valid, checked.counts.errors) == (2, 2, 0)
    assert checked.committable
    assert w.historical.records == {}  # checked only
    report = w.files.reports[f"reports/13/{record.import_id}.csv"]
    assert "佐藤".encode() not in report
    assert "佐藤".encode("cp932") not in report

    committed = commit_now(w, record)
    assert committed.status is ImportStatus.COMMITTED
    assert committed.applied is not None
    assert (committed.applied.written, committed.applied.unchanged) == (2, 0)
    assert sorted(w.historical.records) == ["13-2-000123", "13-2-000124"]
    assert {e.request_id for e in w.historical.audit} == {record.import_id}
    assert {e.actor for e in w.historical.audit} == {"results-user"}

    # A redelivered commit message finds it committed: nothing more is written.
    again = commit(
        ResultImportCommit(
            import_id=record.import_id, prefecture_code="13", requested_by="results-user"
        ),
        w.deps(),
    )
    assert again == committed
    assert w.historical.writes == 2


def test_the_same_register_committed_again_as_a_new_import_writes_nothing() -> None:
    w = World({})
    first = historical_import(w)
    upload(w, first, csv_bytes(*TWO_ROWS))
    commit_now(w, first)
    second = historical_import(w)
    upload(w, second, csv_bytes(*TWO_ROWS))
    done = commit_now(w, second)
    assert done.status is ImportStatus.COMMITTED
    assert done.applied is not None
    assert (done.applied.written, done.applied.unchanged) == (0, 2)
    assert w.historical.writes == 2


def test_a_register_with_errors_is_not_committable_and_names_the_rows() -> None:
    w = World({})
    record = historical_import(w)
    bad = row(技能士番号="13-2-000125", 等級="9級")
    data = csv_bytes(row(), bad, row())
    checked = upload(w, record, data)
    assert checked.status is ImportStatus.VALIDATED
    assert not checked.committable
    assert [(p.row, p.code.value) for p in checked.problems] == [
        (3, "malformed"),
        (4, "duplicate-row"),
    ]
    assert w.historical.records == {}


def test_a_number_stored_meanwhile_with_other_content_sends_the_import_back_unwritten() -> None:
    w = World({})
    record = historical_import(w)
    upload(w, record, csv_bytes(*TWO_ROWS))
    other = World({})
    rival = historical_import(other)
    upload(other, rival, csv_bytes(row(氏名="山田 一郎")))
    commit_now(other, rival)
    w.historical.records.update(other.historical.records)  # another import stored it meanwhile

    done = commit_now(w, record)
    assert done.status is ImportStatus.VALIDATED
    assert not done.committable
    assert [(p.row, p.code.value) for p in done.problems] == [(2, "conflicting-record")]
    assert sorted(w.historical.records) == ["13-2-000123"]  # nothing of this file written
    assert w.historical.records["13-2-000123"] == other.historical.records["13-2-000123"]


def test_a_register_holding_a_my_number_is_deleted_once_checked() -> None:
    w = World({})
    record = historical_import(w)
    checked = upload(w, record, csv_bytes(row(住所="123456789018")))
    assert checked.file_deleted
    assert not checked.committable
    assert "my-number" in {p.code.value for p in checked.problems}
    assert not any(key == record.object_key for key, _ in w.files.objects)
