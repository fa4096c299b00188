"""A historical pass record (過去の合格者): one past pass in a prefecture, as the association
holds it, keyed by its passer number (技能士番号).

The person's items are the association's (氏名, ふりがな, 生年月日, 性別, 住所: the 別添1 items
of 初期登録申請者テーブル, :mod:`kentei.records.items`); never the My Number. The record is
``unlinked`` until an initial registration is matched to it, then ``linked`` to the person's
資格仮名ID (when, by which application), or ``in_conflict`` while staff decide.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kentei.records import codes, fields, items
from kentei.records.codes import Term

PasserNumber = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$"),
    Field(alias="技能士番号", description="Certified skilled worker number (the record's key)."),
]
CertificateNumberOpt = Annotated[
    str | None,
    StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$"),
    Field(
        alias="合格証書番号", description="The pass certificate's number, if the record has one."
    ),
]

SexOpt = Annotated[codes.Sex | None, Field(alias="性別", description="Sex, if the record has it.")]
AddressOpt = Annotated[
    fields.Text | None, Field(alias="住所", description="Address, if the record has it.")
]


class HistoricalChangedError(RuntimeError):
    """The record changed since it was read (linked or marked meanwhile): nothing written."""


class HistoricalStatus(StrEnum):
    UNLINKED = "unlinked"
    LINKED = "linked"
    IN_CONFLICT = "in_conflict"


class PasserItems(BaseModel):
    """The person as the association's record holds them (no My Number)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    name: items.Name
    name_kana: items.NameKanaOpt = None
    birth_date: items.BirthDate
    sex: SexOpt = None
    address: AddressOpt = None


class HistoricalPass(BaseModel):
    """One past pass of one person in a prefecture, as imported (no link state)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    prefecture_code: items.PrefectureCode
    passer_number: PasserNumber
    certificate_number: CertificateNumberOpt = None
    grade: items.Grade
    trade_code: items.TradeCode
    work_code: items.WorkCode
    pass_fiscal_year: Annotated[int, Field(ge=1959, le=2100, alias="合格年度")]
    term: Annotated[Term, Field(alias="期別")]
    passed_on: Annotated[dt.date, Field(alias="合格日", description="the pass date (合格日)")]
    person: PasserItems

    @model_validator(mode="after")
    def _date_in_year(self) -> Self:
        start = dt.date(self.pass_fiscal_year, 4, 1)
        if not start <= self.passed_on < dt.date(self.pass_fiscal_year + 1, 4, 1):
            raise ValueError("the pass date is not in the pass fiscal year")
        return self


class Link(BaseModel):
    """Who a record is linked to, when, by which initial registration."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    linked_at: dt.datetime
    application_id: str = Field(min_length=1, max_length=64)


class StoredHistoricalPass(BaseModel):
    """A historical pass as stored: the record, its status, its link or open conflict."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    record: HistoricalPass
    status: HistoricalStatus
    imported_at: dt.datetime
    imported_by: str
    link: Link | None = None
    conflict: tuple[str, ...] = Field((), description="the checks that failed (codes)")
    conflict_application_id: str | None = None
