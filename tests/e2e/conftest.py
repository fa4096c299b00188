"""The local system as a subprocess (``python -m kentei_local serve``), once per session.

Every line it writes, stdout and stderr (the functions' JSON log lines among them), is kept.
When the session ends, its tables, buckets (every object version) and queues (DLQs included)
are scanned while it still runs (``kentei_local.leaks``: everywhere but the vault, and the
inbox, which holds a raw submission until its verification ends), and the inbox must hold no
version of the raw submission of an application (or a signed change request) whose
verification has ended (the My Number is then the vault's alone); it is stopped and must exit
0; then all its output is scanned. A valid My Number in any spelling fails the session loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from tests.e2e.support import moto_client

from kentei.data.inbox import inbox_key, prefix
from kentei.redaction import redact
from kentei_local import leaks
from kentei_local.probes import ProbeTimeoutError, my_numbers_in, wait_until
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name
from kentei_local.testpki import TestPki

REPO: Final = Path(__file__).resolve().parents[2]
RAW_PARTS: Final = ("document.json", "signature.p7s", "package.zip", "form.json")
"""The inbox parts that hold the My Number (or sign it): gone once verification has ended."""
PENDING: Final = frozenset({"received", "verifying"})


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
        raw_left = raw_submissions_left(system)
    finally:
        code = system.stop()
    problems: list[str] = []
    if code != 0:
        problems.append(f"the runtime exited {code} after SIGTERM, not 0")
    if stored:
        problems.append(f"valid My Numbers stored outside the vault, by resource: {stored}")
    if raw_left:
        problems.append(f"raw submissions left in the inbox after verification: {raw_left}")
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
    """How many valid My Numbers each table, bucket (every object version) and queue (DLQs
    included) holds outside where one may be (kentei_local.leaks.MAY_HOLD)."""
    return leaks.stored_my_numbers(system.dynamodb(), system.s3(), system.sqs())


def raw_submissions_left(system: ServeProcess, settle_s: float = 10.0) -> list[str]:
    """The ids of applications whose verification has ended but whose raw parts still have a
    version (or delete marker) in the inbox. Verify deletes them just after writing its
    decision, so a decision of the last second is given ``settle_s`` to catch up."""

    def left() -> list[str]:
        return [a for a in _ended_applications(system) if _raw_versions(system, a)]

    try:
        return wait_until(lambda: None if left() else [], settle_s, "raw parts left")
    except ProbeTimeoutError:
        return left()


def _ended_applications(system: ServeProcess) -> list[str]:
    """Applications, and signed change requests, whose verification has ended."""
    ended: list[str] = []
    for page in (
        system.dynamodb().get_paginator("scan").paginate(TableName=physical_name("records"))
    ):
        for item in page["Items"]:
            key = item["record_key"]["S"]
            if key.startswith("APPLICATION#") and item["status"]["S"] not in PENDING:
                ended.append(key.removeprefix("APPLICATION#"))
            if key.startswith("CHANGE_REQUEST#") and item["status"]["S"] not in PENDING:
                ended.append(key.removeprefix("CHANGE_REQUEST#"))
    return ended


def _raw_versions(system: ServeProcess, application_id: str) -> list[str]:
    raw = {inbox_key(application_id, name) for name in RAW_PARTS}
    listed = moto_client(system, "s3").list_object_versions(
        Bucket=physical_name("inbox"), Prefix=prefix(application_id)
    )
    entries = [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
    return [entry["Key"] for entry in entries if entry["Key"] in raw]
