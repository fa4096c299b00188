"""Exam tickets (受検票): the PDF in the certificates bucket, its record in the records table.

- ``tickets/<prefecture>/<application id>/<ticket id>.pdf`` in the certificates bucket (under
  the records key): the document as issued, never rewritten.
- ``TICKET#<application id>`` under the prefecture: the sitting's current ticket (its id,
  status, object key, SHA-256 and issue instant) and the ids it superseded. Issuing a ticket
  with another id supersedes the current one in one conditional write; issuing the current
  one again changes nothing. Ids, instants and a digest only: the name is in the PDF alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.data.partition import PrefecturePartition
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_s3.client import S3Client

TICKET_PREFIX: Final = "TICKET#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {TICKET_PREFIX: RecordKind.EXAM_TICKET}
"""The retention kind of each item this module writes, by its key prefix."""
MEDIA_TYPE: Final = "application/pdf"
DOWNLOAD_SECONDS: Final = 300


@dataclass(frozen=True)
class TicketRecord:
    application_id: str
    ticket_id: str
    status: str
    object_key: str
    sha256: str
    issued_at: datetime
    superseded: tuple[str, ...]


def object_key(prefecture_code: str, application_id: str, ticket_id: str) -> str:
    return f"tickets/{prefecture_code}/{application_id}/{ticket_id}.pdf"


class PrefectureTickets(PrefecturePartition):
    """One prefecture's exam tickets: the records under its partition, the PDFs under its
    prefix of the certificates bucket."""

    def __init__(
        self,
        prefecture_code: str,
        table: str | None = None,
        bucket: str | None = None,
        dynamodb: DynamoDBClient | None = None,
        s3: S3Client | None = None,
    ) -> None:
        super().__init__(prefecture_code, table, client=dynamodb)
        self._bucket = bucket
        self._s3_client = s3

    @property
    def _s3(self) -> S3Client:
        return self._s3_client or aws.s3()

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name("certificates")

    def current(self, application_id: str) -> TicketRecord | None:
        item = self._get(TICKET_PREFIX + application_id)
        return None if item is None else _record(item)

    def issue(
        self, application_id: str, ticket_id: str, pdf: bytes, at: datetime
    ) -> tuple[TicketRecord, bool]:
        """Store ``pdf`` as the sitting's current ticket; (the record, whether it is new)."""
        current = self.current(application_id)
        if current is not None and current.ticket_id == ticket_id:
            return current, False
        key = object_key(self.prefecture_code, application_id, ticket_id)
        digest = hashlib.sha256(pdf).hexdigest()
        self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=pdf,
            ContentType=MEDIA_TYPE,
            ChecksumSHA256=_base64_sha256(pdf),
        )
        superseded = () if current is None else (*current.superseded, current.ticket_id)
        values: dict[str, Any] = {
            ":t": {"S": ticket_id},
            ":s": {"S": "issued"},
            ":k": {"S": key},
            ":h": {"S": digest},
            ":at": {"S": at.astimezone(UTC).isoformat()},
            ":type": {"S": "ticket"},
            ":a": {"S": application_id},
        }
        sets = (
            "SET item_type = :type, application_id = :a, ticket_id = :t, #status = :s, "
            "object_key = :k, sha256 = :h, issued_at = :at"
        )
        if superseded:
            sets += ", superseded = :old"
            values[":old"] = {"L": [{"S": old} for old in superseded]}
        if current is None:
            condition = "attribute_not_exists(record_key)"
        else:
            condition = "ticket_id = :current"
            values[":current"] = {"S": current.ticket_id}
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(TICKET_PREFIX + application_id),
                UpdateExpression=sets,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            raise TicketChangedError("the sitting's ticket changed meanwhile") from None
        record = TicketRecord(application_id, ticket_id, "issued", key, digest, at, superseded)
        return record, True

    def download_url(self, record: TicketRecord, expires_s: int = DOWNLOAD_SECONDS) -> str:
        """A presigned GET of the ticket's PDF, good for ``expires_s`` seconds: the PDF never
        passes through the API (its body limit, its logs)."""
        return self._s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": record.object_key},
            ExpiresIn=expires_s,
        )

    def pdf(self, record: TicketRecord) -> bytes:
        return self._s3.get_object(Bucket=self.bucket, Key=record.object_key)["Body"].read()


class TicketChangedError(RuntimeError):
    """Another issue of the same sitting's ticket won: the message is retried."""


def _record(item: dict[str, Any]) -> TicketRecord:
    return TicketRecord(
        application_id=item["application_id"]["S"],
        ticket_id=item["ticket_id"]["S"],
        status=item["status"]["S"],
        object_key=item["object_key"]["S"],
        sha256=item["sha256"]["S"],
        issued_at=datetime.fromisoformat(item["issued_at"]["S"]),
        superseded=tuple(v["S"] for v in item.get("superseded", {}).get("L", [])),
    )


def _base64_sha256(data: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.sha256(data).digest()).decode()
