"""Facts the checks derive from a form: nationality, trainee items, fiscal years, age."""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import Enum
from typing import Final

from kentei.records.applicant import Applicant

JAPAN: Final = frozenset({"日本", "日本国", "japan", "jpn", "jp"})
"""How forms write Japanese nationality; anything else given is a foreign nationality."""

TRAINEE_ITEMS: Final = (
    "trainee_exam_category",
    "training_plan_approval_number",
    "training_implementer_name",
    "training_site_name",
)
"""The technical intern training items (技能実習): given all together, or not at all."""

RESIDENCE_ITEMS: Final = ("residence_card_number", "residence_expiry_date", "entry_date")

MINIMUM_WORKING_AGE: Final = 15
"""Children may not be employed before the end of the school year in which they turn 15
(労働基準法 第56条): practical experience starts at 15 at the earliest."""

OLDEST_PLAUSIBLE_AGE: Final = 100


class Nationality(Enum):
    JAPANESE = "japanese"
    FOREIGN = "foreign"
    NOT_GIVEN = "not_given"


def nationality(form: Applicant) -> Nationality:
    if form.nationality is None:
        return Nationality.NOT_GIVEN
    text = unicodedata.normalize("NFKC", form.nationality).strip().casefold()
    return Nationality.JAPANESE if text in JAPAN else Nationality.FOREIGN


def given(form: Applicant, fields: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``fields`` the form has a value for."""
    return tuple(field for field in fields if getattr(form, field) is not None)


def fiscal_year_of(day: date) -> int:
    """The fiscal year (April to March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> date:
    return date(fiscal_year, 4, 1)


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day`` (negative if ``day`` is before the birth)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
