"""A local HTTPS fake of the national qualifications system (国家資格等情報連携・活用システム).

It speaks contract version 1 (``kentei/national/contract.json``) on 127.0.0.1 (an ephemeral
port) as an independent system would: it validates each request against the JSON Schema (not
against our models), keeps its own store (:class:`InMemoryNational`: records by kind and id
with their versions, the feed of changes made on its side), applies records idempotently by
version (``stale`` for an older or equal one, 409 for the same version with other content,
422 for a person it does not know), answers digests and buckets, and requires a client
certificate signed by the CA it is given.

Faults, settable by a test: :meth:`FakeServer.inject` scripts one :class:`Fault` per request,
in order (:meth:`FakeNationalServer.throttle` scripts ``n`` 429s with ``Retry-After``);
:class:`NationalFaults` makes a share of requests fail at random (500 or 503, the connection
reset before the request is handled, the answer lost after it is, 429 with ``Retry-After``,
slow answers; seeded); ``limit_per_s`` enforces a rate limit as the real side would (429 with
the seconds until the next call is admitted). :attr:`FakeNationalServer.fault_counts` counts
the faults it injected by kind (``throttled``: every 429, drawn or the rate limit's;
:attr:`FakeNationalServer.faults_injected` lists each with its request id and time), and its
store's :attr:`InMemoryNational.applied` logs each version it applied, so a test can prove
that every change arrived once and in order.

Test-only control paths, outside the contract and never faulted, under ``/_test``: ``POST
/_test/changes`` (a person changes items on this side), ``POST /_test/diverge`` (a hand edit,
same version), ``POST /_test/forget`` (a record lost), ``POST /_test/persons`` (make a person
known), ``PUT /_test/faults`` (:class:`NationalFaults` as JSON) and ``GET /_test/records``
(the whole store, for the script that compares both sides), ``GET /_test/applied`` (the log of
what it applied: kind, record id, person, version; never data) and ``GET /_test/faults`` (the
faults injected so far, by kind). In-process tests may use :attr:`FakeNationalServer.national`
and :attr:`FakeNationalServer.fault_counts` directly. The server runs in daemon threads and stops
itself after ``lifetime_s``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]
from pydantic import ValidationError

from kentei.national import contract
from kentei.national.contract import ProblemType
from kentei.national.memory import InMemoryNational
from kentei.national.model import RecordKind
from kentei.national.port import NationalConflictError, NationalUnknownPersonError
from kentei.national.rate_limit import TokenBucket
from kentei_local.mtls_server import (
    REQUEST_ID_HEADER,
    FakeHandler,
    FakeServer,
    Fault,
    MutualTlsServer,
    fault_kind,
    pick,
    server_context,
)

MAX_REQUEST_BYTES: Final = 256 * 1024
CONTROL: Final = "/_test"
_RECORD_PATH: Final = re.compile(r"^/v1/records/([^/?#]+)/([^/?#]+)$")
_BUCKET_PATH: Final = re.compile(r"^/v1/buckets/([^/?#]+)$")
_PROBLEMS: Final = {
    HTTPStatus.BAD_REQUEST: ProblemType.INVALID,
    HTTPStatus.UNPROCESSABLE_ENTITY: ProblemType.INVALID,
    HTTPStatus.FORBIDDEN: ProblemType.FORBIDDEN,
    HTTPStatus.NOT_FOUND: ProblemType.NOT_FOUND,
    HTTPStatus.METHOD_NOT_ALLOWED: ProblemType.NOT_FOUND,
    HTTPStatus.CONFLICT: ProblemType.CONFLICT,
    HTTPStatus.TOO_MANY_REQUESTS: ProblemType.THROTTLED,
}

__all__ = ["FakeNationalServer", "Fault", "Injected", "NationalFaults", "fault_kind"]


@dataclass(frozen=True)
class NationalFaults:
    """Shares of requests to the contract's paths that fail at random, after any scripted
    :class:`Fault`, and the rate limit the server enforces."""

    failing: float = 0.0
    """Answered 500 or 503 (half each)."""
    reset: float = 0.0
    """The connection closed without an answer, before the request is handled."""
    lost: float = 0.0
    """Handled (a record applied), then the connection closed instead of the answer."""
    throttled: float = 0.0
    """Answered 429 with ``Retry-After: retry_after``."""
    slow: float = 0.0
    """Answered normally after ``slow_s``."""
    slow_s: float = 1.0
    retry_after: str = "1"
    seed: int | None = None
    limit_per_s: float | None = None
    """Calls a second the server admits (a burst of one second's worth); None: no limit."""

    def __post_init__(self) -> None:
        shares = (self.failing, self.reset, self.lost, self.throttled, self.slow)
        if any(share < 0 for share in shares) or sum(shares) > 1:
            raise ValueError("the shares are between 0 and 1 and add up to 1 at most")
        if self.limit_per_s is not None and self.limit_per_s <= 0:
            raise ValueError("the rate limit is positive")

    def draw(self, rng: random.Random) -> Fault | None:
        roll = rng.random()
        if roll < self.failing:
            return Fault.unavailable(500 if rng.random() < 0.5 else 503)
        drawn = (
            (self.reset, Fault.reset()),
            (self.lost, Fault.lost()),
            (self.throttled, Fault.unavailable(429, retry_after=self.retry_after)),
            (self.slow, Fault.slow(self.slow_s)),
        )
        return pick(roll, drawn, start=self.failing)

    @classmethod
    def from_json(cls, document: Any) -> NationalFaults:
        if not isinstance(document, dict) or set(document) - {
            field.name for field in dataclasses.fields(cls)
        }:
            raise ValueError("unknown fault settings")
        return cls(**document)


class FakeNationalServer(FakeServer):
    def __init__(
        self,
        national: InMemoryNational | None = None,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        faults: NationalFaults | None = None,
        lifetime_s: float = 300.0,
    ) -> None:
        self.national = national or InMemoryNational()
        self._national_server = _Server(
            server_context(certfile, keyfile, client_ca), self.national, faults or NationalFaults()
        )
        super().__init__(self._national_server, name="kentei-fake-national", lifetime_s=lifetime_s)

    def set_faults(self, faults: NationalFaults) -> None:
        """From now on, fail this share of requests at random and enforce this rate limit."""
        self._national_server.set_faults(faults)

    @property
    def fault_counts(self) -> dict[str, int]:
        """The faults injected so far by kind (:func:`fault_kind`), scripted or drawn."""
        return self._national_server.fault_counts()

    @property
    def faults_injected(self) -> list[Injected]:
        """Each fault injected so far, in order."""
        return self._national_server.fault_log()

    def throttle(self, requests: int, retry_after: str = "1") -> None:
        """Answer the next ``requests`` requests 429 with ``Retry-After: retry_after``."""
        self.inject(*[Fault.unavailable(429, retry_after=retry_after)] * requests)


class _Server(MutualTlsServer):
    def __init__(self, context: Any, national: InMemoryNational, faults: NationalFaults) -> None:
        self.national = national
        schema = contract.schema()
        self.validators = {
            name: jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"})
            for name in ("Record", "ChangesQuery", "DigestsQuery", "BucketNumber")
        }
        self.faults_lock = threading.Lock()
        self.fault_rates = faults
        self.fault_rng = random.Random(faults.seed)  # noqa: S311 (which requests fail, not a secret)
        self.limit = _limit(faults)
        self.injected: list[Injected] = []
        super().__init__(context, _Handler)

    def note(self, fault: Fault, request_id: str | None) -> None:
        with self.faults_lock:
            self.injected.append(Injected(fault_kind(fault), request_id, time.monotonic()))

    def fault_log(self) -> list[Injected]:
        with self.faults_lock:
            return list(self.injected)

    def fault_counts(self) -> dict[str, int]:
        return dict(Counter(injected.kind for injected in self.fault_log()))

    def set_faults(self, faults: NationalFaults) -> None:
        with self.faults_lock:
            self.fault_rates, self.limit = faults, _limit(faults)
            self.fault_rng = random.Random(faults.seed)  # noqa: S311

    def next_fault(self) -> Fault | None:
        """The next scripted fault (or one drawn at the shared
        :class:`~kentei_local.mtls_server.FaultRates`, if a test set them), else the rate
        limit's 429, else one drawn at the national fault rates."""
        fault = super().next_fault()
        with self.faults_lock:
            if fault is None and self.limit is not None and self.limit.reserve(0.0) is None:
                wait = self.limit.wait_for_one_s()
                fault = Fault.unavailable(429, retry_after=str(max(1, math.ceil(wait))))
            if fault is None:
                fault = self.fault_rates.draw(self.fault_rng)
            return fault


@dataclass(frozen=True)
class Injected:
    """A fault the fake injected: its kind (:func:`fault_kind`), the request's id, and when
    (``time.monotonic()``, comparable with :attr:`Received.at`)."""

    kind: str
    request_id: str | None
    at: float


def _limit(faults: NationalFaults) -> TokenBucket | None:
    if faults.limit_per_s is None:
        return None
    return TokenBucket(faults.limit_per_s, max(1, math.floor(faults.limit_per_s)))


class _Handler(FakeHandler):
    server_version = "kentei-fake-national"
    server: _Server

    def faulted(self) -> bool:
        fault = self.server.next_fault()
        if fault is None:
            return False
        self.server.note(fault, self.headers.get(REQUEST_ID_HEADER))
        return self.misbehave(fault)

    def do_PUT(self) -> None:  # noqa: N802 (BaseHTTPRequestHandler's name)
        if self.path.startswith(CONTROL + "/"):
            self._control("PUT")
            return
        body = self.read_body(MAX_REQUEST_BYTES)
        if body is None:
            return
        match = _RECORD_PATH.match(self.path)
        if match is None:
            self.problem(HTTPStatus.NOT_FOUND, "no such resource")
        elif self.headers.get("Content-Type", "").split(";")[0].strip() != contract.JSON:
            self.problem(HTTPStatus.BAD_REQUEST, "application/json only")
        else:
            self._put_record(match.group(1), match.group(2), body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith(CONTROL + "/"):
            self._control("GET")
            return
        self.record()
        if self.faulted():
            return
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if any(len(values) != 1 for values in query.values()):
            self.problem(HTTPStatus.BAD_REQUEST, "each query parameter once")
            return
        parameters = {name: values[0] for name, values in query.items()}
        record = _RECORD_PATH.match(url.path)
        bucket = _BUCKET_PATH.match(url.path)
        if record is not None and not url.query:
            self._get_record(record.group(1), record.group(2))
        elif url.path == contract.CHANGES:
            self._changes(parameters)
        elif url.path == contract.DIGESTS:
            self._digests(parameters)
        elif bucket is not None:
            self._bucket(bucket.group(1), parameters)
        else:
            self.problem(HTTPStatus.NOT_FOUND, "no such resource")

    def do_POST(self) -> None:  # noqa: N802
        if self.path.startswith(CONTROL + "/"):
            self._control("POST")
            return
        self.record()
        self.problem(HTTPStatus.METHOD_NOT_ALLOWED, "not a method of this resource", close=True)

    def _put_record(self, kind: str, record_id: str, body: bytes) -> None:
        document = self._json(body)
        if document is None:
            return
        if not self._valid("Record", document):
            return
        if (document["kind"], document["record_id"]) != (kind, record_id):
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, "the path names another record")
            return
        try:
            record = contract.parse_record(body)
        except ValueError as exc:
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
            return
        try:
            receipt = self.server.national.put(record)
        except NationalConflictError:
            self.problem(HTTPStatus.CONFLICT, "this version is held with other content")
            return
        except NationalUnknownPersonError:
            body = contract.problem_body(ProblemType.UNKNOWN_PERSON, 422, "unknown person")
            self.send(HTTPStatus.UNPROCESSABLE_ENTITY, body, contract.PROBLEM_JSON)
            return
        self.send(HTTPStatus.OK, contract.receipt_body(receipt), contract.JSON)

    def _get_record(self, kind: str, record_id: str) -> None:
        if kind not in {member.value for member in RecordKind}:
            self.problem(HTTPStatus.NOT_FOUND, "no such record kind")
            return
        held = self.server.national.get(RecordKind(kind), record_id)
        if held is None:
            self.problem(HTTPStatus.NOT_FOUND, "no such record")
            return
        self.send(HTTPStatus.OK, contract.record_body(held), contract.JSON)

    def _changes(self, parameters: dict[str, str]) -> None:
        if not self._valid("ChangesQuery", parameters, HTTPStatus.BAD_REQUEST):
            return
        changes = self.server.national.changes(
            parameters["prefecture"],
            int(parameters.get("after", "0")),
            int(parameters.get("limit", "100")),
        )
        self.send(HTTPStatus.OK, contract.changes_body(changes), contract.JSON)

    def _digests(self, parameters: dict[str, str]) -> None:
        if not self._valid("DigestsQuery", parameters, HTTPStatus.BAD_REQUEST):
            return
        digests = self.server.national.digests(
            parameters["prefecture"], RecordKind(parameters["kind"])
        )
        self.send(HTTPStatus.OK, contract.digests_body(digests), contract.JSON)

    def _bucket(self, number: str, parameters: dict[str, str]) -> None:
        if not self._valid("BucketNumber", number, HTTPStatus.NOT_FOUND):
            return
        if not self._valid("DigestsQuery", parameters, HTTPStatus.BAD_REQUEST):
            return
        bucket = self.server.national.bucket(
            parameters["prefecture"], RecordKind(parameters["kind"]), int(number)
        )
        self.send(HTTPStatus.OK, contract.bucket_body(bucket), contract.JSON)

    def _control(self, method: str) -> None:
        """The test-only paths: never faulted, never recorded, outside the contract."""
        action = (method, self.path.removeprefix(CONTROL))
        if method == "GET":
            self._read(action[1])
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_REQUEST_BYTES:
            self.problem(HTTPStatus.BAD_REQUEST, "a JSON body is required", close=True)
            return
        document = self._json(self.rfile.read(length))
        if not isinstance(document, dict):
            if document is not None:
                self.problem(HTTPStatus.BAD_REQUEST, "a JSON object is required")
            return
        try:
            answer = self._act(action, document)
        except (KeyError, LookupError, TypeError, ValueError, ValidationError) as exc:
            # The class only: a validation message would quote the (personal) value.
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, f"refused ({type(exc).__name__})")
            return
        if answer is None:
            self.problem(HTTPStatus.NOT_FOUND, "no such control path")
            return
        self.send(HTTPStatus.OK, _dump(answer), contract.JSON)

    def _read(self, path: str) -> None:
        """``GET /_test/records`` (the store), ``/applied`` (the log of what was applied) and
        ``/faults`` (the faults injected so far, by kind)."""
        national = self.server.national
        if path == "/records":
            answer: Any = {"records": [r.model_dump(mode="json") for r in national.records()]}
        elif path == "/applied":
            answer = {"applied": [entry.as_json() for entry in national.applied]}
        elif path == "/faults":
            answer = {"injected": self.server.fault_counts()}
        else:
            self.problem(HTTPStatus.NOT_FOUND, "no such control path")
            return
        self.send(HTTPStatus.OK, _dump(answer), contract.JSON)

    def _act(self, action: tuple[str, str], document: dict[str, Any]) -> Any:
        national = self.server.national
        if action == ("POST", "/changes"):
            change = national.change_on_national_side(
                str(document["qualification_pseudonym_id"]),
                str(document["prefecture_code"]),
                dict(document["changes"]),
            )
            return change.model_dump(mode="json")
        if action == ("POST", "/diverge"):
            record = national.diverge(
                RecordKind(document["kind"]), str(document["record_id"]), document["data"]
            )
            return {"kind": record.kind.value, "record_id": record.record_id}
        if action == ("POST", "/forget"):
            national.forget(RecordKind(document["kind"]), str(document["record_id"]))
            return {"kind": document["kind"], "record_id": document["record_id"]}
        if action == ("POST", "/persons"):
            national.register(str(document["qualification_pseudonym_id"]))
            return {}
        if action == ("PUT", "/faults"):
            self.server.set_faults(NationalFaults.from_json(document))
            return {}
        return None

    def _json(self, body: bytes) -> Any:
        """The body as JSON, or None when it is not (answered 400)."""
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problem(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return None

    def _valid(
        self,
        definition: str,
        document: Any,
        status: HTTPStatus = HTTPStatus.UNPROCESSABLE_ENTITY,
    ) -> bool:
        error = jsonschema.exceptions.best_match(
            self.server.validators[definition].iter_errors(document)
        )
        if error is None:
            return True
        # The path only: the validator's message quotes the value, which may be personal.
        where = "/".join(str(part) for part in error.absolute_path) or "body"
        self.problem(status, f"invalid at {where} ({error.validator})")
        return False

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        kind = _PROBLEMS.get(status, ProblemType.UNAVAILABLE)
        return contract.problem_body(kind, status.value, title)


def _dump(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
