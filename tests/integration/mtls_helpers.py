"""What the tests of the mutual-TLS fakes share (registry link, Mynaportal, e-Gov): the link
PKI of the notice ports' tests, their adapters' settings and recorded backoff, and requests as
other clients would send them."""

from __future__ import annotations

import http.client
import json
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import pytest

from kentei.registry.backoff import Backoff
from kentei_local import localca
from kentei_local.mtls_server import FakeServer


class ServerFiles(TypedDict):
    certfile: Path
    keyfile: Path
    client_ca: Path


@dataclass(frozen=True)
class Pki:
    """The local runtime's link PKI (:func:`kentei_local.localca.create_link`): a CA, a server
    certificate for 127.0.0.1 and certify's client certificate; a second CA plays a stranger."""

    ours: localca.LinkCa
    stranger: localca.LinkCa

    def server_files(self) -> ServerFiles:
        """A fake server's certificate, key and client CA, as its keyword arguments."""
        return {
            "certfile": self.ours.server.cert,
            "keyfile": self.ours.server.key,
            "client_ca": self.ours.ca_file,
        }


def link_pki(tmp_path_factory: pytest.TempPathFactory, ca_name: str) -> Pki:
    return Pki(
        ours=localca.create_link(tmp_path_factory.mktemp("ours"), ca_name, "certify"),
        stranger=localca.create_link(tmp_path_factory.mktemp("other"), "Unrelated CA", "stranger"),
    )


def link_settings(server: FakeServer, pki: Pki, **overrides: object) -> dict[str, object]:
    """An adapter's settings for ``server`` with certify's certificate, short timeouts."""
    values: dict[str, object] = {
        "url": server.url,
        "client_cert": pki.ours.client.cert,
        "client_key": pki.ours.client.key,
        "ca_bundle": pki.ours.ca_file,
        "connect_timeout_s": 2,
        "read_timeout_s": 2,
    }
    return values | overrides


def recorded_backoff(attempts: int = 3) -> tuple[Backoff, list[float]]:
    """A backoff that records its pauses instead of sleeping (the full delay, no jitter)."""
    slept: list[float] = []
    return Backoff(attempts, 0.2, 2.0, sleep=slept.append, uniform=lambda a, b: b), slept


def post_as_another_client(
    server: FakeServer, pki: Pki, path: str, body: bytes
) -> tuple[int, str | None, Any]:
    """A POST as another client would send it, past our models: the status, the content type
    and the JSON body of the reply."""
    context = ssl.create_default_context(cafile=str(pki.ours.ca_file))
    context.load_cert_chain(str(pki.ours.client.cert), str(pki.ours.client.key))
    host, port_number = server.url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port_number), context=context, timeout=5)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), json.loads(response.read())
    finally:
        connection.close()


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
