"""Numbers from patterns declared as data: exam numbers (受検番号), passer numbers (技能士番号),
certificate numbers (合格証書番号) and part-pass notice numbers.

A pattern is fixed text (ASCII letters, digits, ``-`` and ``_``) and ``{token}`` fields, the
sequence ``{seq}`` exactly once, zero-padded to the scheme's width. Each kind of number names
the tokens it offers; :func:`check_pattern` refuses any other. :func:`render` gives the
number, or refuses one that does not fit, that the records cannot hold, or that reads as a
My Number (:class:`LooksLikeMyNumberError`: the caller draws the next sequence, leaving a
gap, never a reuse).

Pure.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Final

from kentei import my_number

MAX_LENGTH: Final = 32
DRAWS: Final = 5
"""How many sequences a caller draws before giving up on numbers that read as a My Number
(each draw has about a one-in-ten chance of one, and only for 12-digit numbers)."""
_SAFE: Final = re.compile(r"^[0-9A-Za-z_-]*$")


class NumberSchemeError(ValueError):
    """A scheme that could give two records one number, or a number the records refuse."""


class LooksLikeMyNumberError(NumberSchemeError):
    """The number, read as a person would, is a valid My Number (twelve digits, maybe with
    separators, whose check digit is right): it would trip every leak check and alarm anyone
    reading it. The caller draws the next sequence (a gap, never a reuse)."""


def pattern_tokens(pattern: str) -> list[str]:
    """The token names of ``pattern``, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def check_pattern(pattern: str, allowed: frozenset[str]) -> list[str]:
    """The pattern's tokens; ``ValueError`` for an unknown token, a sequence missing or
    repeated, or fixed text outside ASCII letters, digits, ``-`` and ``_``."""
    names = pattern_tokens(pattern)
    unknown = set(names) - allowed
    if unknown:
        raise ValueError(f"unknown tokens {sorted(unknown)}")
    if names.count("seq") != 1:
        raise ValueError("the pattern holds the sequence exactly once")
    literal = "".join(text for text, _, _, _ in string.Formatter().parse(pattern))
    if not _SAFE.fullmatch(literal):
        raise ValueError("the pattern's fixed text is ASCII letters, digits, - or _")
    return names


def fixed_text(pattern: str) -> str:
    """The pattern without its tokens (what tells two patterns' numbers apart)."""
    return "".join(text for text, _, _, _ in string.Formatter().parse(pattern))


def render(pattern: str, values: Mapping[str, str], seq: int, width: int) -> str:
    """The number of sequence ``seq`` with ``values`` for the other tokens."""
    if not 0 < seq < 10**width:
        raise NumberSchemeError(f"the sequence {seq} does not fit {width} digits: it is full")
    number = pattern.format(**values, seq=f"{seq:0{width}d}")
    if len(number) > MAX_LENGTH or not _SAFE.fullmatch(number):
        raise NumberSchemeError("the scheme gives a number the records cannot hold")
    if my_number.contains(number):
        raise LooksLikeMyNumberError("this sequence gives a number that reads as a My Number")
    return number
