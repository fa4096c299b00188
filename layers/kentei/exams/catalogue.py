"""The national exam catalogue (検定職種一覧): trade (職種) → work (作業) → grade (級).

Each work lists the grades it offers; a trade offers 特級 as a whole, without a work. An
offered grade carries its practical components, any elective subjects (選択科目) of which the
candidate chooses one, and the licence to carry on the day, if any. The written format is the
same for every work of a grade, so the catalogue holds it once per grade. Codes: a trade has
four digits and each of its works the trade's code and two more (``"0101"`` → ``"010101"``),
as the application form carries them.

The structure and the cross-checks (unique codes, known grades, a format for every grade
offered, 単一等級 apart from the tiered grades) are validated when the file is read.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kentei.exams.errors import UnknownExamError
from kentei.exams.grades import (
    CATALOGUE_GRADES,
    TIERED_GRADES,
    TRADE_WIDE_GRADES,
    content_grade,
)
from kentei.exams.parts import GradeParts, Note, PracticalComponent, WrittenFormat
from kentei.records.codes import Grade

CATALOGUE_FILE: Final = "catalogue.json"

TradeCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
WorkCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
ElectiveCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,8}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class Elective(BaseModel):
    """An elective subject (選択科目): the candidate chooses one of a grade's electives."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    code: ElectiveCode
    name: Name


class GradeOffer(BaseModel):
    """A grade a work (or, for 特級, a trade) offers, with its practical test."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    grade: Grade
    practical: tuple[PracticalComponent, ...] = Field(min_length=1)
    electives: tuple[Elective, ...] = ()
    licence: Name | None = Field(None, description="資格証等 to carry on the day, if any")
    confirmed: bool = Field(description="false: the offer or its times still need a source")
    note: Note | None = None

    @model_validator(mode="after")
    def _known_grade_and_unique_electives(self) -> Self:
        if self.grade not in CATALOGUE_GRADES:
            raise ValueError(f"grade {self.grade.value} is not a catalogue grade")
        _no_duplicates("elective code", (elective.code for elective in self.electives))
        return self


class Work(BaseModel):
    """A work (作業) of a trade, and the grades it offers."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    code: WorkCode
    name: Name
    grades: tuple[GradeOffer, ...] = Field(min_length=1)
    confirmed: bool = True
    note: Note | None = None

    @model_validator(mode="after")
    def _grades_fit(self) -> Self:
        grades = [offer.grade for offer in self.grades]
        _no_duplicates(f"grade of work {self.code}", (grade.value for grade in grades))
        trade_wide = TRADE_WIDE_GRADES.intersection(grades)
        if trade_wide:
            labels = ", ".join(sorted(grade.value for grade in trade_wide))
            raise ValueError(f"work {self.code}: {labels} is offered by the trade, not a work")
        if Grade.SINGLE in grades and TIERED_GRADES.intersection(grades):
            raise ValueError(f"work {self.code}: 単一等級 excludes the tiered grades")
        return self

    def offer(self, grade: Grade) -> GradeOffer | None:
        return next((offer for offer in self.grades if offer.grade is grade), None)


