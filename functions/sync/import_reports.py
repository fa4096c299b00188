"""What both kinds of import (:mod:`sync.imports`, :mod:`sync.historical_imports`) do with
a checked file: its problems streamed as CSV to the report, and the import's record with the
counts, the first problems and the report's key (or refused, with why)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from itertools import islice
from typing import IO, Final

from kentei.results.imports.problems import Problem, ProblemCode
from kentei.results.imports.record import (
    HEADER_CODES,
    KEPT_PROBLEMS,
    ImportCounts,
    ImportStatus,
    ProblemRef,
    Refusal,
    ResultImport,
)
from kentei.results.imports.report import CSV_HEADER
from sync.dependencies import Dependencies

SPOOL_BYTES: Final = 1024 * 1024
"""A report up to this size stays in memory; a larger one spills to a temporary file."""


def with_report(
    record: ResultImport,
    counts: ImportCounts,
    problems: Iterable[Problem],
    key: str,
    deps: Dependencies,
) -> ResultImport:
    """The import ``validated`` (``refused`` for a wrong header) with its report: the counts,
    the first problems and where the problems CSV is; a file holding a My Number is deleted,
    every version."""
    files = deps.imports.files()
    header_wrong = any(code in HEADER_CODES for code in counts.by_code)
    holds_my_number = ProblemCode.MY_NUMBER in counts.by_code
    if holds_my_number:
        # The My Number lives only in the vault: the file goes now, not with the lifecycle.
        files.delete_every_version(record.object_key)
    return record.model_copy(
        update={
            "status": ImportStatus.REFUSED if header_wrong else ImportStatus.VALIDATED,
            "refusal": Refusal.WRONG_HEADER if header_wrong else None,
            "updated_at": deps.clock(),
            "counts": counts,
            "problems": tuple(
                ProblemRef.of(problem) for problem in islice(problems, KEPT_PROBLEMS)
            ),
            "report_key": key,
            "file_deleted": record.file_deleted or holds_my_number,
        }
    )


class ProblemsSink:
    """Problems written as they come to a binary file, in the report's CSV
    (:func:`kentei.results.imports.report.problems_csv`): a UTF-8 BOM, the header, a line per
    problem with its row, column, code, severity and fixed message (never a value)."""

    def __init__(self, target: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
        self._text.write("\ufeff")
        self._writer = csv.writer(self._text, lineterminator="\r\n")
        self._writer.writerow(CSV_HEADER)

    def add(self, problem: Problem) -> None:
        self._writer.writerow(
            (
                problem.row,
                problem.column,
                problem.code.value,
                problem.severity.value,
                problem.message,
            )
        )

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


def refused(record: ResultImport, refusal: Refusal, deps: Dependencies) -> ResultImport:
    return record.model_copy(
        update={
            "status": ImportStatus.REFUSED,
            "refusal": refusal,
            "updated_at": deps.clock(),
            "counts": None,
            "problems": (),
            "report_key": None,
        }
    )
