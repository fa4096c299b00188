"""English names for the certificate of pass in English: grades, trades, works and issuers.

The national catalogue (``kentei.exams``) names trades and works in Japanese only, so the
English names are data here (``english_names.json``): by trade and work code, by grade label,
the minister and each prefecture's governor. They are this repository's translations until an
association confirms them: the file says so (``confirmed``) with its provenance. A unit test
checks every trade and work of the catalogue has an English name; a code without one raises
:class:`NoEnglishNameError` naming the code (a code, never personal data), so the English
certificate is not issued with a Japanese name in it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kentei.exams.grades import Issuer, content_grade
from kentei.records.codes import Grade

ENGLISH_NAMES_FILE: Final = "english_names.json"

EnglishText = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[ -~]+$")]
"""Printable ASCII: what the English certificate prints."""

_PREFECTURE: Final = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")


class NoEnglishNameError(LookupError):
    """The table has no English name for ``what`` (``trade``, ``work``, ``grade`` or
    ``prefecture``) of ``code``."""

    def __init__(self, what: str, code: str) -> None:
        super().__init__(f"no English name for {what} {code}")
        self.what = what
        self.code = code


class EnglishNames(BaseModel):
    """The shipped table, with its provenance."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    confirmed: bool
    provenance: tuple[str, ...] = Field(min_length=1)
    grades: Mapping[Grade, EnglishText]
    trades: Mapping[Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")], EnglishText]
    works: Mapping[Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")], EnglishText]
    minister: EnglishText
    governor: Annotated[EnglishText, StringConstraints(pattern=r"\{prefecture\}")]
    prefectures: Mapping[str, EnglishText]

    @model_validator(mode="after")
    def _complete(self) -> EnglishNames:
        missing = [g.value for g in Grade if content_grade(g) not in self.grades]
        if missing:
            raise ValueError(f"no English name for grade {', '.join(missing)}")
        codes = set(self.prefectures)
        if any(not _PREFECTURE.fullmatch(code) for code in codes) or len(codes) != 47:
            raise ValueError("prefectures: the 47 JIS X 0401 codes, each once")
        return self

    def grade(self, grade: Grade) -> str:
        """``1級`` -> ``Grade 1``; an on-demand grade is named as the grade it sits."""
        found = self.grades.get(content_grade(grade))
        if found is None:
            raise NoEnglishNameError("grade", grade.value)
        return found

    def trade(self, code: str) -> str:
        found = self.trades.get(code)
        if found is None:
            raise NoEnglishNameError("trade", code)
        return found

    def work(self, code: str) -> str:
        found = self.works.get(code)
        if found is None:
            raise NoEnglishNameError("work", code)
        return found

    def issuer(self, issuer: Issuer, prefecture_code: str) -> str:
        """``Minister of Health, Labour and Welfare`` or ``Governor of Tokyo``."""
        if issuer is Issuer.MINISTER:
            return self.minister
        prefecture = self.prefectures.get(prefecture_code)
        if prefecture is None:
            raise NoEnglishNameError("prefecture", prefecture_code)
        return self.governor.format(prefecture=prefecture)


def shipped_text() -> str:
    return resources.files(__package__).joinpath(ENGLISH_NAMES_FILE).read_text(encoding="utf-8")


@functools.cache
def load_english_names() -> EnglishNames:
    """The shipped table, read and validated once."""
    return EnglishNames.model_validate_json(shipped_text())
