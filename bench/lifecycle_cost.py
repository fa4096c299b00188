"""What the whole lifecycle costs on AWS in Tokyo, per 100,000 examinees a year (issue 14).

One :class:`kentei_local.lifecycle.LifecycleRun` (no faults) takes ``--applicants`` through
intake, verify, review, sessions, results, announcement, certificates, notices and national
sync in a local runtime, and this script counts, as it runs:

- **every AWS request the functions make**, by service and operation: botocore hooks on
  boto3's default session (the functions' clients come from :mod:`kentei.aws`, made from it;
  :func:`kentei.aws.reset` makes them anew with the hooks). ``before-send`` counts each HTTP
  attempt; ``before-parameter-build`` and ``after-call`` see the parameters and the answer of
  each call, which give its billing units: DynamoDB read and write request units from the item
  sizes (DynamoDB's size rules: attribute names and values; 1 KB per write unit, 4 KB per read
  unit, half for an eventually consistent read, twice for a transaction; an update's item size
  is the item's size at the end of the run), SQS requests per 64 KiB chunk, S3's request
  classes, KMS's symmetric and asymmetric requests. Each request is attributed, through a
  thread-local, to the invocation it was made in (function and trigger).
- **what the event source mappings ask of SQS and DynamoDB Streams** (the local pumps), counted
  by hooks on the pumps' own clients (not the runtime's session, which the run's own probes
  also use): a ReceiveMessage that brought messages and each DeleteMessageBatch are billed per
  batch; the empty long polls of an idle queue are not a per-examinee cost (AWS's pollers run
  all the time) and are priced among the fixed costs; GetRecords made by a Lambda trigger are
  free.
- **API Gateway requests** (the local gateway's invocations of intake and public) and the bytes
  of their bodies.
- **Lambda**: each invocation's duration (``Invocation.duration_ms``) rounded up to the
  millisecond, times its catalog memory: GB-seconds; one request per invocation.
- **CloudWatch Logs**: the bytes of every line the functions print (Powertools' JSON log lines
  and the EMF metric lines), captured on standard output, plus an assumed size for Lambda's own
  platform lines per invocation and for API Gateway's access and execution log lines and WAF's
  log line per request (the figures are in the price file's ``assumptions``).
- **Storage**: what the run left in S3 (every object version) and DynamoDB (every item, by
  DynamoDB's size rules plus its 100 bytes per item), kept for the first year as the retention
  schedule says (``kentei/retention/schedule.json``: 30 days for the inbox, result files and
  disclosure copies, a day for idempotency records, at least a year for everything else), so a
  year of the run's footprint.

Prices come from ``bench/prices_ap_northeast_1.json`` (each with its source and the date it
was read). The run's counts are scaled linearly from ``--applicants`` to 100,000 examinees,
except what staff do once per group (a prefecture's trade, work and grade in a round: open
sessions, seat, upload and commit a result file, decide, announce), scaled by the number of
groups (``--examinees-per-group``), and the run's own polling of the results routes while it
waits, which a person would not do: shown apart, not in the total.

    .venv/bin/python bench/lifecycle_cost.py [--applicants 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
PRICES_FILE: Final = Path(__file__).with_name("prices_ap_northeast_1.json")
TARGET_EXAMINEES: Final = 100_000
KB: Final = 1024
GB: Final = 1024**3
DAYS_PER_MONTH: Final = 365.25 / 12
SQS_CHUNK: Final = 64 * KB
DYNAMODB_ITEM_OVERHEAD: Final = 100
"""DynamoDB adds 100 bytes per item to the stored size it bills."""

PER_GROUP_ROUTES: Final = frozenset(
    {
        "POST /v1/sessions",
        "POST /v1/sessions/seating",
        "POST /v1/results/imports",
        "POST /v1/results/imports/{id}/commit",
        "POST /v1/results/decisions",
        "POST /v1/results/announcements",
    }
)
"""What staff do once per group (or per room of it), whatever its size."""
RUN_POLLING: Final = frozenset({"GET /v1/results/decisions", "GET /v1/results/imports/{id}"})
"""The run's own polling while it waits for a step: not what a person does."""
_PREFIX: Final = re.compile(r"^[A-Z][A-Z_]*#")
"""A records item's kind: its sort key's prefix (``APPLICATION#``)."""
_ID_SEGMENT: Final = re.compile(r"^(?=.*\d)[0-9A-Za-z_-]{8,}$")

S3_TIER1: Final = frozenset(
    {
        "PutObject",
        "CopyObject",
        "PostObject",
        "CreateMultipartUpload",
        "UploadPart",
        "UploadPartCopy",
        "CompleteMultipartUpload",
        "ListObjects",
        "ListObjectsV2",
        "ListObjectVersions",
        "ListBuckets",
        "ListMultipartUploads",
        "ListParts",
    }
)
S3_FREE: Final = frozenset({"DeleteObject", "DeleteObjects", "AbortMultipartUpload"})
KMS_ASYMMETRIC: Final = frozenset({"Sign", "Verify", "GetPublicKey"})
DYNAMODB_FREE: Final = frozenset({"DescribeTable", "ListTables", "DescribeTimeToLive"})
SERVICE_NAMES: Final = {
    "cognito-identity-provider": "cognito-idp",
    "dynamodb-streams": "dynamodbstreams",
}
"""botocore's event names spell a service by its id; the usual names here."""


