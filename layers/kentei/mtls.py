"""A JSON-over-HTTPS client with mutual TLS, retries and a circuit breaker, for the links to
outside systems (the registry link server, the Mynaportal and e-Gov notice ports), and the
base of their adapters (:class:`LinkAdapter`).

- TLS 1.2 or newer; the server must present a certificate for the URL's host from the
  configured CA bundle only (not the system store); the client presents its certificate.
- Timeouts for connecting and for reading, and a budget for a whole call, retries included.
- Bounded retries with exponential backoff and full jitter (:class:`Backoff`) on connection
  errors, timeouts, 429 and 5xx, honouring ``Retry-After`` in seconds up to the backoff cap.
  Only idempotent calls go through here, so repeating one is safe. TLS failures are not
  retried: a refused certificate stays refused.
- A :class:`CircuitBreaker` over whole calls: after repeated unavailability the client refuses
  at once, without touching the network.

A call answers the first reply that is not worth retrying (:class:`Reply`, any status: what a
status means is the adapter's business) or raises :class:`LinkUnavailableError`. Log lines
carry what the adapter gives (ids), the path, the attempt, the status or error class and the
duration: never a body.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar, Final, Self

import urllib3
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, FilePath, ValidationError
from urllib3.exceptions import HTTPError, SSLError

from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker, CircuitOpenError

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
THROTTLED: Final = 429
MAX_REPLY_BYTES: Final = 1_000_000


SETTINGS_FROM_ENVIRONMENT: Final = (
    "url",
    "client_cert",
    "client_key",
    "ca_bundle",
    "connect_timeout_s",
    "read_timeout_s",
    "max_attempts",
    "budget_s",
    "failure_threshold",
    "cool_down_s",
)


def environment_variables(prefix: str) -> dict[str, str]:
    """Each setting a deployment sets, and its variable: ``{prefix}_{FIELD}``."""
    return {field: f"{prefix}_{field.upper()}" for field in SETTINGS_FROM_ENVIRONMENT}


def _https(url: str) -> str:
    if not url.startswith("https://") or len(url) <= len("https://"):
        raise ValueError("the URL must be https://")
    return url.rstrip("/")


class LinkSettings(BaseModel):
    """Where a link's server is and how to talk to it. Subclasses set their own defaults and
    name their environment variables (:meth:`from_variables`)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    url: Annotated[str, AfterValidator(_https)]
    client_cert: FilePath
    """PEM client certificate (with its intermediates) that the server trusts."""
    client_key: FilePath
    """PEM private key of the client certificate, unencrypted."""
    ca_bundle: FilePath
    """PEM CA certificates that may sign the server's certificate; nothing else is."""
    connect_timeout_s: float = Field(3.0, gt=0, le=30)
    read_timeout_s: float = Field(5.0, gt=0, le=60)
    max_attempts: int = Field(3, ge=1, le=5)
    budget_s: float = Field(10.0, gt=0, le=60)
    """The most one call may take, retries included: no attempt or pause runs past it."""
    backoff_base_s: float = Field(0.2, ge=0, le=5)
    backoff_cap_s: float = Field(2.0, ge=0, le=10)
    failure_threshold: int = Field(3, ge=1, le=100)
    """Consecutive unavailable calls (each after its retries) that open the circuit."""
    cool_down_s: float = Field(30.0, ge=0, le=600)

    @classmethod
    def from_variables(
        cls,
        variables: Mapping[str, str],
        environ: Mapping[str, str] | None,
        error: Callable[[str], Exception],
    ) -> Self:
        """The settings from the environment variables ``variables`` names for each field;
        an invalid one raises ``error(message)`` naming the variable, never its value."""
        env = os.environ if environ is None else environ
        values = {
            field: env[variable].strip()
            for field, variable in variables.items()
            if env.get(variable, "").strip()
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{variables.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)
            )
            raise error(problems) from None


