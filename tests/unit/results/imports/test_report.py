"""The report: running counts, the first problems, every problem streamed, CSV without values;
and a file of 300,000 rows read in flat memory."""

from __future__ import annotations

import codecs
import csv
import io
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from kentei.results.imports.problems import Problem, ProblemCode
from kentei.results.imports.report import CSV_HEADER, Counts, build_report, problems_csv
from kentei.results.imports.rows import ResultRow

from .support import HEADER, csv_text, encoded, facts, result_file, roster, row

ROSTER = roster(n3001=facts(), n3002=facts(), n3003=facts())
ROWS = [
    row("3001", name="髙橋 花子"),  # 2: a warning
    row("3001", "実技", "製作等作業試験", "70"),  # 3
    row("3001", "実技", "判断等試験", "80"),  # 4
    row("3002", score="x1"),  # 5
    row("3002", "実技", "製作等作業試験", "70"),  # 6: judgement missing (after all rows)
    row("3999"),  # 7
    row("3003", score="500"),  # 8
]


def test_the_report_counts_and_keeps_the_problems() -> None:
    seen: list[Problem] = []
    valid: list[ResultRow] = []
    report = build_report(
        result_file(encoded(csv_text(ROWS), "cp932"), ROSTER),
        on_problem=seen.append,
        on_result=valid.append,
    )
    counts = report.counts
    assert (counts.rows, counts.valid, counts.invalid) == (7, 4, 3)
    assert (counts.errors, counts.warnings) == (4, 1)
    assert counts.by_code == {
        ProblemCode.OUTSIDE_JIS_X_0208: 1,
        ProblemCode.MALFORMED: 1,
        ProblemCode.UNKNOWN_EXAM_NUMBER: 1,
        ProblemCode.SCORE_OUT_OF_RANGE: 1,
        ProblemCode.MISSING_COMPONENT: 1,
    }
    assert not counts.clean
    assert report.problems == seen
    assert [p.row for p in report.problems] == [2, 5, 7, 8, 6]
    assert not report.truncated
    assert (report.encoding, report.source) == ("cp932", "association")
    assert len(valid) == 4


def test_a_clean_file_with_warnings_is_clean() -> None:
    report = build_report(result_file(encoded(csv_text(ROWS[:3]), "utf-8"), ROSTER))
    assert report.counts.clean
    assert report.counts.warnings == 1


def test_only_the_first_problems_are_kept_but_all_are_streamed() -> None:
    seen: list[Problem] = []
    bad = [row("3999") for _ in range(30)]
    report = build_report(
        result_file(encoded(csv_text(bad), "utf-8"), ROSTER), keep=10, on_problem=seen.append
    )
    assert len(report.problems) == 10
    assert report.truncated
    assert len(seen) == 30
    assert report.counts.by_code[ProblemCode.UNKNOWN_EXAM_NUMBER] == 30


def test_the_problems_csv_is_utf8_with_a_bom_and_carries_no_value() -> None:
    report = build_report(result_file(encoded(csv_text(ROWS), "cp932"), ROSTER))
    data = b"".join(report.to_csv())
    assert data.startswith(codecs.BOM_UTF8)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == CSV_HEADER
    assert [line[:4] for line in table[1:]] == [
        ["2", "氏名", "outside-jis-x-0208", "warning"],
        ["5", "得点", "malformed", "error"],
        ["7", "受検番号", "unknown-exam-number", "error"],
        ["8", "得点", "score-out-of-range", "error"],
        ["6", "実技区分", "missing-component", "error"],
    ]
    text = data.decode("utf-8-sig")
    for value in ("髙橋", "花子", "x1", "3999", "500"):
        assert value not in text


def test_the_csv_streams_in_batches() -> None:
    problems = (Problem(n, "得点", ProblemCode.MALFORMED, "m") for n in range(2, 1202))
    chunks = list(problems_csv(problems))
    assert len(chunks) == 1 + 3  # the header, then batches of 500
    assert b"".join(chunks).count(b"\r\n") == 1201


def test_counts_start_at_zero() -> None:
    counts = Counts()
    assert (counts.rows, counts.errors, counts.clean) == (0, 0, True)


SITTINGS = 10_000
CYCLE = 3 * SITTINGS


@pytest.mark.slow
def test_three_hundred_thousand_rows_read_in_flat_memory() -> None:
    """A 300,000-row file peaks at about the memory of a 30,000-row one.

    The roster is the same (10,000 sittings, three rows each: 30,000 rows); the larger file
    repeats it ten times, so 270,000 of its rows are ``duplicate-row`` errors, each streamed
    to ``on_problem`` and counted, none kept beyond the report's first ones. What grows with
    the file must be nothing: the per-sitting tally is bounded by the roster (measured here at
    its full size in both runs). The file's bytes are prepared before measuring, as S3 would
    hold them, and fed in 64 KiB chunks.
    """
    directory = roster(**{f"n{4_000_000 + k}": facts() for k in range(SITTINGS)})
    cycle = []
    for k in range(SITTINGS):
        number = str(4_000_000 + k)
        cycle += [
            row(number, name="山田 太郎"),
            row(number, "実技", "製作等作業試験", str(k % 101)),
            row(number, "実技", "判断等試験", str(k % 97)),
        ]
    header = csv_text([]).encode("cp932")
    body = csv_text(cycle, header=()).encode("cp932").removeprefix(b"\r\n")
    assert body.count(b"\r\n") == CYCLE
    blocks = [body[start : start + 65_536] for start in range(0, len(body), 65_536)]
    del cycle, body

    def file(cycles: int) -> Iterator[bytes]:
        yield header
        for _ in range(cycles):
            yield from blocks

    peaks = []
    started, cpu = time.perf_counter(), time.process_time()
    for cycles in (1, 10):
        streamed = 0

        def sink(problem: Problem) -> None:
            nonlocal streamed
            streamed += 1

        tracemalloc.start()
        report = build_report(result_file(file(cycles), directory), on_problem=sink)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert report.counts.rows == CYCLE * cycles
        assert report.counts.valid == CYCLE
        assert streamed == report.counts.errors == CYCLE * (cycles - 1)
    ratio = peaks[1] / peaks[0]
    assert ratio < 1.5, f"peaks {peaks}: ratio {ratio:.2f}"
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"peaks {peaks} bytes, ratio {ratio:.3f}, {wall:.1f} s ({used:.1f} s of CPU)")


def test_the_header_fixture_is_the_default_mapping() -> None:
    assert csv_text([]).strip() == ",".join(HEADER)
