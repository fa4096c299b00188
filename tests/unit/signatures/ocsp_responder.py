"""A small OCSP responder for tests, built with cryptography's OCSP builder and served over
HTTP on 127.0.0.1, so the HTTP transport is tested end to end."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from kentei_local.testpki import CertificateAuthority, Issued


@dataclass
class Answer:
    status: ocsp.OCSPCertStatus = ocsp.OCSPCertStatus.GOOD
    revoked_at: dt.datetime | None = None
    reason: x509.ReasonFlags | None = None


@dataclass
class OcspResponderFake:
    """Answers for the certificates of ``ca``; ``delegate`` signs instead of the CA if set."""

    ca: CertificateAuthority
    answers: dict[int, Answer] = field(default_factory=dict)
    delegate: Issued | None = None
    this_update: dt.datetime | None = None
    next_update: dt.datetime | None = None
    unsuccessful: ocsp.OCSPResponseStatus | None = None
    garbage: bytes | None = None
    requests: list[bytes] = field(default_factory=list)

    def respond(self, request_der: bytes) -> bytes:
        self.requests.append(request_der)
        if self.garbage is not None:
            return self.garbage
        if self.unsuccessful is not None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(self.unsuccessful).public_bytes(
                Encoding.DER
            )
        request = ocsp.load_der_ocsp_request(request_der)
        answer = self.answers.get(request.serial_number, Answer())
        now = dt.datetime.now(dt.UTC)
        this_update = self.this_update or now - dt.timedelta(minutes=1)
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=answer.status,
            this_update=this_update,
            next_update=self.next_update or this_update + dt.timedelta(hours=1),
            revocation_time=answer.revoked_at,
            revocation_reason=answer.reason,
        )
        if self.delegate is not None:
            builder = builder.responder_id(
                ocsp.OCSPResponderEncoding.HASH, self.delegate.certificate
            ).certificates([self.delegate.certificate])
            key = self.delegate.key
        else:
            builder = builder.responder_id(ocsp.OCSPResponderEncoding.NAME, self.ca.certificate)
            key = self.ca.key
        return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


@contextmanager
def serving(fake: OcspResponderFake) -> Iterator[str]:
    """The fake on an ephemeral 127.0.0.1 port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Type") != "application/ocsp-request":
                self.send_error(415)
                return
            answer = fake.respond(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
