"""moto's ``TransactWriteItems`` made idempotent by its ``ClientRequestToken``, as DynamoDB's is.

botocore fills the token in (the parameter is an idempotency token) once per call, so the
retries of one call carry the same token. DynamoDB then applies the transaction once: a retry
within ten minutes of the first request that completed gets the same result without a second
write, and the same token with other items is refused (``IdempotentParameterMismatchException``).
moto (5.x) ignores the token: a retry after an answer lost on the way back (a read timeout
after DynamoDB acted, :data:`kentei_local.faults.Fault.LOST`) applied the transaction again, or
was cancelled by the conditions its first application made false, and a caller saw a conflict
where DynamoDB answers success. :func:`install` keeps each successful transaction's token, with
a digest of its items, for the ten minutes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from typing import Any, Final

from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException
from moto.dynamodb.responses import DynamoHandler

WINDOW_S: Final = 600.0
"""How long DynamoDB holds a client request token after its request completed."""
_INSTALLED: Final = "_kentei_client_request_token"


class IdempotentParameterMismatchError(DynamodbException):
    error_type = ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException"

    def __init__(self) -> None:
        super().__init__(
            IdempotentParameterMismatchError.error_type,
            message="The request uses the same client token as a previous, but non-identical "
            "request.",
        )


class _Completed:
    """The tokens of completed transactions: token → (digest of the items, when, response)."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._held: OrderedDict[str, tuple[str, float, Any]] = OrderedDict()

    def find(self, token: str, digest: str) -> Any | None:
        with self._lock:
            self._forget(self._clock())
            held = self._held.get(token)
        if held is None:
            return None
        if held[0] != digest:
            raise IdempotentParameterMismatchError
        return held[2]

    def keep(self, token: str, digest: str, response: Any) -> None:
        with self._lock:
            self._held[token] = (digest, self._clock(), response)
            self._held.move_to_end(token)

    def _forget(self, now: float) -> None:
        while self._held:
            token, (_, at, _) = next(iter(self._held.items()))
            if now - at < WINDOW_S:
                return
            del self._held[token]


COMPLETED: Final = _Completed()


def _digest(items: Any) -> str:
    """The items' digest (binary attribute values, which moto holds as bytes, by their hex)."""
    text = json.dumps(items, sort_keys=True, default=lambda value: bytes(value).hex())
    return hashlib.sha256(text.encode()).hexdigest()


def install() -> None:
    """Patch moto's DynamoDB handler (idempotent; process-wide, like moto's backends)."""
    if getattr(DynamoHandler, _INSTALLED, False):
        return
    original = DynamoHandler.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: DynamoHandler) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        digest = _digest(self.body.get("TransactItems"))
        done = COMPLETED.find(token, digest)
        if done is not None:
            return done
        response = original(self)
        COMPLETED.keep(token, digest, response)
        return response

    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]
    setattr(DynamoHandler, _INSTALLED, True)
