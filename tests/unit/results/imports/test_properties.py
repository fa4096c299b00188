"""Property: any row the parser accepts round-trips its values."""

from __future__ import annotations

import unicodedata

from hypothesis import event, given, settings
from hypothesis import strategies as st

from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade
from kentei.results.imports.directory import InMemorySittings
from kentei.results.imports.mappings import ResultField, SourceMapping
from kentei.results.imports.rows import ResultRow, RowOutcome
from kentei.roster.parts import Part

from .support import (
    ROUND,
    association,
    csv_text,
    encoded,
    facts,
    outcomes,
    results,
    roster,
    row,
)

MAPPING = association()
JIS_NAMES = st.text(
    st.sampled_from("山田太郎花子渡辺斎藤あいうアイウ ー・々"), min_size=0, max_size=8
).map(str.strip)


def _spellings(mapping: SourceMapping, field: ResultField, value: object) -> list[str]:
    """Every spelling of ``value`` the mapping reads for ``field`` (canonical included)."""
    return [key for key, found in mapping.lookup(field).items() if found is value]


def _variant(text: str) -> st.SearchStrategy[str]:
    """The same value as a file may write it: padded, full-width."""
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return st.sampled_from([text, f" {text} ", wide])


@st.composite
def accepted_rows(draw: st.DrawFn) -> tuple[tuple[str, ...], ResultRow]:
    component = draw(st.sampled_from([None, *ComponentKind]))
    part = Part.WRITTEN if component is None else Part.PRACTICAL
    absent = draw(st.booleans())
    score = None if absent else draw(st.integers(0, 100))
    below = draw(st.booleans())
    number = draw(st.from_regex(r"[0-9A-Z][0-9A-Z_-]{0,11}", fullmatch=True))
    name = draw(JIS_NAMES) or None
    grade = Grade.SECOND
    cells = row(
        draw(_variant(number)),
        draw(st.sampled_from(_spellings(MAPPING, ResultField.PART, part))),
        ""
        if component is None
        else draw(st.sampled_from(_spellings(MAPPING, ResultField.COMPONENT, component))),
        "" if score is None else draw(_variant(str(score))),
        absent=draw(st.sampled_from(["1", "欠", "○"]))
        if absent
        else draw(st.sampled_from(["", "0"])),
        below=draw(st.sampled_from(["1", "未達"])) if below else "",
        name=name or "",
        year=draw(st.sampled_from(["2026", "２０２６", "2026年度", "令和8", "R8"])),
        term=draw(st.sampled_from(_spellings(MAPPING, ResultField.TERM, ROUND.term))),
        grade=draw(st.sampled_from(_spellings(MAPPING, ResultField.GRADE, grade))),
    )
    expected = ResultRow(
        ROUND, "010101", grade, number, part, component, score, absent, below, name
    )
    return cells, expected


def _roster_for(result: ResultRow) -> InMemorySittings:
    components = frozenset({result.component}) if result.component else frozenset(ComponentKind)
    return roster(**{f"n{result.exam_number}": facts(components=components)})


@settings(max_examples=200, deadline=None)
@given(drawn=accepted_rows(), encoding=st.sampled_from(["cp932", "utf-8", "utf-8-bom"]))
def test_a_valid_row_in_any_spelling_reads_as_its_values(
    drawn: tuple[tuple[str, ...], ResultRow], encoding: str
) -> None:
    cells, expected = drawn
    found = outcomes(encoded(csv_text([cells]), encoding), _roster_for(expected))
    assert results(found) == [expected]


def _canonical(result: ResultRow) -> tuple[str, ...]:
    return row(
        result.exam_number,
        "学科" if result.part is Part.WRITTEN else "実技",
        "" if result.component is None else result.component.value,
        "" if result.score is None else str(result.score),
        absent="1" if result.absent else "",
        below="1" if result.below_minimum else "",
        name=result.name or "",
        year=str(result.exam_round.fiscal_year),
        term=result.exam_round.term.value,
        work=result.work_code,
        grade=result.grade.value,
    )


NOISE = st.one_of(
    st.sampled_from(["", "0", "1", "100", "101", "-1", "欠", "○", "学科", "実技", "X1"]),
    st.text(st.sampled_from("0123456789０１ 欠学実技ab-"), max_size=5),
)
LIKELY = (
    ["2026", "R8", "２０２６年度"],
    ["前期", "1"],
    ["010101"],
    ["2級", "2"],
    ["A1", "26-0001", "ｚ９"],
    ["学科", "実技"],
    ["", "製作等作業試験", "判断等", "計画立案等作業試験"],
    ["0", "55", "１００", " 7 "],
    ["", "0", ""],
    ["", "1", "未達"],
    ["", "山田 太郎", "髙橋"],
)


def _cell(pool: list[str]) -> st.SearchStrategy[str]:
    """Mostly a likely value (valid or not), sometimes noise."""
    return st.integers(0, 9).flatmap(lambda n: NOISE if n == 0 else st.sampled_from(pool))


ROWS = st.tuples(*(_cell(pool) for pool in LIKELY)).map(list)


@settings(max_examples=300, deadline=None)
@given(cells=ROWS)
def test_any_accepted_row_round_trips(cells: list[str]) -> None:
    cells[4] = unicodedata.normalize("NFKC", cells[4]).strip() or "A1"  # a roster number
    directory = roster(**{f"n{cells[4]}": facts(components=frozenset(ComponentKind))})
    (outcome, *_) = outcomes(encoded(csv_text([cells]), "utf-8"), directory)
    assert isinstance(outcome, RowOutcome)
    result = outcome.result
    if result is None:
        assert any(problem.is_error for problem in outcome.problems)
        return
    event("accepted")
    # Its values are the cells' own ...
    if result.score is not None:
        assert result.score == int(unicodedata.normalize("NFKC", cells[7]))
    assert result.exam_number == cells[4]
    # ... and written back canonically, they read the same.
    again = outcomes(encoded(csv_text([_canonical(result)]), "cp932"), directory)
    assert results(again) == [result]
