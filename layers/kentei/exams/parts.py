"""The parts of a test: the written test (学科試験) and the practical components (実技試験).

A grade's written format is the same nationwide; the practical test has one or more
components, each of one kind. A production component (製作等作業試験) runs to a standard time
(標準時間: overtime loses points) and a cut-off time (打切り時間: work stops); the judgement
(判断等試験) and planning (計画立案等作業試験) components have a plain test time (試験時間).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Minutes = Annotated[int, Field(ge=1, le=24 * 60)]
"""A duration in whole minutes."""

Note = Annotated[str, Field(min_length=1, max_length=500)]


class ComponentKind(StrEnum):
    """The kind of a practical component (実技試験の試験区分)."""

    PRODUCTION = "製作等作業試験"
    JUDGEMENT = "判断等試験"
    PLANNING = "計画立案等作業試験"


class WrittenFormat(BaseModel):
    """The format of a grade's written test (学科試験): true-false (真偽法) and multiple-choice
    (多肢択一法) questions, and its time where a public source gives it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    true_false: int = Field(ge=0, le=100, description="真偽法 questions")
    multiple_choice: int = Field(ge=0, le=100, description="多肢択一法 questions")
    minutes: Minutes | None = Field(None, description="試験時間, None where unconfirmed")
    confirmed: bool = Field(description="false: the figures still need a public source")
    note: Note | None = None

    @model_validator(mode="after")
    def _has_questions(self) -> Self:
        if self.true_false + self.multiple_choice == 0:
            raise ValueError("a written test needs at least one question")
        return self

    @property
    def questions(self) -> int:
        return self.true_false + self.multiple_choice


class PracticalComponent(BaseModel):
    """One component of a practical test (実技試験), with its times."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    kind: ComponentKind
    description: Note | None = None
    standard_minutes: Minutes | None = Field(None, description="標準時間 (製作等作業試験 only)")
    cutoff_minutes: Minutes | None = Field(None, description="打切り時間 (製作等作業試験 only)")
    minutes: Minutes | None = Field(None, description="試験時間 (判断等, 計画立案等)")
    confirmed: bool = Field(description="false: the times still need a public source")

    @model_validator(mode="after")
    def _times_fit_the_kind(self) -> Self:
        if self.kind is ComponentKind.PRODUCTION:
            if self.minutes is not None:
                raise ValueError("a 製作等作業試験 has a standard and a cut-off time, not minutes")
            if self.standard_minutes is not None and self.cutoff_minutes is None:
                raise ValueError("a standard time needs a cut-off time")
            if (
                self.standard_minutes is not None
                and self.cutoff_minutes is not None
                and self.cutoff_minutes < self.standard_minutes
            ):
                raise ValueError("the cut-off time cannot come before the standard time")
        elif self.standard_minutes is not None or self.cutoff_minutes is not None:
            raise ValueError(f"a {self.kind.value} has a test time (minutes), not standard/cut-off")
        return self


class GradeParts(BaseModel):
    """What a candidate for one work and grade sits: the written test and the practical
    components, any electives (選択科目) to choose from, and the licence to carry, if any."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    written: WrittenFormat
    practical: tuple[PracticalComponent, ...] = Field(min_length=1)
    electives: tuple[str, ...] = ()
    licence: str | None = None

    @property
    def elective_required(self) -> bool:
        return bool(self.electives)