class Trade(BaseModel):
    """A trade (職種): its works, and the grades it offers as a whole (特級)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    code: TradeCode
    name: Name
    works: tuple[Work, ...] = Field(min_length=1)
    grades: tuple[GradeOffer, ...] = Field((), description="trade-wide grades: 特級")
    note: Note | None = None

    @model_validator(mode="after")
    def _works_belong(self) -> Self:
        for work in self.works:
            if not work.code.startswith(self.code):
                raise ValueError(f"work {work.code} does not start with its trade code {self.code}")
        _no_duplicates(f"grade of trade {self.code}", (offer.grade.value for offer in self.grades))
        for offer in self.grades:
            if offer.grade not in TRADE_WIDE_GRADES:
                raise ValueError(f"trade {self.code}: {offer.grade.value} is offered per work")
        return self

    @property
    def single_grade_only(self) -> bool:
        """Every work offers 単一等級 and nothing else but, perhaps, 基礎級."""
        return not self.grades and all(
            {offer.grade for offer in work.grades} <= {Grade.SINGLE, Grade.BASIC}
            for work in self.works
        )

    def work(self, code: str) -> Work | None:
        return next((work for work in self.works if work.code == code), None)

    def offer(self, grade: Grade) -> GradeOffer | None:
        return next((offer for offer in self.grades if offer.grade is grade), None)


class Catalogue(BaseModel):
    """The national catalogue, with its provenance."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: Name
    provenance: tuple[Annotated[str, Field(min_length=1, max_length=500)], ...] = Field(
        min_length=1
    )
    note: str
    written_formats: dict[Grade, WrittenFormat] = Field(description="学科試験 per grade")
    trades: tuple[Trade, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        _no_duplicates("trade code", (trade.code for trade in self.trades))
        _no_duplicates("work code", (work.code for _, work in self.works()))
        for grade in self.written_formats:
            if grade not in CATALOGUE_GRADES:
                raise ValueError(f"written format for {grade.value}, not a catalogue grade")
        offered = {offer.grade for _, _, offer in self.offers()}
        missing = offered - self.written_formats.keys()
        if missing:
            labels = ", ".join(sorted(grade.value for grade in missing))
            raise ValueError(f"no written format for offered grade(s) {labels}")
        return self

    def works(self) -> Iterator[tuple[Trade, Work]]:
        for trade in self.trades:
            for work in trade.works:
                yield trade, work

    def offers(self) -> Iterator[tuple[Trade, Work | None, GradeOffer]]:
        """Every offered grade: trade-wide ones with ``None`` for the work."""
        for trade in self.trades:
            for offer in trade.grades:
                yield trade, None, offer
            for work in trade.works:
                for offer in work.grades:
                    yield trade, work, offer

    def trade(self, code: str) -> Trade:
        found = next((trade for trade in self.trades if trade.code == code), None)
        if found is None:
            raise UnknownExamError("trade_code", code, "not in the national catalogue")
        return found

    def work(self, trade_code: str, work_code: str) -> Work:
        found = self.trade(trade_code).work(work_code)
        if found is None:
            raise UnknownExamError("work_code", work_code, f"not a work of trade {trade_code}")
        return found

    def offer(self, trade_code: str, work_code: str | None, grade: Grade) -> GradeOffer:
        """The offered grade: 特級 from the trade (``work_code`` None), the others from the
        work. 随時3級 and 随時2級 sit the 3級 and 2級 tests."""
        sitting = content_grade(grade)
        if sitting in TRADE_WIDE_GRADES:
            found = self.trade(trade_code).offer(sitting)
            if found is None or work_code is not None:
                raise UnknownExamError(
                    "grade", grade.value, f"trade {trade_code} offers no trade-wide {grade.value}"
                )
            return found
        if work_code is None:
            raise UnknownExamError("work_code", None, f"{grade.value} is offered per work")
        found = self.work(trade_code, work_code).offer(sitting)
        if found is None:
            raise UnknownExamError("grade", grade.value, f"not offered by work {work_code}")
        return found

    def offers_grade(self, trade_code: str, work_code: str | None, grade: Grade) -> bool:
        try:
            self.offer(trade_code, work_code, grade)
        except UnknownExamError:
            return False
        return True

    def parts(self, trade_code: str, work_code: str | None, grade: Grade) -> GradeParts:
        """The written test and the practical components of a grade of a work."""
        offer = self.offer(trade_code, work_code, grade)
        return GradeParts(
            written=self.written_formats[offer.grade],
            practical=offer.practical,
            electives=tuple(elective.name for elective in offer.electives),
            licence=offer.licence,
        )

    def elective_required(self, trade_code: str, work_code: str | None, grade: Grade) -> bool:
        """Whether the candidate must choose an elective subject (選択科目)."""
        return bool(self.offer(trade_code, work_code, grade).electives)


def _no_duplicates(what: str, values: Iterable[str]) -> None:
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        raise ValueError(f"duplicate {what}: {', '.join(repeated)}")


def parse_catalogue(text: str | bytes) -> Catalogue:
    """A catalogue from its JSON text, validated (a ``pydantic.ValidationError`` otherwise)."""
    return Catalogue.model_validate_json(text)


@functools.cache
def load_catalogue() -> Catalogue:
    """The shipped catalogue, read and validated once."""
    text = resources.files(__package__).joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return parse_catalogue(text)
