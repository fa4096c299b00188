"""The report of a result file: running counts, the first problems, and the problems as CSV.

:func:`build_report` consumes a file's outcomes (:meth:`ResultFile.outcomes`) once, in
bounded memory: it counts as it goes (:class:`Counts`), keeps the first :data:`KEEP` problems,
and hands every problem to ``on_problem`` (a sink: a multipart upload of :func:`problems_csv`'s
chunks, say) so that none is lost when a file has more. ``on_result`` sees each valid row.

A row is valid when it has no error (warnings allowed); the file is clean when it has no error
at all (:attr:`Counts.clean`), the problems decided across rows (``missing-component``)
included: only a clean file is to be applied (the commit phase, next).

The CSV of problems is UTF-8 with a BOM (Excel then reads it as UTF-8), with the columns
``行,列,コード,区分,内容`` (row, column, code, severity, message): never a cell's value.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from kentei.results.imports.encoding import SourceEncoding
from kentei.results.imports.problems import Problem, ProblemCode
from kentei.results.imports.rows import Outcome, ResultFile, ResultRow, RowOutcome

KEEP: Final = 1_000
"""Problems a report keeps in memory; the rest only go to ``on_problem`` (and the counts)."""
CSV_HEADER: Final = ("行", "列", "コード", "区分", "内容")
CSV_BATCH: Final = 500
"""Problems per chunk of :func:`problems_csv`."""


@dataclass
class Counts:
    """Running counts of a file's outcomes."""

    rows: int = 0
    """Data rows read (blank rows aside)."""
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    by_code: Counter[ProblemCode] = field(default_factory=Counter)
    """Problems per code (a row may have several)."""

    def add(self, outcome: Outcome) -> None:
        if isinstance(outcome, RowOutcome):
            self.rows += 1
            if outcome.result is None:
                self.invalid += 1
            else:
                self.valid += 1
            for problem in outcome.problems:
                self._problem(problem)
        else:
            self._problem(outcome)

    def _problem(self, problem: Problem) -> None:
        self.by_code[problem.code] += 1
        if problem.is_error:
            self.errors += 1
        else:
            self.warnings += 1

    @property
    def clean(self) -> bool:
        """No error anywhere in the file (warnings allowed)."""
        return self.errors == 0


@dataclass
class Report:
    """What a file's check found."""

    counts: Counts
    problems: list[Problem]
    """The first :data:`KEEP` problems, in the order found."""
    truncated: bool
    """More problems were found than kept (all went to ``on_problem``)."""
    encoding: SourceEncoding | None
    source: str

    def to_csv(self) -> Iterator[bytes]:
        """The kept problems as CSV (see :func:`problems_csv`)."""
        return problems_csv(self.problems)


def problems_of(outcome: Outcome) -> tuple[Problem, ...]:
    return outcome.problems if isinstance(outcome, RowOutcome) else (outcome,)


def build_report(
    file: ResultFile,
    *,
    keep: int = KEEP,
    on_problem: Callable[[Problem], None] | None = None,
    on_result: Callable[[ResultRow], None] | None = None,
) -> Report:
    """Read ``file`` to its end into a report (see the module's note on memory)."""
    counts = Counts()
    kept: list[Problem] = []
    for outcome in file.outcomes():
        counts.add(outcome)
        if not isinstance(outcome, RowOutcome) or outcome.problems:
            _problems(outcome, kept, keep, on_problem)
        if on_result is not None and isinstance(outcome, RowOutcome) and outcome.result:
            on_result(outcome.result)
    truncated = counts.errors + counts.warnings > len(kept)
    return Report(counts, kept, truncated, file.encoding, file.source)


def _problems(
    outcome: Outcome, kept: list[Problem], keep: int, sink: Callable[[Problem], None] | None
) -> None:
    for problem in problems_of(outcome):
        if sink is not None:
            sink(problem)
        if len(kept) < keep:
            kept.append(problem)


def problems_csv(problems: Iterable[Problem]) -> Iterator[bytes]:
    """Problems as CSV, streamed in chunks: a UTF-8 BOM, the header, then a line per problem.
    Only the row, the column's header, the code, its severity and the fixed message: never a
    value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for problem in problems:
        writer.writerow(
            (
                problem.row,
                problem.column,
                problem.code.value,
                problem.severity.value,
                problem.message,
            )
        )
        pending += 1
        if pending == CSV_BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")
