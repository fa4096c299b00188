"""Sync's result imports over in-memory ports: a file is checked into a report (nothing
applied), refused when it cannot be read, and a committed clean import is applied once."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import IO

import pytest
from tests.unit.results.imports.support import csv_text, encoded, facts, row
from tests.unit.sync_function.fakes import BUCKET, FakeFiles, World

from kentei.messages import ResultFileUploaded, ResultImportCommit
from kentei.results.imports.record import (
    KEPT_PROBLEMS,
    MAX_FILE_BYTES,
    ImportStatus,
    Refusal,
    ResultImport,
)
from kentei.roster.parts import Part
from sync import imports
from sync.imports import UnknownImportError, WrongBucketError, commit, file_uploaded

VERSION = "v1"


def world() -> World:
    return World({"1001": facts(parts=(Part.WRITTEN,)), "1002": facts(parts=(Part.WRITTEN,))})


def upload(w: World, record: ResultImport, data: bytes, version: str = VERSION) -> ResultImport:
    w.files.objects[(record.object_key, version)] = data
    message = ResultFileUploaded(
        bucket=BUCKET, key=record.object_key, size=len(data), version_id=version
    )
    return file_uploaded(message, w.deps())


def commit_message(record: ResultImport) -> ResultImportCommit:
    return ResultImportCommit(
        import_id=record.import_id, prefecture_code="13", requested_by="results-user"
    )


def committing(w: World, record: ResultImport) -> ResultImport:
    """What intake does on POST .../commit."""
    current = w.imports.records[record.import_id]
    w.imports.records[record.import_id] = current.model_copy(
        update={"status": ImportStatus.COMMITTING, "committed_by": "results-user"}
    )
    return w.imports.records[record.import_id]


def test_a_clean_cp932_file_is_validated_and_nothing_is_applied() -> None:
    w = world()
    record = w.new_import()
    data = encoded(csv_text([row("1001", score="70", name="髙橋"), row("1002")]), "utf-8")
    checked = upload(w, record, data)
    assert checked.status is ImportStatus.VALIDATED
    assert checked.counts is not None
    assert checked.counts.clean
    assert checked.counts.rows == 2
    assert checked.counts.warnings == 1  # 髙 is outside JIS X 0208
    assert [(p.row, p.code.value) for p in checked.problems] == [(2, "outside-jis-x-0208")]
    assert w.scores.calls == 0
    report = w.files.reports[f"reports/13/{record.import_id}.csv"]
    assert report.startswith(b"\xef\xbb\xbf")
    assert "髙".encode() not in report
    assert [e.action.value for e in w.imports.audit] == ["result_import.checked"]


def test_a_file_with_bad_rows_names_exactly_those_rows() -> None:
    w = world()
    record = w.new_import()
    rows = [row("1001"), row("9999"), row("1002", score="101"), row("1001")]
    checked = upload(w, record, encoded(csv_text(rows), "cp932"))
    assert checked.status is ImportStatus.VALIDATED
    assert checked.counts is not None
    assert not checked.counts.clean
    assert [(p.row, p.code.value) for p in checked.problems] == [
        (3, "unknown-exam-number"),
        (4, "score-out-of-range"),
        (5, "duplicate-row"),
    ]
    assert not checked.committable


def test_a_file_holding_a_my_number_is_deleted_once_checked() -> None:
    w = world()
    record = w.new_import()
    checked = upload(w, record, encoded(csv_text([row("1001", name="900000000010")]), "cp932"))
    assert checked.status is ImportStatus.VALIDATED
    assert [(p.row, p.code.value) for p in checked.problems] == [(2, "my-number")]
    assert checked.file_deleted
    assert not checked.committable
    assert w.files.objects == {}
    assert b"900000000010" not in w.files.reports[f"reports/13/{record.import_id}.csv"]


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (csv_text([row("1001")]).encode("cp932") + b"\x82\xff\r\n", Refusal.UNDECODABLE),
        ("受検番号,得点\r\n1001,80\r\n".encode(), Refusal.WRONG_HEADER),
        (csv_text([]).encode() + b"a" * (70 * 1024), Refusal.NOT_CSV),
    ],
)
def test_a_file_that_cannot_be_checked_is_refused_with_its_reason(
    data: bytes, refusal: Refusal
) -> None:
    w = world()
    checked = upload(w, w.new_import(), data)
    assert checked.status is ImportStatus.REFUSED
    assert checked.refusal is refusal


def test_a_file_over_the_limit_is_refused_without_being_read() -> None:
    w = world()
    record = w.new_import()
    message = ResultFileUploaded(
        bucket=BUCKET, key=record.object_key, size=MAX_FILE_BYTES + 1, version_id=VERSION
    )
    checked = file_uploaded(message, w.deps())
    assert (checked.status, checked.refusal) == (ImportStatus.REFUSED, Refusal.TOO_LARGE)


def test_a_notification_of_another_bucket_or_an_unknown_import_fails() -> None:
    w = world()
    record = w.new_import()
    with pytest.raises(WrongBucketError):
        file_uploaded(
            ResultFileUploaded(bucket="other-bucket", key=record.object_key, size=1), w.deps()
        )
    del w.imports.records[record.import_id]
    with pytest.raises(UnknownImportError):
        file_uploaded(ResultFileUploaded(bucket=BUCKET, key=record.object_key, size=1), w.deps())


def test_commit_applies_the_rows_once_and_a_redelivery_changes_nothing() -> None:
    w = world()
    record = w.new_import()
    upload(w, record, encoded(csv_text([row("1001", score="70"), row("1002")]), "cp932"))
    committing(w, record)
    done = commit(commit_message(record), w.deps())
    assert done.status is ImportStatus.COMMITTED
    assert done.applied is not None
    assert done.applied.written == 2
    stored = dict(w.scores.stored)
    again = commit(commit_message(record), w.deps())
    assert again == done
    assert w.scores.stored == stored
    assert [e.action.value for e in w.imports.audit][-1] == "result_import.committed"


def test_the_same_file_committed_twice_changes_nothing_and_a_correction_supersedes() -> None:
    w = world()
    data = encoded(csv_text([row("1001", score="70")]), "cp932")
    first = w.new_import()
    upload(w, first, data)
    committing(w, first)
    commit(commit_message(first), w.deps())
    second = w.new_import()
    upload(w, second, data)
    committing(w, second)
    same = commit(commit_message(second), w.deps())
    assert same.applied is not None
    assert (same.applied.written, same.applied.unchanged) == (0, 1)
    third = w.new_import()
    upload(w, third, encoded(csv_text([row("1001", score="75")]), "cp932"))
    committing(w, third)
    corrected = commit(commit_message(third), w.deps())
    assert corrected.applied is not None
    assert corrected.applied.replaced == 1
    assert [(h[1] and h[1].score, h[2].score, h[3]) for h in w.scores.history] == [
        (None, 70, first.import_id),
        (70, 75, third.import_id),
    ]


def test_a_commit_whose_file_is_no_longer_clean_applies_nothing() -> None:
    w = world()
    record = w.new_import()
    upload(w, record, encoded(csv_text([row("1001"), row("1002")]), "cp932"))
    committing(w, record)
    del w.sittings["1002"]  # deleted from the roster meanwhile
    done = commit(commit_message(record), w.deps())
    assert done.status is ImportStatus.VALIDATED
    assert done.counts is not None
    assert not done.counts.clean
    assert w.scores.calls == 0


def test_a_commit_of_an_import_not_committing_is_ignored() -> None:
    w = world()
    record = w.new_import()
    assert commit(commit_message(record), w.deps()).status is ImportStatus.AWAITING_UPLOAD


def test_a_file_put_again_after_the_commit_is_ignored_and_a_redelivery_is_not_rechecked() -> None:
    w = world()
    record = w.new_import()
    data = encoded(csv_text([row("1001")]), "cp932")
    upload(w, record, data)
    audits = len(w.imports.audit)
    upload(w, record, data)  # the same version: a redelivered notification
    assert len(w.imports.audit) == audits
    committing(w, record)
    commit(commit_message(record), w.deps())
    after = upload(w, record, encoded(csv_text([row("1001", score="1")]), "cp932"), "v2")
    assert after.status is ImportStatus.COMMITTED


class _Repeated(FakeFiles):
    """A file of ``cycles`` copies of one block of rows, generated as it is read."""

    def __init__(self, header: bytes, block: bytes, cycles: int) -> None:
        super().__init__()
        self._header, self._block, self.cycles = header, block, cycles

    def chunks(self, key: str, version_id: str | None) -> Iterator[bytes]:
        yield self._header
        for _ in range(self.cycles):
            yield self._block

    def put_report(self, key: str, body: IO[bytes]) -> None:
        """Read as S3's upload does, a part at a time (kept: the size only)."""
        size = 0
        while part := body.read(65_536):
            size += len(part)
        self.reports[key] = str(size).encode()


