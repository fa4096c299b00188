"""Result imports (R11) in sync: check an uploaded file into a report, apply a committed one.

- :func:`file_uploaded` (``result_file_uploaded``, the imports bucket's notification): the
  import goes ``validating``; the file is streamed from S3 (never whole in memory) through
  :class:`~kentei.results.imports.rows.ResultFile` against the prefecture's roster; every
  problem goes to a spooled CSV (the report, written to ``reports/...``), the counts and the
  first problems to the import's record: ``validated``, or ``refused`` with a reason
  (``too-large``, ``undecodable``, ``not-csv``, ``wrong-header``). Nothing is applied. A
  file with a My Number in a cell (``my-number`` problems) is deleted, every version, once
  checked: the report stays, the import can only be discarded.
- :func:`commit` (``result_import_commit``, sent by intake when staff commit a clean import):
  the file (the version that was checked) is checked again, since the roster may have
  changed; still clean, its valid rows are applied in batches
  (:meth:`kentei.data.results.PrefectureScores.record_many`, ``source`` the import id), a
  page of at most :data:`COMMIT_PAGE_ROWS` rows per message: the import stays ``committing``
  with the running counts, and the next page goes to the sync queue as a message of its own
  (``after_row``: the last row applied), like an announcement's pages. The last page makes
  the import ``committed`` with what was applied. The re-check is the first page's only;
  every page reads the object version that was checked. No longer clean, the import is
  ``validated`` again with the new report and nothing is applied.

A ``historical`` import (an association's register of past passers) goes the same way with
its own check and commit (:mod:`sync.historical_imports`).

Both are safe to deliver twice: a redelivered check checks again (the same report), a
redelivered commit finds the import ``committed``, or re-applies its page, which changes
nothing (the scores are stored already from this source). The counts are kept by page
(:attr:`~kentei.results.imports.record.ResultImport.applied_pages`, keyed by the row the
page starts after): a redelivered page keeps its first counts, and sends the next page only
if that one has not been applied yet. (Two deliveries of different pages at the very same
time could each save the record without the other's counts; the scores themselves are
unaffected.) A failure leaves the import in its status
(``validating``, ``committing``) and the message is retried, then goes to the DLQ with its
error. Logs carry ids, statuses and counts only: never a cell's value.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.results import Applied, ScoreRow
from kentei.messages import ResultFileUploaded, ResultImportCommit
from kentei.results.decision import ScoreEntry
from kentei.results.imports.errors import LineTooLongError, UndecodableFileError
from kentei.results.imports.mappings import load_mappings
from kentei.results.imports.record import (
    CHECKABLE,
    KEPT_PROBLEMS,
    MAX_FILE_BYTES,
    AppliedCounts,
    ImportCounts,
    ImportKind,
    ImportStatus,
    Refusal,
    ResultImport,
    report_key,
)
from kentei.results.imports.report import build_report
from kentei.results.imports.rows import ResultFile, ResultRow, RowOutcome
from kentei.roster.parts import ExamRound
from sync import historical_imports
from sync.dependencies import Dependencies
from sync.import_ports import RosterDirectory
from sync.import_reports import SPOOL_BYTES, ProblemsSink, refused, with_report

ACTOR: Final = "sync"
APPLY_BATCH: Final = 500
"""Rows handed to the scores store at a time (it writes them 25 to a batch)."""
COMMIT_PAGE_ROWS: Final = 10_000
"""The most rows one commit message applies: 20,000 items, 800 BatchWriteItem calls and 100
reads of the stored scores, about 25 s of sequential calls on DynamoDB at ~25 ms each, plus
the file read again up to the page (~5 s of CPU for 300,000 rows) and, on the first page, the
re-check (~5 s of CPU and the round's roster): within sync's 60 s timeout. The next page is a
message of its own on the sync queue (``after_row``), so a 300,000-row file (30 pages) never
runs into the timeout. A row budget, not the time left: a page is the same on every delivery."""


_DIRECTORIES: Final[dict[str, RosterDirectory]] = {}
"""The roster directory of the import last committed in this container, by import id: its
next pages, usually taken by the same warm container, look rows up in what the first page
re-checked against instead of reading the round's roster again (~100,000 sittings: seconds
of reads per page). One import at a time; a cold container reads it afresh."""


def _directory(record: ResultImport, deps: Dependencies, *, fresh: bool) -> RosterDirectory:
    kept = None if fresh else _DIRECTORIES.get(record.import_id)
    if kept is not None:
        return kept
    directory = deps.imports.sittings(record.prefecture_code, deps.catalogue())
    _DIRECTORIES.clear()
    _DIRECTORIES[record.import_id] = directory
    return directory


def forget_directories() -> None:
    """Drop the kept directory, as a new container starts without it."""
    _DIRECTORIES.clear()


class UnknownImportError(LookupError):
    """A message names an import the prefecture does not have (retried, then the DLQ)."""


class WrongBucketError(ValueError):
    """A notification from a bucket other than the imports bucket."""


class UnregisteredRowError(RuntimeError):
    """A row that was valid when checked and no longer is (the roster changed between the
    check and this page): the message is retried, then goes to the DLQ; the import stays
    ``committing`` with the pages applied so far, and staff see it stuck there."""


def file_uploaded(message: ResultFileUploaded, deps: Dependencies) -> ResultImport:
    """The import after its file was checked (or as it was, when the file is ignored)."""
    ports = deps.imports
    if message.bucket != ports.files().bucket:
        raise WrongBucketError("the notification is not from the imports bucket")
    store = ports.imports(message.prefecture_code)
    record = store.get(message.import_id)
    if record is None:
        raise UnknownImportError(f"no import {message.import_id}")
    if record.status not in CHECKABLE:
        return record  # committing, committed or discarded: a file put again is ignored
    if (
        record.status in (ImportStatus.VALIDATED, ImportStatus.REFUSED)
        and message.version_id is not None
        and record.file_version == message.version_id
    ):
        return record  # this very object was checked already: a redelivered notification
    validating = record.model_copy(
        update={
            "status": ImportStatus.VALIDATING,
            "updated_at": deps.clock(),
            "file_size": message.size,
            "file_version": message.version_id,
            "refusal": None,
            "counts": None,
            "problems": (),
            "report_key": None,
        }
    )
    if not store.save(validating, CHECKABLE):
        return store.get(record.import_id) or record  # committed or discarded meanwhile
    if message.size > MAX_FILE_BYTES:
        checked = refused(validating, Refusal.TOO_LARGE, deps)
    else:
        checked = _check(validating, deps)
    store.save(
        checked,
        {ImportStatus.VALIDATING},
        audit=[_event(checked, AuditAction.RESULT_IMPORT_CHECKED, deps)],
    )
    return checked


def commit(message: ResultImportCommit, deps: Dependencies) -> ResultImport:
    """The import after this page of the commit: ``committing`` with the running counts while
    pages remain (the next one sent), ``committed`` after the last, or ``validated`` again
    when its file is no longer clean (as it was, when it was not ``committing``)."""
    ports = deps.imports
    store = ports.imports(message.prefecture_code)
    record = store.get(message.import_id)
    if record is None:
        raise UnknownImportError(f"no import {message.import_id}")
    if record.status is not ImportStatus.COMMITTING:
        # Committed already (a redelivered message), or never committed: nothing to do.
        return record
    if record.kind is ImportKind.HISTORICAL:
        done = historical_imports.commit(record, deps)
        store.save(
            done,
            {ImportStatus.COMMITTING},
            audit=[_event(done, AuditAction.RESULT_IMPORT_COMMITTED, deps)],
        )
        return done
    first = message.after_row is None and not record.applied_pages
    directory = _directory(record, deps, fresh=first)
    if first:
        # The re-check, once: later pages read the same object version (file_version).
        checked = check(record, directory, deps)
        if checked.status is not ImportStatus.VALIDATED or not checked.committable:
            store.save(
                checked,
                {ImportStatus.COMMITTING},
                audit=[_event(checked, AuditAction.RESULT_IMPORT_COMMITTED, deps)],
            )
            return checked
        record = checked.model_copy(update={"status": ImportStatus.COMMITTING})
    page = message.after_row or 0
    applied, last_row = _apply(record, directory, deps, after_row=page, budget=COMMIT_PAGE_ROWS)
    pages = dict(record.applied_pages)
    pages.setdefault(page, applied)  # a redelivered page keeps its first counts
    now = deps.clock()
    update = {
        "updated_at": now,
        "committed_at": record.committed_at or now,
        "applied_pages": pages,
        "applied": _total(pages.values()),
    }
    if last_row is not None:
        running = record.model_copy(update=update)
        if not store.save(running, {ImportStatus.COMMITTING}):
            return store.get(record.import_id) or running  # discarded or committed meanwhile
        if last_row not in record.applied_pages:
            # else the next page was done already: this page was delivered again
            ports.sync_queue.send(message.model_copy(update={"after_row": last_row}))
        return running
    committed = record.model_copy(update={**update, "status": ImportStatus.COMMITTED})
    store.save(
        committed,
        {ImportStatus.COMMITTING},
        audit=[_event(committed, AuditAction.RESULT_IMPORT_COMMITTED, deps)],
    )
    return committed


def _check(record: ResultImport, deps: Dependencies) -> ResultImport:
    if record.kind is ImportKind.HISTORICAL:
        return historical_imports.check(record, deps)
    return check(record, deps.imports.sittings(record.prefecture_code, deps.catalogue()), deps)


def check(record: ResultImport, directory: RosterDirectory, deps: Dependencies) -> ResultImport:
    """The import after reading its file into a report (``validated`` or ``refused``; the
    status it is saved in is the caller's)."""
    files = deps.imports.files()
    mapping = load_mappings().source(record.source)
    result_file = ResultFile(
        files.chunks(record.object_key, record.file_version),
        mapping=mapping,
        exam_round=_round_of(record),
        prefecture_code=record.prefecture_code,
        directory=directory,
    )
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        sink = ProblemsSink(spool)
        try:
            report = build_report(result_file, keep=KEPT_PROBLEMS, on_problem=sink.add)
        except UndecodableFileError:
            return refused(record, Refusal.UNDECODABLE, deps)
        except LineTooLongError:
            return refused(record, Refusal.NOT_CSV, deps)
        sink.close()
        spool.seek(0)
        key = report_key(record.prefecture_code, record.import_id)
        files.put_report(key, spool)
    return with_report(record, ImportCounts.of(report.counts), report.problems, key, deps)


def _apply(
    record: ResultImport,
    directory: RosterDirectory,
    deps: Dependencies,
    *,
    after_row: int,
    budget: int,
) -> tuple[AppliedCounts, int | None]:
    """Apply at most ``budget`` valid rows after ``after_row``: what was applied, and the last
    row applied when valid rows remain after it (None: this was the last page)."""
    ports = deps.imports
    scores = ports.scores(record.prefecture_code)
    result_file = ResultFile(
        ports.files().chunks(record.object_key, record.file_version),
        mapping=load_mappings().source(record.source),
        exam_round=_round_of(record),
        prefecture_code=record.prefecture_code,
        directory=directory,
    )
    at = deps.clock()
    by = record.committed_by or record.created_by
    written = unchanged = replaced = 0
    batch: list[ScoreRow] = []
    last_applied: int | None = None
    more = False
    rows = _score_rows(result_file, directory, _round_of(record).key, after_row)
    for taken, row in enumerate(rows):
        if taken == budget:
            more = True  # rows remain: the next page starts after ``last_applied``
            break
        if isinstance(row, _NoLongerValid):
            # The file was clean when checked: the roster changed since (a later page).
            raise UnregisteredRowError(f"row {row.row}: the row is no longer valid")
        batch.append(row)
        last_applied = row.row
        if len(batch) == APPLY_BATCH:
            done = scores.record_many(batch, source=record.import_id, at=at, by=by)
            written, unchanged, replaced = _sum((written, unchanged, replaced), done)
            batch = []
    if batch:
        done = scores.record_many(batch, source=record.import_id, at=at, by=by)
        written, unchanged, replaced = _sum((written, unchanged, replaced), done)
    counts = AppliedCounts(written=written, unchanged=unchanged, replaced=replaced)
    return counts, last_applied if more else None


@dataclass(frozen=True)
class _NoLongerValid:
    row: int


def _score_rows(
    result_file: ResultFile, directory: RosterDirectory, round_key: str, after_row: int
) -> Iterator[ScoreRow | _NoLongerValid]:
    for outcome in result_file.outcomes():
        if not isinstance(outcome, RowOutcome) or outcome.row <= after_row:
            continue  # a problem of the header or across rows, or an earlier page's row
        if outcome.result is None:
            yield _NoLongerValid(outcome.row)  # raised when the page reaches it
            continue
        result = outcome.result
        application_id = directory.application_of(round_key, result.exam_number)
        if application_id is None:
            raise UnregisteredRowError(f"row {outcome.row}: the sitting is no longer registered")
        yield ScoreRow(application_id=application_id, entry=entry_of(result), row=outcome.row)


def entry_of(result: ResultRow) -> ScoreEntry:
    return ScoreEntry(
        part=result.part,
        component=result.component,
        score=None if result.absent else result.score,
        absent=result.absent,
        question_minimum_missed=result.below_minimum and not result.absent,
    )


def _total(pages: Iterable[AppliedCounts]) -> AppliedCounts:
    written = unchanged = replaced = 0
    for one in pages:
        written += one.written
        unchanged += one.unchanged
        replaced += one.replaced
    return AppliedCounts(written=written, unchanged=unchanged, replaced=replaced)


def _sum(total: tuple[int, int, int], applied: Applied) -> tuple[int, int, int]:
    return (
        total[0] + applied.written,
        total[1] + applied.unchanged,
        total[2] + applied.replaced,
    )


def _round_of(record: ResultImport) -> ExamRound:
    if record.exam_round is None:
        raise ValueError("a historical import has no round")
    return record.exam_round


def _event(record: ResultImport, action: AuditAction, deps: Dependencies) -> AuditEvent:
    return AuditEvent(
        actor=ACTOR,
        action=action,
        record_type="result_import",
        record_id=record.import_id,
        prefecture_code=record.prefecture_code,
        request_id=f"{ACTOR}:{record.import_id}",
        at=deps.clock(),
    )
