"""The audit trail of access to specific personal information (invariant 5, P6).

Each event says who (a caller id), which record (type and id), what (an action), when, and
the API request id; never a value of the record. Items are kept for :data:`RETENTION`, then
DynamoDB's TTL deletes them (``expires_at``, epoch seconds).

An event that records a decision (a status change, a registration) is written in the same
``TransactWriteItems`` as the decision (:func:`audit_put`, used by
:mod:`kentei.data.applications`): a decision that loses a race leaves no audit entry, and one
that is made always has its entry. Only reads (opening a form) are recorded on their own,
before the data is shown (:meth:`AuditTrail.record`).

Layout, in the audit table (partition ``audit_partition``, sort ``event_key``):
``PREFECTURE#<code>#<YYYY-MM-DD>`` / ``<at>#<request id>#<action>#<record id>``, so the
periodic review of a prefecture's access (P6) reads one partition per day, in time order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei import aws, settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

RETENTION: Final = timedelta(days=5 * 366)
"""How long an audit event is kept: five years, until the retention schedule (invariant 6)
names the period for access logs."""


class AuditAction(StrEnum):
    APPLICATION_ENTERED = "application.entered"
    """Staff keyed in a paper application."""
    APPLICATION_OPENED = "application.opened"
    """Staff opened an application's form for review."""
    APPLICATION_ACCEPTED = "application.accepted"
    APPLICATION_RETURNED = "application.returned"
    """Staff returned it for correction, or verify returned it with a reason."""
    APPLICATION_VERIFIED = "application.verified"
    """Verify read the raw submission (with the My Number), confirmed the person and moved
    the application to review."""
    APPLICATION_REJECTED = "application.rejected"
    APPLICATION_REPLACED = "application.replaced"
    """Verify confirmed a resubmission comes from the same person and linked it: the
    returned application is replaced (recorded on the returned one)."""
    """Verify rejected it (forged, tampered, untrusted, unreadable) with a reason."""
    IDENTITY_CHOSEN = "application.identity_chosen"
    """Staff chose (or confirmed) the applicant among the residents the four items found."""
    EXAMINEE_REGISTERED = "examinee.registered"
    """Verify registered or updated the examinee (受検者) under their 資格仮名ID."""


class AuditEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    actor: str = Field(description="the caller's id: staff user or bridge, never a person's data")
    action: AuditAction
    record_type: str = Field(pattern=r"^[a-z_]{1,32}$")
    record_id: str = Field(max_length=64)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    request_id: str = Field(max_length=128)
    at: AwareDatetime

    @property
    def expires_at(self) -> int:
        return int((self.at + RETENTION).timestamp())


def partition(prefecture_code: str, day: date) -> str:
    return f"PREFECTURE#{prefecture_code}#{day.isoformat()}"


def audit_item(event: AuditEvent) -> dict[str, AttributeValueTypeDef]:
    """The table item of ``event``."""
    at = event.at.astimezone(UTC)
    return {
        "audit_partition": {"S": partition(event.prefecture_code, at.date())},
        "event_key": {"S": f"{at.isoformat()}#{event.request_id}#{event.action}#{event.record_id}"},
        "actor": {"S": event.actor},
        "action": {"S": event.action.value},
        "record_type": {"S": event.record_type},
        "record_id": {"S": event.record_id},
        "prefecture_code": {"S": event.prefecture_code},
        "request_id": {"S": event.request_id},
        "at": {"S": at.isoformat()},
        "expires_at": {"N": str(event.expires_at)},
    }


def audit_put(event: AuditEvent, table: str | None = None) -> TransactWriteItemTypeDef:
    """``event`` as one write of a ``TransactWriteItems``, beside the decision it records."""
    return {"Put": {"TableName": table or settings.table_name("audit"), "Item": audit_item(event)}}


class AuditTrail:
    def __init__(self, table: str | None = None) -> None:
        self._table = table or settings.table_name("audit")

    def record(self, event: AuditEvent) -> None:
        """Write ``event`` on its own: for reads (a form opened), recorded before the data is
        shown. A decision's event goes in the decision's transaction (:func:`audit_put`)."""
        aws.dynamodb().put_item(TableName=self._table, Item=audit_item(event))

    def day(self, prefecture_code: str, day: date) -> list[AuditEvent]:
        """Every event of a prefecture on a (UTC) day, in time order."""
        events: list[AuditEvent] = []
        paginator = aws.dynamodb().get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="audit_partition = :p",
            ExpressionAttributeValues={":p": {"S": partition(prefecture_code, day)}},
        ):
            events.extend(
                AuditEvent(
                    actor=item["actor"]["S"],
                    action=AuditAction(item["action"]["S"]),
                    record_type=item["record_type"]["S"],
                    record_id=item["record_id"]["S"],
                    prefecture_code=item["prefecture_code"]["S"],
                    request_id=item["request_id"]["S"],
                    at=datetime.fromisoformat(item["at"]["S"]),
                )
                for item in page["Items"]
            )
        return events
