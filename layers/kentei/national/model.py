"""The records exchanged with the national qualifications system (国家資格等情報連携・活用システム,
R16), as our contract (version 1) states them.

The national system's interface is not public (``domain.md``), so this project defines the
contract: five record kinds, each keyed by our record id and the person's qualification
pseudonymous ID (資格仮名ID), each with a version that only grows. The national side applies a
record when its version is newer than the one it holds and answers the same receipt for the
same version again (idempotent); an older version changes nothing.

- ``examinee``: the person's items as the roster holds them (name, kana, birth date, sex,
  address, postal code, phone): specific personal information the national side keeps in
  step, **never the My Number** (the national side knows the person by the 資格仮名ID);
- ``sitting``: a sitting's summary (round, trade, work, grade, exam number, parts, status);
- ``pass`` and ``part_pass``: the pass record (numbers, pass date) and, once revoked, the day;
- ``certificate``: a certificate's id, kind, language, status (valid, revoked, superseded)
  and what it reissues or was superseded by.

The record's ``data`` is kind-specific and validated by the kind's model. The personal items are
kept out of ``repr``; nothing here logs them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

CONTRACT_VERSION: Final = "1.0.0"
PREFECTURE_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_-]{1,64}$")]
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class RecordKind(StrEnum):
    EXAMINEE = "examinee"
    SITTING = "sitting"
    PASS = "pass"  # noqa: S105 (not a secret)
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    CERTIFICATE = "certificate"


class ExamineeData(BaseModel):
    """受検者: the person's items, never the My Number."""

    model_config = _CONFIG
    name: str = Field(min_length=1, max_length=100, repr=False)
    name_kana: str | None = Field(None, max_length=100, repr=False)
    birth_date: dt.date = Field(repr=False)
    sex: str = Field(pattern=r"^[0129]$", repr=False, description="ISO 5218: 0 not known")
    postal_code: str | None = Field(None, pattern=r"^[0-9]{7}$", repr=False)
    address: str = Field(min_length=1, max_length=200, repr=False)
    address_line2: str | None = Field(None, max_length=200, repr=False)
    phone: str | None = Field(None, max_length=20, repr=False)


CHANGEABLE_ON_NATIONAL_SIDE: Final = frozenset(
    {"name", "name_kana", "postal_code", "address", "address_line2", "phone"}
)
"""What a person may change through Mynaportal (name, address, contact): the items a change
from the national side may propose; the birth date and sex are the registry's."""


class SittingData(BaseModel):
    model_config = _CONFIG
    fiscal_year: int = Field(ge=2000, le=2100)
    term: str = Field(min_length=1, max_length=8)
    trade_code: str = Field(min_length=1, max_length=20)
    work_code: str = Field(min_length=1, max_length=20)
    grade: str = Field(min_length=1, max_length=8)
    exam_number: str = Field(min_length=1, max_length=32)
    parts: tuple[str, ...] = Field(min_length=1)
    status: str = Field(pattern=r"^(registered|deleted)$")


class PassData(BaseModel):
    """A pass (合格) or part pass (一部合格) as recorded, and its revocation's day if any."""

    model_config = _CONFIG
    application_id: str = Field(min_length=1, max_length=64)
    fiscal_year: int = Field(ge=2000, le=2100)
    term: str = Field(min_length=1, max_length=8)
    trade_code: str = Field(min_length=1, max_length=20)
    work_code: str = Field(min_length=1, max_length=20)
    grade: str = Field(min_length=1, max_length=8)
    parts: tuple[str, ...] = Field(min_length=1)
    passed_on: dt.date
    passer_number: str | None = Field(None, max_length=32)
    certificate_number: str | None = Field(None, max_length=32)
    notice_number: str | None = Field(None, max_length=32)
    revoked_on: dt.date | None = None


class CertificateData(BaseModel):
    model_config = _CONFIG
    application_id: str = Field(min_length=1, max_length=64)
    certificate_number: str = Field(min_length=1, max_length=32)
    kind: str = Field(pattern=r"^(printed|proof|electronic)$")
    language: str = Field(pattern=r"^(ja|en)$")
    status: str = Field(pattern=r"^(valid|revoked|superseded)$")
    issued_at: AwareDatetime
    reissue_of: str | None = Field(None, max_length=20)
    superseded_by: str | None = Field(None, max_length=20)


