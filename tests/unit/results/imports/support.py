"""Result files for the tests: rows written with Python's own encoders, and a roster."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade, Term
from kentei.results.imports.directory import InMemorySittings, SittingFacts
from kentei.results.imports.mappings import SourceMapping, load_mappings
from kentei.results.imports.rows import Outcome, ResultFile, ResultRow, RowOutcome
from kentei.roster.parts import ExamRound, Part

ROUND: Final = ExamRound(fiscal_year=2026, term=Term.FIRST)
PREFECTURE: Final = "13"
WORK: Final = "010101"
HEADER: Final = (
    "年度",
    "期",
    "作業コード",
    "等級",
    "受検番号",
    "試験区分",
    "実技区分",
    "得点",
    "欠席",
    "問題別基準未達",
    "氏名",
)
BOTH: Final = frozenset({ComponentKind.PRODUCTION, ComponentKind.JUDGEMENT})
ONE: Final = frozenset({ComponentKind.PRODUCTION})


def association() -> SourceMapping:
    return load_mappings().source()


def facts(
    *,
    parts: Iterable[Part] = (Part.WRITTEN, Part.PRACTICAL),
    exempt: Iterable[Part] = (),
    components: frozenset[ComponentKind] = BOTH,
    prefecture: str = PREFECTURE,
    grade: Grade = Grade.SECOND,
    work: str = WORK,
) -> SittingFacts:
    return SittingFacts(
        prefecture_code=prefecture,
        exam_round=ROUND,
        work_code=work,
        grade=grade,
        parts=frozenset(parts),
        exempt=frozenset(exempt),
        components=components,
    )


def roster(**sittings: SittingFacts) -> InMemorySittings:
    """A roster of the round: exam number (keyword, ``n`` prefix dropped) → facts."""
    return InMemorySittings((number.removeprefix("n"), one) for number, one in sittings.items())


def row(
    exam_number: str,
    part: str = "学科",
    component: str = "",
    score: str = "80",
    *,
    absent: str = "",
    below: str = "",
    name: str = "",
    year: str = "2026",
    term: str = "前期",
    work: str = WORK,
    grade: str = "2級",
) -> tuple[str, ...]:
    return (year, term, work, grade, exam_number, part, component, score, absent, below, name)


def csv_text(rows: Iterable[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def encoded(text: str, encoding: str) -> bytes:
    """``utf-8-bom`` writes the BOM; the others are Python's codecs."""
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding)


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def result_file(
    data: bytes | Iterable[bytes],
    directory: InMemorySittings,
    *,
    mapping: SourceMapping | None = None,
    window: int | None = None,
) -> ResultFile:
    chunks = [data] if isinstance(data, bytes) else data
    extra = {} if window is None else {"window": window}
    return ResultFile(
        chunks,
        mapping=mapping or association(),
        exam_round=ROUND,
        prefecture_code=PREFECTURE,
        directory=directory,
        **extra,
    )


def outcomes(
    data: bytes | Iterable[bytes],
    directory: InMemorySittings,
    *,
    mapping: SourceMapping | None = None,
) -> list[Outcome]:
    return list(result_file(data, directory, mapping=mapping).outcomes())


def results(found: Iterable[Outcome]) -> list[ResultRow]:
    return [o.result for o in found if isinstance(o, RowOutcome) and o.result is not None]


def codes(found: Iterable[Outcome]) -> list[tuple[int, str, str]]:
    """Every problem as (row, column, code), in order."""
    listed: list[tuple[int, str, str]] = []
    for outcome in found:
        problems = outcome.problems if isinstance(outcome, RowOutcome) else (outcome,)
        listed.extend((p.row, p.column, p.code.value) for p in problems)
    return listed