def _operation(event_name: str) -> tuple[str, str]:
    """(service, operation) from ``after-call.<service id>.<operation>``."""
    _, service, operation = [*event_name.split("."), "?", "?"][:3]
    return SERVICE_NAMES.get(service, service), operation


# -- attribution ---------------------------------------------------------------------------


class _Current(threading.local):
    invocation: tuple[str, str] | None = None


_CURRENT: Final = _Current()
OUTSIDE: Final = ("(outside any invocation)", "-")


def route_of(event: Mapping[str, Any]) -> str:
    """``METHOD /path`` with ids replaced by ``{id}``: the route an API request took."""
    segments = [
        "{id}" if _ID_SEGMENT.match(part) else part
        for part in str(event.get("path", "")).split("/")
    ]
    return f"{event.get('httpMethod', '?')} {'/'.join(segments)}"


def trigger_of(event: Mapping[str, Any]) -> str:
    if "httpMethod" in event:
        return route_of(event)
    records = event.get("Records") or []
    if records and isinstance(records[0], Mapping):
        source = str(records[0].get("eventSourceARN", ""))
        if records[0].get("eventSource") == "aws:sqs":
            return f"queue {source.rsplit(':', 1)[-1]}"
        if "/stream/" in source:
            return "records stream"
    return "other"


def scale_of(trigger: str, *, requests: bool = False) -> str:
    """How a count scales to the target: ``examinee`` (linearly), ``group`` (once per
    group), or ``left out`` (the run's own polling, and the runtime's setup outside any
    invocation). A staff request made once per group is a request per group, but the work it
    does (seating, checking a file) is per sitting: ``requests`` asks for the former."""
    if trigger in RUN_POLLING or trigger == OUTSIDE[1]:
        return "left out"
    if trigger in PER_GROUP_ROUTES and requests:
        return "group"
    return "examinee"


# -- DynamoDB sizes -------------------------------------------------------------------------


