"""The leak scan of a running local system: no valid My Number outside where it may be.

Privacy invariant 1 checked on what the system holds after a run: every item of every catalog
table, every version of every object (delete markers' keys too) in every catalog bucket, and
every message of every queue and DLQ. Each text goes to :func:`kentei_local.probes.my_numbers_in`
(the one detector, :mod:`kentei.my_number`, in any spelling). The runtime's output (the
functions' log lines) is scanned by the caller, line by line, with the same probe.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, TextIO

from kentei import catalog
from kentei.redaction import redact
from kentei_local.probes import my_numbers_in
from kentei_local.resources import physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sqs.client import SQSClient

MAY_HOLD: Final = frozenset(
    {
        "table:vault",  # where the My Number lives, under the vault key
        # The raw submission, until its verification ends; drop this line once verify deletes
        # the object version (issue 7), and the scan covers the inbox too.
        "bucket:inbox",
    }
)
"""Resources (``table:<name>``, ``bucket:<name>``, ``queue:<name>``) that may hold one."""


def stored_my_numbers(
    dynamodb: DynamoDBClient,
    s3: S3Client,
    sqs: SQSClient,
    *,
    may_hold: frozenset[str] = MAY_HOLD,
) -> dict[str, int]:
    """How many valid My Numbers each resource holds, where any, outside ``may_hold``.

    Queues are read to the end (each receive hides what it returned for ten minutes): call
    this once the run is over."""
    found: dict[str, int] = {}
    scanned = (*_tables(dynamodb, may_hold), *_buckets(s3, may_hold), *_queues(sqs, may_hold))
    for resource, value in scanned:
        found[resource] = found.get(resource, 0) + len(my_numbers_in(_text(value)))
    return {resource: n for resource, n in found.items() if n}


def _tables(dynamodb: DynamoDBClient, skip: frozenset[str]) -> Iterator[tuple[str, Any]]:
    for table in catalog.TABLES:
        if f"table:{table.name}" in skip:
            continue
        name = physical_name(table.name)
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            for item in page["Items"]:
                yield f"table:{table.name}", item


def _buckets(s3: S3Client, skip: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """Every version of every object (its key, metadata and bytes) and every delete marker."""
    for bucket in catalog.BUCKETS:
        resource, name = f"bucket:{bucket.name}", physical_name(bucket.name)
        if resource in skip:
            continue
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            for marker in page.get("DeleteMarkers") or ():
                yield resource, marker.get("Key", "")
            for version in page.get("Versions") or ():
                key, version_id = version.get("Key", ""), version.get("VersionId", "null")
                got = s3.get_object(Bucket=name, Key=key, VersionId=version_id)
                yield resource, {"key": key, "metadata": got.get("Metadata", {})}
                yield resource, got["Body"].read()


def _queues(sqs: SQSClient, skip: frozenset[str]) -> Iterator[tuple[str, Any]]:
    for queue in catalog.QUEUES:
        for name in (queue.name, queue.dlq_name):
            if f"queue:{name}" in skip:
                continue
            url = sqs.get_queue_url(QueueName=physical_name(name) + queue.suffix)["QueueUrl"]
            while messages := sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=600,
                MessageAttributeNames=["All"],
            ).get("Messages", []):
                for message in messages:
                    yield f"queue:{name}", message


def _text(value: Any) -> str:
    """Text to scan: bytes as UTF-8 (what is not UTF-8 cannot spell digits in it), anything
    else as JSON without escapes (so full-width and other digits stay as they are)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return json.dumps(value, default=_binary, ensure_ascii=False)


def _binary(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


class OutputScan(io.TextIOBase):
    """A stream that passes each write on and keeps the lines holding a valid My Number
    (redacted: the number never kept), by their line number in what was written."""

    def __init__(self, through: TextIO) -> None:
        self._through = through
        self._lock = threading.Lock()
        self._partial = threading.local()
        """Per thread: ``print`` writes its text and its newline apart."""
        self.lines = 0
        self.leaking: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines = (getattr(self._partial, "text", "") + text).split("\n")
        self._partial.text = lines.pop()
        with self._lock:
            self._through.write(text)
            for line in lines:
                self._scan(line)
        return len(text)

    def flush(self) -> None:
        self._through.flush()

    def finish(self) -> None:
        """Scan what this thread left without a newline."""
        if rest := getattr(self._partial, "text", ""):
            self._partial.text = ""
            with self._lock:
                self._scan(rest)

    def _scan(self, line: str) -> None:
        self.lines += 1
        if my_numbers_in(line):
            self.leaking.append(f"line {self.lines}: {redact(line)}")


@contextlib.contextmanager
def scanning_output() -> Iterator[OutputScan]:
    """Scan what this process writes meanwhile to standard output, where the local functions
    log (Powertools' loggers write to the stream they were made with: each logging stream
    handler's stream is swapped too, and put back after)."""
    scan = OutputScan(sys.stdout)
    swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if type(handler) is logging.StreamHandler:
                swapped.append((handler, handler.setStream(scan)))
    real, sys.stdout = sys.stdout, scan
    try:
        yield scan
    finally:
        sys.stdout = real
        for handler, stream in swapped:
            handler.setStream(stream)
        scan.finish()
