"""An association's historical passer register (past passers, R17) uploaded by staff, through
the result-import pipeline (:mod:`sync.imports`): the same upload, report, commit and
discard, another kind of file (:attr:`~kentei.results.imports.record.ImportKind.HISTORICAL`).

- :func:`check`: the file read into a report (:func:`kentei.results.historical.apply.
  apply_historical_file` with ``apply=False``: every row checked, also against the records
  stored already); nothing is written but the problems CSV.
- :func:`commit`: the file (the checked version) checked again and, still clean, its new
  ``HISTORICAL_PASS#`` records added, each with its audit entry, never over a stored one;
  ``committed`` with how many were written and unchanged. No longer clean (a record stored
  meanwhile with other content): ``validated`` again with the new report, nothing written.
  A record added by another import between the check and its own write is a
  ``conflicting-record`` problem on the committed import's report, never an overwrite.

Committing twice, or a redelivered message, writes nothing more: the rows are stored already
with the same content (``unchanged``).
"""

from __future__ import annotations

import tempfile

from kentei.results.historical.apply import apply_historical_file
from kentei.results.historical.file import HistoricalReport
from kentei.results.imports.errors import LineTooLongError, UndecodableFileError
from kentei.results.imports.mappings import HistoricalSourceMapping, load_mappings
from kentei.results.imports.problems import ProblemCode
from kentei.results.imports.record import (
    AppliedCounts,
    ImportCounts,
    ImportStatus,
    Refusal,
    ResultImport,
    report_key,
)
from sync.dependencies import Dependencies
from sync.import_reports import SPOOL_BYTES, ProblemsSink, refused, with_report


def check(record: ResultImport, deps: Dependencies) -> ResultImport:
    """The import after reading its file into a report (``validated`` or ``refused``)."""
    return _run(record, deps, apply=False)


def commit(record: ResultImport, deps: Dependencies) -> ResultImport:
    """The import after applying its file: ``committed``, or ``validated`` again when the
    file is no longer clean."""
    return _run(record, deps, apply=True)


def _run(record: ResultImport, deps: Dependencies, *, apply: bool) -> ResultImport:
    ports = deps.imports
    files = ports.files()
    try:
        report = apply_historical_file(
            files.chunks(record.object_key, record.file_version),
            _mapping(record),
            record.prefecture_code,
            ports.historical(record.prefecture_code),
            at=deps.clock(),
            by=record.committed_by or record.created_by,
            apply=apply,
            catalogue=deps.catalogue(),
            import_id=record.import_id,
        )
    except UndecodableFileError:
        return refused(record, Refusal.UNDECODABLE, deps)
    except LineTooLongError:
        return refused(record, Refusal.NOT_CSV, deps)
    key = report_key(record.prefecture_code, record.import_id)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        sink = ProblemsSink(spool)
        for problem in report.problems:
            sink.add(problem)
        sink.close()
        spool.seek(0)
        files.put_report(key, spool)
    checked = with_report(record, _counts(report), report.problems, key, deps)
    if not report.applied or checked.status is not ImportStatus.VALIDATED:
        return checked
    now = deps.clock()
    return checked.model_copy(
        update={
            "status": ImportStatus.COMMITTED,
            "updated_at": now,
            "committed_at": record.committed_at or now,
            "applied": AppliedCounts(
                written=report.written, unchanged=report.unchanged, replaced=0
            ),
        }
    )


def _mapping(record: ResultImport) -> HistoricalSourceMapping:
    historical = load_mappings().historical
    if historical is None:  # pragma: no cover - the shipped file has one (make lint checks)
        raise LookupError("the shipped mappings have no historical passer mapping")
    return historical.source(record.source)


def _counts(report: HistoricalReport) -> ImportCounts:
    return ImportCounts(
        rows=report.rows,
        valid=report.valid,
        invalid=report.invalid,
        errors=report.errors,
        warnings=report.warnings,
        by_code={ProblemCode(code): count for code, count in sorted(report.by_code.items())},
    )
