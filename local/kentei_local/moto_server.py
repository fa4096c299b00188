"""moto in server mode on the loopback interface, in a daemon thread of this process.

This is what ``moto.server.ThreadedMotoServer`` does, except that a port already in use raises
:class:`OSError` here instead of leaving ``start`` waiting forever. moto's backends are
process-global, so the server is reset when it starts: every runtime begins empty.

DynamoDB requests are served one at a time (:class:`_OneDynamoDBRequestAtATime`): moto undoes
a cancelled ``TransactWriteItems`` by putting back what it touched (item by item,
:mod:`kentei_local.moto_transactions`), which would drop whatever another thread wrote to
those items meanwhile. DynamoDB isolates a transaction; serving
moto's DynamoDB requests in turn gives the local runtime the same (the audit chain's
appends, whose heads concurrent writers race for, cancel transactions routinely).

moto is patched where it differs from AWS in ways the system relies on: transactions undone
item by item (:mod:`kentei_local.moto_transactions`), one stream record per created item
(:mod:`kentei_local.moto_streams`), queries of one partition (:mod:`kentei_local.moto_query`),
KMS's ``MessageType`` (:mod:`kentei_local.moto_kms`), FIFO groups held back only while a
message is in flight (:mod:`kentei_local.moto_sqs`), and a transaction's retry with its client
request token answered, not applied again (:mod:`kentei_local.moto_idempotency`). And where it
is slow for no reason: moto lists its own package folder (a hundred ``stat`` calls) on every
request to find the service it is for (:func:`_list_services_once` reads that list once), and
its serializer asks for each member's possible names anew for every value
(:mod:`kentei_local.moto_serialize` keeps them per shape).
"""

from __future__ import annotations

import functools
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from moto import backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from kentei_local import (
    moto_idempotency,
    moto_kms,
    moto_query,
    moto_serialize,
    moto_sqs,
    moto_streams,
    moto_transactions,
)

# One line per AWS call (and the pumps poll every second) would bury everything else.
logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _list_services_once() -> None:
    """moto's service modules listed once (they do not change while the process runs)."""
    if isinstance(backends.list_of_moto_modules, functools.partial):
        return
    listed = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = functools.partial(iter, listed)


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _OneDynamoDBRequestAtATime:
    """A WSGI wrapper: DynamoDB requests (``X-Amz-Target: DynamoDB_...``) take one lock."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # DynamoDB and its streams (``DynamoDBStreams_``): a stream read never sees the records
        # of a transaction that is being cancelled.
        if str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith(("DynamoDB_", "DynamoDBStreams_")):
            with self._lock:
                # moto does the work inside the call; the body it returns is already built.
                return list(self._app(environ, start_response))
        return self._app(environ, start_response)


class MotoServer:
    def __init__(self, host: str, port: int) -> None:
        moto_transactions.install()
        moto_idempotency.install()
        moto_serialize.install()
        moto_streams.install()
        moto_query.install()
        moto_kms.install()
        moto_sqs.install()
        _list_services_once()
        try:
            self._server = make_server(
                host,
                port,
                _OneDynamoDBRequestAtATime(DomainDispatcherApplication(create_backend_app)),
                threaded=True,
                request_handler=MotoRequestHandler,
            )
        except SystemExit:
            # werkzeug reports a port in use by exiting the process.
            raise OSError(f"port {port} is in use") from None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="kentei-local-moto",
            daemon=True,
        )

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()
        # An http:// URL of our own making.
        reset = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310
        with _NO_PROXY.open(reset, timeout=10) as response:
            response.read()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
