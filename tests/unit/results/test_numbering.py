"""Pass number schemes as data: each kind and issuer its own sequence, numbers that tell the
issuers apart, and schemes that could give two passes one number refused."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.exams.grades import Issuer, issuer_of
from kentei.numbering import LooksLikeMyNumberError, NumberSchemeError
from kentei.records.codes import Grade
from kentei.results.numbering import (
    Numbered,
    NumberKind,
    PassNumberScheme,
    PassNumberSchemes,
    pass_number_schemes,
)

FIRST = Numbered("13", 2026, Grade.FIRST, "0301", "030101")
SECOND = Numbered("13", 2026, Grade.SECOND, "0301", "030101")


def _shipped() -> dict[str, Any]:
    text = (
        resources.files("kentei.results")
        .joinpath("pass_number_schemes.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def test_the_issuer_follows_the_grade() -> None:
    assert {g for g in Grade if issuer_of(g) is Issuer.MINISTER} == {
        Grade.SPECIAL,
        Grade.FIRST,
        Grade.SINGLE,
    }
    assert FIRST.issuer is Issuer.MINISTER
    assert SECOND.issuer is Issuer.GOVERNOR


def test_the_default_numbers_and_their_sequences() -> None:
    schemes = pass_number_schemes()
    passer = schemes.of(NumberKind.PASSER, FIRST)
    assert passer.number(FIRST, 7) == "13M26-000007"
    assert passer.counter(NumberKind.PASSER, FIRST) == "passer#minister#2026"
    certificate = schemes.of(NumberKind.CERTIFICATE, SECOND)
    assert certificate.number(SECOND, 1) == "C13G262-00001"
    assert certificate.counter(NumberKind.CERTIFICATE, SECOND) == "certificate#governor#2026#2"
    notice = schemes.of(NumberKind.PART_PASS_NOTICE, SECOND)
    assert notice.number(SECOND, 12) == "P13G26-000012"


def test_a_full_sequence_is_refused_never_wrapped() -> None:
    scheme = PassNumberScheme(pattern="{fy2}-{seq}", sequence_width=3)
    assert scheme.number(FIRST, 999) == "26-999"
    with pytest.raises(NumberSchemeError, match="full"):
        scheme.number(FIRST, 1000)


def test_a_number_that_reads_as_a_my_number_is_refused() -> None:
    scheme = PassNumberScheme(pattern="{seq}", sequence_width=9, sequence_scope="ever")
    # 12 digits never come from 9; a 12-digit pattern with a valid check digit does:
    twelve = PassNumberScheme(pattern="123456{seq}", sequence_width=6, sequence_scope="ever")
    assert scheme.number(FIRST, 5) == "000000005"
    refused = 0
    for seq in range(1, 40):
        try:
            twelve.number(FIRST, seq)
        except LooksLikeMyNumberError:
            refused += 1
    assert refused > 0, "some 12-digit numbers have a valid check digit"


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ({"pattern": "{pref}-{seq}", "sequence_width": 5}, "needs {fy}"),
        (
            {"pattern": "{fy2}-{seq}", "sequence_width": 5, "sequence_scope": "year-grade"},
            "needs {grade}",
        ),
        ({"pattern": "{fy2}-{name}-{seq}", "sequence_width": 5}, "unknown tokens"),
        ({"pattern": "{fy2}-{seq}{seq}", "sequence_width": 5}, "exactly once"),
        ({"pattern": "第{fy2}-{seq}", "sequence_width": 5}, "fixed text"),
    ],
)
def test_unsound_schemes_are_refused(scheme: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PassNumberScheme.model_validate(scheme)


def test_the_issuers_numbers_must_differ() -> None:
    data = _shipped()
    same = {"pattern": "{fy2}-{seq}", "sequence_width": 5}
    data["schemes"]["13"] = {
        **data["schemes"]["default"],
        "passer": {"minister": same, "governor": same},
    }
    with pytest.raises(ValueError, match="cannot be told apart"):
        PassNumberSchemes.model_validate(data)
    named = {"pattern": "{issuer}{fy2}-{seq}", "sequence_width": 5}
    data["schemes"]["13"]["passer"] = {"minister": named, "governor": named}
    schemes = PassNumberSchemes.model_validate(data)
    assert schemes.of(NumberKind.PASSER, FIRST).number(FIRST, 1) == "M26-00001"


def test_every_kind_needs_both_issuers_and_keys_are_prefectures() -> None:
    data = _shipped()
    del data["schemes"]["default"]["passer"]["governor"]
    with pytest.raises(ValueError, match="each issuer"):
        PassNumberSchemes.model_validate(data)
    data = _shipped()
    data["schemes"]["48"] = data["schemes"]["default"]
    with pytest.raises(ValueError, match="not a prefecture"):
        PassNumberSchemes.model_validate(data)


@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=1, max_value=999_999))
def test_two_sequences_give_two_numbers(a: int, b: int) -> None:
    scheme = pass_number_schemes().of(NumberKind.PASSER, SECOND)
    if a != b:
        assert scheme.number(SECOND, a) != scheme.number(SECOND, b)