def value_size(value: Mapping[str, Any]) -> int:  # noqa: PLR0911 - one return per type
    """The size DynamoDB counts for a typed attribute value (approximately, as documented)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        digits = str(inner).lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else len(str(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(str(v).encode()) for v in inner)
    if kind == "NS":
        return sum(value_size({"N": v}) for v in inner)
    if kind == "BS":
        return sum(len(v) for v in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: Mapping[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    units = float(max(1, math.ceil(size / (4 * KB))))
    if transactional:
        return units * 2
    return units if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> float:
    units = float(max(1, math.ceil(size / KB)))
    return units * 2 if transactional else units


# -- the ledger ----------------------------------------------------------------------------

Key = tuple[str, str, str, str]
"""(function, trigger, service, operation)"""


@dataclass
class Usage:
    requests: int = 0
    attempts: int = 0
    units: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    meter_requests: Counter[str] = field(default_factory=Counter)
    """Requests by the meter they are billed on (an SQS operation on a FIFO or a standard
    queue, a DynamoDB write)."""
    updates: list[tuple[str, str, float]] = field(default_factory=list)
    """Writes whose item size is read at the end: (table, key JSON, multiplier)."""


@dataclass
class Invocations:
    count: int = 0
    billed_ms: int = 0
    gb_seconds: float = 0.0
    api_requests: int = 0
    api_request_bytes: int = 0
    traces: int = 0


@dataclass
class Logs:
    lines: int = 0
    bytes: int = 0
    emf_lines: int = 0
    emf_bytes: int = 0


class Ledger:
    """Everything counted, under one lock (pumps and gateway threads write at once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.usage: dict[Key, Usage] = defaultdict(Usage)
        self.invocations: dict[tuple[str, str], Invocations] = defaultdict(Invocations)
        self.logs: dict[tuple[str, str], Logs] = defaultdict(Logs)
        self.metrics: set[str] = set()
        self.empty_polls: Counter[str] = Counter()

    # botocore hooks -------------------------------------------------------------------

    def hooks(self, label: tuple[str, str] | None) -> dict[str, Any]:
        """Handlers for a client's events; ``label`` None: the current invocation's."""

        def who() -> tuple[str, str]:
            return label or _CURRENT.invocation or OUTSIDE

        def parameters(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["kentei_cost_params"] = dict(params)
            context["kentei_cost_who"] = who()

        def send(event_name: str = "", **kwargs: Any) -> None:
            service, operation = _operation(event_name)
            function, trigger = who()
            with self._lock:
                self.usage[(function, trigger, service, operation)].attempts += 1

        def after(
            event_name: str = "",
            parsed: dict[str, Any] | None = None,
            context: dict[str, Any] | None = None,
            **_: Any,
        ) -> None:
            service, operation = _operation(event_name)
            context = context or {}
            params = context.get("kentei_cost_params", {})
            function, trigger = context.get("kentei_cost_who") or who()
            self.record(
                function=function,
                trigger=trigger,
                service=service,
                operation=operation,
                params=params,
                answer=parsed or {},
            )

        return {
            "before-parameter-build": parameters,
            "before-send": send,
            "after-call": after,
        }

    def record(
        self,
        *,
        function: str,
        trigger: str,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        answer: Mapping[str, Any],
    ) -> None:
        units: defaultdict[str, float] = defaultdict(float)
        updates: list[tuple[str, str, float]] = []
        if service == "sqs" and operation == "ReceiveMessage" and not answer.get("Messages"):
            with self._lock:
                self.empty_polls[f"{function}|{trigger}"] += 1
            return
        if service == "dynamodb":
            units, updates = _dynamodb_units(operation, params, answer)
        elif service == "sqs":
            units = self._sqs_units(operation, params, answer)
        elif service == "s3":
            if operation in S3_TIER1:
                units["s3.tier1_requests"] += 1
            elif operation not in S3_FREE:
                units["s3.tier2_requests"] += 1
        elif service == "kms":
            kind = "asymmetric" if operation in KMS_ASYMMETRIC else "symmetric"
            units[f"kms.{kind}_requests"] += 1
        elif service == "dynamodbstreams":
            units["dynamodb.streams_lambda_reads"] += 1
        elif service == "cognito-idp":
            units["cognito.api_requests"] += 1
        else:
            units[f"{service}.unpriced_requests"] += 1
        with self._lock:
            usage = self.usage[(function, trigger, service, operation)]
            usage.requests += 1
            for meter, count in units.items():
                usage.units[meter] += count
            usage.updates.extend(updates)
            meters = set(units) | {request_meter(table, "write") for table, _, _ in updates}
            usage.meter_requests.update(meters)

    def _sqs_units(
        self, operation: str, params: Mapping[str, Any], answer: Mapping[str, Any]
    ) -> defaultdict[str, float]:
        url = str(params.get("QueueUrl", ""))
        fifo = url.endswith(".fifo")
        if operation == "SendMessage":
            payload = _sqs_payload(params)
        elif operation == "SendMessageBatch":
            payload = sum(_sqs_payload(entry) for entry in params.get("Entries", []))
        elif operation == "ReceiveMessage":
            payload = sum(len(str(m.get("Body", "")).encode()) for m in answer["Messages"])
        else:
            payload = 0
        chunks = max(1, math.ceil(payload / SQS_CHUNK))
        units: defaultdict[str, float] = defaultdict(float)
        units[f"sqs.{'fifo' if fifo else 'standard'}_requests"] = chunks
        return units

    # invocations and logs -------------------------------------------------------------

    def invoked(self, function: str, memory_mb: int, event: Mapping[str, Any], ms: float) -> None:
        trigger = trigger_of(event)
        billed = max(1, math.ceil(ms))
        with self._lock:
            entry = self.invocations[(function, trigger)]
            entry.count += 1
            entry.billed_ms += billed
            entry.gb_seconds += billed / 1000 * memory_mb / 1024
            # Active tracing: at most one trace per invocation (an upper bound: X-Ray's
            # default rule samples the first request each second and 5 % of the rest, and a
            # consumer's segment may join the sender's trace).
            entry.traces += 1
            if "httpMethod" in event:
                entry.api_requests += 1
                entry.api_request_bytes += _body_bytes(event)

    def logged(self, line: str) -> None:
        size = len(line.encode()) + 1
        who = _CURRENT.invocation or OUTSIDE
        emf = line.startswith('{"_aws"')
        with self._lock:
            entry = self.logs[who]
            entry.lines += 1
            entry.bytes += size
            if emf:
                entry.emf_lines += 1
                entry.emf_bytes += size
        if emf:
            self._metric_names(line)

    def _metric_names(self, line: str) -> None:
        try:
            document = json.loads(line)
        except ValueError:
            return
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            namespace = directive.get("Namespace", "")
            for dimensions in directive.get("Dimensions", []):
                values = ",".join(f"{d}={document.get(d)}" for d in dimensions)
                for metric in directive.get("Metrics", []):
                    with self._lock:
                        self.metrics.add(f"{namespace}/{metric.get('Name')}[{values}]")


def _sqs_payload(params: Mapping[str, Any]) -> int:
    size = len(str(params.get("MessageBody", "")).encode())
    for name, value in (params.get("MessageAttributes") or {}).items():
        size += len(name.encode()) + len(str(value.get("DataType", "")).encode())
        size += len(str(value.get("StringValue", "")).encode())
        size += len(value.get("BinaryValue", b"") or b"")
    return size


def _body_bytes(event: Mapping[str, Any]) -> int:
    body = event.get("body")
    if not body:
        return 0
    if event.get("isBase64Encoded"):
        return len(body) * 3 // 4
    return len(str(body).encode())


def _key_json(table: str, key: Mapping[str, Any]) -> str:
    return f"{table}|{json.dumps(key, sort_keys=True, default=str)}"


@functools.cache
def infrequent_tables() -> frozenset[str]:
    """The physical names of the catalog's Standard-IA tables (their requests and storage
    are metered apart: storage 60 % cheaper, requests 25 % dearer)."""
    from kentei import catalog
    from kentei_local.resources import physical_name

    return frozenset(
        physical_name(t.name) for t in catalog.TABLES if t.table_class == catalog.INFREQUENT_ACCESS
    )


def request_meter(table: str, kind: str) -> str:
    """``dynamodb.<read|write>_request_units``, or its ``ia_`` twin for a Standard-IA table."""
    infrequent = "ia_" if table in infrequent_tables() else ""
    return f"dynamodb.{infrequent}{kind}_request_units"


def _dynamodb_units(  # noqa: PLR0912 - one branch per operation, as DynamoDB bills them
    operation: str, params: Mapping[str, Any], answer: Mapping[str, Any]
) -> tuple[defaultdict[str, float], list[tuple[str, str, float]]]:
    units: defaultdict[str, float] = defaultdict(float)
    updates: list[tuple[str, str, float]] = []
    consistent = bool(params.get("ConsistentRead"))
    table = str(params.get("TableName", ""))
    if operation in DYNAMODB_FREE:
        units["dynamodb.control_requests"] += 1
    elif operation == "GetItem":
        size = item_size(answer.get("Item", {}))
        units[request_meter(table, "read")] += read_units(size, consistent=consistent)
    elif operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in answer.get("Items", []))
        units[request_meter(table, "read")] += read_units(size, consistent=consistent)
    elif operation == "BatchGetItem":
        for name, items in answer.get("Responses", {}).items():
            strong = bool(params.get("RequestItems", {}).get(name, {}).get("ConsistentRead"))
            for item in items:
                units[request_meter(name, "read")] += read_units(item_size(item), consistent=strong)
    elif operation == "TransactGetItems":
        asked = params.get("TransactItems", [])
        for n, response in enumerate(answer.get("Responses", [])):
            name = str(asked[n]["Get"]["TableName"]) if n < len(asked) else ""
            units[request_meter(name, "read")] += read_units(
                item_size(response.get("Item", {})), consistent=True, transactional=True
            )
    elif operation == "PutItem":
        units[request_meter(table, "write")] += write_units(item_size(params.get("Item", {})))
    elif operation == "UpdateItem":
        updates.append((table, _key_json(table, params["Key"]), 1))
    elif operation == "DeleteItem":
        units[request_meter(table, "write")] += 1
    elif operation == "BatchWriteItem":
        for name, requests in params.get("RequestItems", {}).items():
            for request in requests:
                put = request.get("PutRequest")
                units[request_meter(name, "write")] += (
                    write_units(item_size(put["Item"])) if put else 1
                )
    elif operation == "TransactWriteItems":
        for entry in params.get("TransactItems", []):
            ((action, detail),) = entry.items()
            name = str(detail["TableName"])
            if action == "Put":
                units[request_meter(name, "write")] += write_units(
                    item_size(detail["Item"]), transactional=True
                )
            elif action == "Update":
                updates.append((name, _key_json(name, detail["Key"]), 2))
            else:  # Delete, ConditionCheck
                units[request_meter(name, "write")] += 2
    else:
        units["dynamodb.unpriced_requests"] += 1
    return units, updates


class _LogCapture(io.TextIOBase):
    """Standard output while the run goes: each line counted (per thread: a ``print`` writes
    its text and its newline apart), none shown."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._pending = threading.local()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        buffered = getattr(self._pending, "text", "") + text
        *lines, rest = buffered.split("\n")
        self._pending.text = rest
        for line in lines:
            if line:
                self._ledger.logged(line)
        return len(text)


# -- the run -------------------------------------------------------------------------------


@dataclass
class Stored:
    """What the run left: bytes by store and kind, and the months each is kept in a year."""

    bytes: dict[str, int] = field(default_factory=dict)
    objects: dict[str, int] = field(default_factory=dict)
    months: dict[str, float] = field(default_factory=dict)
    service: dict[str, str] = field(default_factory=dict)
    item_sizes: dict[str, int] = field(default_factory=dict)


@dataclass
class Run:
    applicants: int
    outcome_lines: list[str]
    ledger: Ledger
    stored: Stored
    seconds: float
    groups_in_run: int = 1


def run(applicants: int, deadline_s: float) -> Run:
    real_stdout = sys.stdout
    import boto3

    ledger = Ledger()
    sys.stdout = _LogCapture(ledger)
    try:
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        for event, handler in ledger.hooks(None).items():
            session.events.register(event, handler, unique_id=f"kentei-cost-{event}")
        from kentei import aws

        aws.reset()
        return _run(applicants, deadline_s, ledger)
    finally:
        sys.stdout = real_stdout


def _run(applicants: int, deadline_s: float, ledger: Ledger) -> Run:
    from kentei_local import lifecycle
    from kentei_local.runtime import LocalRuntime
    from kentei_local.settings import LocalSettings

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kentei-bench-cost-") as work:
        folder = Path(work)
        settings = LocalSettings(port=0, state_dir=folder / "state")
        with LocalRuntime(settings, pumps=False) as runtime:
            _instrument(runtime, ledger)
            runtime.start_pumps()
            life = lifecycle.LifecycleRun(
                runtime, lifecycle.population(applicants), folder / "run", deadline_s=deadline_s
            )
            outcome = life.run()
            # An application in another documented end than the lifecycle expects is the
            # lifecycle's business (its own test asserts it) and costs what it cost; one lost,
            # dead-lettered or not synced means the run did not do its work.
            if outcome.by_end.get("lost") or outcome.dead_letters or not outcome.national_agree:
                raise RuntimeError(
                    "the run did not end as it must: "
                    f"{outcome.unexpected[:5]} {outcome.dead_letters} "
                    f"{outcome.national_differences[:5]}"
                )
            for pump in runtime.pumps.values():
                pump.request_stop()
            for stream in runtime.stream_pumps.values():
                stream.request_stop()
            stored = _stored(runtime)
    return Run(applicants, outcome.lines(), ledger, stored, time.monotonic() - started)


def _instrument(runtime: Any, ledger: Ledger) -> None:
    """Count each invocation, and the pumps' own requests."""
    for function in runtime.functions.values():
        _wrap(function, ledger)
    for name, pump in runtime.pumps.items():
        label = (f"event source mapping ({name})", f"queue {name}")
        for event, handler in ledger.hooks(label).items():
            pump._sqs.meta.events.register(event, handler)
    for table, stream in runtime.stream_pumps.items():
        label = (f"event source mapping ({table} stream)", "records stream")
        for client in (stream._streams, stream._dynamodb, stream._sqs):
            for event, handler in ledger.hooks(label).items():
                client.meta.events.register(event, handler)


def _wrap(function: Any, ledger: Ledger) -> None:
    invoke = function.invoke
    memory_mb = function.spec.memory_mb

    def counted(event: dict[str, Any]) -> Any:
        outer = _CURRENT.invocation
        _CURRENT.invocation = (function.name, trigger_of(event))
        try:
            invocation = invoke(event)
        finally:
            _CURRENT.invocation = outer
        ledger.invoked(function.name, memory_mb, event, invocation.duration_ms)
        return invocation

    function.invoke = counted


def _stored(runtime: Any) -> Stored:
    """Every object version in S3 and every item in DynamoDB the run left, by kind."""
    from kentei import catalog

    stored = Stored()
    s3 = runtime.s3()
    for name, bucket in runtime.resources.buckets.items():
        spec = catalog.bucket(name)
        days = spec.lifecycle.longest_days if spec.lifecycle else 365.25
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for version in page.get("Versions", []):
                kind = f"s3 {name}/{str(version['Key']).split('/', 1)[0]}"
                stored.bytes[kind] = stored.bytes.get(kind, 0) + int(version.get("Size", 0))
                stored.objects[kind] = stored.objects.get(kind, 0) + 1
                stored.months[kind] = min(12.0, days / DAYS_PER_MONTH)
                stored.service[kind] = "s3"
    dynamodb = runtime.dynamodb()
    kept_days = {"idempotency": 1.0}
    for name, table in runtime.resources.tables.items():
        table_spec = catalog.table(name)
        key_names = [k for k in (table_spec.partition_key, table_spec.sort_key) if k]
        infrequent = table_spec.table_class == catalog.INFREQUENT_ACCESS
        service = "dynamodb-ia" if infrequent else "dynamodb"
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page.get("Items", []):
                size = item_size(item)
                key = {k: item[k] for k in key_names}
                stored.item_sizes[_key_json(table, key)] = size
                sort = str(item.get(table_spec.sort_key or "", {}).get("S", ""))
                prefix = _PREFIX.match(sort)
                kind = f"dynamodb {name}" + (f" {prefix[0]}" if prefix else "")
                stored.bytes[kind] = stored.bytes.get(kind, 0) + size + DYNAMODB_ITEM_OVERHEAD
                stored.objects[kind] = stored.objects.get(kind, 0) + 1
                stored.months[kind] = min(12.0, kept_days.get(name, 365.25) / DAYS_PER_MONTH)
                stored.service[kind] = service
    return stored


# -- pricing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One priced line: what, how many in the run, how many for the target, dollars a year."""

    section: str
    what: str
    run_units: float
    target_units: float
    meter: str
    dollars: float
    scale: str


@dataclass
class Priced:
    lines: list[Line]
    fixed: list[tuple[str, float, str]]
    """(what, dollars a month, how it was counted)"""
    left_out: list[Line]
    assumptions: dict[str, Any]

    @property
    def variable_total(self) -> float:
        return sum(line.dollars for line in self.lines)

    @property
    def fixed_per_month(self) -> float:
        return sum(monthly for _, monthly, _ in self.fixed)


def load_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    prices: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return prices


def unit_price(prices: Mapping[str, Any], meter: str) -> float:
    entry = prices["prices"][meter]
    return float(entry["usd"]) / float(entry.get("per", 1))


def price(  # noqa: PLR0915 - one line per priced meter, in the report's order
    result: Run, prices: Mapping[str, Any], examinees_per_group: int
) -> Priced:
    assumptions = dict(prices["assumptions"])
    linear = TARGET_EXAMINEES / result.applicants
    groups = TARGET_EXAMINEES / examinees_per_group / result.groups_in_run
    factor = {"examinee": linear, "group": groups, "left out": 0.0}
    architecture = assumptions["lambda_architecture"]
    ledger = result.ledger
    lines: list[Line] = []
    left_out: list[Line] = []

    def add(section: str, what: str, units: float, meter: str, scale: str) -> None:
        if not units:
            return
        target = units * factor[scale]
        line = Line(section, what, units, target, meter, target * unit_price(prices, meter), scale)
        (left_out if scale == "left out" else lines).append(line)

    # AWS requests by service and operation (each meter apart), by scale.
    by_operation: dict[tuple[str, str, str, str], float] = defaultdict(float)
    requests: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for (_, trigger, service, operation), usage in ledger.usage.items():
        scale = scale_of(trigger)
        units = defaultdict(float, usage.units)
        for table, key, multiplier in usage.updates:
            size = result.stored.item_sizes.get(key, KB)
            units[request_meter(table, "write")] += write_units(size) * multiplier
        for meter, count in units.items():
            by_operation[(service, operation, meter, scale)] += count
            requests[(service, operation, meter, scale)] += usage.meter_requests[meter]
    for (service, operation, meter, scale), amount in sorted(by_operation.items()):
        n = requests[(service, operation, meter, scale)]
        add(service, f"{operation} ({n} requests, {meter.split('.', 1)[1]})", amount, meter,
            scale)  # fmt: skip

    # Lambda, API Gateway, WAF, X-Ray, logs, by scale.
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (_, trigger), entry in ledger.invocations.items():
        counted = totals[scale_of(trigger, requests=True)]
        counted["invocations"] += entry.count
        counted["api_requests"] += entry.api_requests
        counted["traces"] += entry.traces
        totals[scale_of(trigger)]["gb_seconds"] += entry.gb_seconds
    log_bytes: Counter[str] = Counter()
    for (_, trigger), lines_of in ledger.logs.items():
        log_bytes[scale_of(trigger)] += lines_of.bytes
    for scale, bucket in sorted(totals.items()):
        add("lambda", "requests (invocations)", bucket["invocations"], "lambda.requests", scale)
        add("lambda", f"GB-seconds ({architecture})", bucket["gb_seconds"],
            f"lambda.gb_seconds_{architecture}", scale)  # fmt: skip
        add("api gateway", "REST API requests", bucket["api_requests"],
            "apigateway.rest_requests", scale)  # fmt: skip
        add("waf", "requests inspected", bucket["api_requests"], "waf.requests", scale)
        add("x-ray", "traces recorded (every invocation sampled: an upper bound)",
            bucket["traces"], "xray.traces_recorded", scale)  # fmt: skip
        platform = bucket["invocations"] * assumptions["lambda_platform_log_bytes_per_invocation"]
        api_logs = bucket["api_requests"] * (
            assumptions["api_access_log_bytes_per_request"]
            + assumptions["api_execution_log_bytes_per_request"]
        )
        ingested = (log_bytes[scale] + platform + api_logs) / GB
        add("cloudwatch logs", "ingestion: functions' lines, Lambda platform, API logs",
            ingested, "logs.ingestion_gb", scale)  # fmt: skip
        add("cloudwatch logs", "storage of that for its year (retention 1 year, as ingested)",
            ingested * assumptions["log_storage_months_in_first_year"],
            "logs.storage_gb_month", scale)  # fmt: skip
        waf_logs = bucket["api_requests"] * assumptions["waf_log_bytes_per_request"] / GB
        add("cloudwatch logs", "WAF logs (vended) ingestion", waf_logs,
            "logs.vended_ingestion_gb", scale)  # fmt: skip
        add("cloudwatch logs", "WAF logs storage for its year",
            waf_logs * assumptions["log_storage_months_in_first_year"],
            "logs.storage_gb_month", scale)  # fmt: skip
    # The result file's upload by its presigned URL, and S3's notification of it to sync.
    uploads = sum(
        e.count for (f, t), e in ledger.invocations.items() if t == "POST /v1/results/imports"
    )
    add("s3", f"PutObject by presigned URL (result file, {uploads})", uploads,
        "s3.tier1_requests", "group")  # fmt: skip
    add("sqs", f"SendMessage by S3's notification ({uploads})", uploads,
        "sqs.standard_requests", "group")  # fmt: skip

    # Storage for the first year (linear: it is the examinees' records).
    storage: dict[str, float] = defaultdict(float)
    for kind, size in result.stored.bytes.items():
        storage[result.stored.service[kind]] += size / GB * result.stored.months[kind]
    add("storage", "S3 object versions, GB-months in the first year", storage["s3"],
        "s3.storage_gb_month", "examinee")  # fmt: skip
    add("storage", "DynamoDB items, GB-months in the first year", storage["dynamodb"],
        "dynamodb.storage_gb_month", "examinee")  # fmt: skip
    add("storage", "DynamoDB Standard-IA items (the audit trail), GB-months",
        storage["dynamodb-ia"], "dynamodb.ia_storage_gb_month", "examinee")  # fmt: skip
    add("storage", "DynamoDB point-in-time recovery of both",
        storage["dynamodb"] + storage["dynamodb-ia"], "dynamodb.pitr_gb_month",
        "examinee")  # fmt: skip
    s3_requests = (
        sum(
            n
            for (service, _, _, scale), n in requests.items()
            if service == "s3" and scale != "left out"
        )
        + uploads
    )
    access_logs = s3_requests * assumptions["s3_access_log_bytes_per_request"] / GB * 12
    add("storage", "S3 server access log lines (access-logs bucket), GB-months", access_logs,
        "s3.storage_gb_month", "examinee")  # fmt: skip

    fixed = _fixed(prices, ledger)
    return Priced(lines, fixed, left_out, assumptions)


def _fixed(prices: Mapping[str, Any], ledger: Ledger) -> list[tuple[str, float, str]]:
    from kentei import catalog

    assumptions = prices["assumptions"]
    fixed: list[tuple[str, float, str]] = []

    def add(what: str, count: float, meter: str, how: str) -> None:
        fixed.append((what, count * unit_price(prices, meter), how))

    add(f"KMS keys ({len(catalog.KEYS)})", len(catalog.KEYS), "kms.key_month",
        "catalog.KEYS; a rotated symmetric key adds $1 a month for each of its first two "
        "rotations")  # fmt: skip
    acls = assumptions["waf_web_acls"]
    rules = assumptions["waf_rules"]
    add(f"WAF web ACLs ({acls})", acls, "waf.web_acl_month", "staff, bridge, public APIs")
    add(f"WAF rules ({rules})", rules, "waf.rule_month",
        "3 managed groups and a rate rule each, the staff allowlist")  # fmt: skip
    mau = assumptions["staff_monthly_active_users"]
    add(f"Cognito Plus, {mau} staff MAU", mau, "cognito.plus_mau",
        "assumption: staff who sign in in a month")  # fmt: skip
    alarms = assumptions["cloudwatch_alarms"]
    add(f"CloudWatch alarms ({alarms})", alarms, "cloudwatch.alarm_month",
        "issue 14's list: DLQ depth, errors and throttles per function, oldest message per "
        "queue, 5xx and latency per API, KMS throttling")  # fmt: skip
    add("CloudWatch dashboard (1)", 1, "cloudwatch.dashboard_month", "issue 14")
    metrics = len(ledger.metrics)
    add(f"CloudWatch custom metrics ({metrics}, from EMF)", metrics,
        "cloudwatch.custom_metric_month",
        "distinct namespace, name and dimension values the run's EMF lines made")  # fmt: skip
    pollers = assumptions["sqs_pollers_per_queue"]
    wait_s = assumptions["sqs_long_poll_seconds"]
    polls = pollers * 30 * 24 * 3600 / wait_s
    standard = sum(1 for q in catalog.QUEUES if not q.fifo)
    add(f"Lambda's idle long polls of {standard} standard queues", polls * standard,
        "sqs.standard_requests",
        f"{pollers} pollers x a {wait_s}-second poll, all month; the run's own empty polls "
        f"({sum(ledger.empty_polls.values())}) are not scaled")  # fmt: skip
    fifo = len(catalog.QUEUES) - standard
    add(f"Lambda's idle long polls of {fifo} FIFO queue", polls * fifo, "sqs.fifo_requests",
        "as above")  # fmt: skip
    return fixed


# -- the report ----------------------------------------------------------------------------


def report(result: Run, priced: Priced, prices: Mapping[str, Any], examinees_per_group: int) -> str:
    out: list[str] = []
    per = result.applicants
    load = os.getloadavg()
    out.append(
        f"lifecycle cost: {result.applicants} applicants, one group, no faults; run "
        f"{result.seconds:.0f} s on {os.cpu_count()} cores, load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; prices {prices['region']} read "
        f"{prices['read_on']} ({PRICES_FILE.name})"
    )
    out.extend(f"  {line}" for line in result.outcome_lines)
    out.append(
        f"scaled to {TARGET_EXAMINEES:,} examinees a year: x{TARGET_EXAMINEES / per:g} per "
        f"examinee; once-per-group lines x{TARGET_EXAMINEES / examinees_per_group:g} groups "
        f"({examinees_per_group} examinees per group)"
    )
    header = f"{'service':<16} {'what':<62} {'scale':<8} {'per examinee':>13} {'$ / 100k / yr':>14}"
    out.append("(per examinee: the run's count over its applicants; on a group line, per group)")
    out.append(header)
    out.append("-" * len(header))
    for line in sorted(priced.lines, key=lambda x: (x.section, -x.dollars)):
        each = line.run_units / per if line.scale == "examinee" else line.run_units
        out.append(
            f"{line.section:<16} {line.what[:62]:<62} {line.scale:<8} "
            f"{_short(each):>13} {line.dollars:>14.4f}"
        )
    out.append("-" * len(header))
    by_section: dict[str, float] = defaultdict(float)
    for line in priced.lines:
        by_section[line.section] += line.dollars
    for section, dollars in sorted(by_section.items(), key=lambda x: -x[1]):
        out.append(f"  {section:<20} {dollars:>10.2f}")
    total = priced.variable_total
    verdict = "within" if total <= 10 else "OVER"
    out.append(
        f"variable cost per {TARGET_EXAMINEES:,} examinees a year: ${total:.2f} "
        f"({verdict} the $10 goal); ${total / TARGET_EXAMINEES * 1000:.3f} per 1,000"
    )
    gb_s = sum(e.gb_seconds for e in result.ledger.invocations.values())
    count = sum(e.count for e in result.ledger.invocations.values())
    out.append(
        f"Lambda: {count} invocations, {gb_s:.1f} GB-s in the run "
        f"({gb_s / per:.3f} GB-s per applicant, durations measured locally under load)"
    )
    by_function: dict[str, tuple[int, float]] = {}
    for (function, _), e in result.ledger.invocations.items():
        n, s = by_function.get(function, (0, 0.0))
        by_function[function] = (n + e.count, s + e.gb_seconds)
    out.append(
        "  by function: "
        + ", ".join(f"{f} {n} inv {s:.1f} GB-s" for f, (n, s) in sorted(by_function.items()))
    )
    api = sum(e.api_requests for e in result.ledger.invocations.values())
    api_bytes = sum(e.api_request_bytes for e in result.ledger.invocations.values())
    out.append(f"API Gateway: {api} requests, {api_bytes / 1e6:.1f} MB of request bodies")
    log_total = sum(e.bytes for e in result.ledger.logs.values())
    emf = sum(e.emf_bytes for e in result.ledger.logs.values())
    lines = sum(e.lines for e in result.ledger.logs.values())
    out.append(
        f"function log lines: {lines} lines, {log_total / 1e6:.2f} MB "
        f"({emf / 1e6:.2f} MB of it EMF metrics); {len(result.ledger.metrics)} custom metrics"
    )
    stored = ", ".join(
        f"{kind} {size / 1e6:.2f} MB/{result.stored.objects[kind]}"
        for kind, size in sorted(result.stored.bytes.items(), key=lambda x: -x[1])[:12]
    )
    out.append(f"stored at the end (largest): {stored}")
    if priced.left_out:
        dollars = sum(line.dollars for line in priced.left_out)
        polled = sum(line.run_units for line in priced.left_out if line.meter.endswith("units"))
        out.append(
            f"left out: the run's polling of the results routes while it waits "
            f"({len(priced.left_out)} lines, {polled:.0f} capacity units; not scaled)"
            + (f", ${dollars:.2f}" if dollars else "")
        )
    out.append("fixed costs (not per examinee):")
    for what, monthly, how in priced.fixed:
        out.append(f"  {what:<58} ${monthly:>8.2f}/month ${monthly * 12:>9.2f}/year  ({how})")
    fixed = priced.fixed_per_month
    out.append(f"fixed total: ${fixed:.2f} a month, ${fixed * 12:.2f} a year")
    return "\n".join(out)


def _short(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2e}"


def as_json(result: Run, priced: Priced) -> dict[str, Any]:
    return {
        "applicants": result.applicants,
        "variable_total": priced.variable_total,
        "fixed_per_month": priced.fixed_per_month,
        "lines": [line.__dict__ for line in priced.lines],
        "left_out": [line.__dict__ for line in priced.left_out],
        "fixed": [{"what": w, "per_month": m, "how": h} for w, m, h in priced.fixed],
        "requests": [
            {
                "function": k[0],
                "trigger": k[1],
                "service": k[2],
                "operation": k[3],
                "requests": u.requests,
                "attempts": u.attempts,
            }
            for k, u in result.ledger.usage.items()
        ],
        "invocations": [
            {"function": f, "trigger": t, **e.__dict__}
            for (f, t), e in result.ledger.invocations.items()
        ],
        "stored_bytes": result.stored.bytes,
        "log_bytes": sum(e.bytes for e in result.ledger.logs.values()),
        "empty_polls": sum(result.ledger.empty_polls.values()),
    }


def raw(result: Run) -> dict[str, Any]:
    """Everything the run counted, to price it again (``--reprice``) without running it."""
    ledger = result.ledger
    return {
        "applicants": result.applicants,
        "outcome_lines": result.outcome_lines,
        "seconds": result.seconds,
        "usage": [
            {
                "key": list(key),
                "requests": u.requests,
                "attempts": u.attempts,
                "units": dict(u.units),
                "meter_requests": dict(u.meter_requests),
                "updates": u.updates,
            }
            for key, u in ledger.usage.items()
        ],
        "invocations": [{"key": list(k), **e.__dict__} for k, e in ledger.invocations.items()],
        "logs": [{"key": list(k), **e.__dict__} for k, e in ledger.logs.items()],
        "metrics": sorted(ledger.metrics),
        "empty_polls": dict(ledger.empty_polls),
        "stored": result.stored.__dict__,
    }


def from_raw(data: Mapping[str, Any]) -> Run:
    ledger = Ledger()
    for entry in data["usage"]:
        usage = ledger.usage[(entry["key"][0], entry["key"][1], entry["key"][2], entry["key"][3])]
        usage.requests = entry["requests"]
        usage.attempts = entry["attempts"]
        usage.units = defaultdict(float, entry["units"])
        usage.meter_requests = Counter(entry["meter_requests"])
        usage.updates = [(t, k, m) for t, k, m in entry["updates"]]
    for entry in data["invocations"]:
        fields = {k: v for k, v in entry.items() if k != "key"}
        ledger.invocations[(entry["key"][0], entry["key"][1])] = Invocations(**fields)
    for entry in data["logs"]:
        fields = {k: v for k, v in entry.items() if k != "key"}
        ledger.logs[(entry["key"][0], entry["key"][1])] = Logs(**fields)
    ledger.metrics = set(data["metrics"])
    ledger.empty_polls = Counter(data["empty_polls"])
    return Run(
        data["applicants"],
        list(data["outcome_lines"]),
        ledger,
        Stored(**data["stored"]),
        data["seconds"],
    )


def meters(priced: Priced) -> Iterator[str]:
    for line in [*priced.lines, *priced.left_out]:
        yield line.meter


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--examinees-per-group", type=int, default=40)
    parser.add_argument("--deadline", type=float, default=3600.0, help="seconds for the run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--raw", type=Path, help="also write what the run counted here")
    parser.add_argument("--reprice", type=Path, help="price a --raw file instead of running")
    args = parser.parse_args()
    prices = load_prices()
    if args.reprice:
        result = from_raw(json.loads(args.reprice.read_text(encoding="utf-8")))
    else:
        result = run(args.applicants, args.deadline)
        if args.raw:
            args.raw.write_text(json.dumps(raw(result)), encoding="utf-8")
    priced = price(result, prices, args.examinees_per_group)
    print(report(result, priced, prices, args.examinees_per_group))
    if args.json:
        args.json.write_text(json.dumps(as_json(result, priced), indent=1), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