def tls_context(settings: LinkSettings) -> ssl.SSLContext:
    """Mutual TLS: verify the server against the CA bundle only, and present the client cert."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context.load_verify_locations(cafile=str(settings.ca_bundle))
    context.load_cert_chain(certfile=str(settings.client_cert), keyfile=str(settings.client_key))
    return context


class LinkUnavailableError(RuntimeError):
    """No useful reply within the attempts and the budget, a TLS failure, or an open circuit.
    ``throttled`` when the last reply was 429; ``retry_after_s`` what the server last asked."""

    def __init__(
        self, message: str, *, throttled: bool = False, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.throttled = throttled
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Reply:
    """A reply not worth retrying: its HTTP status code, body (bounded) and media type."""

    code: int
    body: bytes
    media_type: str

    @property
    def too_large(self) -> bool:
        return len(self.body) > MAX_REPLY_BYTES


class MutualTlsClient:
    """Idempotent JSON calls to one server. Create one per container and reuse it: it keeps
    the connection pool and the circuit."""

    def __init__(
        self,
        settings: LinkSettings,
        *,
        link: str,
        logger: logging.Logger,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = settings.url
        self._link = link
        self._logger = logger
        self._pool = urllib3.PoolManager(ssl_context=tls_context(settings), retries=False)
        self._connect_timeout_s = settings.connect_timeout_s
        self._read_timeout_s = settings.read_timeout_s
        self._budget_s = settings.budget_s
        self.breaker = breaker or CircuitBreaker(
            settings.failure_threshold, settings.cool_down_s, clock=clock
        )
        self.backoff = backoff or Backoff(
            settings.max_attempts, settings.backoff_base_s, settings.backoff_cap_s
        )
        self._clock = clock

    def close(self) -> None:
        self._pool.clear()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str],
        log: Mapping[str, object],
    ) -> Reply:
        """The first reply not worth retrying, through the circuit breaker. ``log`` is what
        each log line carries besides the path and the outcome: ids, never personal data."""
        try:
            self.breaker.acquire()
        except CircuitOpenError:
            self._logger.warning(
                f"{self._link} call refused: circuit open", extra={**log, "endpoint": path}
            )
            raise LinkUnavailableError(f"the {self._link} circuit is open") from None
        try:
            reply = self._attempts(method, path, body, dict(headers), log)
        except LinkUnavailableError:
            self.breaker.record_failure()
            raise
        # The server answered: it is up, whatever the answer says.
        self.breaker.record_success()
        return reply

    def _attempts(
        self,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        log: Mapping[str, object],
    ) -> Reply:
        attempt, first_started = 0, self._clock()
        while True:
            attempt += 1
            started = self._clock()
            remaining = self._budget_s - (started - first_started)
            retry_after: float | None = None
            status = 0
            try:
                response = self._pool.request(
                    method,
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
                self._log(log, path, attempt, started, type(exc).__name__)
                raise LinkUnavailableError(
                    f"TLS with the {self._link} failed ({tls_reason(exc)})"
                ) from None
            except HTTPError as exc:
                outcome = type(exc).__name__
            else:
                try:
                    status, reply = response.status, response.read(MAX_REPLY_BYTES + 1)
                    media_type = response.headers.get("Content-Type", "")
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                except HTTPError as exc:
                    status, outcome = 0, type(exc).__name__
                else:
                    outcome = f"HTTP {status}"
                finally:
                    response.release_conn()
                if status and status not in RETRYABLE_STATUSES:
                    self._log(log, path, attempt, started, outcome)
                    return Reply(status, reply, media_type.split(";")[0].strip().lower())
            self._log(log, path, attempt, started, outcome)
            delay = self.backoff.delay_s(attempt, retry_after)
            if delay is None or self._clock() + delay - first_started >= self._budget_s:
                raise LinkUnavailableError(
                    f"the {self._link} is unavailable ({outcome}, attempt {attempt})",
                    throttled=status == THROTTLED,
                    retry_after_s=retry_after,
                )
            self.backoff.sleep(delay)

    def _log(
        self, log: Mapping[str, object], path: str, attempt: int, started: float, outcome: str
    ) -> None:
        self._logger.info(
            f"{self._link} call attempt",
            extra={
                **log,
                "endpoint": path,
                "attempt": attempt,
                "outcome": outcome,
                "duration_ms": round((self._clock() - started) * 1000),
            },
        )


class LinkAdapter:
    """The base of an adapter over one link: its :class:`MutualTlsClient`, logging to the
    adapter's module logger. Create one per container and reuse it: it keeps the connection
    pool and the circuit."""

    link_name: ClassVar[str]
    """What log lines and errors call the link ("registry link")."""

    def __init__(
        self,
        settings: LinkSettings,
        *,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = MutualTlsClient(
            settings,
            link=self.link_name,
            logger=logging.getLogger(type(self).__module__),
            breaker=breaker,
            backoff=backoff,
            clock=clock,
        )
        self.breaker = self.client.breaker

    def close(self) -> None:
        self.client.close()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds; the HTTP-date form is not part of our contracts."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def tls_reason(exc: BaseException) -> str:
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
