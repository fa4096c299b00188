"""The qualification pseudonymous ID: random, meaningless, never mistaken for a My Number."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.my_number import MyNumber, check_digit
from kentei.records.base import Record
from kentei.records.pseudonyms import Pseudonyms
from kentei.redaction import redact
from kentei.vault import is_qualification_pseudonym_id, new_qualification_pseudonym_id
from kentei.vault.memory import InMemoryVault

PROPERTY = settings(max_examples=100, database=None)
MY_NUMBERS = st.text(st.sampled_from("0123456789"), min_size=11, max_size=11).map(
    lambda first: MyNumber(first + str(check_digit(first)))
)


def test_given_many_pseudonyms_then_all_distinct_well_formed_and_never_redacted() -> None:
    issued = [new_qualification_pseudonym_id() for _ in range(5000)]

    assert len(set(issued)) == len(issued)
    assert all(is_qualification_pseudonym_id(p) for p in issued)
    assert all(redact(p) == p for p in issued)


def test_given_a_pseudonym_then_the_records_accept_it() -> None:
    pseudonym = new_qualification_pseudonym_id()

    record = Pseudonyms.model_validate({"資格仮名ID": pseudonym})

    assert isinstance(record, Record)
    assert record.qualification_pseudonym_id == pseudonym


def test_given_a_draw_that_looks_like_a_my_number_then_it_is_drawn_again() -> None:
    digit_run = base64.b32decode("2" * 24 + "AA======")  # encodes as 24 '2's and 'aa'
    draws = iter([digit_run, bytes(16)])

    pseudonym = new_qualification_pseudonym_id(lambda size: next(draws))

    assert pseudonym == "a" * 26


@PROPERTY
@given(MY_NUMBERS)
def test_given_any_number_then_its_pseudonym_is_not_a_function_of_it(number: MyNumber) -> None:
    first, second = InMemoryVault().enrol(number), InMemoryVault().enrol(number)

    assert first.qualification_pseudonym_id != second.qualification_pseudonym_id
    for pseudonym in (first.qualification_pseudonym_id, second.qualification_pseudonym_id):
        assert number.reveal() not in pseudonym
        assert number.reveal()[:6] not in pseudonym
        assert is_qualification_pseudonym_id(pseudonym)


@PROPERTY
@given(st.text(max_size=40))
def test_given_anything_else_then_it_is_not_a_qualification_pseudonym(text: str) -> None:
    if len(text) == 26 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in text):
        return
    assert not is_qualification_pseudonym_id(text)
