"""The one My Number detector: any spelling found, redaction total, wrong check digits pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kentei import my_number

VALID = "123456789018"
DIGIT_SETS = [
    "0123456789",
    "０１２３４５６７８９",
    "٠١٢٣٤٥٦٧٨٩",
    "०१२३४५६७८९",
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
]
SEPS = sorted(my_number.SEPARATORS)


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    first = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=11, max_size=11)))
    return first + str(my_number.check_digit(first))


@st.composite
def spellings(draw: st.DrawFn, number: str) -> str:
    out = []
    for n, d in enumerate(number):
        out.append(draw(st.sampled_from(DIGIT_SETS))[int(d)])
        if n < len(number) - 1:
            out.append("".join(draw(st.lists(st.sampled_from(SEPS), max_size=2))))
    return "".join(out)


def test_sample_is_valid() -> None:
    assert my_number.is_valid(VALID)


@given(data=st.data(), number=valid_numbers(), before=st.text(max_size=5))
def test_every_spelling_found_and_redacted(data: st.DataObject, number: str, before: str) -> None:
    spelled = data.draw(spellings(number))
    text = "ref " + spelled + " end"
    assert my_number.contains(text)
    assert not my_number.contains(my_number.redact(text))
    assert not my_number.contains(my_number.redact(before + spelled))


@given(data=st.data(), number=valid_numbers(), delta=st.integers(1, 9))
def test_wrong_check_digit_not_flagged(data: st.DataObject, number: str, delta: int) -> None:
    wrong = number[:11] + str((int(number[11]) + delta) % 10)
    assert not my_number.contains(data.draw(spellings(wrong)))


def test_mixed_separators_and_scan_paths() -> None:
    text = "１２３４ー５６７８・９０１８"
    assert my_number.redact(text) == my_number.REDACTED
    body = {"applicant": {"employer_code": "x" + "1234.5678.9018"}}
    assert my_number.scan({"body": body}) == "body.applicant.employer_code"
    assert my_number.scan(
        {"attachments": [{}, {}, {"file_name": "１２３４５６７８９０１８.pdf"}]}
    ) == ("attachments[2].file_name")
    assert my_number.scan({"query": {"resubmission_of": "exam-2026"}}) is None


def test_padded_inside_longer_run_is_found() -> None:
    assert my_number.contains("9" + VALID + "9")
