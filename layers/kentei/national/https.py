"""The production national-system adapter: the contract of ``contract.json`` over mutual TLS
to the national qualifications system, a :class:`kentei.mtls.LinkAdapter`
(timeouts, a budget, bounded retries with exponential backoff and full jitter on connection
errors and 5xx, ``Retry-After`` honoured on 429 up to the backoff's cap, a circuit breaker).

Before each call the adapter takes a token from its :class:`~kentei.national.rate_limit.
TokenBucket` (``KENTEI_NATIONAL_RATE_PER_S``, ``KENTEI_NATIONAL_BURST``), so a busy container
stays under the national side's rate limit instead of learning it from 429s; a call that would
wait longer than ``max_wait_s`` for its token raises :class:`NationalThrottledError` at once.

Every call is idempotent (a record is applied by kind, id and version; the rest are reads), so
retries are safe. Errors: :class:`NationalThrottledError` (throttled, here or there, with the
pause asked for), :class:`NationalSystemError` (unreachable, 5xx, a reply outside the contract,
the circuit open), :class:`NationalConflictError` (409: the version is held with other
content), :class:`NationalUnknownPersonError` and :class:`NationalRefusedError` (any other
refusal: retrying cannot help). Log lines and errors carry the kind, the record id, the version,
the prefecture and the request id: never a record's data, a reply body or a digest.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Final, TypeVar

from pydantic import Field

from kentei.mtls import (
    LinkAdapter,
    LinkSettings,
    LinkUnavailableError,
    Reply,
    environment_variables,
)
from kentei.national import contract
from kentei.national.contract import ProblemType
from kentei.national.model import (
    BUCKETS,
    PREFECTURE_PATTERN,
    FeedEntry,
    NationalRecord,
    Receipt,
    RecordKind,
)
from kentei.national.port import (
    NationalConfigurationError,
    NationalConflictError,
    NationalRefusedError,
    NationalSystemError,
    NationalThrottledError,
    NationalUnknownPersonError,
)
from kentei.national.rate_limit import TokenBucket
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker

logger = logging.getLogger(__name__)

LINK: Final = "national system"
ENVIRONMENT: Final = {
    **environment_variables("KENTEI_NATIONAL"),
    "rate_per_s": "KENTEI_NATIONAL_RATE_PER_S",
    "burst": "KENTEI_NATIONAL_BURST",
    "max_wait_s": "KENTEI_NATIONAL_MAX_WAIT_S",
}
"""Each setting's environment variable."""
_RECORD_ID: Final = re.compile(r"[0-9A-Za-z_-]{1,64}")
_PREFECTURE: Final = re.compile(PREFECTURE_PATTERN)
_Parsed = TypeVar("_Parsed")


