"""A prefecture's procedure for a person's requests about their own data (P10): disclosure
(開示請求), correction (訂正請求) and suspension of use (利用停止請求), as data.

``procedures.json`` beside this module holds the default (the national law's periods) and each
prefecture whose implementing ordinance differs: per kind of request, the days within which it
must be decided, the extension allowed, the channels it may arrive through, and whether it may
be made only after a disclosure; with the provenance, and whether it is confirmed. A
prefecture's entry for a kind replaces the default's whole, and may never allow more days than
the law (:data:`LAW_MAXIMUM_DAYS`). Validated when read, and at build time (``python -m
kentei.person_requests check``, which ``make lint`` runs).

:func:`decision_due` counts a period as the law does: from the day after the request arrived
(the first day is not counted), in Japan, to the end of its last day.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from enum import StrEnum
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

PROCEDURES_FILE: Final = "procedures.json"
JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
LAW_MAXIMUM_DAYS: Final = 30
"""The most days the law allows for a decision (and again for its extension): an ordinance may
shorten them, never lengthen them."""
_PREFECTURE: Final = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")


class RequestKind(StrEnum):
    DISCLOSURE = "disclosure"
    """開示請求: everything the prefecture holds about the person."""
    CORRECTION = "correction"
    """訂正請求: items the person says are wrong (the change flow of R9)."""
    SUSPENSION = "suspension"
    """利用停止請求: every process of the person's data stops, except keeping it."""


class Channel(StrEnum):
    WINDOW = "window"
    """At the office's counter (窓口), with an identity document."""
    POST = "post"
    """By post (郵送), with a copy of one."""
    ONLINE = "online"
    """The prefecture's electronic application (電子申請)."""


class Procedure(BaseModel):
    """How one kind of request is handled in a prefecture."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    decision_days: int = Field(ge=1, le=LAW_MAXIMUM_DAYS)
    extension_days: int = Field(ge=0, le=LAW_MAXIMUM_DAYS)
    channels: frozenset[Channel] = Field(min_length=1)
    after_disclosure: bool = Field(description="only after a disclosure of the same data")
    source: str = Field(min_length=1)


class Procedures(BaseModel):
    """The shipped table: the default and the prefectures that differ."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    unconfirmed: bool
    provenance: tuple[str, ...] = Field(min_length=1)
    default: Mapping[RequestKind, Procedure]
    prefectures: Mapping[str, Mapping[RequestKind, Procedure]]

    @model_validator(mode="after")
    def _complete(self) -> Procedures:
        missing = [kind.value for kind in RequestKind if kind not in self.default]
        if missing:
            raise ValueError(f"default: no procedure for {', '.join(missing)}")
        unknown = [code for code in self.prefectures if not _PREFECTURE.fullmatch(code)]
        if unknown:
            raise ValueError(f"not a prefecture code: {', '.join(sorted(unknown))}")
        return self

    def of(self, prefecture_code: str, kind: RequestKind) -> Procedure:
        """The prefecture's procedure for ``kind``, or the default's."""
        return self.prefectures.get(prefecture_code, {}).get(kind) or self.default[kind]


def shipped_text() -> str:
    return resources.files(__package__).joinpath(PROCEDURES_FILE).read_text(encoding="utf-8")


@functools.cache
def procedures() -> Procedures:
    """The shipped procedures, read and validated once."""
    return Procedures.model_validate_json(shipped_text())


def decision_due(received_at: dt.datetime, days: int) -> dt.datetime:
    """The last instant a decision may be made: the end, in Japan, of the ``days``-th day after
    the day ``received_at`` falls on there (that day is not counted)."""
    if received_at.tzinfo is None:
        raise ValueError("an aware instant")
    day = received_at.astimezone(JST).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), JST) - dt.timedelta(
        microseconds=1
    )
