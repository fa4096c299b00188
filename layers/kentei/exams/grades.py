"""Which grades (級) the catalogue and the rounds may name, and how they relate.

The grade labels are those of the application form (:class:`kentei.records.codes.Grade`).
The catalogue offers the six grades of the national system; the on-demand grades 随時3級 and
随時2級 are sittings of the 3級 and 2級 tests outside the regular rounds, so their content
(written format, practical components) is that of 3級 and 2級.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from kentei.records.codes import Grade

CATALOGUE_GRADES: Final = frozenset(
    {Grade.SPECIAL, Grade.FIRST, Grade.SECOND, Grade.THIRD, Grade.SINGLE, Grade.BASIC}
)
"""The grades a work (or, for 特級, a trade) can offer."""

REGULAR_GRADES: Final = frozenset(
    {Grade.SPECIAL, Grade.FIRST, Grade.SECOND, Grade.THIRD, Grade.SINGLE}
)
"""The grades held in the regular rounds (前期, 後期)."""

ON_DEMAND_GRADES: Final = frozenset({Grade.BASIC, Grade.ANYTIME_THIRD, Grade.ANYTIME_SECOND})
"""The grades held on demand (随時), mainly for technical intern trainees."""

SECOND_TERM_ONLY: Final = frozenset({Grade.SPECIAL})
"""特級 is held in 後期 only."""

TRADE_WIDE_GRADES: Final = frozenset({Grade.SPECIAL})
"""Grades a trade offers as a whole, without a work (特級)."""

TIERED_GRADES: Final = frozenset({Grade.SPECIAL, Grade.FIRST, Grade.SECOND, Grade.THIRD})
"""The tiered grades, which a 単一等級 work does not offer."""

_CONTENT: Final = {Grade.ANYTIME_THIRD: Grade.THIRD, Grade.ANYTIME_SECOND: Grade.SECOND}


def content_grade(grade: Grade) -> Grade:
    """The catalogue grade whose test ``grade`` sits: 随時3級 is 3級, 随時2級 is 2級."""
    return _CONTENT.get(grade, grade)


class Issuer(StrEnum):
    """In whose name a pass is certified (職業能力開発促進法 art. 49; domain.md)."""

    MINISTER = "minister"
    """厚生労働大臣: 特級, 1級 and 単一等級."""
    GOVERNOR = "governor"
    """都道府県知事: 2級, 3級 and 基礎級 (and their on-demand sittings)."""


MINISTER_GRADES: Final = frozenset({Grade.SPECIAL, Grade.FIRST, Grade.SINGLE})


def issuer_of(grade: Grade) -> Issuer:
    """The issuer of a pass of ``grade``: the minister for 特級, 1級 and 単一等級, the governor
    for the others."""
    return Issuer.MINISTER if grade in MINISTER_GRADES else Issuer.GOVERNOR
