"""The changes read from the national qualifications system's feed (issue 12, pull), in the
records table under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``NATIONAL_CURSOR``: the feed's sequence read up to (``after``): it only moves forward
  (:meth:`PrefectureNationalFeed.advance`);
- ``NATIONAL_CHANGE#<sequence, 20 digits>``: one change taken, with what became of it
  (``outcome``: ``proposed``, ``conflict``, ``same``, ``unknown_person``), the proposal or
  conflict it became, whose, when: ids and codes only, never the values (they are in the
  proposal or conflict). Written in the same transaction as the proposal or conflict, on the
  condition that it is not there: a change read twice (a retried pull, a cursor that did not
  move) becomes nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.changes import PrefectureChanges
from kentei.data.national_conflicts import PrefectureNationalConflicts
from kentei.data.national_sync import PrefectureNationalSync, SentMark
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.roster import PrefectureRoster, StoredExaminee
from kentei.data.transactions import CONDITION_FAILED, cancellation_codes
from kentei.national.conflicts import NationalConflict
from kentei.national.model import RecordKind
from kentei.national.records import examinee_record_id
from kentei.retention import kinds as retention
from kentei.roster.changes import ChangeSource, Proposal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CURSOR_KEY: Final = "NATIONAL_CURSOR"
CHANGE_PREFIX: Final = "NATIONAL_CHANGE#"
RECORD_KINDS: Final[Mapping[str, retention.RecordKind]] = {
    CURSOR_KEY: retention.RecordKind.NATIONAL_SYNC,
    CHANGE_PREFIX: retention.RecordKind.NATIONAL_SYNC,
}
"""The retention kind of each item this module writes, by its key prefix."""
SEQUENCE_DIGITS: Final = 20


def change_key(sequence: int) -> str:
    return f"{CHANGE_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}"


class PrefectureNationalFeed(PrefecturePartition):
    """One prefecture's cursor in the national side's feed, the changes taken from it, and what
    the pull reads and writes with them (the examinee, the newest version sent, the person's
    open proposal from the national side; a proposal or a conflict with its claim)."""

    def examinee(self, person: str) -> StoredExaminee | None:
        return PrefectureRoster(self.prefecture_code, self._table).examinee(person)

    def sent(self, person: str) -> SentMark | None:
        """The newest version of the person's examinee record the national side acknowledged."""
        return PrefectureNationalSync(self.prefecture_code, self._table).sent(
            RecordKind.EXAMINEE.value, examinee_record_id(self.prefecture_code, person)
        )

    def open_proposal(self, person: str) -> Proposal | None:
        return self._changes().open_proposal(person, ChangeSource.NATIONAL_SYSTEM)

    def propose(
        self,
        sequence: int,
        proposal: Proposal,
        superseding: Proposal | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """Claim the change ``sequence`` as ``proposal`` (superseding the person's open one);
        False if it was taken already."""
        return self.take(
            sequence,
            outcome="proposed",
            person=proposal.qualification_pseudonym_id,
            at=proposal.proposed_at,
            writes=self._changes().proposal_writes(proposal, superseding),
            reference=proposal.proposal_id,
            audit=audit,
        )

    def keep_conflict(
        self, sequence: int, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        """Claim the change ``sequence`` as ``conflict``; False if it was taken already."""
        conflicts = PrefectureNationalConflicts(
            self.prefecture_code, self._table, audit_table=self._audit_table
        )
        return self.take(
            sequence,
            outcome="conflict",
            person=conflict.qualification_pseudonym_id,
            at=conflict.found_at,
            writes=conflicts.open_writes(conflict),
            reference=conflict.conflict_id,
            audit=audit,
        )

    def _changes(self) -> PrefectureChanges:
        return PrefectureChanges(self.prefecture_code, self._table, audit_table=self._audit_table)

    def cursor(self) -> int:
        item = self._get(CURSOR_KEY)
        return 0 if item is None else int(item["after"]["N"])

    def advance(self, after: int, at: datetime) -> bool:
        """Move the cursor to ``after`` unless it is there or further already (False)."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(CURSOR_KEY),
                    "item_type": {"S": "national_cursor"},
                    "after": {"N": str(after)},
                    "moved_at": {"S": instant(at)},
                },
                ConditionExpression="attribute_not_exists(record_key) OR #a < :after",
                ExpressionAttributeNames={"#a": "after"},
                ExpressionAttributeValues={":after": {"N": str(after)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def taken(self, sequence: int) -> str | None:
        """What became of the change ``sequence`` (its outcome), or None if not taken yet."""
        item = self._get(change_key(sequence))
        return None if item is None else str(item["outcome"]["S"])

    def take(
        self,
        sequence: int,
        *,
        outcome: str,
        person: str,
        at: datetime,
        writes: Sequence[TransactWriteItemTypeDef] = (),
        reference: str | None = None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """Claim the change ``sequence`` with its ``outcome`` and what it wrote (``writes``:
        the proposal or conflict, ``reference`` its id), in one transaction with ``audit``.
        False: the change was taken already, and nothing is written. Any other failed
        condition of ``writes`` raises the ``ClientError``."""
        claim: dict[str, Any] = {
            **self._key(change_key(sequence)),
            "item_type": {"S": "national_change"},
            "sequence": {"N": str(sequence)},
            "outcome": {"S": outcome},
            "qualification_pseudonym_id": {"S": person},
            "taken_at": {"S": instant(at)},
        }
        if reference is not None:
            claim["reference"] = {"S": reference}
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": claim,
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        try:
            self._write_audited([put, *writes], audit)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == CONDITION_FAILED:
                return False
            raise
        return True
