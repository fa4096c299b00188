"""The production registry adapter: the contract of :mod:`kentei.registry.contract` over
mutual TLS to the registry link server (住基連携サーバ).

- TLS 1.2 or newer; the server must present a certificate for the URL's host from the
  configured CA bundle only (not the system store); the client presents its certificate.
- Timeouts for connecting and for reading, and a budget for the whole lookup, retries
  included, so a message's lookups fit in verify's function timeout.
- Bounded retries with exponential backoff and full jitter (:class:`Backoff`) on connection
  errors, timeouts, 429 and 5xx; both lookups are idempotent, so repeating one is safe. TLS
  failures are not retried: a refused certificate stays refused.
- A :class:`CircuitBreaker` over whole lookups: after repeated unavailability the adapter
  refuses at once, so a queue of applications does not each wait out the timeouts.

Log lines carry the request id, the endpoint, the attempt, the HTTP status or error class and
the duration: never the number, the four items or a reply body.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Final, Self, TypeVar

import urllib3
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, FilePath, ValidationError
from urllib3.exceptions import HTTPError, SSLError

from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry import contract
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker, CircuitOpenError
from kentei.registry.model import Candidate, RegistryRecord
from kentei.registry.port import (
    RegistryConfigurationError,
    RegistryProtocolError,
    RegistryUnavailableError,
)

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_REPLY_BYTES: Final = 1_000_000
ENVIRONMENT: Final = {
    "url": "KENTEI_REGISTRY_URL",
    "client_cert": "KENTEI_REGISTRY_CLIENT_CERT",
    "client_key": "KENTEI_REGISTRY_CLIENT_KEY",
    "ca_bundle": "KENTEI_REGISTRY_CA_BUNDLE",
    "connect_timeout_s": "KENTEI_REGISTRY_CONNECT_TIMEOUT_S",
    "read_timeout_s": "KENTEI_REGISTRY_READ_TIMEOUT_S",
    "max_attempts": "KENTEI_REGISTRY_MAX_ATTEMPTS",
    "budget_s": "KENTEI_REGISTRY_BUDGET_S",
    "failure_threshold": "KENTEI_REGISTRY_FAILURE_THRESHOLD",
    "cool_down_s": "KENTEI_REGISTRY_COOL_DOWN_S",
}
"""Each setting's environment variable."""

_Parsed = TypeVar("_Parsed")


def _https(url: str) -> str:
    if not url.startswith("https://") or len(url) <= len("https://"):
        raise ValueError("the registry link URL must be https://")
    return url.rstrip("/")


class RegistryLinkSettings(BaseModel):
    """Where the registry link server is and how to talk to it; read from the environment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: Annotated[str, AfterValidator(_https)]
    client_cert: FilePath
    """PEM client certificate (with its intermediates) that the link server trusts."""
    client_key: FilePath
    """PEM private key of the client certificate, unencrypted."""
    ca_bundle: FilePath
    """PEM CA certificates that may sign the link server's certificate; nothing else is."""
    connect_timeout_s: float = Field(3.0, gt=0, le=30)
    read_timeout_s: float = Field(5.0, gt=0, le=60)
    max_attempts: int = Field(3, ge=1, le=5)
    budget_s: float = Field(10.0, gt=0, le=60)
    """The most one lookup may take, retries included: no attempt or pause runs past it.
    Verify's function timeout (60 s) must hold the lookups of a message and then some."""
    backoff_base_s: float = Field(0.2, ge=0, le=5)
    backoff_cap_s: float = Field(2.0, ge=0, le=10)
    failure_threshold: int = Field(3, ge=1, le=100)
    """Consecutive unavailable lookups (each after its retries) that open the circuit."""
    cool_down_s: float = Field(30.0, ge=0, le=600)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        values = {
            field: env[variable].strip()
            for field, variable in ENVIRONMENT.items()
            if env.get(variable, "").strip()
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENVIRONMENT.get(str(error['loc'][0]), error['loc'][0])}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise RegistryConfigurationError(f"registry link settings: {problems}") from None


