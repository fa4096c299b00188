"""A person's requests about their own data (P10) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``PERSON_REQUEST#<request id>``: a :class:`kentei.person_requests.model.PersonRequest` as JSON
  (ids, kinds, instants, the decision and its reason; never the data asked about, nor the My
  Number), its ``status`` and 資格仮名ID as attributes, and a correction request's
  ``proposal_id`` (the change proposal ``CHANGE#<proposal id>`` it became,
  :mod:`kentei.data.changes`) once recorded. Once a granted disclosure's copy is sealed
  (verify, :meth:`PrefecturePersonRequests.record_disclosure`), the item also holds
  ``disclosure`` (a :class:`kentei.disclosures.record.DisclosureCopy` as JSON: the copy's key,
  SHA-256, counts, and when its passphrase was picked up) and, until it is picked up once
  (:meth:`PrefecturePersonRequests.take_passphrase`), ``passphrase``, the copy's one-time
  passphrase (encrypted at rest as every item is);
- ``SUSPENSION#<資格仮名ID>``: the person's suspension of use (利用停止), written in the
  transaction that grants the request and deleted when lifted; it and the work held for a
  suspended person (``USE_HELD#``) are read through :mod:`kentei.data.suspensions`, which this
  store extends.

Each change is one transaction with its audit entries, conditional on the request's status and
proposal as read (a concurrent decision, or a correction recorded meanwhile, fails it:
:class:`ConcurrentRequestChangeError`). A correction's proposal is written in the request's
transaction (:meth:`PrefecturePersonRequests.propose_correction`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.changes import PrefectureChanges
from kentei.data.suspensions import HELD_PREFIX, SUSPENSION_PREFIX, PrefectureSuspensions
from kentei.data.transactions import CONDITION_FAILED, cancellation_codes
from kentei.disclosures.record import DisclosureCopy
from kentei.person_requests.model import ConcurrentRequestChangeError, PersonRequest, RequestStatus
from kentei.person_requests.procedures import RequestKind
from kentei.person_requests.suspension import Suspension
from kentei.retention.kinds import RecordKind
from kentei.roster.changes import ChangeSource, Proposal, ProposalDecidedError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

REQUEST_PREFIX: Final = "PERSON_REQUEST#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    REQUEST_PREFIX: RecordKind.PERSON_REQUEST,
    SUSPENSION_PREFIX: RecordKind.PERSON_REQUEST,
    HELD_PREFIX: RecordKind.PERSON_REQUEST,
}
"""The retention kind of each item this module writes, by its key prefix."""


class PrefecturePersonRequests(PrefectureSuspensions):
    """One prefecture's person requests and suspensions."""

    def receive(self, request: PersonRequest, audit: Sequence[AuditEvent] = ()) -> None:
        self._check(request)
        if request.status is not RequestStatus.RECEIVED:
            raise ValueError("a request is received first")
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(request),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        self._written([put], audit)

    def request(self, request_id: str) -> PersonRequest | None:
        item = self._get(REQUEST_PREFIX + request_id)
        return None if item is None else PersonRequest.model_validate_json(item["request"]["S"])

    def requests_of(self, person: str) -> list[PersonRequest]:
        """Every request of ``person`` in the prefecture, oldest first."""
        return [
            PersonRequest.model_validate_json(item["request"]["S"])
            for item in self._query(
                REQUEST_PREFIX, "qualification_pseudonym_id = :q", {":q": {"S": person}}
            )
        ]

    def open_requests(self) -> list[PersonRequest]:
        """Every open request (received or extended), oldest first."""
        return [
            PersonRequest.model_validate_json(item["request"]["S"])
            for item in self._query(
                REQUEST_PREFIX,
                "#s IN (:received, :extended)",
                {
                    ":received": {"S": RequestStatus.RECEIVED.value},
                    ":extended": {"S": RequestStatus.EXTENDED.value},
                },
                {"#s": "status"},
            )
        ]

    def change(
        self,
        changed: PersonRequest,
        was: RequestStatus,
        audit: Sequence[AuditEvent] = (),
        *,
        suspension: Suspension | None = None,
    ) -> None:
        """Keep ``changed`` (extended, decided or withdrawn) if the request is still ``was``;
        with ``suspension``, the person's suspension of use starts in the same transaction (a
        granted suspension request)."""
        self._check(changed)
        writes: list[TransactWriteItemTypeDef] = [
            self._request_write(changed, was, changed.proposal_id)
        ]
        if suspension is not None:
            if changed.kind is not RequestKind.SUSPENSION or changed.status is not (
                RequestStatus.DECIDED
            ):
                raise ValueError("a suspension starts with a decided suspension request")
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **self._key(SUSPENSION_PREFIX + suspension.qualification_pseudonym_id),
                            "item_type": {"S": "suspension"},
                            "request_id": {"S": suspension.request_id},
                            "suspension": {"S": suspension.model_dump_json()},
                        },
                        "ConditionExpression": "attribute_not_exists(record_key)",
                    }
                }
            )
        self._written(writes, audit)

    def propose_correction(
        self,
        changed: PersonRequest,
        was: PersonRequest,
        proposal: Proposal,
        superseding: Proposal | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """The correction request ``was`` naming ``proposal`` (``changed``), and the proposal
        (``superseding`` the request's open one, closed as superseded), in one transaction with
        the audit events, conditional on the request as read (its status and its proposal) and
        the superseded proposal still open (:class:`ProposalDecidedError` if review decided it
        meanwhile)."""
        self._check(changed)
        if (
            changed.kind is not RequestKind.CORRECTION
            or proposal.source is not ChangeSource.PERSON_REQUEST
            or proposal.person_request_id != changed.request_id
            or changed.proposal_id != proposal.proposal_id
            or changed.status is not was.status
        ):
            raise ValueError("a correction request and its proposal name each other")
        if (None if superseding is None else superseding.proposal_id) != was.proposal_id:
            raise ValueError("a correction supersedes the request's proposal as read")
        proposal_writes = PrefectureChanges(
            self.prefecture_code, self._table, audit_table=self._audit_table, client=self._client
        ).proposal_writes(proposal, superseding)
        writes = [self._request_write(changed, was.status, was.proposal_id), *proposal_writes]
        try:
            self._write_audited(writes, audit)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None:
                raise
            superseded_at = len(writes) - 1
            if superseding is not None and codes[superseded_at:][:1] == [CONDITION_FAILED]:
                raise ProposalDecidedError("the correction was decided meanwhile") from None
            raise ConcurrentRequestChangeError("the request changed meanwhile") from None

    def lift(self, suspension: Suspension, audit: Sequence[AuditEvent] = ()) -> None:
        """End the person's suspension of use (it was this one, or
        :class:`ConcurrentRequestChangeError`)."""
        delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self._table,
                "Key": self._key(SUSPENSION_PREFIX + suspension.qualification_pseudonym_id),
                "ConditionExpression": "request_id = :id",
                "ExpressionAttributeValues": {":id": {"S": suspension.request_id}},
            }
        }
        self._written([delete], audit)

    def disclosure(self, request_id: str) -> DisclosureCopy | None:
        """The request's sealed copy, once verify has sealed it."""
        item = self._get(REQUEST_PREFIX + request_id)
        if item is None or "disclosure" not in item:
            return None
        return DisclosureCopy.model_validate_json(item["disclosure"]["S"])

    def passphrase(self, request_id: str) -> str | None:
        """The copy's passphrase while it has not been picked up."""
        item = self._get(REQUEST_PREFIX + request_id)
        return None if item is None or "passphrase" not in item else item["passphrase"]["S"]

    def record_disclosure(
        self, copy: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        """Keep the sealed copy's record and its passphrase on the granted disclosure request
        it answers, with ``audit``, in one transaction; False (nothing written) when a copy
        was recorded for it already (a redelivered message)."""
        if copy.prefecture_code != self.prefecture_code:
            raise ValueError("a copy of another prefecture")
        update: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": self._key(REQUEST_PREFIX + copy.request_id),
                "UpdateExpression": "SET disclosure = :d, passphrase = :p",
                "ConditionExpression": (
                    "attribute_exists(record_key) AND #s = :decided "
                    "AND attribute_not_exists(disclosure)"
                ),
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":d": {"S": copy.model_dump_json()},
                    ":p": {"S": passphrase},
                    ":decided": {"S": RequestStatus.DECIDED.value},
                },
            }
        }
        try:
            self._write_audited([update], audit)
        except ClientError as exc:
            if cancellation_codes(exc) is None:
                raise
            return False
        return True

    def take_passphrase(
        self, taken: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> None:
        """Erase the passphrase as read (``passphrase``) and keep ``taken`` (who picked it up,
        when), with ``audit``, in one transaction: once only
        (:class:`ConcurrentRequestChangeError` when it was picked up meanwhile)."""
        update: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": self._key(REQUEST_PREFIX + taken.request_id),
                "UpdateExpression": "SET disclosure = :d REMOVE passphrase",
                "ConditionExpression": "passphrase = :p",
                "ExpressionAttributeValues": {
                    ":d": {"S": taken.model_dump_json()},
                    ":p": {"S": passphrase},
                },
            }
        }
        self._written([update], audit)

    def _written(
        self, writes: Sequence[TransactWriteItemTypeDef], audit: Sequence[AuditEvent]
    ) -> None:
        try:
            self._write_audited(writes, audit)
        except ClientError as exc:
            if cancellation_codes(exc) is None:
                raise
            raise ConcurrentRequestChangeError("the request changed meanwhile") from None

    def _request_write(
        self, changed: PersonRequest, was: RequestStatus, proposal_id: str | None
    ) -> TransactWriteItemTypeDef:
        """``changed`` kept if the request is still ``was`` and names ``proposal_id`` (None:
        no proposal yet)."""
        values: dict[str, Any] = {":was": {"S": was.value}}
        if proposal_id is None:
            proposal = "attribute_not_exists(proposal_id)"
        else:
            proposal = "proposal_id = :proposal"
            values[":proposal"] = {"S": proposal_id}
        return {
            "Put": {
                "TableName": self._table,
                "Item": self._item(changed),
                "ConditionExpression": f"#s = :was AND {proposal}",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": values,
            }
        }

    def _check(self, request: PersonRequest) -> None:
        if request.prefecture_code != self.prefecture_code:
            raise ValueError("a request of another prefecture")

    def _item(self, request: PersonRequest) -> dict[str, Any]:
        return {
            **self._key(REQUEST_PREFIX + request.request_id),
            "item_type": {"S": "person_request"},
            "status": {"S": request.status.value},
            "qualification_pseudonym_id": {"S": request.qualification_pseudonym_id},
            "request": {"S": request.model_dump_json()},
            **({} if request.proposal_id is None else {"proposal_id": {"S": request.proposal_id}}),
        }
