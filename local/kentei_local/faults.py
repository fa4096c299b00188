"""Faults injected into the functions' AWS calls, at the botocore level (issue 14).

:func:`injecting` hooks ``before-send`` on boto3's default session, which every client of
:mod:`kentei.aws` is made from, so the functions the local runtime runs in this process meet
AWS as it fails in production: on a share of calls, per service, a throttle (the service's own
throttling error: ``ThrottlingException``, S3's ``SlowDown``), a 5xx, a read timeout or a
connection reset before the call is handled, or (``LOST``, asked for by name) a read timeout
after it was: the call is sent, handled, and its answer dropped, as when a connection fails
on the way back. Nothing is faked past that: botocore's standard retry mode retries them as
it would, and what still fails reaches the handler as the same exception it would meet
deployed. The draw is seeded (one ``random.Random`` behind a lock: the pumps are threads), so
a run is repeatable, and every fault is counted by service and kind.

The clients made before (cached by :mod:`kentei.aws`) are forgotten on entry and exit: a client
copies the session's hooks when it is made.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, cast

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HTTPHeaders
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from botocore.httpsession import URLLib3Session

_HOOK_ID: Final = "kentei-local-faults"
_XML_SERVICES: Final = frozenset({"s3"})
"""Services whose errors are XML (rest-xml); the others' are JSON (``__type``)."""


class Fault(StrEnum):
    THROTTLE = "throttle"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    """No answer in time, the request never handled."""
    RESET = "reset"
    LOST = "lost"
    """The request handled, its answer lost (a read timeout): a retry does it again. It needs
    a server to send to (the local runtime's moto), so it is never in a plan by default."""


BEFORE_SENDING: Final = (Fault.THROTTLE, Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.RESET)
"""The faults that stop a call before it is handled (a plan's default)."""


@dataclass(frozen=True)
class FaultPlan:
    """Which calls fail, and how: ``share`` of the calls to ``services`` (None: every
    service), each fault drawn among ``faults``, from ``seed``."""

    share: float
    faults: tuple[Fault, ...] = BEFORE_SENDING
    services: frozenset[str] | None = None
    seed: int = 14

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("a share of calls is between 0 and 1")
        if not self.faults:
            raise ValueError("a plan names at least one fault")


@dataclass
class Injected:
    """What was injected: counts by (service, fault), and the calls seen by service."""

    faults: Counter[tuple[str, Fault]] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def by_fault(self) -> Mapping[Fault, int]:
        totals: Counter[Fault] = Counter()
        for (_, fault), count in self.faults.items():
            totals[fault] += count
        return totals


class _Injector:
    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.injected = Injected()
        self._random = random.Random(plan.seed)  # noqa: S311 - a repeatable draw, not a secret
        self._lock = threading.Lock()
        self._sender: URLLib3Session | None = None

    def before_send(
        self, request: AWSPreparedRequest, event_name: str = "", **_: Any
    ) -> AWSResponse | None:
        service = event_name.split(".")[1] if event_name.count(".") >= 1 else "?"
        with self._lock:
            self.injected.calls[service] += 1
            if self.plan.services is not None and service not in self.plan.services:
                return None
            if self._random.random() >= self.plan.share:
                return None
            fault = self._random.choice(self.plan.faults)
            self.injected.faults[(service, fault)] += 1
        if fault is Fault.LOST:
            self._send(request)
            raise ReadTimeoutError(endpoint_url=request.url)
        if fault is Fault.TIMEOUT:
            raise ReadTimeoutError(endpoint_url=request.url)
        if fault is Fault.RESET:
            raise ConnectionClosedError(endpoint_url=request.url)
        return _error_response(service, request.url, fault)

    def _send(self, request: AWSPreparedRequest) -> None:
        """Send ``request`` as botocore would (its answer is then lost)."""
        with self._lock:
            if self._sender is None:
                self._sender = URLLib3Session()
            sender = self._sender
        sender.send(request).content  # noqa: B018 - the whole answer read, then dropped
        request.reset_stream()


@contextmanager
def injecting(plan: FaultPlan) -> Iterator[Injected]:
    """Inject ``plan``'s faults into every AWS call the functions make in this process while
    the block runs; what was injected."""
    from kentei import aws

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    assert session is not None
    injector = _Injector(plan)
    events = session.events
    # First: before any other hook that answers a send (an in-process moto's).
    hook = cast("Callable[..., None]", injector.before_send)  # a hook may answer the send
    events.register_first("before-send", hook, unique_id=_HOOK_ID)
    aws.reset()
    try:
        yield injector.injected
    finally:
        events.unregister("before-send", unique_id=_HOOK_ID)
        aws.reset()


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


def _error_response(service: str, url: str, fault: Fault) -> AWSResponse:
    """The service's own answer for a throttle or a server error, as botocore parses it."""
    throttle = fault is Fault.THROTTLE
    if service in _XML_SERVICES:
        code, status = ("SlowDown", 503) if throttle else ("InternalError", 500)
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>injected {fault.value}</Message></Error>"
        ).encode()
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/xml"
    else:
        code, status = ("ThrottlingException", 400) if throttle else ("InternalFailure", 500)
        body = f'{{"__type": "{code}", "message": "injected {fault.value}"}}'.encode()
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-ErrorType"] = code
    return AWSResponse(url, status, headers, _Body(body))
