"""A historical passer file checked into records and problems, and applied idempotently."""

from __future__ import annotations

import pytest
from tests.unit.results.historical.helpers import AT, HEADER, MemoryHistorical, csv_bytes, row

from kentei.data.audit import AuditAction
from kentei.records.codes import Grade, Sex, Term
from kentei.results.historical.apply import apply_historical_file, default_mapping
from kentei.results.historical.file import fiscal_year_of
from kentei.results.imports.problems import ProblemCode

MY_NUMBER = "123456789018"  # a valid check digit


def run(data: bytes, store: MemoryHistorical | None = None, *, apply: bool = True):  # type: ignore[no-untyped-def]
    store = store or MemoryHistorical()
    report = apply_historical_file(
        [data], default_mapping(), "13", store, at=AT, by="operator:test", apply=apply
    )
    return report, store


def codes(report) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(p.row, p.column, p.code.value) for p in report.problems]


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        ("2001", 2001),
        ("2001年度", 2001),
        ("H13", 2001),
        ("平成13", 2001),
        ("令和元", 2019),
        ("S60", 1985),
        ("R3", 2021),
        ("13", None),
        ("平成", None),
    ],
)
def test_fiscal_years_in_every_era(cell: str, year: int | None) -> None:
    assert fiscal_year_of(cell) == year


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_clean_file_in_any_encoding_is_stored_with_its_audit(encoding: str) -> None:
    report, store = run(csv_bytes(row(), row(技能士番号="13-2-000124"), encoding=encoding))

    assert report.clean
    assert report.applied
    assert (report.rows, report.valid, report.written) == (2, 2, 2)
    record = store.records["13-2-000123"]
    assert record.grade is Grade.SECOND
    assert record.term is Term.FIRST
    assert record.pass_fiscal_year == 2001
    assert record.passed_on.isoformat() == "2001-08-31"
    assert record.person.sex is Sex.MALE
    assert record.certificate_number == "C-000123"
    assert [e.action for e in store.audit] == [AuditAction.HISTORICAL_PASS_IMPORTED] * 2
    assert {e.record_id for e in store.audit} == {"13-2-000123", "13-2-000124"}


def test_the_same_file_twice_writes_nothing_the_second_time() -> None:
    data = csv_bytes(row())
    _, store = run(data)
    again, _ = run(data, store)

    assert again.clean
    assert (again.unchanged, again.new, again.written) == (1, 0, 0)
    assert store.writes == 1


def test_other_content_for_a_stored_number_is_a_conflict_never_an_overwrite() -> None:
    _, store = run(csv_bytes(row()))
    before = store.records["13-2-000123"]
    report, _ = run(csv_bytes(row(氏名="山田 次郎")), store)

    assert not report.clean
    assert report.written == 0
    assert codes(report) == [(2, "技能士番号", "conflicting-record")]
    assert store.records["13-2-000123"] == before


def test_a_dry_run_writes_nothing() -> None:
    report, store = run(csv_bytes(row()), apply=False)
    assert report.clean
    assert not report.applied
    assert report.new == 1
    assert not store.records


def test_a_file_with_an_error_is_not_applied_at_all() -> None:
    report, store = run(csv_bytes(row(), row(技能士番号="13-2-000124", 等級="9級")))
    assert codes(report) == [(3, "等級", "malformed")]
    assert not report.applied
    assert not store.records


def test_a_number_twice_in_the_file_is_a_duplicate() -> None:
    report, _ = run(csv_bytes(row(), row()), apply=False)
    assert codes(report) == [(3, "技能士番号", "duplicate-row")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"合格日": "2002-08-31"}, [(2, "合格日", "malformed")]),  # not in FY 2001
        ({"生年月日": "1970-13-02"}, [(2, "生年月日", "malformed")]),
        ({"合格年度": "十三"}, [(2, "合格年度", "malformed")]),
        ({"期": "夏"}, [(2, "期", "malformed")]),
        ({"技能士番号": "第123号"}, [(2, "技能士番号", "malformed")]),
        ({"氏名": ""}, [(2, "氏名", "missing-value")]),
        ({"ふりがな": "yamada"}, [(2, "ふりがな", "malformed")]),
        ({"等級": "単一等級"}, [(2, "等級", "wrong-round-or-work")]),
    ],
)
def test_each_broken_value_is_named_by_column_and_code(
    changes: dict[str, str], expected: list[tuple[int, str, str]]
) -> None:
    report, store = run(csv_bytes(row(**changes)))
    assert codes(report) == expected
    assert not store.records


def test_an_old_work_not_in_todays_catalogue_is_allowed_with_a_warning() -> None:
    report, store = run(csv_bytes(row(職種コード="9901", 作業コード="990101")))
    assert report.clean
    assert report.warnings == 1
    assert report.written == 1
    assert codes(report) == [(2, "作業コード", "unknown-work")]
    assert "9901" in store.records["13-2-000123"].trade_code


def test_the_historical_basic_first_grade_is_allowed() -> None:
    report, store = run(csv_bytes(row(等級="基礎1")))
    assert report.clean
    assert store.records["13-2-000123"].grade is Grade.BASIC_FIRST


def test_optional_columns_may_be_absent() -> None:
    header = "技能士番号,等級,職種コード,作業コード,合格年度,期,合格日,氏名,生年月日"
    line = "13-2-000123,2,0101,010101,2001,1,2001-08-31,山田 太郎,1970-01-02"
    report, store = run(csv_bytes(line, header=header))
    assert report.clean
    person = store.records["13-2-000123"].person
    assert person.sex is None
    assert person.address is None
    assert person.name_kana is None


def test_a_missing_required_column_stops_the_read() -> None:
    header = HEADER.replace("生年月日,", "")
    report, _ = run(csv_bytes("x", header=header))
    assert codes(report) == [(1, "生年月日", "missing-column")]
    assert report.rows == 0


@pytest.mark.parametrize("column", ["住所", "氏名", "技能士番号"])
@pytest.mark.parametrize("spelling", [MY_NUMBER, "1234 5678 9018", "１２３４５６７８９０１８"])
def test_a_my_number_in_any_cell_refuses_the_row_and_is_never_in_the_report(
    column: str, spelling: str
) -> None:
    report, store = run(csv_bytes(row(**{column: spelling})))

    assert codes(report) == [(2, column, "my-number")]
    assert not store.records
    text = repr(report.summary()) + "".join(
        chunk.decode("utf-8")
        for chunk in __import__(
            "kentei.results.imports.report", fromlist=["problems_csv"]
        ).problems_csv(report.problems)
    )
    assert "9018" not in text
    assert "９０１８" not in text


def test_problems_never_carry_a_cell_value() -> None:
    report, _ = run(csv_bytes(row(氏名="", 生年月日="山田花子"), row(合格日="xyz")), apply=False)
    assert report.problems
    for problem in report.problems:
        assert "山田" not in problem.message
        assert "xyz" not in problem.message
    assert ProblemCode.MISSING_VALUE.value in report.by_code
