"""Change proposals, examinee history and re-check runs in the records table (R9, R10).

Layout (partition ``prefecture_code``, sort ``record_key``), beside the roster
(:mod:`kentei.data.roster`):

- ``CHANGE#<proposal id>``: a :class:`kentei.roster.changes.Proposal` as JSON (the before and
  after values are personal data, kept under the records key like the examinee; never the My
  Number), its ``status`` and 資格仮名ID as attributes.
- ``CHANGE_OPEN#<資格仮名ID>``: the person's open re-check proposal, if any. A later run
  that finds the same difference finds it here and proposes nothing; a different difference
  supersedes it, in one transaction, so a person has at most one open re-check proposal. A
  person's own change request (``paper_request``) is not marked: each is its own proposal,
  never superseded by a run; accepting one makes the others stale (their basis moved). A
  correction request (``person_request``, P10) is not marked either: the request item keeps
  its proposal's id (:mod:`kentei.data.person_requests`), so the request is the marker (one
  open proposal per request; recording the items again supersedes the open one, in the
  request's transaction).
- ``CHANGE_OPEN_NATIONAL#<資格仮名ID>``: the person's open proposal from the national side
  (``national_system``), one per person like the re-check's: a later change read from the
  national side's feed supersedes it with both changes' items (``sync.national_pull``).
- ``EXAMINEE_HISTORY#<資格仮名ID>#<at>#<proposal id>``: a change made to the examinee
  (:class:`kentei.roster.changes.HistoryEntry`): who, when, from where, before and after
  (written by :meth:`kentei.data.roster.PrefectureRoster.history_write`, which an
  acceptance of a later application uses too).
- ``RECHECK_RUN#<run id>``: a run of the periodic re-check in the prefecture, counts only.
- ``RECHECK_BATCH#<run id>#<page>``: a batch done; its counts go into the run once.

Accepting writes the examinee's new items, the proposal's decision, the history entry and
the audit event in one transaction, conditional on the examinee being as the proposal read
it and the proposal still open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.roster import EXAMINEE_PREFIX, HISTORY_PREFIX, PrefectureRoster, examinee_key
from kentei.data.transactions import CONDITION_FAILED, cancellation_codes, failed_first
from kentei.records.examinee import Examinee
from kentei.retention.kinds import RecordKind
from kentei.roster.changes import (
    ChangeSource,
    ExamineeChangedError,
    HistoryEntry,
    Proposal,
    ProposalDecidedError,
    ProposalStatus,
    RunRecord,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CHANGE_PREFIX: Final = "CHANGE#"
OPEN_PREFIX: Final = "CHANGE_OPEN#"
NATIONAL_OPEN_PREFIX: Final = "CHANGE_OPEN_NATIONAL#"


def open_marker_key(proposal: Proposal) -> str | None:
    """Where the person's open proposal of ``proposal``'s source is marked: a re-check's
    finding and a change from the national side are one per person (a later one supersedes
    it); a person's own request is not marked (a correction request's proposal is named by
    the request item instead)."""
    pseudonym = proposal.qualification_pseudonym_id
    if proposal.source is ChangeSource.REGISTRY_RECHECK:
        return OPEN_PREFIX + pseudonym
    if proposal.source is ChangeSource.NATIONAL_SYSTEM:
        return NATIONAL_OPEN_PREFIX + pseudonym
    return None


RUN_PREFIX: Final = "RECHECK_RUN#"
BATCH_PREFIX: Final = "RECHECK_BATCH#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    CHANGE_PREFIX: RecordKind.CHANGE_PROPOSAL,
    OPEN_PREFIX: RecordKind.CHANGE_PROPOSAL,
    NATIONAL_OPEN_PREFIX: RecordKind.CHANGE_PROPOSAL,
    RUN_PREFIX: RecordKind.JOB_RUN,
    BATCH_PREFIX: RecordKind.JOB_RUN,
}
"""The retention kind of each item this module writes, by its key prefix."""
MAX_PAGE: Final = 100


class ConcurrentProposalError(RuntimeError):
    """Another writer changed the person's open proposal meanwhile: read again and retry."""


