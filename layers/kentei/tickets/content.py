"""What an exam ticket (受検票) says: a typed, frozen model the certify function fills in and
:func:`kentei.tickets.pdf.render` draws. It holds what the person needs on the day and nothing
else: no My Number, no address of the person, no date of birth.

Validation errors hide their input (``hide_input_in_errors``): a name never reaches a log
through one.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.tickets.wareki import fiscal_year_label

_CONFIG: Final = ConfigDict(
    extra="forbid", frozen=True, hide_input_in_errors=True, defer_build=True
)


def _printable(value: str) -> str:
    """NFC, without control, format or line-separator characters (a ticket line is one line)."""
    value = unicodedata.normalize("NFC", value)
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in value):
        raise ValueError("control characters are not allowed")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _code(value: str) -> str:
    """ASCII letters, digits and hyphens (full-width spellings are normalised first)."""
    value = unicodedata.normalize("NFKC", value)
    if not value or not all(char.isascii() and (char.isalnum() or char == "-") for char in value):
        raise ValueError("only ASCII letters, digits and hyphens")
    return value


CODE_MAX: Final = 40
NAME_MAX: Final = 40
TRADE_MAX: Final = 28
"""The trade and the work share one line: 職種（作業）."""
VENUE_NAME_MAX: Final = 50
ADDRESS_MAX: Final = 100
ASSOCIATION_MAX: Final = 30
"""Lengths in characters; the longest of each fits its place on the ticket (a test renders them)."""


Code = Annotated[str, Field(min_length=1, max_length=CODE_MAX), AfterValidator(_code)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_printable)]
Trade = Annotated[str, Field(min_length=1, max_length=TRADE_MAX), AfterValidator(_printable)]
VenueName = Annotated[
    str, Field(min_length=1, max_length=VENUE_NAME_MAX), AfterValidator(_printable)
]
Address = Annotated[str, Field(min_length=1, max_length=ADDRESS_MAX), AfterValidator(_printable)]
Association = Annotated[
    str, Field(min_length=1, max_length=ASSOCIATION_MAX), AfterValidator(_printable)
]


class Grade(enum.StrEnum):
    """等級: the value is the label printed."""

    SPECIAL = "特級"
    FIRST = "1級"
    SECOND = "2級"
    THIRD = "3級"
    SINGLE = "単一等級"
    BASIC = "基礎級"


class Term(enum.StrEnum):
    """The round of the fiscal year (前期/後期, or 随時 for the tests held on demand)."""

    FIRST = "前期"
    SECOND = "後期"
    ON_DEMAND = "随時"


class PartKind(enum.StrEnum):
    """A part of the test (学科試験 or a component of the 実技試験): the value is printed."""

    WRITTEN = "学科試験"
    PRODUCTION = "製作等作業試験"
    JUDGEMENT = "判断等試験"
    PLANNING = "計画立案等作業試験"
    PRACTICAL = "実技試験"


class TicketStatus(enum.StrEnum):
    ISSUED = "issued"
    SUPERSEDED = "superseded"
    VOID = "void"


STATUS_MARKS: Final = {
    TicketStatus.ISSUED: None,
    TicketStatus.SUPERSEDED: "差替済",
    TicketStatus.VOID: "無効",
}
"""The mark a ticket no longer valid carries across its page."""


class PersonName(BaseModel):
    model_config = _CONFIG

    kanji: Name
    kana: Name | None = None


class Venue(BaseModel):
    model_config = _CONFIG

    name: VenueName
    address: Address


class Part(BaseModel):
    """One part the person takes: its day, hours and venue, or 免除 when exempt."""

    model_config = _CONFIG

    kind: PartKind
    exempt: bool = False
    date: dt.date | None = None
    start: dt.time | None = None
    end: dt.time | None = None
    venue: Venue | None = None

    @model_validator(mode="after")
    def _schedule_or_exempt(self) -> Part:
        scheduled = (self.date, self.start, self.end, self.venue)
        if self.exempt:
            if any(value is not None for value in scheduled):
                raise ValueError("an exempt part has no date, time or venue")
        elif any(value is None for value in scheduled):
            raise ValueError("a part taken needs its date, start, end and venue")
        elif self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("a part ends after it starts")
        return self


class Round(BaseModel):
    """The round of the test: fiscal year (西暦) and term."""

    model_config = _CONFIG

    fiscal_year: int = Field(ge=2019, le=2099)
    term: Term

    @property
    def label(self) -> str:
        """``令和8年度 前期``."""
        return f"{fiscal_year_label(self.fiscal_year)} {self.term.value}"


class TicketContent(BaseModel):
    """Everything a 受検票 shows. ``ticket_id`` and ``exam_number`` are codes, the rest text."""

    model_config = _CONFIG

    ticket_id: Code
    exam_number: Code
    name: PersonName
    round: Round
    trade: Trade
    work: Trade | None = None
    grade: Grade
    parts: tuple[Part, ...] = Field(min_length=1, max_length=4)
    association: Association
    issued_at: AwareDatetime
    status: TicketStatus = TicketStatus.ISSUED

    @model_validator(mode="after")
    def _one_part_of_each_kind(self) -> TicketContent:
        kinds = [part.kind for part in self.parts]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each part appears once")
        if all(part.exempt for part in self.parts):
            raise ValueError("at least one part is taken")
        return self
