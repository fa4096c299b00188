"""The wire form of the national system's contract, version 1 (``contract.json`` beside this
module is the contract itself, as JSON Schema: read it for the endpoints, the idempotency rule
and the errors).

The production adapter writes requests and reads replies here; the local fake server reads
requests here after validating them against ``contract.json`` (with a JSON Schema validator,
not these models, so the two sides can disagree and a test sees it). What every contract of
ours spells the same way (media types, problem documents, compact JSON, parse errors that name
the fields at fault, never their values: a record's data is personal) is
:mod:`kentei.link_contract`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kentei import link_contract
from kentei.link_contract import ProblemTypes, describe
from kentei.national.model import (
    BUCKETS,
    CONTRACT_VERSION,
    PREFECTURE_PATTERN,
    FeedEntry,
    NationalChange,
    NationalRecord,
    Receipt,
    RecordKind,
    RefusedChange,
)

VERSION: Final = CONTRACT_VERSION
JSON: Final = link_contract.JSON
PROBLEM_JSON: Final = link_contract.PROBLEM_JSON
REQUEST_ID_HEADER: Final = link_contract.REQUEST_ID_HEADER
RECORDS: Final = "/v1/records"
CHANGES: Final = "/v1/changes"
DIGESTS: Final = "/v1/digests"
BUCKETS_PATH: Final = "/v1/buckets"
MAX_CHANGES: Final = 500
"""The most changes one ``GET /v1/changes`` may ask for."""

_Parsed = TypeVar("_Parsed")


def record_path(kind: RecordKind, record_id: str) -> str:
    return f"{RECORDS}/{kind.value}/{record_id}"


def bucket_path(bucket: int) -> str:
    return f"{BUCKETS_PATH}/{bucket}"


class ProblemType(ProblemTypes):
    """The ``type`` of a problem document, after ``urn:kentei:national:``."""

    INVALID = "invalid"
    UNKNOWN_PERSON = "unknown-person"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @classmethod
    def namespace(cls) -> str:
        return "urn:kentei:national:"


class Problem(link_contract.Problem):
    @property
    def problem_type(self) -> ProblemType | None:
        return ProblemType.of(self.type)


class ChangeFeed(BaseModel):
    """A ``GET /v1/changes`` reply."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    changes: tuple[NationalChange, ...]


_DIGESTS: Final = TypeAdapter(dict[int, str])
_BUCKET: Final = TypeAdapter(dict[str, tuple[int, str]])


def record_body(record: NationalRecord) -> bytes:
    return _dump(record.model_dump(mode="json"))


def parse_record(raw: bytes) -> NationalRecord:
    """A record; :class:`ValueError` naming the fields at fault, never their values."""
    return _parse(NationalRecord.model_validate_json, raw, "record")


def receipt_body(receipt: Receipt) -> bytes:
    return _dump(receipt.model_dump(mode="json"))


def parse_receipt(raw: bytes) -> Receipt:
    return _parse(Receipt.model_validate_json, raw, "receipt")


def changes_body(changes: Sequence[NationalChange]) -> bytes:
    return _dump(ChangeFeed(changes=tuple(changes)).model_dump(mode="json"))


class _RawFeed(BaseModel):
    """A feed whose entries are read one by one (:func:`parse_changes`)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    changes: tuple[dict[str, Any], ...]


class _EntryPlace(BaseModel):
    """What places an entry in the feed, read on its own when the entry is refused."""

    model_config = ConfigDict(defer_build=True, frozen=True)
    sequence: int = Field(ge=1)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    qualification_pseudonym_id: str | None = Field(None, max_length=64)


def parse_changes(raw: bytes) -> tuple[FeedEntry, ...]:
    """The feed's entries: each a :class:`NationalChange`, or a :class:`RefusedChange` when it
    is outside the contract but its place in the feed (sequence, prefecture) is readable. A
    feed whose shape, or an entry's place, cannot be read is malformed (``ValueError``)."""
    feed = _parse(_RawFeed.model_validate_json, raw, "change feed")
    entries: list[FeedEntry] = []
    for index, entry in enumerate(feed.changes):
        try:
            entries.append(NationalChange.model_validate(entry))
        except ValidationError as exc:
            try:
                place = _EntryPlace.model_validate(entry)
            except ValidationError:
                raise ValueError(f"malformed change feed: entry {index} has no place") from None
            entries.append(
                RefusedChange(
                    sequence=place.sequence,
                    qualification_pseudonym_id=place.qualification_pseudonym_id,
                    prefecture_code=place.prefecture_code,
                    reason=describe(exc)[:1000],
                )
            )
    return tuple(entries)


def digests_body(digests: Mapping[int, str]) -> bytes:
    return _dump({str(bucket): digests[bucket] for bucket in sorted(digests)})


def parse_digests(raw: bytes) -> dict[int, str]:
    digests = _parse(_DIGESTS.validate_json, raw, "digests")
    if any(not 0 <= bucket < BUCKETS for bucket in digests):
        raise ValueError("malformed digests: a bucket outside 0-63")
    if any(not _is_digest(digest) for digest in digests.values()):
        raise ValueError("malformed digests: a digest that is not SHA-256 hex")
    return digests


def bucket_body(bucket: Mapping[str, tuple[int, str]]) -> bytes:
    return _dump({record_id: list(bucket[record_id]) for record_id in sorted(bucket)})


def parse_bucket(raw: bytes) -> dict[str, tuple[int, str]]:
    bucket = _parse(_BUCKET.validate_json, raw, "bucket")
    if any(version < 1 or not _is_digest(digest) for version, digest in bucket.values()):
        raise ValueError("malformed bucket: a version below 1 or a digest not SHA-256 hex")
    return bucket


def problem_body(problem: ProblemType, code: int, title: str) -> bytes:
    return link_contract.problem_body(problem, code, title)


def parse_problem(raw: bytes) -> Problem | None:
    """A problem document, or None when the body is not one."""
    return link_contract.parse_problem(Problem, raw)


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    return link_contract.schema("kentei.national")


def _parse(parse: Callable[[bytes], _Parsed], raw: bytes, what: str) -> _Parsed:
    try:
        return parse(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed {what}: {describe(exc)}") from None


def _is_digest(value: str) -> bool:
    return len(value) == 64 and all(char in "0123456789abcdef" for char in value)


def _dump(document: Any) -> bytes:
    return link_contract.dump(document)