class NationalSettings(LinkSettings):
    """Where the national system is and how to talk to it; read from the environment. The
    defaults are :class:`~kentei.mtls.LinkSettings`'s, and a pace of 5 calls a second per
    container (sync's reserved concurrency is 10)."""

    rate_per_s: float = Field(5.0, gt=0, le=1000)
    """Calls a second this container may start (the national side's limit, shared out)."""
    burst: int = Field(5, ge=1, le=1000)
    """Calls that may start at once after a quiet spell."""
    max_wait_s: float = Field(2.0, ge=0, le=30)
    """The longest a call waits for its token before it is refused as throttled."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> NationalSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> NationalConfigurationError:
    return NationalConfigurationError(f"national system settings: {problems}")


class HttpsNational(LinkAdapter):
    """The :class:`~kentei.national.port.NationalSystem` over the national HTTPS contract.

    Create one per container and reuse it: it keeps the connection pool, the circuit and the
    rate limit.
    """

    link_name = LINK

    def __init__(
        self,
        settings: NationalSettings,
        *,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        bucket: TokenBucket | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, breaker=breaker, backoff=backoff, clock=clock)
        self.rate_limit = bucket or TokenBucket(settings.rate_per_s, settings.burst, clock=clock)
        self._max_wait_s = settings.max_wait_s

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsNational:
        return cls(NationalSettings.from_environ(environ))

    def put(self, record: NationalRecord) -> Receipt:
        what = f"{record.kind.value} {record.record_id} version {record.version}"
        reply = self._call(
            "PUT",
            contract.record_path(record.kind, record.record_id),
            contract.record_body(record),
            {
                "record_kind": record.kind.value,
                "record_id": record.record_id,
                "record_version": record.version,
            },
            what,
        )
        if reply.code == 200:
            receipt = _parse(contract.parse_receipt, _json(reply, what), what)
            if (receipt.kind, receipt.record_id, receipt.version) != (
                record.kind,
                record.record_id,
                record.version,
            ):
                raise NationalSystemError(f"{what}: the receipt is for another record")
            return receipt
        raise _refusal(reply, what)

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None:
        what = f"{kind.value} {record_id}"
        # The id is checked before it goes into the path.
        if not _RECORD_ID.fullmatch(record_id):
            raise NationalRefusedError(f"{kind.value}: not a record id")
        reply = self._call(
            "GET",
            contract.record_path(kind, record_id),
            None,
            {"record_kind": kind.value, "record_id": record_id},
            what,
        )
        if reply.code == 200:
            record = _parse(contract.parse_record, _json(reply, what), what)
            if record.key != (kind.value, record_id):
                raise NationalSystemError(f"{what}: the reply is another record")
            return record
        if reply.code == 404 and _problem(reply) is ProblemType.NOT_FOUND:
            return None
        raise _refusal(reply, what)

    def changes(self, prefecture_code: str, after: int, limit: int = 100) -> Sequence[FeedEntry]:
        what = f"changes of {prefecture_code} after {after}"
        _check_prefecture(prefecture_code)
        if after < 0 or not 1 <= limit <= contract.MAX_CHANGES:
            raise ValueError(f"the cursor is 0 or more and the limit 1-{contract.MAX_CHANGES}")
        query = {"prefecture": prefecture_code, "after": str(after), "limit": str(limit)}
        reply = self._call(
            "GET",
            f"{contract.CHANGES}?{urllib.parse.urlencode(query)}",
            None,
            {"prefecture_code": prefecture_code, "after": after},
            what,
        )
        if reply.code != 200:
            raise _refusal(reply, what)
        changes = _parse(contract.parse_changes, _json(reply, what), what)
        sequences = [change.sequence for change in changes]
        if (
            len(changes) > limit
            or sequences != sorted(set(sequences))
            or any(sequence <= after for sequence in sequences)
            or any(change.prefecture_code != prefecture_code for change in changes)
        ):
            raise NationalSystemError(f"{what}: the feed is out of order or of another cursor")
        return changes

    def digests(self, prefecture_code: str, kind: RecordKind) -> dict[int, str]:
        what = f"digests of {kind.value} in {prefecture_code}"
        _check_prefecture(prefecture_code)
        query = urllib.parse.urlencode({"prefecture": prefecture_code, "kind": kind.value})
        reply = self._call(
            "GET",
            f"{contract.DIGESTS}?{query}",
            None,
            {"prefecture_code": prefecture_code, "record_kind": kind.value},
            what,
        )
        if reply.code != 200:
            raise _refusal(reply, what)
        return _parse(contract.parse_digests, _json(reply, what), what)

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        what = f"bucket {bucket} of {kind.value} in {prefecture_code}"
        _check_prefecture(prefecture_code)
        if not 0 <= bucket < BUCKETS:
            raise ValueError(f"a bucket is 0-{BUCKETS - 1}")
        query = urllib.parse.urlencode({"prefecture": prefecture_code, "kind": kind.value})
        reply = self._call(
            "GET",
            f"{contract.bucket_path(bucket)}?{query}",
            None,
            {"prefecture_code": prefecture_code, "record_kind": kind.value, "bucket": bucket},
            what,
        )
        if reply.code != 200:
            raise _refusal(reply, what)
        return _parse(contract.parse_bucket, _json(reply, what), what)

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        log: dict[str, object],
        what: str,
    ) -> Reply:
        if self.rate_limit.take(self._max_wait_s) is None:
            logger.warning(f"{LINK} call not started: client-side rate limit", extra=log)
            raise NationalThrottledError(
                f"{what}: the client-side rate limit is exhausted",
                retry_after_s=self.rate_limit.wait_for_one_s(),
            )
        request_id = str(uuid.uuid4())
        headers = {"Accept": contract.JSON, contract.REQUEST_ID_HEADER: request_id}
        if body is not None:
            headers["Content-Type"] = contract.JSON
        try:
            return self.client.call(
                method,
                path,
                body=body,
                headers=headers,
                log={**log, "national_request_id": request_id},
            )
        except LinkUnavailableError as exc:
            if exc.throttled:
                raise NationalThrottledError(
                    f"{what}: {exc}", retry_after_s=exc.retry_after_s
                ) from None
            raise NationalSystemError(f"{what}: {exc}") from None


def _check_prefecture(prefecture_code: str) -> None:
    if not _PREFECTURE.fullmatch(prefecture_code):
        raise ValueError("not a prefecture code")


def _json(reply: Reply, what: str) -> bytes:
    if reply.too_large:
        raise NationalSystemError(f"{what}: the reply is too large")
    if reply.media_type != contract.JSON:
        raise NationalSystemError(f"{what}: the reply is not application/json")
    return reply.body


def _parse(parse: Callable[[bytes], _Parsed], raw: bytes, what: str) -> _Parsed:
    try:
        return parse(raw)
    except ValueError as exc:
        raise NationalSystemError(f"{what}: a reply outside the contract ({exc})") from None


def _problem(reply: Reply) -> ProblemType | None:
    if reply.media_type != contract.PROBLEM_JSON or reply.too_large:
        return None
    problem = contract.parse_problem(reply.body)
    return None if problem is None else problem.problem_type


def _refusal(reply: Reply, what: str) -> Exception:
    """The domain error for a reply that is neither an answer nor worth retrying."""
    problem = _problem(reply)
    if reply.code == 409 and problem is ProblemType.CONFLICT:
        return NationalConflictError(f"{what}: the national side holds it with other content")
    if reply.code == 422 and problem is ProblemType.UNKNOWN_PERSON:
        return NationalUnknownPersonError(f"{what}: the national side does not know the person")
    kind = problem.value if problem is not None else "no problem document"
    return NationalRefusedError(f"{what}: refused (HTTP {reply.code}, {kind})")