@pytest.mark.slow
def test_memory_stays_flat_in_the_file_size_with_a_problem_on_every_row() -> None:
    """Ten times the rows, each an unknown exam number (a problem each, all spooled to the
    report): the peak stays within 1.5x."""
    header = csv_text([]).encode("cp932")
    block = (
        csv_text([row(str(5_000_000 + k)) for k in range(1_000)], header=())
        .encode("cp932")
        .removeprefix(b"\r\n")
    )
    peaks = []
    for cycles in (8, 80):
        w = world()
        w.files = _Repeated(header, block, cycles)
        record = w.new_import()
        message = ResultFileUploaded(bucket=BUCKET, key=record.object_key, size=1)
        tracemalloc.start()
        checked = file_uploaded(message, w.deps())
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert checked.counts is not None
        assert checked.counts.errors == 1_000 * cycles
        assert len(checked.problems) == KEPT_PROBLEMS
    assert peaks[1] / peaks[0] < 1.5, peaks


def paged_world(monkeypatch: pytest.MonkeyPatch) -> tuple[World, ResultImport]:
    """Five sittings, a clean file of one row each, committed two rows a page."""
    monkeypatch.setattr(imports, "COMMIT_PAGE_ROWS", 2)
    numbers = [f"100{n}" for n in range(1, 6)]
    w = World({number: facts(parts=(Part.WRITTEN,)) for number in numbers})
    record = w.new_import()
    upload(w, record, encoded(csv_text([row(number, score="70") for number in numbers]), "cp932"))
    committing(w, record)
    return w, record


