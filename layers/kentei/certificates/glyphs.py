"""The glyph gate: a certificate is never printed with a character its font cannot draw.

Before a certificate is drawn, every character of every text it prints (above all the name)
is looked up in IPAex明朝's character map (its best Unicode ``cmap``). A name outside the font
(for example U+20BB7 𠮷, a variant of 吉 that IPAex lacks) raises :class:`GlyphGateError`,
which names the fields and how many of their characters are missing, never the characters:
the issuing flow sends such a certificate to staff, who choose a substitute or a fuller font.
:func:`missing_glyphs` is the check itself, for the flow to ask before it renders.

fontTools is imported inside :func:`font_characters` (cold start); the map is read once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from kentei.fonts import IPAEX_MINCHO


@functools.cache
def font_characters() -> frozenset[int]:
    """The code points IPAex明朝 maps to a glyph."""
    from fontTools.ttLib import TTFont  # font code is kept off the cold-start path

    with TTFont(IPAEX_MINCHO, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str) -> tuple[str, ...]:
    """The distinct characters of ``text`` the certificate font cannot draw, in order of first
    appearance (empty when it can draw them all). A line or paragraph separator, a tab or any
    other control character counts as missing: a certificate's values are single lines."""
    drawable = font_characters()
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) not in drawable or (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0):
            missing[char] = None
    return tuple(missing)


@dataclass(frozen=True)
class GlyphProblem:
    """A field with characters outside the font: its name and how many (distinct) there are."""

    field: str
    missing: int


class GlyphGateError(ValueError):
    """Text the certificate font cannot draw. ``problems`` names each field and its count of
    missing code points; the characters and the text are not kept."""

    def __init__(self, problems: tuple[GlyphProblem, ...]) -> None:
        listed = ", ".join(f"{p.field} ({p.missing})" for p in problems)
        super().__init__(f"characters the certificate font cannot draw in {listed}")
        self.problems = problems

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(problem.field for problem in self.problems)


def glyph_problems(texts: Iterable[tuple[str, str]]) -> tuple[GlyphProblem, ...]:
    """Each field of ``texts`` (field, text) with characters outside the font."""
    problems: dict[str, int] = {}
    for field, text in texts:
        count = len(missing_glyphs(text))
        if count:
            problems[field] = problems.get(field, 0) + count
    return tuple(GlyphProblem(field, count) for field, count in problems.items())


def gate(texts: Iterable[tuple[str, str]]) -> None:
    """Raises :class:`GlyphGateError` if any field of ``texts`` has a character outside the
    font."""
    problems = glyph_problems(texts)
    if problems:
        raise GlyphGateError(problems)
