"""CSV with Japanese headers: blank cells, headers, and errors that name lines, not values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kentei.records import (
    Applicant,
    CsvFormatError,
    ExamManagement,
    Passer,
    csv_headers,
    dump_csv,
    load_csv,
)
from kentei.records.codes import Attendance, PassFail

HEADER = "都道府県コード,氏名,生年月日,性別,住所,方書,郵便番号"


def test_given_a_csv_with_empty_and_blank_cells_then_optional_items_are_none() -> None:
    text = HEADER + "\r\n13,山田 太郎,19900401,1,東京都千代田区1-1,,  \r\n"

    [applicant] = load_csv(Applicant, text)

    assert applicant.address_line2 is None
    assert applicant.postal_code is None
    assert applicant.birth_date.isoformat() == "1990-04-01"


def test_given_records_when_dumped_then_absent_items_are_empty_cells_in_spec_order() -> None:
    record = ExamManagement.model_validate(
        {"都道府県コード": "01", "受検番号": "X1", "学科出欠": "出席", "学科得点": "85"}
    )

    lines = dump_csv(ExamManagement, [record]).split("\r\n")

    assert lines[0] == ",".join(csv_headers(ExamManagement))
    assert lines[1].startswith("01,,,,,,,X1,,,出席,85,")
    assert lines[2] == ""
    assert load_csv(ExamManagement, "\r\n".join(lines))[0].written_attendance is Attendance.PRESENT


def test_given_english_headers_a_bom_and_a_subset_of_columns_then_read() -> None:
    text = "\ufeffprefecture_code,exam_number,passed_flag\n13,A-1,合格\n\n,,\n"

    [record] = load_csv(ExamManagement, text)

    assert record.exam_number == "A-1"
    assert record.passed_flag is PassFail.PASSED
    assert record.written_score is None


def test_given_bad_rows_when_read_then_one_error_names_each_line_and_header_only() -> None:
    text = (
        HEADER
        + "\r\n13,山田 太郎,1990-04-01,1,東京都,,100-0001"
        + "\r\n99,SECRET,1990-02-30,1,東京都,,"
        + "\r\n13,,1990-04-01,1,東京都,,"
    )

    with pytest.raises(ValidationError) as caught:
        load_csv(Applicant, text)

    errors = caught.value.errors()
    assert [(e["loc"], e["type"]) for e in errors] == [
        ((3, "都道府県コード"), "string_pattern_mismatch"),
        ((3, "生年月日"), "value_error"),
        ((4, "氏名"), "missing"),
    ]
    assert "SECRET" not in str(caught.value) + caught.value.json()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header row"),
        ("都道府県コード,山田 太郎,123456789018\r\n", "columns 2, 3 are not items of Applicant"),
        ("氏名,name\r\n", "column 2 repeats an item"),
        (HEADER + "\r\n13,山田\r\n", "line 2 has 2 cells; the header has 7"),
    ],
)
def test_given_a_malformed_csv_then_a_format_error_without_cell_content(
    text: str, message: str
) -> None:
    with pytest.raises(CsvFormatError, match=message) as caught:
        load_csv(Applicant, text)

    assert "山田" not in str(caught.value)
    assert "123456789018" not in str(caught.value)


def test_given_records_of_another_model_when_dumped_then_type_error() -> None:
    record = ExamManagement.model_validate({"都道府県コード": "01", "受検番号": "X1"})

    with pytest.raises(TypeError):
        dump_csv(Passer, [record])


def test_given_a_text_with_commas_quotes_and_line_breaks_then_the_csv_round_trips() -> None:
    record = Passer.model_validate({"合格取消理由": 'a, "b"\n改行', "合否文字予備01": "x,y"})

    assert load_csv(Passer, dump_csv(Passer, [record])) == [record]
