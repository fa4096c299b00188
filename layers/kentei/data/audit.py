"""The audit trail of access to specific personal information (invariant 5, P6).

Each entry says who (the caller's id, staff user id, roles and prefecture), what (record
kind and id, and the person's 資格仮名ID where known), which action and its outcome, when,
from where (the caller's source IP) and the API request id; never a value of the record.
Entries are kept for the retention schedule's ``audit_entry`` period in their prefecture
(:mod:`kentei.retention`), then DynamoDB's TTL deletes them: ``expires_at`` (epoch seconds)
is the first instant the schedule allows, never earlier.

Outcomes (:class:`AuditOutcome`): ``succeeded`` for a change that was committed (written in
the same ``TransactWriteItems`` as the change, :meth:`AuditTrail.transact`), ``allowed`` for
a read permitted and about to be answered (recorded on its own before the data is
returned, :meth:`AuditTrail.record`), ``denied`` for a refusal by role (``403``) and
``not_found`` for a record outside the caller's scope or absent (``404``: another
prefecture's application looks like no application). A refusal's entry is written after
the decision to refuse, carries only ids, and does not hold up the answer if it fails.

Tamper evidence (:mod:`kentei.audit_chain`): the entries of a partition (a prefecture and
UTC day) form a hash chain. Each append reads the partition's head item (last ``seq`` and
``hash``) and writes, in one transaction with whatever it records, the entries with the
next sequence numbers and the head updated under the condition that it is unchanged. Two
concurrent writers cannot both append after the same head: the loser's transaction is
cancelled on the head alone, and it reads the head again and retries
(:data:`APPEND_ATTEMPTS`); a cancellation caused by the recorded write itself (a decision
that lost its race) is not retried and surfaces to the caller as before.

Layout, in the audit table (partition ``audit_partition``, sort ``event_key``):

- entries: ``PREFECTURE#<code>#<YYYY-MM-DD>`` / ``<at>#<seq>#<request id>#<action>#<record
  id>``, so a day of a prefecture is one partition in time order;
- heads: ``HEAD#PREFECTURE#<code>#<YYYY-MM-DD>`` / ``HEAD``.

Entries written before the chain (no ``seq``) stay readable; verification counts them as
unchained.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei import audit_chain, aws, settings
from kentei.callers import Caller, CallerKind
from kentei.data.transactions import NO_FAILURE, cancellation_codes
from kentei.retention import schedule as retention
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

APPEND_ATTEMPTS: Final = 8
"""How often an append is tried when concurrent writers moved the partition's head."""
MAX_SEARCH_DAYS: Final = 366
"""The longest time range one search walks (one partition per day)."""
HEAD_KEY: Final = "HEAD"
_PREFECTURE: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"
_CURSOR_VERSION: Final = 1

Item = dict[str, "AttributeValueTypeDef"]


