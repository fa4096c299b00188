"""Signed change requests in the records table (R9), beside the proposals they become.

Layout (partition ``prefecture_code``, sort ``record_key``), beside the change proposals
(:mod:`kentei.data.changes`):

- ``CHANGE_REQUEST#<request id>``: a :class:`kentei.change_requests.ChangeRequest` as JSON
  (ids, status, reason codes: never the My Number, never the items), its ``status``, the
  bridge that sent it (``submitted_by``) and the request's keyed fingerprint as attributes.

Intake creates the record (``received``) with its audit event in one transaction, once per
id; verify then writes, in one transaction each, either the proposal (``CHANGE#<proposal
id>``), the record ``proposed`` and the proposal's audit event, or the record ``refused``
and its audit event, each conditional on the record still being ``received``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.change_requests import ChangeRequest, ChangeRequestStatus
from kentei.data.audit import AuditEvent
from kentei.data.changes import CHANGE_PREFIX, PrefectureChanges
from kentei.retention.kinds import RecordKind
from kentei.roster.changes import ChangeSource, Proposal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

REQUEST_PREFIX: Final = "CHANGE_REQUEST#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {REQUEST_PREFIX: RecordKind.CHANGE_PROPOSAL}
"""The retention kind of each item this module writes, by its key prefix."""


class RequestIdTakenError(RuntimeError):
    """A change request with this id exists and came from another request (API: 409)."""


class RequestDecidedError(RuntimeError):
    """The change request is no longer ``received``: another delivery decided it."""


@dataclass(frozen=True)
class StoredChangeRequest:
    record: ChangeRequest
    request_fingerprint: str


class PrefectureChangeRequests(PrefectureChanges):
    """One prefecture's signed change requests (and, as :class:`PrefectureChanges`, its
    proposals): every read and write stays in its partition."""

    def request(self, request_id: str) -> StoredChangeRequest | None:
        item = self._get(REQUEST_PREFIX + request_id)
        if item is None:
            return None
        return StoredChangeRequest(
            ChangeRequest.model_validate_json(item["request"]["S"]),
            item["request_fingerprint"]["S"],
        )

    def create(
        self, record: ChangeRequest, request_fingerprint: str, audit: Sequence[AuditEvent] = ()
    ) -> StoredChangeRequest:
        """Store a new request with its audit events in one transaction; a repeat of the same
        request finds the stored one (:class:`RequestIdTakenError` if another request has
        the id)."""
        if record.status is not ChangeRequestStatus.RECEIVED:
            raise ValueError("a change request is created received")
        try:
            self._write_audited(
                [
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": self._item(record, request_fingerprint),
                            "ConditionExpression": "attribute_not_exists(record_key)",
                        }
                    }
                ],
                audit,
            )
        except ClientError as exc:
            if not _condition_failed(exc):
                raise
            existing = self.request(record.request_id)
            if existing is None or existing.request_fingerprint != request_fingerprint:
                raise RequestIdTakenError("the request id belongs to another request") from None
            return existing
        return StoredChangeRequest(record, request_fingerprint)

    def propose_from(
        self,
        stored: StoredChangeRequest,
        proposed: ChangeRequest,
        proposal: Proposal,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The proposal the request became, the request ``proposed`` and the audit events, in
        one transaction, conditional on the request still ``received``."""
        if proposal.source is not ChangeSource.MYNAPORTAL_REQUEST:
            raise ValueError("a signed request's proposal")
        if proposal.request_id != proposed.request_id or proposed.proposal_id != (
            proposal.proposal_id
        ):
            raise ValueError("the proposal and the request name each other")
        self._decide(
            stored,
            proposed,
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._proposal_item(proposal),
                        "ConditionExpression": "attribute_not_exists(record_key)",
                    }
                }
            ],
            audit,
        )

    def refuse(
        self,
        stored: StoredChangeRequest,
        refused: ChangeRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The request ``refused`` with its reason codes and the audit events, in one
        transaction, conditional on the request still ``received``."""
        if refused.status is not ChangeRequestStatus.REFUSED:
            raise ValueError("a refusal refuses")
        self._decide(stored, refused, [], audit)

    def _decide(
        self,
        stored: StoredChangeRequest,
        decided: ChangeRequest,
        writes: list[TransactWriteItemTypeDef],
        audit: Sequence[AuditEvent],
    ) -> None:
        if decided.request_id != stored.record.request_id:
            raise ValueError("another request")
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(decided, stored.request_fingerprint),
                "ConditionExpression": "#s = :received",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":received": {"S": ChangeRequestStatus.RECEIVED.value}
                },
            }
        }
        try:
            self._write_audited([put, *writes], audit)
        except ClientError as exc:
            if not _condition_failed(exc):
                raise
            raise RequestDecidedError("the change request was decided meanwhile") from None

    def _item(self, record: ChangeRequest, request_fingerprint: str) -> dict[str, Any]:
        if record.prefecture_code != self.prefecture_code:
            raise ValueError("the change request belongs to another prefecture")
        return {
            **self._key(REQUEST_PREFIX + record.request_id),
            "item_type": {"S": "change_request"},
            "status": {"S": record.status.value},
            "submitted_by": {"S": record.submitted_by},
            "request_fingerprint": {"S": request_fingerprint},
            "request": {"S": record.model_dump_json()},
        }


def _condition_failed(exc: ClientError) -> bool:
    """The request's own item (the transaction's first write) failed its condition."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


__all__ = [
    "CHANGE_PREFIX",
    "REQUEST_PREFIX",
    "PrefectureChangeRequests",
    "RequestDecidedError",
    "RequestIdTakenError",
    "StoredChangeRequest",
]
