"""The glyph gate: a certificate is never drawn with a character IPAex明朝 lacks. The errors
name the fields and a count, never the characters; names of drawable characters always
render."""

from __future__ import annotations

import unicodedata
from typing import Final

import pytest
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.certificates.samples import printed, proof

from kentei.certificates import content, glyphs, pdf
from kentei.certificates.content import Certificate, Language
from kentei.fonts import IPAEX_MINCHO
from kentei.records.codes import Grade

TSUCHIYOSHI: Final = "\U00020bb7"
"""𠮷 (U+20BB7, CJK Extension B), the つちよし variant of 吉: not in IPAex明朝."""
SHIKARU: Final = "\U00020b9f"
"""𠮟 (U+20B9F, CJK Extension B): in IPAex明朝."""
S_COMMA: Final = "\u0219"
"""ș (U+0219, Romanian): a Latin letter IPAex明朝 lacks."""


@pytest.fixture(scope="module")
def cmap() -> frozenset[int]:
    """The font's character map read here with fontTools, independently of the module."""
    with TTFont(IPAEX_MINCHO, lazy=True) as font:
        return frozenset(font.getBestCmap())


def test_the_characters_used_below_are_where_the_font_says(cmap: frozenset[int]) -> None:
    assert ord(TSUCHIYOSHI) not in cmap
    assert ord(S_COMMA) not in cmap
    assert ord(SHIKARU) in cmap
    assert glyphs.font_characters() == cmap


def test_missing_glyphs_lists_each_character_once_in_order() -> None:
    assert glyphs.missing_glyphs("山田 太郎") == ()
    assert glyphs.missing_glyphs(f"{SHIKARU}田") == ()
    twice = f"{TSUCHIYOSHI}田 {TSUCHIYOSHI}\ue000"
    assert glyphs.missing_glyphs(twice) == (TSUCHIYOSHI, "\ue000")


def test_a_control_character_counts_as_missing() -> None:
    assert glyphs.missing_glyphs("山田\n太郎") == ("\n",)
    assert glyphs.missing_glyphs("a\u0085b") == ("\u0085",)


def assert_refused(certificate: Certificate, expected: dict[str, int], *secret: str) -> None:
    with pytest.raises(glyphs.GlyphGateError) as raised:
        pdf.render(certificate)
    problems = {problem.field: problem.missing for problem in raised.value.problems}
    assert problems == expected
    message = str(raised.value)
    for field in expected:
        assert field in message
    for text in secret:
        assert text not in message
        for char in text:
            if not char.isascii():
                assert f"{ord(char):X}" not in message.upper()


@pytest.mark.parametrize("grade", [Grade.FIRST, Grade.SECOND])
def test_a_name_outside_the_font_is_stopped_naming_the_field(grade: Grade) -> None:
    name = f"{TSUCHIYOSHI}田 太郎"
    assert_refused(printed(grade=grade, name=name), {"name": 1}, name, TSUCHIYOSHI, "太郎")
    assert_refused(proof(name=name), {"name": 1}, name, TSUCHIYOSHI)


def test_a_latin_name_outside_the_font_is_stopped_on_the_english_certificate() -> None:
    name = f"{S_COMMA}tefan Popescu"
    english = proof(language=Language.EN, name_latin=name)
    assert_refused(english, {"name_latin": 1}, name)


def test_every_field_is_checked_and_each_named_with_its_count() -> None:
    bad = "\U00020000\U00020001"  # two CJK Extension B ideographs IPAex明朝 lacks
    certificate = printed(name=f"山{TSUCHIYOSHI}", trade=f"機械{bad}", work=f"旋盤{bad[0]}")
    assert_refused(certificate, {"name": 1, "trade": 2, "work": 1}, bad)


def test_the_japanese_name_is_not_drawn_on_the_english_certificate() -> None:
    """The English certificate of pass prints the name in Latin letters: a name in kanji the
    font lacks does not stop it."""
    english = proof(language=Language.EN, name=f"{TSUCHIYOSHI}田 太郎")
    assert pdf.render(english).startswith(b"%PDF-")


def test_every_fixed_label_is_drawable() -> None:
    assert glyphs.glyph_problems(("layout", label) for label in pdf.LABELS) == ()


def drawable_names() -> st.SearchStrategy[str]:
    """Names of letters the font draws (any script it covers), with spaces between."""
    drawable = sorted(
        chr(code)
        for code in glyphs.font_characters()
        if unicodedata.category(chr(code)).startswith("L")
        and unicodedata.normalize("NFC", chr(code)) == chr(code)
    )
    letters = st.sampled_from(drawable)
    word = st.text(letters, min_size=1, max_size=10)
    spaced = st.lists(word, min_size=1, max_size=4).map(
        lambda words: "\u3000".join(words)[: content.NAME_MAX]
    )
    return spaced.filter(lambda name: not glyphs.missing_glyphs(unicodedata.normalize("NFC", name)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=drawable_names(), grade=st.sampled_from([Grade.FIRST, Grade.THIRD]), kind=st.booleans())
def test_a_name_of_drawable_characters_always_renders(name: str, grade: Grade, kind: bool) -> None:
    certificate = printed(name=name, grade=grade) if kind else proof(name=name, grade=grade)
    assert pdf.render(certificate).startswith(b"%PDF-")
