"""The page's language and dates: ``?lang=`` first, then ``Accept-Language`` by quality."""

from __future__ import annotations

import datetime as dt

import pytest

from public.wording import REASONS, TEXT, Language, choose, long_date, reason


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, Language.JA),
        ("en", "ja", Language.EN),
        ("ja", "en", Language.JA),
        ("fr", "en-US,en;q=0.9", Language.EN),
        (None, "fr-FR,fr;q=0.9,en;q=0.8,ja;q=0.7", Language.EN),
        (None, "en;q=0.5,ja;q=0.6", Language.JA),
        (None, "ja;q=0,en", Language.EN),
        (None, "en;q=0", Language.JA),
        (None, "en;q=abc,ja-JP", Language.JA),
        (None, "de", Language.JA),
        (None, "EN-gb", Language.EN),
    ],
)
def test_the_language_is_chosen_as_a_visitor_expects(
    query: str | None, header: str | None, expected: Language
) -> None:
    assert choose(query, header) is expected


def test_dates_read_naturally_in_each_language() -> None:
    day = dt.date(2027, 1, 5)
    assert long_date(day, Language.JA) == "2027年1月5日"
    assert long_date(day, Language.EN) == "2027-01-05"
    assert reason("superseded", None, Language.EN).startswith("Superseded by a reissue:")
    assert reason("revoked", day, Language.JA) == "合格が取り消されました（2027年1月5日）。"


def test_every_sentence_exists_in_both_languages() -> None:
    for table in (REASONS, TEXT):
        for key, sentences in table.items():
            assert set(sentences) == set(Language), key
            assert all(sentence.strip() for sentence in sentences.values()), key
