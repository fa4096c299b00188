"""The local system as a subprocess (``python -m kentei_local serve``), once per session.

Every line it writes, stdout and stderr, is kept. When the session ends, its tables and queues
(DLQs included) are scanned while it still runs; it is stopped and must exit 0; then all its
output is scanned. A valid My Number anywhere fails the session loudly.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from kentei import catalog
from kentei.redaction import redact
from kentei_local.probes import my_numbers_in
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import TestPki

REPO: Final = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Gives each schemathesis test its own node id, ``test_fuzz...[POST /v1/applications]``.

    Under pytest 9, schemathesis 4.32 names its items by operation but leaves all of them the
    test function's node id, so xdist's progress, ``--lf`` and the report cannot tell them
    apart. Each worker collects the same items and renames them the same way."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if isinstance(label, str) and item._id.params is None:
            item._id = item._id.with_params(label)


@pytest.fixture(scope="session")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    """A local JPKI-like PKI, trusted by the runtime through its documented settings."""
    return TestPki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="session")
def local_system(jpki: TestPki) -> Iterator[ServeProcess]:
    system = ServeProcess(
        {"PORT": "0", "KENTEI_LOCAL_VISIBILITY_TIMEOUT": "1", **jpki.settings()}, cwd=REPO
    )
    try:
        system.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield system
        stored = stored_my_numbers(system)
    finally:
        code = system.stop()
    problems: list[str] = []
    if code != 0:
        problems.append(f"the runtime exited {code} after SIGTERM, not 0")
    if stored:
        problems.append(f"valid My Numbers stored outside the vault, by resource: {stored}")
    leaking = [
        f"line {n}: {redact(line.rstrip())}"
        for n, line in enumerate(system.lines, start=1)
        if my_numbers_in(line)
    ]
    if leaking:
        problems.append("valid My Numbers in the runtime's output:\n" + "\n".join(leaking))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def stored_my_numbers(system: ServeProcess) -> dict[str, int]:
    """How many valid My Numbers each table and queue (DLQs included) holds, where any."""
    found: dict[str, int] = {}
    dynamodb = system.dynamodb()
    for table in catalog.TABLES:
        name = physical_name(table.name)
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            for item in page["Items"]:
                found[name] = found.get(name, 0) + len(my_numbers_in(_text(item)))
    sqs = system.sqs()
    for queue in catalog.QUEUES:
        for name in (queue.name, queue.dlq_name):
            url = system.queue_url(name)
            # Each receive hides what it returned, so the loop reads every message once.
            while messages := sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=600,
                MessageAttributeNames=["All"],
            ).get("Messages", []):
                for message in messages:
                    found[name] = found.get(name, 0) + len(my_numbers_in(_text(message)))
    return {name: count for name, count in found.items() if count}


def _text(value: Any) -> str:
    return json.dumps(value, default=_binary, ensure_ascii=False)


def _binary(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return str(value)
