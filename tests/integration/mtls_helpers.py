"""What the tests of the mutual-TLS fakes (registry link, Mynaportal) share."""

from __future__ import annotations

import http.client
import ssl
import time
from pathlib import Path

from kentei_local.mtls_server import FakeServer


def wait_for_handshake_failure(server: FakeServer) -> int:
    deadline = time.monotonic() + 5
    while server.handshake_failures == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.handshake_failures


def post_without_client_certificate(server: FakeServer, ca_file: Path, path: str) -> bytes:
    """POST as a client that trusts the server but presents no certificate (it should fail)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    host, port = server.url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=5)
    try:
        connection.request("POST", path, body=b"{}")
        return connection.getresponse().read()
    finally:
        connection.close()