@dataclass(frozen=True)
class RosterEntry:
    """An examinee as the re-check reads it: the items and the instant they were last written."""

    qualification_pseudonym_id: str
    examinee: Examinee
    updated_at: datetime


@dataclass(frozen=True)
class RosterPage:
    entries: tuple[RosterEntry, ...]
    next_cursor: str | None
    """The 資格仮名ID to read after, or None at the end of the roster."""


@dataclass(frozen=True)
class BatchCounts:
    queried: int = 0
    differences: int = 0
    proposed: int = 0
    errors: int = 0


def _cancelled(exc: ClientError) -> list[str]:
    """The item codes of a cancelled transaction; any other error is raised again."""
    codes = cancellation_codes(exc)
    if codes is None:
        raise exc
    return codes


class PrefectureChanges(PrefecturePartition):
    """One prefecture's proposals, history and runs: every read and write stays in its
    partition."""

    # The roster, page by page (the re-check's reading order).

    def examinees(self, limit: int, after: str | None = None) -> RosterPage:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "prefecture_code = :p AND begins_with(record_key, :k)",
            "ExpressionAttributeValues": {
                ":p": {"S": self.prefecture_code},
                ":k": {"S": EXAMINEE_PREFIX},
            },
            "Limit": limit,
            "ConsistentRead": True,
        }
        if after is not None:
            query["ExclusiveStartKey"] = self._key(examinee_key(after))
        answer = self._dynamodb.query(**query)
        entries = tuple(
            RosterEntry(
                qualification_pseudonym_id=item["qualification_pseudonym_id"]["S"],
                examinee=Examinee.model_validate_json(item["examinee"]["S"]),
                updated_at=datetime.fromisoformat(item["updated_at"]["S"]),
            )
            for item in answer["Items"]
        )
        last = answer.get("LastEvaluatedKey")
        following = None
        if last is not None and entries:
            following = entries[-1].qualification_pseudonym_id
        return RosterPage(entries, following)

    def has_examinees(self) -> bool:
        return bool(self.examinees(1).entries)

    # Proposals.

    def proposal(self, proposal_id: str) -> Proposal | None:
        item = self._get(CHANGE_PREFIX + proposal_id)
        return None if item is None else Proposal.model_validate_json(item["proposal"]["S"])

    def open_proposal(
        self,
        qualification_pseudonym_id: str,
        source: ChangeSource = ChangeSource.REGISTRY_RECHECK,
    ) -> Proposal | None:
        """The person's open proposal from ``source`` (the re-check, or the national side)."""
        prefix = NATIONAL_OPEN_PREFIX if source is ChangeSource.NATIONAL_SYSTEM else OPEN_PREFIX
        marker = self._get(prefix + qualification_pseudonym_id)
        return None if marker is None else self.proposal(marker["proposal_id"]["S"])

    def proposals(
        self, status: ProposalStatus, limit: int = 25, after: str | None = None
    ) -> tuple[list[Proposal], str | None]:
        """Proposals at ``status``, oldest first; the id to read after for the next page."""
        items, following = self._page_at_status(CHANGE_PREFIX, status.value, limit, after, MAX_PAGE)
        return [Proposal.model_validate_json(i["proposal"]["S"]) for i in items], following

    def propose(
        self,
        proposal: Proposal,
        superseding: Proposal | None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """Store ``proposal`` as the person's open one (``superseding`` the open one it
        replaces, if any) with its audit events, in one transaction."""
        try:
            self._write_audited(self.proposal_writes(proposal, superseding), audit)
        except ClientError as exc:
            _cancelled(exc)
            raise ConcurrentProposalError("the person's open proposal changed") from None

    def proposal_writes(
        self, proposal: Proposal, superseding: Proposal | None
    ) -> list[TransactWriteItemTypeDef]:
        """The writes of :meth:`propose`, for a caller's own transaction (the national pull
        adds its claim of the change)."""
        marker_key = open_marker_key(proposal)
        if marker_key is None:
            put: TransactWriteItemTypeDef = {
                "Put": {
                    "TableName": self._table,
                    "Item": self._proposal_item(proposal),
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            }
            if superseding is None:
                return [put]
            # A correction request's items recorded again: its open proposal is replaced (the
            # request item, in the caller's transaction, names the new one).
            if (
                proposal.source is not ChangeSource.PERSON_REQUEST
                or superseding.person_request_id != proposal.person_request_id
            ):
                raise ValueError("a request supersedes nothing (a correction: its own open one)")
            return [put, self._superseded_write(superseding)]
        marker: dict[str, Any] = {
            **self._key(marker_key),
            "item_type": {"S": "change_open"},
            "proposal_id": {"S": proposal.proposal_id},
        }
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._proposal_item(proposal),
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            }
        ]
        if superseding is None:
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(record_key)",
                    }
                }
            )
        else:
            writes += [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": marker,
                        "ConditionExpression": "proposal_id = :old",
                        "ExpressionAttributeValues": {":old": {"S": superseding.proposal_id}},
                    }
                },
                self._superseded_write(superseding),
            ]
        return writes

    def _superseded_write(self, superseding: Proposal) -> TransactWriteItemTypeDef:
        """``superseding`` closed as superseded, if it is still open."""
        replaced = superseding.model_copy(update={"status": ProposalStatus.SUPERSEDED})
        return {
            "Put": {
                "TableName": self._table,
                "Item": self._proposal_item(replaced),
                "ConditionExpression": "#s = :open",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":open": {"S": ProposalStatus.PROPOSED.value}},
            }
        }

    def decide(
        self,
        decided: Proposal,
        *,
        examinee: Examinee | None = None,
        history: HistoryEntry | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """Record the decision on an open proposal; with ``examinee`` and ``history`` (an
        acceptance that changes items), the examinee's new items and the history entry too,
        conditional on the examinee's ``updated_at`` being the proposal's basis. A rejected
        proposal from the national side sends our items there again
        (:meth:`~kentei.data.roster.PrefectureRoster.reassert_write`). All in one transaction
        with the audit events."""
        if decided.status not in (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED):
            raise ValueError("a decision accepts or rejects")
        pseudonym = decided.qualification_pseudonym_id
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._proposal_item(decided),
                    "ConditionExpression": "#s = :open",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":open": {"S": ProposalStatus.PROPOSED.value}},
                }
            },
        ]
        marker_key = open_marker_key(decided)
        if marker_key is not None:
            writes.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": self._key(marker_key),
                        "ConditionExpression": "proposal_id = :id",
                        "ExpressionAttributeValues": {":id": {"S": decided.proposal_id}},
                    }
                }
            )
        at_examinee = len(writes)
        if (
            decided.source is ChangeSource.NATIONAL_SYSTEM
            and decided.status is ProposalStatus.REJECTED
            and decided.decided_at is not None
        ):
            # The national side holds the person's values: ours go back as a newer version.
            roster = PrefectureRoster(self.prefecture_code, self._table)
            writes.append(roster.reassert_write(pseudonym, decided.decided_at))
        if examinee is not None:
            if history is None or decided.decided_at is None:
                raise ValueError("a change to the examinee keeps its history")
            roster = PrefectureRoster(self.prefecture_code, self._table)
            writes += [
                roster.examinee_update_write(
                    pseudonym, examinee, decided.decided_at, decided.basis
                ),
                roster.history_write(history),
            ]
        try:
            self._write_audited(writes, audit)
        except ClientError as exc:
            reasons = _cancelled(exc)
            if len(reasons) > at_examinee and reasons[at_examinee] == CONDITION_FAILED:
                raise ExamineeChangedError("the examinee changed since the proposal") from None
            raise ProposalDecidedError("the proposal was decided meanwhile") from None

    def history(self, qualification_pseudonym_id: str) -> list[HistoryEntry]:
        return [
            HistoryEntry.model_validate_json(item["entry"]["S"])
            for item in self._query(f"{HISTORY_PREFIX}{qualification_pseudonym_id}#")
        ]

    # Runs.

    def start_run(self, run: RunRecord) -> bool:
        """The run's record, once: False if the run was started before (a retried message)."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(RUN_PREFIX + run.run_id),
                    "item_type": {"S": "recheck_run"},
                    "run": {"S": run.model_dump_json()},
                    "queried": {"N": "0"},
                    "differences": {"N": "0"},
                    "proposed": {"N": "0"},
                    "errors": {"N": "0"},
                    "batches": {"N": "0"},
                },
                ConditionExpression="attribute_not_exists(record_key)",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def finish_batch(
        self,
        run_id: str,
        page: int,
        counts: BatchCounts,
        *,
        finished_at: datetime | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """The batch's counts into the run, once (False if the batch was done before), with
        the audit events of its lookups; ``finished_at`` on the last batch."""
        update = "ADD queried :q, differences :d, proposed :n, errors :e, batches :one" + (
            "" if finished_at is None else " SET finished_at = :f"
        )
        values: dict[str, Any] = {
            ":q": {"N": str(counts.queried)},
            ":d": {"N": str(counts.differences)},
            ":n": {"N": str(counts.proposed)},
            ":e": {"N": str(counts.errors)},
            ":one": {"N": "1"},
        }
        if finished_at is not None:
            values[":f"] = {"S": instant(finished_at)}
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(f"{BATCH_PREFIX}{run_id}#{page:06d}"),
                        "item_type": {"S": "recheck_batch"},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(RUN_PREFIX + run_id),
                    "UpdateExpression": update,
                    "ConditionExpression": "attribute_exists(record_key)",
                    "ExpressionAttributeValues": values,
                }
            },
        ]
        try:
            self._write_audited(writes, audit)
        except ClientError as exc:
            if failed_first(exc):
                return False
            raise
        return True

    def batch_done(self, run_id: str, page: int) -> bool:
        return self._get(f"{BATCH_PREFIX}{run_id}#{page:06d}") is not None

    def run(self, run_id: str) -> RunRecord | None:
        item = self._get(RUN_PREFIX + run_id)
        return None if item is None else _run_of(item)

    def runs(self, limit: int = 25) -> list[RunRecord]:
        """The latest runs first."""
        answer = self._dynamodb.query(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
            ExpressionAttributeValues={
                ":p": {"S": self.prefecture_code},
                ":k": {"S": RUN_PREFIX},
            },
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        return [_run_of(item) for item in answer["Items"]]

    def _proposal_item(self, proposal: Proposal) -> dict[str, Any]:
        if proposal.prefecture_code != self.prefecture_code:
            raise ValueError("the proposal belongs to another prefecture")
        return {
            **self._key(CHANGE_PREFIX + proposal.proposal_id),
            "item_type": {"S": "change_proposal"},
            "qualification_pseudonym_id": {"S": proposal.qualification_pseudonym_id},
            "status": {"S": proposal.status.value},
            "proposal": {"S": proposal.model_dump_json()},
        }


def _run_of(item: dict[str, Any]) -> RunRecord:
    run = RunRecord.model_validate_json(item["run"]["S"])
    finished = item.get("finished_at", {}).get("S")
    return run.model_copy(
        update={
            "finished_at": None if finished is None else datetime.fromisoformat(finished),
            "batches": int(item["batches"]["N"]),
            "queried": int(item["queried"]["N"]),
            "differences": int(item["differences"]["N"]),
            "proposed": int(item["proposed"]["N"]),
            "errors": int(item["errors"]["N"]),
        }
    )