def deliver_all(w: World) -> list[ResultImport]:
    done: list[ResultImport] = []
    while w.queue.sent:
        message = w.queue.sent.pop(0)
        assert isinstance(message, ResultImportCommit)
        done.append(commit(message, w.deps()))
    return done


def test_a_large_commit_goes_page_by_page_each_page_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w, record = paged_world(monkeypatch)
    first = commit(commit_message(record), w.deps())
    assert first.status is ImportStatus.COMMITTING
    assert first.applied is not None
    assert first.applied.written == 2
    assert len(w.scores.stored) == 2
    (following,) = w.queue.sent
    assert isinstance(following, ResultImportCommit)
    assert following.after_row == 3  # rows 2 and 3 (the header is row 1)
    assert following.import_id == record.import_id
    assert following.requested_by == "results-user"
    rest = deliver_all(w)
    assert [one.status for one in rest] == [ImportStatus.COMMITTING, ImportStatus.COMMITTED]
    done = rest[-1]
    assert done.applied is not None
    assert (done.applied.written, done.applied.unchanged) == (5, 0)
    assert sorted(done.applied_pages) == [0, 3, 5]
    assert len(w.scores.stored) == 5
    # the upload's check and the commit's first page; the later pages (a warm container) reuse it
    assert w.directories == 2
    # the audit entry when the commit is done, once; the re-check only on the first page
    assert [e.action.value for e in w.imports.audit].count("result_import.committed") == 1
    assert w.imports.records[record.import_id] == done


def test_a_redelivered_middle_page_re_applies_and_counts_nothing_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w, record = paged_world(monkeypatch)
    commit(commit_message(record), w.deps())
    (middle,) = w.queue.sent
    assert isinstance(middle, ResultImportCommit)
    w.queue.sent.clear()
    once = commit(middle, w.deps())
    (last,) = w.queue.sent
    stored = dict(w.scores.stored)
    # delivered again before the next page ran: the same counts, the next page sent again
    again = commit(middle, w.deps())
    assert again.applied == once.applied
    assert again.applied_pages == once.applied_pages
    assert w.scores.stored == stored
    assert w.queue.sent == [last, last]
    done = deliver_all(w)
    assert [one.status for one in done] == [ImportStatus.COMMITTED] * 2
    # delivered again after the next page ran, while still committing: nothing sent
    w.imports.records[record.import_id] = w.imports.records[record.import_id].model_copy(
        update={"status": ImportStatus.COMMITTING}
    )
    commit(middle, w.deps())
    assert w.queue.sent == []
    final = w.imports.records[record.import_id]
    assert final.applied is not None
    assert (final.applied.written, final.applied.unchanged, final.applied.replaced) == (5, 0, 0)
    assert len(w.scores.history) == 5  # each score written once


def test_only_the_first_page_re_checks_and_every_page_reads_the_checked_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w, record = paged_world(monkeypatch)
    commit(commit_message(record), w.deps())
    imports.forget_directories()  # the next pages go to a new container: the roster is read
    reports = dict(w.files.reports)
    # a later version of the object is never read; a page delivered again re-applies only
    w.files.objects[(record.object_key, "v2")] = encoded(csv_text([row("1001")]), "cp932")
    del w.sittings["1005"]  # the roster changed after the re-check: the last page fails
    with pytest.raises(imports.UnregisteredRowError):
        deliver_all(w)
    assert w.files.reports == reports  # no page but the first wrote a report
    stuck = w.imports.records[record.import_id]
    assert stuck.status is ImportStatus.COMMITTING
    assert sorted(stuck.applied_pages) == [0, 3]  # the version checked (v1) was read
