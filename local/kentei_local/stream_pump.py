"""The stream pump: Lambda's event source mapping on a table's DynamoDB stream, locally.

Like the deployed mapping of a catalog :class:`~kentei.catalog.StreamSpec`, it reads moto's
stream of the table from its start (``TRIM_HORIZON``), one batch at a time (parallelization 1:
a shard's order), drops the records whose sort key starts with none of the catalog prefixes
(the mapping's filter criteria), and invokes the consumer with ``{"Records": [...]}``:

- a response without ``batchItemFailures`` (or with an empty list) is a success: on to the
  next records;
- ``batchItemFailures`` names the sequence number to retry from; an error or a timeout
  retries the whole batch; either way at most ``max_retries`` times, after which the batch is
  described (shard, first and last sequence numbers, size; never the records) on the
  on-failure queue's DLQ, as Lambda's on-failure destination does, and the pump goes on.

moto keeps one shard per table and hands out sequence numbers that grow by one per change.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from kentei import catalog
from kentei_local.functions import LocalFunction

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_sqs.client import SQSClient

_IDLE_S: Final = 0.5
"""Between reads of an idle stream (moto keeps every shard iterator it hands out)."""
logger = logging.getLogger(__name__)


class StreamPump:
    def __init__(
        self,
        spec: catalog.StreamSpec,
        table_name: str,
        function: LocalFunction,
        *,
        dynamodb: DynamoDBClient,
        streams: Any,  # DynamoDB Streams (no stubs installed for it)
        sqs: SQSClient,
        on_failure_url: str,
        idle_s: float = _IDLE_S,
    ) -> None:
        self.spec = spec
        self.function = function
        self._table_name = table_name
        self._dynamodb = dynamodb
        self._streams = streams
        self._sqs = sqs
        self._on_failure_url = on_failure_url
        self._idle_s = idle_s
        sort_key = catalog.table(spec.table).sort_key
        if sort_key is None:
            raise ValueError(f"the {spec.table} table has no sort key to filter on")
        self._sort_key = sort_key
        self._stop = threading.Event()
        self._delivering = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name=f"kentei-local-stream-{spec.table}", daemon=True
        )
        self._stream_arn = ""
        self._iterator: str | None = None
        self._pending: list[dict[str, Any]] = []
        self._attempts = 0
        self.delivered = 0
        """Records the consumer took (for tests: how far the pump got)."""
        self.reads_to_end = 0
        """How many reads found nothing left to deliver: once it has grown by two since a
        caller looked, every change made before it looked has been delivered (or described
        on the on-failure queue)."""

    @property
    def name(self) -> str:
        return f"{self.spec.table}-stream"

    def start(self) -> None:
        self._stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"][
            "LatestStreamArn"
        ]
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        (shard,) = description["StreamDescription"]["Shards"]
        self._shard_id = shard["ShardId"]
        self._iterator = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn,
            ShardId=self._shard_id,
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
        self._thread.start()

    def request_stop(self) -> None:
        self._stop.set()

    def wait_idle(self, timeout: float) -> bool:
        if not self._delivering.acquire(timeout=timeout):
            return False
        self._delivering.release()
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._delivering:
                    if self._stop.is_set():
                        break
                    busy = self._step()
            except (BotoCoreError, ClientError) as exc:
                if self._stop.is_set():
                    break
                logger.warning("%s: %s; retrying in a second", self.name, exc)
                self._stop.wait(1)
                continue
            if not busy:
                self._stop.wait(self._idle_s)

    def _step(self) -> bool:
        """One batch delivered (or retried); False when there was nothing to do."""
        if not self._pending:
            self._pending = self._read()
            self._attempts = 0
            if not self._pending:
                self.reads_to_end += 1
                return False
        batch = self._pending[: self.spec.batch_size]
        invocation = self.function.invoke({"Records": batch})
        retry_from = _retry_from(invocation.ok, invocation.response, batch)
        if retry_from is None:
            self.delivered += len(batch)
            del self._pending[: len(batch)]
            self._attempts = 0
            return True
        done = retry_from
        self.delivered += done
        del self._pending[:done]
        self._attempts = 0 if done else self._attempts + 1
        if self._attempts > self.spec.max_retries:
            failed = self._pending[: self.spec.batch_size]
            self._describe_on_failure(failed)
            del self._pending[: len(failed)]
            self._attempts = 0
        return True

    def _read(self) -> list[dict[str, Any]]:
        """The next records that pass the filter (read until some do, or none are left)."""
        while self._iterator is not None and not self._stop.is_set():
            answer = self._streams.get_records(ShardIterator=self._iterator, Limit=1000)
            self._iterator = answer.get("NextShardIterator")
            records = answer.get("Records", [])
            if not records:
                return []
            kept = [self._event(r) for r in records if self._passes(r)]
            if kept:
                return kept
        return []

    def _passes(self, record: Any) -> bool:
        keys = record.get("dynamodb", {}).get("Keys", {})
        value = keys.get(self._sort_key, {}).get("S", "")
        return isinstance(value, str) and value.startswith(self.spec.key_prefixes)

    def _event(self, record: Any) -> dict[str, Any]:
        """The record as Lambda's DynamoDB event holds it (JSON-able, with the stream's ARN)."""
        event: dict[str, Any] = json.loads(json.dumps(record, default=_json_default))
        event["eventSourceARN"] = self._stream_arn
        event["awsRegion"] = catalog.REGION
        return event

    def _describe_on_failure(self, failed: Sequence[dict[str, Any]]) -> None:
        """What Lambda's on-failure destination gets: where the batch was, never its data."""
        sequence = [r["dynamodb"]["SequenceNumber"] for r in failed]
        body = {
            "requestContext": {
                "condition": "RetryAttemptsExhausted",
                "functionArn": self.function.name,
                "approximateInvokeCount": self.spec.max_retries + 1,
            },
            "timestamp": datetime.now(UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": self._shard_id,
                "startSequenceNumber": sequence[0],
                "endSequenceNumber": sequence[-1],
                "batchSize": len(failed),
                "streamArn": self._stream_arn,
            },
        }
        self._sqs.send_message(QueueUrl=self._on_failure_url, MessageBody=json.dumps(body))
        logger.warning(
            "%s: %d records from %s failed %d times: described on the DLQ",
            self.name,
            len(failed),
            sequence[0],
            self.spec.max_retries + 1,
        )


def _retry_from(ok: bool, response: Any, batch: Sequence[dict[str, Any]]) -> int | None:
    """None: the batch succeeded; else how many of its records are done (the retry starts
    after them). An error, or an answer naming no record of the batch, retries it whole."""
    if not ok:
        return 0
    if response is None or (isinstance(response, dict) and not response.get("batchItemFailures")):
        return None
    items = response.get("batchItemFailures") if isinstance(response, dict) else None
    numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
    if not isinstance(items, list):
        return 0
    failed = [
        numbers.index(item["itemIdentifier"])
        for item in items
        if isinstance(item, dict) and item.get("itemIdentifier") in numbers
    ]
    if len(failed) != len(items):
        return 0
    return min(failed)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"cannot serialise a {type(value).__name__}")