class AuditAction(StrEnum):
    APPLICATION_RECEIVED = "application.received"
    """A bridge submitted an application (the form without the My Number was stored)."""
    APPLICATION_ENTERED = "application.entered"
    """Staff keyed in a paper application."""
    APPLICATION_STATUS_READ = "application.status_read"
    """Staff read an application's status."""
    APPLICATION_LISTED = "application.listed"
    """Staff listed their prefecture's applications at a status (one entry per page)."""
    APPLICATION_OPENED = "application.opened"
    """Staff opened an application's form for review."""
    APPLICATION_DECIDED = "application.decided"
    """A review decision refused before it was made (the made one is accepted or returned)."""
    APPLICATION_ACCEPTED = "application.accepted"
    APPLICATION_RETURNED = "application.returned"
    """Staff returned it for correction, or verify returned it with a reason."""
    APPLICATION_HELD = "application.held"
    """Verify confirmed the person, whose use of their data is suspended (利用停止): the
    application waits, held, until the suspension is lifted."""
    APPLICATION_VERIFIED = "application.verified"
    """Verify read the raw submission (with the My Number), confirmed the person and moved
    the application to review."""
    APPLICATION_REJECTED = "application.rejected"
    """Verify rejected it (forged, tampered, untrusted, unreadable) with a reason."""
    APPLICATION_REPLACED = "application.replaced"
    """Verify confirmed a resubmission comes from the same person and linked it: the
    returned application is replaced (recorded on the returned one)."""
    IDENTITY_CHOSEN = "application.identity_chosen"
    """Staff chose (or confirmed) the applicant among the residents the four items found."""
    EXAMINEE_REGISTERED = "examinee.registered"
    """Staff accepted an application: the examinee (受検者) under their 資格仮名ID and a sitting
    with its exam number went on the roster (R7, R8), in the acceptance's transaction."""
    TICKET_REQUESTED = "ticket.requested"
    """The exam office asked certify for a sitting's exam ticket."""
    TICKET_DOWNLOADED = "ticket.downloaded"
    """The exam office downloaded a sitting's exam ticket (it holds the person's name)."""
    EXAMINEE_OPENED = "examinee.opened"
    """Staff read an examinee's items and sittings on the roster."""
    SESSION_CREATED = "session.created"
    """Staff (exam_admin) created an exam session of their prefecture (no personal data; the
    session id is the record)."""
    SESSION_CHANGED = "session.changed"
    """Staff changed a session's date, times, venue or capacity."""
    SESSIONS_LISTED = "sessions.listed"
    """Staff listed their prefecture's sessions of a round (the round is the record)."""
    SEATS_ASSIGNED = "seats.assigned"
    """Staff seated the waiting sittings of a family (round, trade, work, grade, part) in its
    sessions; one entry per run, the family's key the record."""
    SEAT_TAKEN = "seat.taken"
    """A sitting was seated in a session (one entry per seat, in the seat's transaction)."""
    SEAT_MOVED = "seat.moved"
    """Staff moved one sitting's seat to another session of its family."""
    SEATS_LISTED = "seats.listed"
    """Staff read the seats of a session: application ids and exam numbers."""
    SITTING_DELETED = "sitting.deleted"
    """A sitting was deleted from the roster (R10): its seats released, a deletion record
    kept, the examinee's items deleted with their last sitting; in the deletion's
    transaction (by staff, or by the registry re-check)."""
    FEE_PAYMENT_RECORDED = "fee.payment_recorded"
    """Staff recorded a fee payment (受検手数料) on a sitting: its parts' 支払状況, 支払方法
    and 支払日; in the payment's transaction."""
    DELETIONS_LISTED = "deletion.listed"
    """Staff or an auditor listed their prefecture's deletion records."""
    EXAMINEE_RECHECKED = "examinee.rechecked"
    """The periodic registry re-check (定期照会) revealed the person's My Number from the vault
    and looked them up in the registry."""
    EXAMINEE_CHANGE_PROPOSED = "examinee.change_proposed"
    """The re-check found a difference and proposed a change (R9) or a deletion (R10)."""
    CHANGE_REQUEST_RECEIVED = "change_request.received"
    """A bridge delivered a person's signed change request (ids only were stored)."""
    CHANGE_REQUEST_STATUS_READ = "change_request.status_read"
    """A read of a change request's status refused (404: another bridge's, or none); a
    bridge's read of its own request is not recorded (no personal data in the answer)."""
    CHANGE_REQUEST_REFUSED = "change_request.refused"
    """Verify read a signed change request (with the My Number) and refused it."""
    EXAMINEE_CHANGES_LISTED = "examinee.changes_listed"
    """Staff listed their prefecture's open change proposals (before and after values)."""
    EXAMINEE_CHANGE_DECIDED = "examinee.change_decided"
    """A decision on a change proposal refused before it was made (403, 404)."""
    EXAMINEE_CHANGE_ACCEPTED = "examinee.change_accepted"
    """Staff accepted a change proposal: the examinee's items changed, with history."""
    EXAMINEE_CHANGE_REJECTED = "examinee.change_rejected"
    """Staff rejected a change proposal, with a reason."""
    NATIONAL_CONFLICT_KEPT = "national.conflict_kept"
    """Sync kept a conflict with the national side for staff: a change read from its feed that
    ours overtook or our rules refuse, or a newer record there reconciliation found."""
    NATIONAL_CONFLICTS_LISTED = "national.conflicts_listed"
    """Staff (reviewer) listed their prefecture's conflicts with the national side (both
    sides' values)."""
    NATIONAL_CONFLICT_RESOLVED = "national.conflict_resolved"
    """Staff kept ours or took theirs in a conflict with the national side, with a reason."""
    NATIONAL_RECONCILIATIONS_READ = "national.reconciliations_read"
    """Staff (reviewer, auditor) read their prefecture's reconciliation reports (counts and
    ids)."""
    PERSON_REQUEST_RECEIVED = "person_request.received"
    """Staff recorded a person's disclosure, correction or suspension request (P10)."""
    PERSON_REQUEST_CHANGED = "person_request.changed"
    """A person's request extended, decided or withdrawn (a granted suspension starts)."""
    PERSON_REQUESTS_LISTED = "person_request.listed"
    """Staff (privacy) listed their prefecture's open requests (ids, kinds, due instants)."""
    PERSON_REQUEST_READ = "person_request.read"
    """Staff (privacy) opened one request."""
    SUSPENSION_LIFTED = "person_request.suspension_lifted"
    """A person's suspension of use ended: their data is processed again."""
    DISCLOSURE_SEALED = "person_request.disclosure_sealed"
    """Verify assembled a granted disclosure's copy (the person's records, their trail and, in
    their own copy, the My Number from the vault) and sealed it."""
    DISCLOSURE_READ = "person_request.disclosure_read"
    """Staff (privacy) read a disclosure copy's state and got its download link."""
    DISCLOSURE_PASSPHRASE_TAKEN = "person_request.passphrase_taken"  # noqa: S105 (a name)
    """Staff (privacy) picked up a disclosure copy's one-time passphrase (then erased)."""
    RECHECK_RUNS_LISTED = "recheck.runs_listed"
    """Staff listed their prefecture's registry re-check runs (counts only)."""
    RESULTS_DECISIONS_REQUESTED = "results.decisions_requested"
    """Staff asked for a results group's decisions (a run of sync)."""
    RESULTS_DECIDED = "results.decided"
    """Sync decided a results group's sittings (counts in the run record)."""
    RESULTS_SCORE_CORRECTED = "results.score_corrected"
    """Staff corrected a sitting's scores, with a reason (after the announcement: the sitting
    decided again, its pass record following)."""
    RESULTS_LISTED = "results.listed"
    """Staff read a results group's decisions."""
    RESULTS_ANNOUNCEMENT_REQUESTED = "results.announcement_requested"
    """Staff asked for a results group's announcement (合格発表)."""
    PASS_ANNOUNCED = "pass.announced"  # noqa: S105 (not a secret)
    """A sitting's result announced: a pass or part pass numbered and recorded."""
    CERTIFICATE_ISSUED = "certificate.issued"
    """Certify issued a certificate of a pass (合格証書 with its electronic certificate)."""
    CERTIFICATES_LISTED = "certificate.listed"
    """Staff (certificates) listed a pass's certificates."""
    CERTIFICATE_DOWNLOADED = "certificate.downloaded"
    """Staff (certificates) took a link to a certificate's PDF (it holds the name)."""
    CERTIFICATE_HOLDS_LISTED = "certificate.holds_listed"
    """Staff (certificates) listed the passes whose certificate waits on the font."""
    CERTIFICATE_HOLD_RESOLVED = "certificate.hold_resolved"
    """Staff (certificates) resolved a font hold: a spelling to print, with a reason."""
    CERTIFICATE_PROOF_REQUESTED = "certificate.proof_requested"
    """Staff (certificates) asked for a 合格証明書 of a pass (certify issues it)."""
    CERTIFICATE_COUNTS_READ = "certificate.counts_read"
    """Staff (certificates) read the counts of certificates issued (numbers only)."""
    STATISTICS_READ = "statistics.read"
    """Staff (results, auditors) read a round's statistics (counts, small cells withheld)."""
    CERTIFICATE_REISSUE_REQUESTED = "certificate.reissue_requested"
    """Staff asked for a reissue (再交付) of a certificate, with its reason and fee."""
    CERTIFICATE_REISSUED = "certificate.reissued"
    """Certify issued the reissue; the old certificate is superseded."""
    PASS_REVOCATION = "pass.revocation"  # noqa: S105 (not a secret)
    """Staff revoked a pass (合格の取消し): its certificates revoked, exemptions withdrawn."""
    PASS_REVOCATIONS_LISTED = "pass.revocations_listed"  # noqa: S105 (not a secret)
    """Staff listed the revocations and their returns (返納)."""
    CERTIFICATE_RETURN_RECORDED = "certificate.return_recorded"
    """Staff recorded the return (返納) of a revoked pass's printed certificate, or its end."""
    ANNOUNCEMENT_DOWNLOADED = "results.announcement_downloaded"
    """Staff downloaded a group's list of passing exam numbers."""
    NOTICES_READ = "notices.read"
    """Staff read the notice records (pass, part-pass, e-Gov completion) of an application or
    of an examinee's applications."""
    POST_LIST_DOWNLOADED = "notices.post_list_downloaded"
    """Staff downloaded a results group's post list to print: names and addresses resolved
    from the roster at that moment."""
    HISTORICAL_PASS_IMPORTED = "historical_pass.imported"  # noqa: S105 (not a secret)
    """A past passer's record imported from an association's file (R17)."""
    HISTORICAL_PASS_LINKED = "historical_pass.linked"  # noqa: S105 (not a secret)
    """A past pass linked to a person (資格仮名ID), its pass record written."""
    HISTORICAL_PASS_CONFLICT = "historical_pass.conflict"  # noqa: S105 (not a secret)
    """A claim of a past pass that did not match: the record is in conflict, for staff."""
    INITIAL_REGISTRATION_RECEIVED = "initial_registration.received"
    """The Mynaportal bridge submitted a person's initial registration (R17)."""
    INITIAL_REGISTRATION_STATUS_READ = "initial_registration.status_read"
    """A read of an initial registration's status (recorded when refused)."""
    INITIAL_REGISTRATION_DECIDED = "initial_registration.decided"
    """Verify decided an initial registration: linked, in review, or refused."""
    INITIAL_REGISTRATIONS_LISTED = "initial_registration.listed"
    """Staff (results) listed the prefecture's initial registrations in review (the claimants'
    and the historical records' names and birth dates)."""
    INITIAL_REGISTRATION_OPENED = "initial_registration.opened"
    """Staff (results) opened one initial registration with its historical record."""
    INITIAL_REGISTRATION_REVIEWED = "initial_registration.reviewed"
    """A staff decision on an initial registration in review (the route's refusals)."""
    INITIAL_REGISTRATION_LINKED = "initial_registration.linked"
    """Staff linked the past pass to the claimant (with the reason)."""
    INITIAL_REGISTRATION_REJECTED = "initial_registration.rejected"
    """Staff rejected the claim (with the reason)."""
    PASS_REVOKED = "pass.revoked"  # noqa: S105 (not a secret)
    """A pass record revoked: staff relinked the past pass it records to another person."""
    AUDIT_SEARCHED = "audit.searched"
    """An auditor searched the trail (the filters' ids are on the entry)."""
    AUDIT_EXPORTED = "audit.exported"
    """An auditor exported a search as CSV."""
    AUDIT_VERIFIED = "audit.verified"
    """An auditor verified the chain over a range of days."""
    ACCOUNTS_REVIEWED = "account.reviewed"
    """An administrator read their prefecture's staff accounts and sign-ins."""
    ACCOUNT_IDLE_WARNED = "account.idle_warned"
    """The idle-account job warned a staff account nearing the idle limit (its admin sees
    the warning in the accounts review; the account is disabled if still idle at the limit)."""
    ACCOUNT_DISABLED = "account.disabled"
    """The idle-account job disabled a staff account idle past the limit after a warning."""
    RESULT_IMPORT_CREATED = "result_import.created"
    """Staff (results) asked for a result file's upload URL: the import's record was made."""
    RESULT_IMPORT_READ = "result_import.read"
    """Staff read a result import's status and report (rows, columns and codes)."""
    RESULT_IMPORT_CHECKED = "result_import.checked"
    """Sync read an uploaded result file (exam numbers, scores, perhaps names) and checked it
    into a report, or refused it."""
    RESULT_IMPORT_COMMIT_REQUESTED = "result_import.commit_requested"
    """Staff committed a checked, clean result import (sync applies it)."""
    RESULT_IMPORT_COMMITTED = "result_import.committed"
    """Sync applied a committed import's rows to the scores (or found it no longer clean)."""
    RESULT_IMPORT_DISCARDED = "result_import.discarded"
    """Staff discarded a result import: nothing of it is applied."""
    INCIDENT_TRACED = "incident.traced"
    """An auditor traced an incident's subject (a staff user over a window, an application,
    a result import, a notice batch): the persons and records it touched."""
    INCIDENT_EXPORTED = "incident.exported"
    """An auditor exported an incident trace as CSV."""
    INCIDENT_REPORTED = "incident.reported"
    """An auditor drew up an incident report (the seven steps, the persons to contact)."""


class AuditOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    """A change committed, in the same transaction as this entry."""
    ALLOWED = "allowed"
    """A read permitted; recorded before the data is returned."""
    DENIED = "denied"
    """Refused by role (403)."""
    NOT_FOUND = "not_found"
    """Nothing in the caller's scope (404): another prefecture's record, or none."""


class AuditEvent(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    actor: str = Field(description="the caller's id: staff user or bridge, never a person's data")
    action: AuditAction
    record_type: str = Field(pattern=r"^[a-z_]{1,32}$")
    record_id: str = Field(max_length=64)
    prefecture_code: str = Field(pattern=_PREFECTURE)
    request_id: str = Field(max_length=128)
    at: AwareDatetime
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED
    """Entries written before outcomes were recorded read as ``succeeded``."""
    user_id: str | None = Field(None, max_length=128)
    roles: tuple[str, ...] = ()
    actor_prefecture: str | None = Field(None, pattern=_PREFECTURE)
    person_id: str | None = Field(None, pattern=r"^[0-9A-Za-z_-]{8,128}$")
    """The person's 資格仮名ID, where the record is known to be theirs."""
    source_ip: str | None = Field(None, max_length=45)

    @property
    def expires_at(self) -> int:
        """When DynamoDB's TTL may delete the entry: the first instant the retention schedule
        lets an audit entry of this prefecture go (epoch seconds, rounded up)."""
        first = retention.deletable_from(RecordKind.AUDIT_ENTRY, self.at, self.prefecture_code)
        if first is None:
            raise ValueError("the retention schedule keeps audit entries for good: no TTL")
        return math.ceil(first.timestamp())

    @classmethod
    def by(
        cls,
        caller: Caller,
        action: AuditAction,
        *,
        record_type: str,
        record_id: str,
        prefecture_code: str,
        request_id: str,
        at: datetime,
        outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
        person_id: str | None = None,
    ) -> AuditEvent:
        """An event by ``caller``: its id, user, roles, prefecture and source IP."""
        staff = caller.kind is CallerKind.STAFF
        return cls(
            actor=caller.id,
            action=action,
            record_type=record_type,
            record_id=record_id,
            prefecture_code=prefecture_code,
            request_id=request_id,
            at=at,
            outcome=outcome,
            user_id=caller.user_id if staff else None,
            roles=tuple(sorted(role.value for role in caller.roles)) if staff else (),
            actor_prefecture=caller.prefecture_code if staff else None,
            person_id=person_id,
            source_ip=caller.source_ip,
        )


def partition(prefecture_code: str, day: date) -> str:
    return f"PREFECTURE#{prefecture_code}#{day.isoformat()}"


def head_partition(entries_partition: str) -> str:
    return f"HEAD#{entries_partition}"


def instant(at: datetime) -> str:
    """UTC with microseconds and a fixed width, so that keys sort by time."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_HASHED: Final = (
    "actor",
    "action",
    "record_type",
    "record_id",
    "prefecture_code",
    "request_id",
    "at",
    "outcome",
    "user_id",
    "roles",
    "actor_prefecture",
    "person_id",
    "source_ip",
    "expires_at",
    "event_key",
)
"""The stored attributes an entry's hash covers: all but the chain's own."""


def _attributes(event: AuditEvent) -> dict[str, str]:
    values: dict[str, str | None] = {
        "actor": event.actor,
        "action": event.action.value,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "prefecture_code": event.prefecture_code,
        "request_id": event.request_id,
        "at": instant(event.at),
        "outcome": event.outcome.value,
        "user_id": event.user_id,
        "roles": ",".join(event.roles) or None,
        "actor_prefecture": event.actor_prefecture,
        "person_id": event.person_id,
        "source_ip": event.source_ip,
    }
    return {k: v for k, v in values.items() if v is not None}


def hashed_fields(item: Mapping[str, Any]) -> dict[str, str]:
    """What an entry's hash covers, read from its stored item."""
    fields: dict[str, str] = {}
    for name in _HASHED:
        value = item.get(name)
        if isinstance(value, Mapping):
            text = value.get("S", value.get("N"))
            if isinstance(text, str):
                fields[name] = text
    return fields


def audit_item(event: AuditEvent, seq: int, prev_hash: str) -> Item:
    """The chained table item of ``event``, as number ``seq`` after ``prev_hash``."""
    at = event.at.astimezone(UTC)
    entries = partition(event.prefecture_code, at.date())
    key = f"{instant(at)}#{seq:08d}#{event.request_id}#{event.action.value}#{event.record_id}"
    item: Item = {
        "audit_partition": {"S": entries},
        "event_key": {"S": key},
        **{name: {"S": value} for name, value in _attributes(event).items()},
        "expires_at": {"N": str(event.expires_at)},
    }
    digest = audit_chain.entry_hash(hashed_fields(item), entries, seq, prev_hash)
    item["seq"] = {"N": str(seq)}
    item["prev_hash"] = {"S": prev_hash}
    item["hash"] = {"S": digest}
    return item


def event_of(item: Mapping[str, Any]) -> AuditEvent:
    """The event of a stored item, chained or written before the chain."""
    text = {name: value["S"] for name, value in item.items() if "S" in value}
    return AuditEvent(
        actor=text["actor"],
        action=AuditAction(text["action"]),
        record_type=text["record_type"],
        record_id=text["record_id"],
        prefecture_code=text["prefecture_code"],
        request_id=text["request_id"],
        at=datetime.fromisoformat(text["at"]),
        outcome=AuditOutcome(text.get("outcome", AuditOutcome.SUCCEEDED.value)),
        user_id=text.get("user_id"),
        roles=tuple(text["roles"].split(",")) if text.get("roles") else (),
        actor_prefecture=text.get("actor_prefecture"),
        person_id=text.get("person_id"),
        source_ip=text.get("source_ip"),
    )


class AuditChainBusyError(RuntimeError):
    """The partition's head kept moving under concurrent writers: nothing was written."""


@dataclass(frozen=True)
class AuditQuery:
    """A search of one prefecture's trail, newest first, within [since, until]."""

    prefecture_code: str
    since: datetime
    until: datetime
    person_id: str | None = None
    user_id: str | None = None
    record_id: str | None = None
    action: AuditAction | None = None
    limit: int = 50
    request_id: str | None = None
    """The request (or run) the entries were written by: a historical import's entries carry
    its import id."""


@dataclass(frozen=True)
class AuditPage:
    items: tuple[AuditEvent, ...]
    next_cursor: str | None


class InvalidAuditCursorError(ValueError):
    """A cursor this trail did not issue for this search."""


class AuditTrail:
    def __init__(self, table: str | None = None) -> None:
        self._table = table or settings.table_name("audit")

    def record(self, event: AuditEvent) -> None:
        """Append ``event`` on its own: a read, before the data is returned, or a refusal. A
        change's event goes in the change's transaction (:meth:`transact`)."""
        self.transact([], [event])

    def transact(
        self, writes: Sequence[TransactWriteItemTypeDef], events: Sequence[AuditEvent]
    ) -> None:
        """``writes`` and ``events`` appended to their chains, in one ``TransactWriteItems``.

        A cancellation caused by ``writes`` raises the ``ClientError`` as DynamoDB gave it
        (the caller's own conflict); one caused only by a moved head is retried with the new
        head, up to :data:`APPEND_ATTEMPTS` times (then :class:`AuditChainBusyError`)."""
        for attempt in range(APPEND_ATTEMPTS):
            chained = self._chain(events)
            try:
                aws.dynamodb().transact_write_items(TransactItems=[*writes, *chained])
                return
            except ClientError as exc:
                if not _head_conflict_only(exc, len(writes)):
                    raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 (jitter, not a secret)
        raise AuditChainBusyError("the audit chain's head kept changing; nothing was written")

    def _chain(self, events: Sequence[AuditEvent]) -> list[TransactWriteItemTypeDef]:
        """Each partition's entries after its current head, and the head moved under the
        condition that no one else moved it first."""
        by_partition: dict[str, list[AuditEvent]] = {}
        for event in events:
            at = event.at.astimezone(UTC)
            by_partition.setdefault(partition(event.prefecture_code, at.date()), []).append(event)
        writes: list[TransactWriteItemTypeDef] = []
        heads: list[TransactWriteItemTypeDef] = []
        for entries, grouped in by_partition.items():
            head = self.head(entries)
            seq, previous = (0, audit_chain.genesis(entries)) if head is None else head
            for event in grouped:
                seq += 1
                item = audit_item(event, seq, previous)
                previous = item["hash"]["S"]
                writes.append(
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": "attribute_not_exists(event_key)",
                        }
                    }
                )
            heads.append(self._put_head(entries, head, seq, previous, grouped[-1]))
        # Heads last: a cancellation at these indexes is a moved head, retried.
        return writes + heads

    def _put_head(
        self,
        entries: str,
        head: tuple[int, str] | None,
        seq: int,
        digest: str,
        last: AuditEvent,
    ) -> TransactWriteItemTypeDef:
        item: Item = {
            "audit_partition": {"S": head_partition(entries)},
            "event_key": {"S": HEAD_KEY},
            "seq": {"N": str(seq)},
            "hash": {"S": digest},
            "expires_at": {"N": str(last.expires_at)},
        }
        if head is None:
            return {
                "Put": {
                    "TableName": self._table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(event_key)",
                }
            }
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "seq = :seq",
                "ExpressionAttributeValues": {":seq": {"N": str(head[0])}},
            }
        }

    def head(self, entries: str) -> tuple[int, str] | None:
        """The partition's last (seq, hash), or None before its first entry."""
        item = (
            aws.dynamodb()
            .get_item(
                TableName=self._table,
                Key={
                    "audit_partition": {"S": head_partition(entries)},
                    "event_key": {"S": HEAD_KEY},
                },
                ConsistentRead=True,
            )
            .get("Item")
        )
        if not item:
            return None
        return int(item["seq"]["N"]), item["hash"]["S"]

    def _items(self, entries: str, *, newest_first: bool = False, **query: Any) -> Iterator[Item]:
        paginator = aws.dynamodb().get_paginator("query")
        values = {":p": {"S": entries}, **query.pop("values", {})}
        condition = "audit_partition = :p" + query.pop("condition", "")
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ScanIndexForward=not newest_first,
            ConsistentRead=True,
            **query,
        ):
            yield from page["Items"]

    def day(self, prefecture_code: str, day: date) -> list[AuditEvent]:
        """Every event of a prefecture on a (UTC) day, in time order."""
        return [event_of(item) for item in self._items(partition(prefecture_code, day))]

    def search(self, query: AuditQuery, cursor: str | None = None) -> AuditPage:
        """One page of the prefecture's events matching ``query``, newest first: each day's
        partition from ``until`` back to ``since``, filtered in DynamoDB."""
        first, last = query.since.astimezone(UTC), query.until.astimezone(UTC)
        days = [
            last.date() - timedelta(days=n) for n in range((last.date() - first.date()).days + 1)
        ]
        if len(days) > MAX_SEARCH_DAYS:
            raise ValueError(f"a search covers at most {MAX_SEARCH_DAYS} days")
        resume = decode_cursor(cursor, days) if cursor is not None else None
        filters, values, names = _filters(query)
        found: list[AuditEvent] = []
        for day in days:
            if resume is not None and day > resume[0]:
                continue
            entries = partition(query.prefecture_code, day)
            options: dict[str, Any] = {
                "condition": " AND event_key BETWEEN :since AND :until",
                "values": {
                    ":since": {"S": instant(first)},
                    ":until": {"S": instant(last) + "~"},
                    **values,
                },
            }
            if filters:
                options["FilterExpression"] = " AND ".join(filters)
                options["ExpressionAttributeNames"] = names
            if resume is not None and day == resume[0]:
                options["ExclusiveStartKey"] = {
                    "audit_partition": {"S": entries},
                    "event_key": {"S": resume[1]},
                }
            for item in self._items(entries, newest_first=True, **options):
                found.append(event_of(item))
                if len(found) == query.limit:
                    return AuditPage(tuple(found), encode_cursor(day, item["event_key"]["S"]))
        return AuditPage(tuple(found), None)

    def about_person(
        self, prefecture_code: str, person_id: str, since: datetime, until: datetime
    ) -> list[AuditEvent]:
        """Every entry of the prefecture about the person within [since, until], oldest first
        (a disclosure's trail, P10): the search, window by window of
        :data:`MAX_SEARCH_DAYS`, page by page."""
        found: list[AuditEvent] = []
        start = since
        while start <= until:
            end = min(until, start + timedelta(days=MAX_SEARCH_DAYS - 1))
            query = AuditQuery(prefecture_code, start, end, person_id=person_id, limit=500)
            cursor: str | None = None
            while True:
                page = self.search(query, cursor)
                found.extend(page.items)
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            start = end + timedelta(microseconds=1)
        return sorted(found, key=lambda e: e.at)

    def verify(self, prefecture_code: str, first: date, last: date) -> audit_chain.ChainReport:
        """The chain of each day of ``prefecture_code`` from ``first`` to ``last``."""
        if last < first:
            raise ValueError("the range ends before it starts")
        partitions: list[tuple[str, list[audit_chain.Link], audit_chain.Head | None, int]] = []
        day = first
        while day <= last:
            entries = partition(prefecture_code, day)
            links: list[audit_chain.Link] = []
            unchained = 0
            for item in self._items(entries):
                if "seq" not in item:
                    unchained += 1
                    continue
                links.append(
                    audit_chain.Link(
                        partition=item["audit_partition"]["S"],
                        event_key=item["event_key"]["S"],
                        seq=int(item["seq"]["N"]),
                        prev_hash=item.get("prev_hash", {}).get("S", ""),
                        hash=item.get("hash", {}).get("S", ""),
                        fields=hashed_fields(item),
                    )
                )
            head = self.head(entries)
            partitions.append(
                (
                    entries,
                    links,
                    None if head is None else audit_chain.Head(*head),
                    unchained,
                )
            )
            day += timedelta(days=1)
        return audit_chain.verify_chain(partitions)


