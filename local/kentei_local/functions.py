"""A catalog function run in-process the way Lambda runs it, one invocation at a time.

The event and the response cross a JSON boundary as they do in Lambda, so a handler cannot
share objects with its caller or return what Lambda could not serialise. An unhandled
exception is logged with its traceback, as the Python runtime logs it to CloudWatch (so a
handler that puts personal data in an exception text is caught by the local log scans), and
an invocation that overran the catalog timeout counts as timed out.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import catalog
from kentei_local.context import LocalContext

Handler = Callable[[dict[str, Any], LambdaContext], Any]

logger = logging.getLogger(__name__)


class HandlerImportError(RuntimeError):
    """The catalog names a handler that cannot be imported (Lambda's Runtime.ImportModuleError)."""


@dataclass(frozen=True)
class Invocation:
    """The outcome of one invocation: the JSON response, or the kind of error Lambda reports."""

    request_id: str
    response: Any
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.error is None


class LocalFunction:
    def __init__(self, spec: catalog.FunctionSpec, handler: Handler) -> None:
        self.spec = spec
        self._handler = handler
        # One execution environment: Powertools keeps per-invocation state in module globals.
        self._lock = threading.Lock()
        self.longest_ms = 0.0
        """The longest invocation so far (a run reads it against the function's timeout)."""
        self.timeouts = 0
        """Invocations that ran past the function's timeout (Lambda would have stopped them)."""

    @classmethod
    def load(cls, spec: catalog.FunctionSpec) -> LocalFunction:
        """Import the handler the catalog names (``package.module.attribute``)."""
        module_name, _, attribute = spec.handler.rpartition(".")
        try:
            module = importlib.import_module(module_name)
            handler = getattr(module, attribute)
        except (ImportError, AttributeError) as exc:
            raise HandlerImportError(
                f"cannot load {spec.name}'s handler {spec.handler}: {exc}"
            ) from exc
        if not callable(handler):
            raise HandlerImportError(f"{spec.handler} is not callable")
        return cls(spec, handler)

    @property
    def name(self) -> str:
        return self.spec.name

    def invoke(self, event: dict[str, Any]) -> Invocation:
        payload = json.loads(json.dumps(event))
        with self._lock:
            context = LocalContext(self.spec)
            started = time.perf_counter()
            error: str | None = None
            response: Any = None
            try:
                result = self._handler(payload, context)
            except Exception as exc:
                error = self._failed(context, "Unhandled", exc)
            else:
                try:
                    response = json.loads(json.dumps(result))
                except (TypeError, ValueError) as exc:
                    error = self._failed(context, "Runtime.MarshalError", exc)
            duration_ms = (time.perf_counter() - started) * 1000
            self.longest_ms = max(self.longest_ms, duration_ms)
            self.timeouts += context.timed_out
        if error is None and context.timed_out:
            logger.error(
                "%s %s: Task timed out after %.2f seconds",
                self.name,
                context.aws_request_id,
                duration_ms / 1000,
            )
            error = "Sandbox.Timedout"
        return Invocation(context.aws_request_id, response, error, duration_ms)

    def _failed(self, context: LocalContext, kind: str, exc: Exception) -> str:
        logger.error(
            "%s %s: %s\n%s",
            self.name,
            context.aws_request_id,
            kind,
            "".join(traceback.format_exception(exc)).rstrip(),
        )
        return kind
