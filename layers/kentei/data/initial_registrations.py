"""Initial registrations (初期登録申請, R17) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``INITIAL_REGISTRATION#<id>``: a :class:`kentei.initial_registrations.
  InitialRegistrationRequest` as JSON (ids, status, the number claimed, codes: never the My
  Number), its ``status``, the bridge that sent it (``submitted_by``) and the request's keyed
  fingerprint as attributes.

Intake creates the record (``received``) with its audit event in one transaction, once per
id; verify then writes its decision (``linked``, ``in_review``, ``refused``) with its audit
event, conditional on the record still being ``received``. An ``in_review`` record also holds
the claimant's name and birth date (personal data, like the examinee record) until staff
decide it (``linked`` or ``rejected``, :meth:`PrefectureInitialRegistrations.review_put`,
conditional on it still being ``in_review``), which drops them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.change_requests import RequestDecidedError, RequestIdTakenError
from kentei.data.partition import PrefecturePartition
from kentei.data.transactions import cancellation_codes
from kentei.initial_registrations import InitialRegistrationRequest, InitialRegistrationStatus
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

PREFIX: Final = "INITIAL_REGISTRATION#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {PREFIX: RecordKind.INITIAL_REGISTRATION}
"""The retention kind of each item this module writes, by its key prefix."""
PAGE_READ: Final = 100
"""Items read per query while paging (the filter keeps those at the status)."""


RegistrationIdTakenError = RequestIdTakenError
"""An initial registration with this id exists and came from another request (API: 409)."""
RegistrationDecidedError = RequestDecidedError
"""The initial registration is no longer ``received``: another delivery decided it."""


@dataclass(frozen=True)
class StoredInitialRegistration:
    record: InitialRegistrationRequest
    request_fingerprint: str


class PrefectureInitialRegistrations(PrefecturePartition):
    """One prefecture's initial registrations: every read and write in its partition."""

    def registration(self, request_id: str) -> StoredInitialRegistration | None:
        item = self._get(PREFIX + request_id)
        return None if item is None else _stored(item)

    def with_status(
        self, status: InitialRegistrationStatus
    ) -> Iterator[InitialRegistrationRequest]:
        for item in self._query(PREFIX, "#s = :s", {":s": {"S": status.value}}, {"#s": "status"}):
            yield _stored(item).record

    def page(
        self, status: InitialRegistrationStatus, limit: int, after: str | None = None
    ) -> tuple[list[InitialRegistrationRequest], str | None]:
        """Registrations at ``status`` in id order, at most ``limit``, after the id ``after``;
        the id to read after for the next page (None: no more)."""
        found: list[InitialRegistrationRequest] = []
        start: dict[str, Any] | None = self._key(PREFIX + after) if after else None
        while True:
            query: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "prefecture_code = :p AND begins_with(record_key, :k)",
                "FilterExpression": "#s = :s",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":p": {"S": self.prefecture_code},
                    ":k": {"S": PREFIX},
                    ":s": {"S": status.value},
                },
                "Limit": PAGE_READ,
                "ConsistentRead": True,
            }
            if start is not None:
                query["ExclusiveStartKey"] = start
            answer = self._dynamodb.query(**query)
            for item in answer["Items"]:
                found.append(_stored(item).record)
                if len(found) == limit:
                    return found, found[-1].request_id
            start = answer.get("LastEvaluatedKey")
            if start is None:
                return found, None

    def create(
        self,
        record: InitialRegistrationRequest,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredInitialRegistration:
        """A new registration with its audit events in one transaction; a repeat of the same
        request finds the stored one (:class:`RegistrationIdTakenError` for another)."""
        if record.status is not InitialRegistrationStatus.RECEIVED:
            raise ValueError("an initial registration is created received")
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(record, request_fingerprint),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        if self._write(put, audit):
            return StoredInitialRegistration(record, request_fingerprint)
        existing = self.registration(record.request_id)
        if existing is None or existing.request_fingerprint != request_fingerprint:
            raise RegistrationIdTakenError("the id belongs to another request")
        return existing

    def decide(
        self,
        stored: StoredInitialRegistration,
        decided: InitialRegistrationRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The registration's decision with its audit events in one transaction,
        conditional on it still being ``received``."""
        if decided.request_id != stored.record.request_id:
            raise ValueError("another registration")
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(decided, stored.request_fingerprint),
                "ConditionExpression": "#s = :received",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":received": {"S": InitialRegistrationStatus.RECEIVED.value}
                },
            }
        }
        if not self._write(put, audit):
            raise RegistrationDecidedError("the initial registration was decided meanwhile")

    def review_put(
        self, stored: StoredInitialRegistration, decided: InitialRegistrationRequest
    ) -> TransactWriteItemTypeDef:
        """Staff's decision (``linked``, ``rejected``) as a put for a transaction,
        conditional on the registration still being ``in_review``."""
        if decided.request_id != stored.record.request_id or decided.review is None:
            raise ValueError("staff's decision on this registration")
        return {
            "Put": {
                "TableName": self._table,
                "Item": self._item(decided, stored.request_fingerprint),
                "ConditionExpression": "#s = :review",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":review": {"S": InitialRegistrationStatus.IN_REVIEW.value}
                },
            }
        }

    def review(
        self,
        stored: StoredInitialRegistration,
        decided: InitialRegistrationRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """Staff's decision alone with its audit events in one transaction
        (:class:`RegistrationDecidedError`: no longer in review)."""
        if not self._write(self.review_put(stored, decided), audit):
            raise RegistrationDecidedError("the initial registration was decided meanwhile")

    def _write(self, put: TransactWriteItemTypeDef, audit: Sequence[AuditEvent]) -> bool:
        """False when the registration's own item failed its condition."""
        try:
            if audit:
                AuditTrail(self._audit_table).transact([put], audit)
            else:
                self._dynamodb.transact_write_items(TransactItems=[put])
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None or codes[0] != "ConditionalCheckFailed":
                raise
            return False
        return True

    def _item(self, record: InitialRegistrationRequest, fingerprint: str) -> dict[str, Any]:
        if record.prefecture_code != self.prefecture_code:
            raise ValueError("the initial registration belongs to another prefecture")
        return {
            **self._key(PREFIX + record.request_id),
            "item_type": {"S": "initial_registration"},
            "status": {"S": record.status.value},
            "submitted_by": {"S": record.submitted_by},
            "request_fingerprint": {"S": fingerprint},
            "registration": {"S": record.model_dump_json()},
        }


def _stored(item: dict[str, Any]) -> StoredInitialRegistration:
    return StoredInitialRegistration(
        InitialRegistrationRequest.model_validate_json(item["registration"]["S"]),
        item["request_fingerprint"]["S"],
    )
