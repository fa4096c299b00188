"""Intake's CPU per application, as a ratio to a bare handler making the same AWS calls.

One valid Mynaportal ``POST /v1/applications`` (a document signed with ``openssl cms -sign``
by a card certificate of the local test PKI, one PDF attachment) is handed, as the API
Gateway proxy event the local gateway builds, to intake's real handler in this process. The
baseline is a bare handler that decodes the same request body and makes the same AWS calls
directly with boto3: the calls intake made for one application are recorded once (operation
and parameters, by wrapping botocore's ``_make_api_call``) and replayed with fresh ids.

Both talk to one moto server, provisioned with every catalog resource and run in a child
process, so ``time.process_time`` in this process counts only the client side: intake's
parsing, validation, checks, Powertools and boto3, against boto3 alone. Samples are
interleaved (intake, bare, intake, ...) after a warm-up, and the figures are medians.
Nothing here is a test: no figure fails anything.

    .venv/bin/python bench/intake_cpu.py [--runs 31]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import datetime as dt
import json
import os
import re
import secrets
import ssl
import statistics
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from measure import cpu, quiet
from moto_child import moto_child

ROOT: Final = Path(__file__).resolve().parents[1]
CONFIG: Final = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
)
# Values intake makes per application, replaced by fresh ones in each replay so conditional
# writes do not collide: application ids, UUIDs, hex digests, ISO timestamps.
FRESH: Final = re.compile(
    r"\b\d{2}-[0-9A-HJKMNP-TV-Z]{26}\b"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b[0-9a-f]{32,64}\b"
)
KEPT: Final = frozenset({"KeyId"})
"""Parameters replayed as recorded."""
CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
Call = tuple[str, str, dict[str, Any]]


def signed_request() -> bytes:
    """A valid Mynaportal request body, made with the independent bridge client."""
    from kentei_local.bridges import (
        Attachment,
        MynaportalBridge,
        Signer,
        application_document,
        sample_form,
        sample_pdf,
        sign_detached,
    )
    from kentei_local.testpki import FourItems, TestPki

    form = sample_form(postal_code="1000001")
    attachment = Attachment("experience-certificate.pdf", sample_pdf(size=200_000))
    document = application_document(form, [attachment])
    with tempfile.TemporaryDirectory(prefix="kentei-bench-") as folder:
        pki = TestPki.create(Path(folder) / "pki")
        items = FourItems(form["name"], form["sex"], dt.date(1990, 4, 1), form["address"])
        paths = pki.signature_certificate(items).write(Path(folder) / "card")
        signature = sign_detached(document, Signer(paths.key, paths.certificate))
    body = MynaportalBridge.request_body(document, signature, [attachment])
    return json.dumps(body).encode()


def bridge_certificate() -> bytes:
    """The DER of the Mynaportal bridge's client certificate, issued by a new local CA."""
    from kentei_local import localca

    with tempfile.TemporaryDirectory(prefix="kentei-bench-") as folder:
        pair = localca.create(Path(folder)).bridges["mynaportal"]
        pem = pair.cert.read_bytes()
    return ssl.PEM_cert_to_DER_cert(pem.decode("ascii"))


def event_for(body: bytes, idempotency_key: str, certificate: bytes) -> dict[str, Any]:
    """The API Gateway proxy event the local gateway's bridge port builds for the POST, the
    bridge's verified client certificate in the request context."""
    from kentei_local.gateway import BridgeEntry, HttpRequest, HttpResponse, proxy_event

    request = HttpRequest(
        method="POST",
        target="/v1/applications",
        headers=[
            ("Host", "127.0.0.1"),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", idempotency_key),
        ],
        body=body,
        source_ip="127.0.0.1",
        host="127.0.0.1",
        client_cert=certificate,
        scheme="https",
    )
    caller = BridgeEntry().admit(request)
    if isinstance(caller, HttpResponse):
        raise RuntimeError(f"the bridge port refused the request: {caller.status}")
    return proxy_event(request, str(uuid.uuid4()), dt.datetime.now(dt.UTC), caller)


