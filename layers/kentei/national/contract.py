"""The wire form of the national system's contract, version 1 (``contract.json`` beside this
module is the contract itself, as JSON Schema: read it for the endpoints, the idempotency rule
and the errors).

The production adapter writes requests and reads replies here; the local fake server reads
requests here after validating them against ``contract.json`` (with a JSON Schema validator,
not these models, so the two sides can disagree and a test sees it). Parse errors name the
fields at fault, never their values (a record's data is personal).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from importlib import resources
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from kentei.national.model import (
    BUCKETS,
    CONTRACT_VERSION,
    NationalChange,
    NationalRecord,
    Receipt,
    RecordKind,
)
from kentei.registry.contract import describe

VERSION: Final = CONTRACT_VERSION
RECORDS: Final = "/v1/records"
CHANGES: Final = "/v1/changes"
DIGESTS: Final = "/v1/digests"
BUCKETS_PATH: Final = "/v1/buckets"
REQUEST_ID_HEADER: Final = "X-Request-Id"
JSON: Final = "application/json"
PROBLEM_JSON: Final = "application/problem+json"
SCHEMA_FILE: Final = "contract.json"
MAX_CHANGES: Final = 500
"""The most changes one ``GET /v1/changes`` may ask for."""

_Parsed = TypeVar("_Parsed")


def record_path(kind: RecordKind, record_id: str) -> str:
    return f"{RECORDS}/{kind.value}/{record_id}"


def bucket_path(bucket: int) -> str:
    return f"{BUCKETS_PATH}/{bucket}"


class ProblemType(StrEnum):
    """The ``type`` of a problem document, after ``urn:kentei:national:``."""

    INVALID = "invalid"
    UNKNOWN_PERSON = "unknown-person"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @property
    def uri(self) -> str:
        return f"urn:kentei:national:{self.value}"


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    title: str
    status: int

    @property
    def problem_type(self) -> ProblemType | None:
        for member in ProblemType:
            if member.uri == self.type:
                return member
        return None


class ChangeFeed(BaseModel):
    """A ``GET /v1/changes`` reply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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


def parse_changes(raw: bytes) -> tuple[NationalChange, ...]:
    return _parse(ChangeFeed.model_validate_json, raw, "change feed").changes


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
    return _dump({"type": problem.uri, "title": title, "status": code})


def parse_problem(raw: bytes) -> Problem | None:
    """A problem document, or None when the body is not one."""
    try:
        return Problem.model_validate_json(raw)
    except ValidationError:
        return None


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    loaded: dict[str, Any] = json.loads(
        resources.files("kentei.national").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return loaded


def _parse(parse: Callable[[bytes], _Parsed], raw: bytes, what: str) -> _Parsed:
    try:
        return parse(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed {what}: {describe(exc)}") from None


def _is_digest(value: str) -> bool:
    return len(value) == 64 and all(char in "0123456789abcdef" for char in value)


def _dump(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
