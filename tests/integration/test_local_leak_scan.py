"""The leak scan the e2e tier runs over output, items and messages finds what it must."""

from __future__ import annotations

import uuid

import pytest

from kentei.my_number import check_digit
from kentei_local.probes import my_numbers_in

FIRST_ELEVEN = "12345678901"
VALID = f"{FIRST_ELEVEN}{check_digit(FIRST_ELEVEN)}"
INVALID = f"{FIRST_ELEVEN}{(check_digit(FIRST_ELEVEN) + 1) % 10}"
FULL_WIDTH = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    "text",
    [
        f'{{"my_number": "{VALID}"}}',
        f"path=/v1/applicants/{VALID}?x=1",
        f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}",
        f"番号 {FULL_WIDTH}",
    ],
)
def test_a_valid_my_number_is_found_however_written(text: str) -> None:
    assert len(my_numbers_in(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        INVALID,
        f"1{VALID}",
        "1795746972536",
        f"{uuid.UUID(int=0)}".replace("000000000000", VALID),
        f"took 0.{VALID} s",
    ],
)
def test_other_numbers_are_not_reported(text: str) -> None:
    assert my_numbers_in(text) == []
