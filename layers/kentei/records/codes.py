"""Categories whose values the record items list: term, grade, exam category, sex, results.

Each enum's value is the label the forms and CSV files use, so JSON and CSV carry the
Japanese label (``"1級"``). Input is NFKC-normalised first (``"１級"`` is ``"1級"``), and the
English member name is accepted too, in any case (``"first"`` is ``Term.FIRST``).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any, Final


class LabelledEnum(StrEnum):
    """A StrEnum that also takes NFKC variants of its labels and its members' names."""

    @classmethod
    def _synonyms(cls) -> dict[str, str]:
        """Extra spellings, mapped to a member's value."""
        return {}

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None
        text = unicodedata.normalize("NFKC", value).strip()
        text = cls._synonyms().get(text, text)
        for member in cls:
            if text == member.value or text.upper() == member.name:
                return member
        return None


class Term(LabelledEnum):
    """Exam term (期別): the first or second half of the fiscal year, or any time."""

    FIRST = "前期"
    SECOND = "後期"
    ANYTIME = "随時"


class Grade(LabelledEnum):
    """Grade (級) of a skills test."""

    SPECIAL = "特級"
    FIRST = "1級"
    SECOND = "2級"
    THIRD = "3級"
    SINGLE = "単一等級"
    BASIC = "基礎級"
    ANYTIME_SECOND = "随時2級"
    ANYTIME_THIRD = "随時3級"
    BASIC_FIRST = "基礎1級"
    """Historical grade, merged into 基礎級; kept for initial registration of past passes."""
    BASIC_SECOND = "基礎2級"
    """Historical grade, merged into 基礎級; kept for initial registration of past passes."""


class ExamCategory(LabelledEnum):
    """Exam category (受検区分): which parts the examinee sits."""

    WRITTEN_AND_PRACTICAL = "学科+実技"
    WRITTEN_ONLY = "学科のみ"
    PRACTICAL_ONLY = "実技のみ"


class Schedule(LabelledEnum):
    """Regular or any-time exam (定期・随時の別)."""

    REGULAR = "定期"
    ANYTIME = "随時"


class ApplicantKind(LabelledEnum):
    """Group or individual application (団体・個人の別)."""

    GROUP = "団体"
    INDIVIDUAL = "個人"


class Sex(LabelledEnum):
    """Sex (性別) as an ISO/IEC 5218 code; 男/男性 and 女/女性 are accepted on input."""

    NOT_KNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    NOT_APPLICABLE = "9"

    @classmethod
    def _synonyms(cls) -> dict[str, str]:
        return _SEX_SYNONYMS


_SEX_SYNONYMS: Final = {"男": "1", "男性": "1", "女": "2", "女性": "2"}


class Attendance(LabelledEnum):
    """Attendance (出欠) at a test or part of one."""

    PRESENT = "出席"
    ABSENT = "欠席"


class PassFail(LabelledEnum):
    """Result (合否) of a test, a part of one, or the whole exam."""

    PASSED = "合格"
    FAILED = "不合格"
