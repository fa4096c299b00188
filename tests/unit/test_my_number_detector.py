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


# Text around a number that does not continue it: no digit, no separator.
around = st.text(
    alphabet=st.characters(
        exclude_categories=("Nd", "No", "Pd", "Zs", "Cs"), exclude_characters="".join(SEPS)
    ),
    max_size=5,
)


@given(data=st.data(), number=valid_numbers(), before=around)
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


# The rule for digit runs longer than twelve (kentei.my_number.candidates): a group of
# adjacent digits is never split, and a number written in groups continues through the
# separator it uses between them.

digits_of = st.sampled_from(DIGIT_SETS)


@given(data=st.data(), length=st.integers(13, 40))
def test_an_unbroken_run_of_more_than_twelve_digits_is_never_a_my_number(
    data: st.DataObject, length: int
) -> None:
    digits = data.draw(digits_of)
    run = "".join(data.draw(st.sampled_from(digits)) for _ in range(length))
    assert not my_number.contains(f"ref {run} end")
    assert my_number.redact(run) == run


@given(data=st.data(), sizes=st.lists(st.integers(1, 11), min_size=2, max_size=8))
def test_a_longer_number_written_in_groups_with_one_separator_is_never_a_my_number(
    data: st.DataObject, sizes: list[int]
) -> None:
    if sum(sizes) <= my_number.LENGTH:
        sizes = [*sizes, my_number.LENGTH + 1 - sum(sizes)]
    separator = data.draw(st.sampled_from(SEPS))
    digits = data.draw(digits_of)
    groups = ["".join(data.draw(st.sampled_from(digits)) for _ in range(n)) for n in sizes]
    assert not my_number.contains(separator.join(groups))


@given(number=valid_numbers(), whole=st.integers(0, 10**6))
def test_the_decimals_of_a_number_are_not_a_my_number(number: str, whole: int) -> None:
    assert not my_number.contains(f"took {whole}.{number} s")
    assert not my_number.contains(f"{number}.{whole} s")


@given(data=st.data(), number=valid_numbers(), other=st.integers(0, 10**10))
def test_a_my_number_next_to_another_number_by_another_separator_is_found(
    data: st.DataObject, number: str, other: int
) -> None:
    grouped = "-".join((number[:4], number[4:8], number[8:]))
    assert my_number.find(f"1-2-3 {grouped}") == [(6, 20)]
    assert my_number.contains(f"TEL {other} {number}")
    assert my_number.contains(f"{number}/{other}")


def test_the_rule_on_examples() -> None:
    assert my_number.contains(VALID)
    assert not my_number.contains("9" + VALID + "9")  # one 14-digit number
    assert not my_number.contains("1234-5678-9018-5")  # one 13-digit number in groups
    assert my_number.contains("〒100-0001 " + VALID)
    assert not my_number.contains("0." + VALID)
    assert [c[2] for c in my_number.candidates("12 3456 7890 18 77")] == []
