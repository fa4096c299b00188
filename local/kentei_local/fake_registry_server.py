"""A local HTTPS fake of the registry link server (住基連携サーバ), for the adapter's tests.

It speaks the contract of :mod:`kentei.registry.contract` on 127.0.0.1 (an ephemeral port),
answers from a :class:`~kentei.registry.fake.SeededRegistry` (or, from a seed file, a
:class:`~kentei.registry.fake.SeedFileRegistry` that reads the file again when it changes:
:meth:`FakeRegistryServer.from_seed_file`), and requires a client
certificate signed by the CA it is given, like the real link server. Tests script failures
with :meth:`FakeRegistryServer.inject`: each injected :class:`Fault` applies to one request,
in order. The server runs in daemon threads and stops itself after ``lifetime_s`` if no one
stops it first (the mechanics are :mod:`kentei_local.mtls_server`'s).
"""

from __future__ import annotations

import ssl
from http import HTTPStatus
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from kentei.registry import contract
from kentei.registry.fake import SeededRegistry, SeedFileRegistry
from kentei.registry.port import Registry
from kentei_local.mtls_server import (
    FakeHandler,
    FakeServer,
    Fault,
    MutualTlsServer,
    Received,
    server_context,
)

DEMO_SEED: Final = Path(__file__).with_name("registry_seed.json")
"""The demo's registry: a handful of obviously fake persons (``KENTEI_REGISTRY_SEED``)."""
MAX_REQUEST_BYTES: Final = 64 * 1024

__all__ = ["DEMO_SEED", "FakeRegistryServer", "Fault", "Received"]


class FakeRegistryServer(FakeServer):
    def __init__(
        self,
        registry: SeededRegistry | SeedFileRegistry,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        lifetime_s: float = 300.0,
    ) -> None:
        server = _Server(server_context(certfile, keyfile, client_ca), registry)
        super().__init__(server, name="kentei-fake-registry", lifetime_s=lifetime_s)

    @classmethod
    def from_seed_file(
        cls,
        seed: Path,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        lifetime_s: float = 300.0,
    ) -> FakeRegistryServer:
        """A server answering from ``seed``, read again whenever the file changes."""
        return cls(
            SeedFileRegistry(seed),
            certfile=certfile,
            keyfile=keyfile,
            client_ca=client_ca,
            lifetime_s=lifetime_s,
        )


class _Server(MutualTlsServer):
    def __init__(self, context: ssl.SSLContext, registry: Registry) -> None:
        self.registry = registry
        super().__init__(context, _Handler)


class _Handler(FakeHandler):
    server_version = "kentei-fake-registry"
    server: _Server

    def _post(self) -> None:
        body = self.read_body(MAX_REQUEST_BYTES)
        if body is None:
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != contract.JSON:
            self.problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "application/json only")
        elif self.path == contract.BY_MY_NUMBER:
            self._by_my_number(body)
        elif self.path == contract.BY_FOUR_ITEMS:
            self._by_four_items(body)
        else:
            self.problem(HTTPStatus.NOT_FOUND, "no such lookup")

    do_POST = _post  # noqa: N815

    def _by_my_number(self, body: bytes) -> None:
        try:
            request = contract.ByMyNumberRequest.model_validate_json(body)
        except ValidationError:
            self.problem(HTTPStatus.BAD_REQUEST, "invalid by-my-number request")
            return
        record = self.server.registry.by_my_number(request.my_number)
        self.send(HTTPStatus.OK, contract.record_body(record), contract.JSON)

    def _by_four_items(self, body: bytes) -> None:
        try:
            request = contract.ByFourItemsRequest.model_validate_json(body)
        except ValidationError:
            self.problem(HTTPStatus.BAD_REQUEST, "invalid by-four-items request")
            return
        candidates = self.server.registry.by_four_items(
            request.name, request.birth_date, request.sex, request.address
        )
        self.send(HTTPStatus.OK, contract.candidates_body(candidates), contract.JSON)

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        return contract.problem_body(status.value, title)
