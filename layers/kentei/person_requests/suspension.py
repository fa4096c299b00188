"""Suspension of use (利用停止, P10) as the processes that honour it see it: the suspension
itself, the condition a write carries on it, and the work held for a suspended person. Kept
apart from :mod:`kentei.person_requests.model` so that a function's hot path (verify's
admission, certify's announcements, the national outbox) loads only this."""

from __future__ import annotations

from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PERSON_REQUEST_ID_PATTERN: Final = r"^prq-[0-9a-z]{26}$"
"""A person request's id (``prq-`` and a sortable id)."""
PREFECTURE_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"


class Suspension(BaseModel):
    """``SUSPENSION#<資格仮名ID>``: the person's data is not processed in the prefecture (only
    kept) from ``since`` until lifted, by the granted request ``request_id``."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    qualification_pseudonym_id: str = Field(min_length=8, max_length=128)
    request_id: str = Field(pattern=PERSON_REQUEST_ID_PATTERN)
    since: AwareDatetime
    by: str = Field(min_length=1, max_length=128)


class UseCondition(BaseModel):
    """A write that holds only while the person's use of their data in the prefecture is
    suspended (``suspended``) or is not: checked in the write's own transaction, so a
    suspension granted or lifted meanwhile fails the write rather than slipping past it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    person: str = Field(min_length=8, max_length=128)
    suspended: bool


class HeldWork(BaseModel):
    """``USE_HELD#<資格仮名ID>#<application id>``: what a process left undone for a person
    whose use was suspended, to do once it is lifted: an announced pass's certificate and
    notice (certify, ``passes_announced`` under ``group_key``). Ids only."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    qualification_pseudonym_id: str = Field(min_length=8, max_length=128)
    application_id: str = Field(min_length=1, max_length=64)
    group_key: str = Field(min_length=1, max_length=200)
    held_at: AwareDatetime