def _filters(
    query: AuditQuery,
) -> tuple[list[str], dict[str, AttributeValueTypeDef], dict[str, str]]:
    """The filter conditions, their values and attribute names (``action`` is a reserved
    word of DynamoDB's expressions: every name goes through ``#``)."""
    filters: list[str] = []
    values: dict[str, AttributeValueTypeDef] = {}
    names: dict[str, str] = {}
    for name, value in (
        ("person_id", query.person_id),
        ("user_id", query.user_id),
        ("record_id", query.record_id),
        ("action", None if query.action is None else query.action.value),
        ("request_id", query.request_id),
    ):
        if value is not None:
            filters.append(f"#{name} = :{name}")
            values[f":{name}"] = {"S": value}
            names[f"#{name}"] = name
    return filters, values, names


def _head_conflict_only(exc: ClientError, own_writes: int) -> bool:
    """Whether a cancelled transaction failed only on audit writes (a moved head)."""
    codes = cancellation_codes(exc)
    if codes is None:
        return False
    failed = [i for i, code in enumerate(codes) if code != NO_FAILURE]
    return bool(failed) and all(i >= own_writes for i in failed)


def encode_cursor(day: date, event_key: str) -> str:
    raw = json.dumps({"v": _CURSOR_VERSION, "d": day.isoformat(), "k": event_key})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, days: Sequence[date]) -> tuple[date, str]:
    """The day and key a cursor resumes after; it must fall within the search's days."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        day = date.fromisoformat(raw["d"])
        key = raw["k"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidAuditCursorError("the cursor is not one this API issued") from None
    if raw.get("v") != _CURSOR_VERSION or not isinstance(key, str) or day not in days:
        raise InvalidAuditCursorError("the cursor is not one this API issued for this search")
    if not key.startswith(day.isoformat()) or len(key) > 512:
        raise InvalidAuditCursorError("the cursor is not one this API issued for this search")
    return day, key
