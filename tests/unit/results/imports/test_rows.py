"""Each data row of a result file becomes a ResultRow or its problems."""

from __future__ import annotations

import pytest

from kentei import my_number
from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade
from kentei.results.imports.directory import InMemorySittings
from kentei.results.imports.errors import LineTooLongError
from kentei.results.imports.mappings import load_mappings
from kentei.results.imports.problems import ProblemCode, Severity
from kentei.results.imports.rows import ResultRow, RowOutcome
from kentei.roster.parts import Part

from .support import (
    HEADER,
    ONE,
    ROUND,
    WORK,
    chunked,
    codes,
    csv_text,
    encoded,
    facts,
    outcomes,
    result_file,
    results,
    roster,
    row,
)

FIRST_ELEVEN = "12345678901"
MY_NUMBER = FIRST_ELEVEN + str(my_number.check_digit(FIRST_ELEVEN))
SPACED_MY_NUMBER = f"{MY_NUMBER[:4]} {MY_NUMBER[4:8]} {MY_NUMBER[8:]}"


def _roster() -> InMemorySittings:
    return roster(
        n2601=facts(),
        n2602=facts(),
        n2603=facts(components=ONE),
        n2604=facts(parts=(Part.PRACTICAL,), exempt=(Part.WRITTEN,)),
        n2605=facts(parts=(Part.WRITTEN,)),
        n2606=facts(prefecture="14"),
    )


GOOD = [
    row("2601", name="山田 太郎"),
    row("2601", "実技", "製作等作業試験", "70", below="1"),
    row("2601", "実技", "判断等試験", "", absent="欠"),
    row("2602", "学科", "", "0"),
    row("2602", "実技", "製作等", "100"),
    row("2602", "実技", "判断等試験", "欠"),
    row("2603", "実技", "製作等作業試験", "65"),
]


def _expected() -> list[ResultRow]:
    def result(
        number: str,
        part: Part,
        component: ComponentKind | None,
        score: int | None,
        **extra: object,
    ) -> ResultRow:
        values: dict[str, object] = {
            "exam_round": ROUND,
            "work_code": WORK,
            "grade": Grade.SECOND,
            "exam_number": number,
            "part": part,
            "component": component,
            "score": score,
            "absent": score is None,
            "below_minimum": False,
        }
        values.update(extra)
        return ResultRow(**values)  # type: ignore[arg-type]

    return [
        result("2601", Part.WRITTEN, None, 80, name="山田 太郎"),
        result("2601", Part.PRACTICAL, ComponentKind.PRODUCTION, 70, below_minimum=True),
        result("2601", Part.PRACTICAL, ComponentKind.JUDGEMENT, None),
        result("2602", Part.WRITTEN, None, 0),
        result("2602", Part.PRACTICAL, ComponentKind.PRODUCTION, 100),
        result("2602", Part.PRACTICAL, ComponentKind.JUDGEMENT, None),
        result("2603", Part.PRACTICAL, ComponentKind.PRODUCTION, 65),
    ]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-bom"])
@pytest.mark.parametrize("size", [1, 7, 1 << 16])
def test_every_encoding_and_chunking_gives_the_same_rows(encoding: str, size: int) -> None:
    data = encoded(csv_text(GOOD), encoding)
    found = outcomes(chunked(data, size), _roster())
    assert codes(found) == []
    assert results(found) == _expected()
    assert [o.row for o in found if isinstance(o, RowOutcome)] == list(range(2, 9))


def test_a_cp932_file_with_a_few_bad_rows_reports_exactly_those() -> None:
    rows = [
        *GOOD[:3],
        row("2602", "学科", "", "8a"),  # row 5
        *GOOD[4:6],
        row("2603", "実技", "製作等作業試験", "101"),  # row 8
        row("9999"),  # row 9
        row("2605", "学科", "", "55", name="髙橋 花子"),  # row 10: a warning, still valid
    ]
    found = outcomes(encoded(csv_text(rows), "cp932"), _roster())
    assert codes(found) == [
        (5, "得点", "malformed"),
        (8, "得点", "score-out-of-range"),
        (9, "受検番号", "unknown-exam-number"),
        (10, "氏名", "outside-jis-x-0208"),
    ]
    valid = [o.row for o in found if isinstance(o, RowOutcome) and o.result is not None]
    assert valid == [2, 3, 4, 6, 7, 10]


