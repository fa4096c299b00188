"""Stub handlers that record what the runtime gives them: for testing the runtime's own
semantics (the event shapes, batches and retries) without the real functions."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

Records = list[dict[str, Any]]


class StubConsumer:
    """An SQS-triggered handler that records every batch and answers with ``respond``.

    ``respond`` gets the batch's records; the default is a complete success.
    """

    def __init__(self) -> None:
        self.batches: list[Records] = []
        self.contexts: list[LambdaContext] = []
        self.remaining_ms: list[int] = []
        self.respond: Callable[[Records], Any] = lambda records: {"batchItemFailures": []}
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> Any:
        with self._lock:
            self.batches.append(event["Records"])
            self.contexts.append(context)
            self.remaining_ms.append(context.get_remaining_time_in_millis())
        return self.respond(event["Records"])

    def deliveries(self, body: str) -> Records:
        """Every delivery of the message with ``body``, in order."""
        with self._lock:
            return [r for batch in self.batches for r in batch if r.get("body") == body]

    def delivered_bodies(self) -> set[str]:
        with self._lock:
            return {r["body"] for batch in self.batches for r in batch if "body" in r}


def failing(*bodies: str) -> Callable[[Records], Any]:
    """A ``respond`` that reports the records with one of ``bodies`` as batch item failures."""

    def respond(records: Records) -> Any:
        failures = [{"itemIdentifier": r["messageId"]} for r in records if r.get("body") in bodies]
        return {"batchItemFailures": failures}

    return respond


class StubApi:
    """An intake that answers ``GET /v1/health`` with ``health_status`` and echoes the rest.

    ``routes`` maps a path to a function of the event giving the proxy response (or raising).
    """

    def __init__(self, health_status: int = 200) -> None:
        self.health_status = health_status
        self.routes: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.contexts: list[LambdaContext] = []

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> Any:
        self.events.append(event)
        self.contexts.append(context)
        if event["path"] == "/v1/health":
            return {
                "statusCode": self.health_status,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"status": "ok" if self.health_status == 200 else "down"}),
            }
        route = self.routes.get(event["path"])
        if route is not None:
            return route(event)
        return {"statusCode": 200, "body": json.dumps({"event": event})}
