"""The parts of a test (学科, 実技) and the round (試験回) a sitting belongs to.

Kept apart from :mod:`kentei.roster.sitting` so that what a sitting refers to (exemption
decisions, :mod:`kentei.exemptions`) can name them without importing the sitting.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from kentei.records.codes import ExamCategory, Term
from kentei.records.fields import FiscalYear


class Part(StrEnum):
    """A part of the test (試験科目): the written test (学科) or the practical test (実技)."""

    WRITTEN = "written"
    PRACTICAL = "practical"


PARTS_OF: Final[dict[ExamCategory, tuple[Part, ...]]] = {
    ExamCategory.WRITTEN_AND_PRACTICAL: (Part.WRITTEN, Part.PRACTICAL),
    ExamCategory.WRITTEN_ONLY: (Part.WRITTEN,),
    ExamCategory.PRACTICAL_ONLY: (Part.PRACTICAL,),
}
"""受検区分 → the parts sat (a part not sat is exempt or passed before)."""


class ExamRound(BaseModel):
    """A round (試験回): a fiscal year (年度) and its term (前期, 後期, 随時)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    fiscal_year: FiscalYear
    term: Term

    @property
    def key(self) -> str:
        """``2026-前期``: how the round names its items."""
        return f"{self.fiscal_year}-{self.term.value}"