def tls_context(settings: RegistryLinkSettings) -> ssl.SSLContext:
    """Mutual TLS: verify the server against the CA bundle only, and present the client cert."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context.load_verify_locations(cafile=str(settings.ca_bundle))
    context.load_cert_chain(certfile=str(settings.client_cert), keyfile=str(settings.client_key))
    return context


class HttpsRegistry:
    """The :class:`~kentei.registry.port.Registry` port over the link server's HTTPS API.

    Create one per container and reuse it: it keeps the connection pool and the circuit.
    """

    def __init__(
        self,
        settings: RegistryLinkSettings,
        *,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = settings.url
        self._pool = urllib3.PoolManager(ssl_context=tls_context(settings), retries=False)
        self._connect_timeout_s = settings.connect_timeout_s
        self._read_timeout_s = settings.read_timeout_s
        self._budget_s = settings.budget_s
        self.breaker = breaker or CircuitBreaker(
            settings.failure_threshold, settings.cool_down_s, clock=clock
        )
        self._backoff = backoff or Backoff(
            settings.max_attempts, settings.backoff_base_s, settings.backoff_cap_s
        )
        self._clock = clock

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsRegistry:
        return cls(RegistryLinkSettings.from_environ(environ))

    def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
        body = contract.by_my_number_body(my_number)
        return self._lookup(contract.BY_MY_NUMBER, body, contract.parse_record)

    def by_four_items(
        self, name: str, birth_date: date, sex: Sex, address: str
    ) -> tuple[Candidate, ...]:
        body = contract.by_four_items_body(name, birth_date, sex, address)
        return self._lookup(contract.BY_FOUR_ITEMS, body, contract.parse_candidates)

    def close(self) -> None:
        self._pool.clear()

    def _lookup(self, path: str, body: bytes, parse: Callable[[bytes], _Parsed]) -> _Parsed:
        request_id = str(uuid.uuid4())
        try:
            self.breaker.acquire()
        except CircuitOpenError:
            logger.warning(
                "registry lookup refused: circuit open",
                extra={"registry_request_id": request_id, "endpoint": path},
            )
            raise RegistryUnavailableError("the registry link circuit is open") from None
        try:
            reply = self._attempts(path, body, request_id)
        except RegistryUnavailableError:
            self.breaker.record_failure()
            raise
        except Exception:
            # The link answered (outside the contract): it is up, whatever else is wrong.
            self.breaker.record_success()
            raise
        self.breaker.record_success()
        return parse(reply)

    def _attempts(self, path: str, body: bytes, request_id: str) -> bytes:
        headers = {
            "Content-Type": contract.JSON,
            "Accept": contract.JSON,
            contract.REQUEST_ID_HEADER: request_id,
        }
        attempt, first_started = 0, self._clock()
        while True:
            attempt += 1
            started = self._clock()
            remaining = self._budget_s - (started - first_started)
            retry_after: float | None = None
            try:
                response = self._pool.request(
                    "POST",
                    self._url + path,
                    body=body,
                    headers=headers,
                    redirect=False,
                    preload_content=False,
                    timeout=urllib3.Timeout(
                        connect=min(self._connect_timeout_s, remaining),
                        read=min(self._read_timeout_s, remaining),
                    ),
                )
            except SSLError as exc:
                self._log(request_id, path, attempt, started, type(exc).__name__)
                raise RegistryUnavailableError(
                    f"TLS with the registry link failed ({_tls_reason(exc)})"
                ) from None
            except HTTPError as exc:
                outcome = type(exc).__name__
            else:
                try:
                    status, reply = response.status, response.read(MAX_REPLY_BYTES + 1)
                    content_type = response.headers.get("Content-Type", "")
                    retry_after = _seconds(response.headers.get("Retry-After"))
                except HTTPError as exc:
                    status, outcome = 0, type(exc).__name__
                else:
                    outcome = f"HTTP {status}"
                finally:
                    response.release_conn()
                if status == 200:
                    self._log(request_id, path, attempt, started, outcome)
                    return _json_reply(reply, content_type)
                if status and status not in RETRYABLE_STATUSES:
                    self._log(request_id, path, attempt, started, outcome)
                    raise RegistryProtocolError(f"the registry link refused the lookup ({outcome})")
            self._log(request_id, path, attempt, started, outcome)
            delay = self._backoff.delay_s(attempt, retry_after)
            if delay is None or self._clock() + delay - first_started >= self._budget_s:
                raise RegistryUnavailableError(
                    f"the registry link is unavailable ({outcome}, attempt {attempt})"
                )
            self._backoff.sleep(delay)

    def _log(self, request_id: str, path: str, attempt: int, started: float, outcome: str) -> None:
        logger.info(
            "registry lookup attempt",
            extra={
                "registry_request_id": request_id,
                "endpoint": path,
                "attempt": attempt,
                "outcome": outcome,
                "duration_ms": round((self._clock() - started) * 1000),
            },
        )


def _json_reply(reply: bytes, content_type: str) -> bytes:
    if len(reply) > MAX_REPLY_BYTES:
        raise RegistryProtocolError("the registry link reply is too large")
    if content_type.split(";", maxsplit=1)[0].strip().lower() != contract.JSON:
        raise RegistryProtocolError("the registry link reply is not application/json")
    return reply


def _seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds; the HTTP-date form is not part of the contract."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _tls_reason(exc: BaseException) -> str:
    """The OpenSSL reason of a TLS error (CERTIFICATE_VERIFY_FAILED...), else its class name."""
    innermost = type(exc).__name__
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            reason = getattr(seen, "reason", None)
            if isinstance(reason, str):
                return reason
            innermost = type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return innermost