@contextlib.contextmanager
def recording() -> Iterator[list[Call]]:
    """Every botocore API call made in the block: (service, operation, parameters)."""
    calls: list[Call] = []
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def record(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation, copy.deepcopy(params)))
        return original(self, operation, params)

    BaseClient._make_api_call = record  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]


def fresh(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with every per-application token replaced by one fresh token per run."""
    if isinstance(value, str):
        return FRESH.sub(lambda m: mapping.setdefault(m.group(0), _like(m.group(0))), value)
    if isinstance(value, dict):
        # A KMS key's id is a UUID too, but the same key every time (the fingerprint's MAC).
        return {k: v if k in KEPT else fresh(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v, mapping) for v in value]
    return value


def _like(token: str) -> str:
    if re.fullmatch(r"\d{2}-[0-9A-Z]{26}", token):
        return token[:3] + "".join(
            secrets.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(26)
        )
    if "-" in token:
        return str(uuid.uuid4())
    return secrets.token_hex(len(token) // 2)


def bare_handler(calls: list[Call]) -> Callable[[dict[str, Any]], None]:
    """A handler that decodes the request and makes ``calls`` with plain boto3 clients."""
    clients: dict[str, Any] = {}
    operations = [(service, _snake(operation), params) for service, operation, params in calls]

    def handle(event: dict[str, Any]) -> None:
        raw = event["body"]
        body = json.loads(base64.b64decode(raw) if event["isBase64Encoded"] else raw)
        for key in ("document", "signature"):
            base64.b64decode(body[key])
        for attachment in body["attachments"]:
            base64.b64decode(attachment["content"])
        mapping: dict[str, str] = {}
        for service, operation, params in operations:
            client = clients.get(service)
            if client is None:
                client = clients[service] = boto3.client(service, config=CONFIG)  # type: ignore[call-overload]
            getattr(client, operation)(**fresh(params, mapping))

    return handle


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    body = signed_request()
    certificate = bridge_certificate()
    with moto_child() as moto:
        from kentei_local.environment import handler_environment, patched_environ

        env = {
            **handler_environment(moto["endpoint"]),
            **moto["env"],
            "POWERTOOLS_METRICS_DISABLED": "false",
        }
        with patched_environ(env):
            from intake.handler import handler
            from kentei_local.context import LocalContext

            def intake() -> None:
                response = handler(
                    event_for(body, f"bench-{uuid.uuid4()}", certificate),
                    LocalContext.for_function("intake"),
                )
                if response["statusCode"] != 202:
                    raise RuntimeError(
                        f"intake answered {response['statusCode']}: {response['body'][:500]}"
                    )

            samples: dict[str, list[float]] = {"intake": [], "bare": []}
            with quiet():
                with recording() as calls:
                    cpu(intake)
                bare = bare_handler(calls)
                event = event_for(body, "bench-bare", certificate)
                for _ in range(5):
                    cpu(intake)
                    cpu(lambda: bare(event))
                for _ in range(args.runs):
                    samples["intake"].append(cpu(intake))
                    samples["bare"].append(cpu(lambda: bare(event)))
    made = Counter(f"{service}.{operation}" for service, operation, _ in calls)
    intake_ms = statistics.median(samples["intake"]) * 1000
    bare_ms = statistics.median(samples["bare"]) * 1000
    print(
        f"intake CPU per valid Mynaportal POST (request {len(body) // 1024} KiB), "
        f"median of {args.runs} interleaved samples each, time.process_time"
    )
    print(f"AWS calls per application: {', '.join(f'{n}x {c}' for c, n in sorted(made.items()))}")
    print(f"{'handler':<32} {'median ms':>10} {'ratio':>7}")
    print(f"{'bare (same boto3 calls)':<32} {bare_ms:>10.2f} {1.0:>7.2f}")
    print(f"{'intake':<32} {intake_ms:>10.2f} {intake_ms / bare_ms:>7.2f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
