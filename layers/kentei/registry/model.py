"""What the resident registry (住民基本台帳ネットワーク) answers: a person's four basic items
(基本4情報) with their status, and the candidates of a search by the four items (R6).

The values are personal information: every field is left out of ``repr`` so a model that
reaches a log line or an assertion message shows its shape, not the person.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.records.fields import Date, Kana, ShortText, Text

_ISO_5218: Final = frozenset(member.value for member in Sex)


def _iso_5218(value: object) -> object:
    """Only the ISO/IEC 5218 digits: the registry link never writes 男 or 女."""
    if isinstance(value, Sex):
        return value
    if not isinstance(value, str) or value not in _ISO_5218:
        raise ValueError("sex must be an ISO/IEC 5218 code: 0, 1, 2 or 9")
    return value


Iso5218Sex = Annotated[Sex, BeforeValidator(_iso_5218)]


class RegistryStatus(StrEnum):
    """Where the person stands in the registry (住民票の状態)."""

    CURRENT = "current"
    """Registered (現存): the items are current."""
    MOVED = "moved"
    """Moved out (転出): the items are the latest the registry holds, the address may be old."""
    DECEASED = "deceased"
    """Deceased (死亡): the items are those at death."""
    UNKNOWN = "unknown"
    """Not found: no record for the number."""


class Person(BaseModel):
    """The four basic items (基本4情報: 氏名, 生年月日, 性別, 住所) and the reading of the name."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: ShortText = Field(repr=False, description="氏名")
    name_kana: Kana | None = Field(None, repr=False, description="氏名のふりがな, if held")
    birth_date: Date = Field(repr=False, description="生年月日")
    sex: Iso5218Sex = Field(repr=False, description="性別, ISO/IEC 5218")
    address: Text = Field(repr=False, description="住所")


class RegistryRecord(BaseModel):
    """The answer to a lookup by My Number: a status, and the person unless not found."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    status: RegistryStatus
    person: Person | None = None

    @model_validator(mode="after")
    def _person_unless_unknown(self) -> Self:
        if (self.person is None) != (self.status is RegistryStatus.UNKNOWN):
            raise ValueError("a record has a person exactly when its status is not unknown")
        return self

    @property
    def found(self) -> bool:
        return self.status is not RegistryStatus.UNKNOWN


NOT_FOUND: Final = RegistryRecord(status=RegistryStatus.UNKNOWN)


class Candidate(BaseModel):
    """A person a search by the four items found.

    The My Number is there for verify's code path only (it goes on to the vault); it prints
    and serialises as a mask like every :class:`~kentei.my_number.MyNumber`.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    my_number: MyNumber = Field(repr=False)
    status: RegistryStatus
    person: Person

    @model_validator(mode="after")
    def _found(self) -> Self:
        if self.status is RegistryStatus.UNKNOWN:
            raise ValueError("a candidate is a person the registry holds")
        return self