@pytest.mark.parametrize(
    ("name", "outside"),
    [("山田 太郎", False), ("髙橋", True), ("𠮷田", True), ("ﾔﾏﾀﾞ", True), ("ワタナベ～", False)],
)
def test_a_name_outside_jis_x_0208_is_flagged(name: str, outside: bool) -> None:
    found = outcomes(encoded(csv_text([row("2605", name=name)]), "utf-8"), _roster())
    assert codes(found) == ([(2, "氏名", "outside-jis-x-0208")] if outside else [])
    assert results(found)[0].name == name


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (row("2601", score="８０"), []),  # full-width digits are digits
        (row("2601", score="-1"), [("得点", "score-out-of-range")]),
        (row("2601", score="8.5"), [("得点", "malformed")]),
        (row("2601", score=""), [("得点", "missing-value")]),
        (row("2601", score="70", absent="1"), [("得点", "absent-with-score")]),
        (row("2601", absent="?"), [("欠席", "malformed")]),
        (row("2601", below="maybe"), [("問題別基準未達", "malformed")]),
        (row("2601", grade="9級"), [("等級", "malformed")]),
        (row("2601", term="夏"), [("期", "malformed")]),
        (row("2601", year="20x6"), [("年度", "malformed")]),
        (row("2601", year="令和8"), []),
        (row("2601", year="R8年度"), []),
        (row("", score="70"), [("受検番号", "missing-value")]),
        (row("26 01"), [("受検番号", "malformed")]),
        (row("2601", work="01 01"), [("作業コード", "malformed")]),
        (row("2601", "見学"), [("試験区分", "malformed")]),
        (row("2601", "学科", "判断等試験"), [("実技区分", "malformed")]),
        (row("2601", "実技", ""), [("実技区分", "missing-value")]),
        (row("2601", "実技", "口述"), [("実技区分", "malformed")]),
        (row("2601", year="2025"), [("年度", "wrong-round-or-work")]),
        (row("2601", term="後期"), [("年度", "wrong-round-or-work")]),
        (row("2601", work="020202"), [("作業コード", "wrong-round-or-work")]),
        (row("2601", grade="1級"), [("等級", "wrong-round-or-work")]),
        (
            row("2603", "実技", "判断等試験"),
            [("実技区分", "wrong-round-or-work"), ("実技区分", "missing-component")],
        ),
        (row("2604", "学科"), [("試験区分", "exempt-part-with-score")]),
        (row("2605", "実技", "製作等作業試験"), [("試験区分", "exempt-part-with-score")]),
        (row("2606"), [("受検番号", "other-prefecture")]),
        (row("2607"), [("受検番号", "unknown-exam-number")]),
    ],
)
def test_each_rule_of_a_row(cells: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    found = outcomes(encoded(csv_text([cells]), "cp932"), _roster())
    assert [(column, code) for _, column, code in codes(found)] == expected
    outcome = found[0]
    assert isinstance(outcome, RowOutcome)
    assert (outcome.result is None) == bool(expected)


def test_a_duplicate_row_is_the_later_one() -> None:
    rows = [GOOD[0], GOOD[1], row("2601", score="90"), row("2601", "実技", "製作等", "1")]
    found = outcomes(encoded(csv_text(rows), "utf-8"), _roster())
    assert codes(found) == [
        (4, "受検番号", "duplicate-row"),
        (5, "受検番号", "duplicate-row"),
        (3, "実技区分", "missing-component"),  # 判断等試験 never came
    ]


def test_a_missing_component_is_decided_per_sitting_after_all_rows() -> None:
    rows = [
        row("2601", "実技", "判断等試験", "60"),  # row 2: its production comes last
        row("2602", "実技", "製作等作業試験", "60"),  # row 3: its judgement never comes
        row("2603", "実技", "製作等作業試験", "60"),  # one component only: complete
        row("2605", "学科", "", "60"),  # written only: nothing to complete
        row("2601", "実技", "製作等作業試験", "60"),
    ]
    found = outcomes(encoded(csv_text(rows), "utf-8"), _roster())
    assert codes(found) == [(3, "実技区分", "missing-component")]
    last = found[-1]
    assert not isinstance(last, RowOutcome)
    assert last.message == "the sitting's practical results lack 判断等試験"
    assert last.severity is Severity.ERROR


def test_a_header_without_a_required_column_is_not_read_further() -> None:
    header = [h for h in HEADER if h != "得点"]
    text = csv_text([[c for i, c in enumerate(GOOD[0]) if i != 7]], header=header)
    found = outcomes(encoded(text, "cp932"), _roster())
    assert codes(found) == [(1, "得点", "missing-column")]


def test_a_header_naming_a_column_twice_is_not_read_further() -> None:
    header = [*HEADER, "受検番号"]
    found = outcomes(encoded(csv_text([[*GOOD[0], "2601"]], header=header), "cp932"), _roster())
    assert codes(found) == [(1, "受検番号", "duplicate-column")]


def test_an_empty_file_lacks_every_required_column() -> None:
    found = outcomes(b"", _roster())
    assert {code for _, _, code in codes(found)} == {"missing-column"}
    assert len(found) == 8


def test_an_unknown_column_is_a_warning_and_only_screened() -> None:
    header = [*HEADER, "備考"]
    rows = [[*GOOD[0], "メモ"], [*GOOD[3], SPACED_MY_NUMBER]]
    found = outcomes(encoded(csv_text(rows, header=header), "cp932"), _roster())
    assert codes(found) == [(1, "#12", "unknown-column"), (3, "#12", "my-number")]
    assert [o.row for o in found if isinstance(o, RowOutcome) and o.result] == [2]


@pytest.mark.parametrize("column", range(len(HEADER)))
def test_a_my_number_in_any_column_refuses_the_row(column: int) -> None:
    cells = list(GOOD[0])
    cells[column] = f"番号 {SPACED_MY_NUMBER}" if column == 10 else MY_NUMBER
    found = outcomes(encoded(csv_text([cells]), "cp932"), _roster())
    assert codes(found) == [(2, HEADER[column], "my-number")]
    outcome = found[0]
    assert isinstance(outcome, RowOutcome)
    assert outcome.result is None
    assert MY_NUMBER not in repr(found)
    assert MY_NUMBER[4:8] not in repr(found)


def test_a_my_number_in_the_header_is_refused() -> None:
    header = [*HEADER, MY_NUMBER]
    found = outcomes(encoded(csv_text([[*GOOD[0], ""]], header=header), "utf-8"), _roster())
    assert codes(found)[0] == (1, "#12", "my-number")
    assert MY_NUMBER not in repr(found)


def test_no_problem_and_no_repr_carries_a_value() -> None:
    rows = [
        row("2601", score="9q9", name="髙橋 花子"),
        row("2601", "実技", "製作等作業試験", "777", name="髙橋 花子"),
        row("2699", name="髙橋 花子"),
    ]
    found = outcomes(encoded(csv_text(rows), "cp932"), _roster())
    text = repr(found) + "".join(
        str(p) for o in found for p in (o.problems if isinstance(o, RowOutcome) else (o,))
    )
    for value in ("9q9", "777", "2699", "髙橋", "花子"):
        assert value not in text
    valid = row("2602", name="髙橋 花子")
    (outcome,) = outcomes(encoded(csv_text([valid]), "cp932"), _roster())
    assert isinstance(outcome, RowOutcome)
    assert outcome.result is not None
    assert outcome.result.name == "髙橋 花子"
    assert "髙橋" not in repr(outcome)


def test_blank_rows_are_skipped_but_counted_as_spreadsheet_rows() -> None:
    body = csv_text([GOOD[3]]).split("\r\n", 1)[1]
    text = csv_text([GOOD[0]]) + "\r\n,,,,,,,,,,\r\n" + body
    found = outcomes(encoded(text, "utf-8"), _roster())
    assert [o.row for o in found if isinstance(o, RowOutcome)] == [2, 5]
    assert codes(found) == []


def test_a_quoted_line_break_stays_in_one_row() -> None:
    cells = list(GOOD[0])
    cells[10] = "山田\n太郎"
    found = outcomes(encoded(csv_text([cells, GOOD[3]]), "cp932"), _roster())
    assert [o.row for o in found if isinstance(o, RowOutcome)] == [2, 3]
    assert results(found)[0].name == "山田\n太郎"


def test_bad_quoting_is_a_malformed_row_and_reading_goes_on() -> None:
    text = (
        csv_text([GOOD[0]])
        + '2026,前期,"010101"x,2級\r\n'
        + csv_text([GOOD[3]]).split("\r\n", 1)[1]
    )
    found = outcomes(encoded(text, "utf-8"), _roster())
    assert codes(found) == [(3, "", "malformed")]
    assert [o.row for o in found if isinstance(o, RowOutcome) and o.result] == [2, 4]


def test_a_line_without_end_is_refused() -> None:
    data = b"x" * 70_000
    with pytest.raises(LineTooLongError, match="line 1: longer than 65536 characters"):
        outcomes(data, _roster())


def test_an_english_file_gives_the_same_rows() -> None:
    english = load_mappings().source("en")
    header = [column.header for column in english.columns]
    term = {"前期": "first"}
    part = {"学科": "written", "実技": "practical"}
    component = {
        "": "",
        "製作等作業試験": "production",
        "製作等": "Production",
        "判断等試験": "judgement",
    }
    rows = []
    for cells in GOOD:
        year, t, work, grade, number, p, c, score, absent, below, name = cells
        rows.append(
            [
                year,
                term[t],
                work,
                grade.removesuffix("級"),
                number,
                part[p],
                component[c],
                "" if score == "欠" else score,
                "yes" if absent or score == "欠" else "no",
                "y" if below else "",
                name,
            ]
        )
    found = outcomes(encoded(csv_text(rows, header=header), "utf-8"), _roster(), mapping=english)
    assert codes(found) == []
    assert results(found) == _expected()


def test_the_encoding_is_known_after_reading() -> None:
    file = result_file(encoded(csv_text(GOOD), "utf-8-bom"), _roster())
    assert file.encoding is None
    list(file.outcomes())
    assert file.encoding == "utf-8-bom"
    assert file.source == "association"


def test_problem_severity() -> None:
    found = outcomes(encoded(csv_text([row("2601", name="髙")]), "cp932"), _roster())
    (outcome,) = found
    assert isinstance(outcome, RowOutcome)
    (problem,) = outcome.problems
    assert problem.code is ProblemCode.OUTSIDE_JIS_X_0208
    assert problem.severity is Severity.WARNING
    assert not problem.is_error