DATA_MODELS: Final[dict[RecordKind, type[BaseModel]]] = {
    RecordKind.EXAMINEE: ExamineeData,
    RecordKind.SITTING: SittingData,
    RecordKind.PASS: PassData,
    RecordKind.PART_PASS: PassData,
    RecordKind.CERTIFICATE: CertificateData,
}


class NationalRecord(BaseModel):
    """One record as it travels: whose, which, which version, what."""

    model_config = _CONFIG
    kind: RecordKind
    record_id: RecordId
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    version: int = Field(ge=1, description="grows with every change of the record")
    deleted: bool = False
    data: dict[str, Any] | None = Field(None, repr=False)

    @field_validator("data")
    @classmethod
    def _data_of_kind(cls, data: dict[str, Any] | None, info: ValidationInfo) -> Any:
        """The kind's model validates ``data``, which is kept in its canonical JSON form (every
        item present, dates and instants as strings), so both sides digest the same bytes."""
        kind = info.data.get("kind")
        if data is None or kind is None:
            return data
        try:
            validated = DATA_MODELS[kind].model_validate(data)
        except ValidationError as exc:
            # Where and what, never the input: pydantic's own message quotes personal values.
            where = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise ValueError(f"the {kind.value} data: {where}") from None
        return validated.model_dump(mode="json")

    @model_validator(mode="after")
    def _data_unless_deleted(self) -> Self:
        if self.deleted != (self.data is None):
            raise ValueError("a record has data unless it is deleted")
        return self

    @property
    def key(self) -> tuple[str, str]:
        return self.kind.value, self.record_id

    def content_digest(self) -> str:
        """SHA-256 over the canonical JSON of what both sides must agree on (kind, id,
        person, prefecture, version, deleted, data): the reconciliation compares these. Never
        stored or logged: it is sent over the mutual-TLS link to the national side only."""
        canonical = json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Receipt(BaseModel):
    """The national side's answer to a record: ``applied`` (it now holds this version) or
    ``stale`` (it holds this version or a newer one already: nothing changed)."""

    model_config = _CONFIG
    kind: RecordKind
    record_id: RecordId
    version: int = Field(ge=1)
    outcome: Literal["applied", "stale"]
    held_version: int = Field(ge=1, description="the version the national side holds now")


class NationalChange(BaseModel):
    """A change the person made on the national side (Mynaportal): the items changed, against
    the examinee version it was made on (``base_version``); ``sequence`` orders the feed."""

    model_config = _CONFIG
    sequence: int = Field(ge=1)
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    base_version: int = Field(ge=0)
    changes: dict[str, str | None] = Field(min_length=1, repr=False)
    changed_at: AwareDatetime

    @model_validator(mode="after")
    def _changeable(self) -> Self:
        unknown = set(self.changes) - CHANGEABLE_ON_NATIONAL_SIDE
        if unknown:
            raise ValueError(f"items the national side may not change: {sorted(unknown)}")
        return self


class RefusedChange(BaseModel):
    """An entry of the national side's feed outside our contract (an item the person may not
    change, a value of the wrong type...): its place in the feed and, where readable, whose;
    ``reason`` names the fields at fault, never a value. The pull claims it as ``refused`` and
    goes on, so one bad entry never holds up the feed."""

    model_config = _CONFIG
    sequence: int = Field(ge=1)
    qualification_pseudonym_id: str | None = Field(None, max_length=64)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    reason: str = Field(max_length=1000)


FeedEntry = NationalChange | RefusedChange
"""One entry of the national side's feed as the adapter reads it."""


BUCKETS: Final = 64
"""How many buckets reconciliation digests a prefecture's records of one kind into."""


def bucket_of(record_id: str) -> int:
    """The record's reconciliation bucket: the first byte of SHA-256 of its id, mod BUCKETS."""
    return hashlib.sha256(record_id.encode("utf-8")).digest()[0] % BUCKETS


def bucket_digest(digests: dict[str, str]) -> str:
    """One bucket's digest from its records' content digests by record id (order-free)."""
    joined = "\n".join(f"{record_id}:{digests[record_id]}" for record_id in sorted(digests))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
