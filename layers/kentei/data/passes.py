"""Decisions, pass records and pass numbers (R12) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``DECISION#<group key>#<application id>``: a sitting's decision
  (:class:`kentei.results.passes.DecidedSitting`) under its results group
  (:attr:`kentei.results.groups.ResultsGroup.key`), so a group's decisions are one query,
  with its ``status`` and ``result`` as attributes. Written again while ``decided``;
  ``announced`` ends that.
- ``PASS#<資格仮名ID>#<application id>``: the pass record of an announced pass or part pass
  (:class:`kentei.exemptions.model.PassRecord`, ids and facts), so a person's passes are one
  query (what exemptions check). A revoked record is kept with ``revoked_at`` (a correction,
  or staff relinking a past pass to another person: then ``revoked_reason``, ``revoked_by``).
- ``PASSNUMBER#<kind>#<number>``: the claim of a number by one application; a second claim
  fails the transaction, so no two passes share a number.
- ``PASSSEQ#<counter>#<sequence>``: what became of each sequence drawn: the number it gave
  (``used``) or why it was not used (``gap``: the number read as a My Number, or the
  transaction failed), so every gap is explained (:meth:`PrefecturePasses.numbering`).
- ``SEQUENCE#PASS#<counter>``: the last sequence drawn for a counter.
- ``RESULTS_RUN#<group key>#<kind>``: the latest decisions run or announcement of a results
  group (:class:`kentei.results.runs.ResultsRun`): counts and problems by application id.

:meth:`PrefecturePasses.announce` draws each sequence atomically (``ADD``) before the
transaction that claims the numbers, writes the pass record and marks the decision announced,
with its audit entries: a pass is numbered once, a number is never reused, and a failed
transaction leaves explained gaps only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.transactions import cancellation_codes
from kentei.exemptions.model import PassRecord, PassRevocation
from kentei.numbering import DRAWS, LooksLikeMyNumberError
from kentei.results.corrections import RecordChange, record_change
from kentei.results.numbering import NumberKind, PassNumberSchemes, pass_number_schemes
from kentei.results.passes import DecidedSitting, DecisionStatus, PassNumbers, pass_record
from kentei.results.runs import ResultsRun, RunKind
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

DECISION_PREFIX: Final = "DECISION#"
PASS_PREFIX: Final = "PASS#"  # noqa: S105 (not a secret)
NUMBER_PREFIX: Final = "PASSNUMBER#"
DRAWN_PREFIX: Final = "PASSSEQ#"
SEQUENCE_PREFIX: Final = "SEQUENCE#PASS#"
RUN_PREFIX: Final = "RESULTS_RUN#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    DECISION_PREFIX: RecordKind.RESULT,
    PASS_PREFIX: RecordKind.PASS,
    NUMBER_PREFIX: RecordKind.NUMBER_CLAIM,
    DRAWN_PREFIX: RecordKind.NUMBER_CLAIM,
    SEQUENCE_PREFIX: RecordKind.NUMBER_CLAIM,
    RUN_PREFIX: RecordKind.JOB_RUN,
}
"""The retention kind of each item this module writes, by its key prefix."""
SEQ_WIDTH: Final = 9


class AnnouncedError(RuntimeError):
    """The decision is announced: a change is a correction with a reason, never a re-decision."""


class DecisionChangedError(RuntimeError):
    """The decision changed since it was read (decided again, or announced meanwhile)."""


@dataclass(frozen=True)
class Drawn:
    """One sequence drawn for a number: the number it gave, or why none."""

    counter: str
    seq: int
    number: str | None = None
    gap: str | None = None


@dataclass
class NumberingReport:
    """A counter's sequences: the last drawn, the numbers used, the gaps with their reasons,
    and any sequence drawn with no trace (a process that stopped between the draw and its
    transaction)."""

    counter: str
    last: int
    used: int = 0
    gaps: dict[int, str] = field(default_factory=dict)
    unexplained: list[int] = field(default_factory=list)


def decision_key(group_key: str, application_id: str) -> str:
    return f"{DECISION_PREFIX}{group_key}#{application_id}"


def pass_key(qualification_pseudonym_id: str, application_id: str) -> str:
    return f"{PASS_PREFIX}{qualification_pseudonym_id}#{application_id}"


def drawn_key(counter: str, seq: int) -> str:
    return f"{DRAWN_PREFIX}{counter}#{seq:0{SEQ_WIDTH}d}"


class PrefecturePasses(PrefecturePartition):
    """One prefecture's decisions, passes and pass numbers."""

    def __init__(
        self,
        prefecture_code: str,
        table: str | None = None,
        *,
        audit_table: str | None = None,
        schemes: PassNumberSchemes | None = None,
        client: DynamoDBClient | None = None,
    ) -> None:
        super().__init__(prefecture_code, table, audit_table=audit_table, client=client)
        self._schemes = schemes

    @property
    def schemes(self) -> PassNumberSchemes:
        return self._schemes or pass_number_schemes()

    # Decisions

    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None:
        item = self._get(decision_key(group_key, application_id))
        return None if item is None else DecidedSitting.model_validate_json(item["decision"]["S"])

    def put_decision(self, decided: DecidedSitting) -> None:
        """Record a decision, made again or for the first time; :class:`AnnouncedError` once
        the sitting's result is announced."""
        self._own(decided)
        if decided.status is not DecisionStatus.DECIDED:
            raise ValueError("a decision is announced by announce(), with its numbers")
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=self._decision_item(decided),
                ConditionExpression="attribute_not_exists(record_key) OR #s = :decided",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":decided": {"S": DecisionStatus.DECIDED.value}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            raise AnnouncedError("the sitting's result is announced") from None

    def decisions(self, group_key: str) -> list[DecidedSitting]:
        """The decisions of a results group, in exam-number order."""
        found = [
            DecidedSitting.model_validate_json(item["decision"]["S"])
            for item in self._query(f"{DECISION_PREFIX}{group_key}#")
        ]
        return sorted(found, key=lambda d: d.exam_number)

    def record_run(self, run: ResultsRun) -> None:
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                **self._key(f"{RUN_PREFIX}{run.group_key}#{run.kind.value}"),
                "item_type": {"S": "results_run"},
                "run": {"S": run.model_dump_json()},
            },
        )

    def run(self, group_key: str, kind: RunKind) -> ResultsRun | None:
        item = self._get(f"{RUN_PREFIX}{group_key}#{kind.value}")
        return None if item is None else ResultsRun.model_validate_json(item["run"]["S"])

    # Announcement

    def announce(
        self,
        decided: DecidedSitting,
        passed_on: dt.date,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None:
        """Announce one decided sitting: a pass or part pass gets its numbers and its pass
        record, the decision becomes announced, with ``audit``, in one transaction. Safe to
        run again: an announced sitting answers its record and draws nothing."""
        self._own(decided)
        if decided.status is DecisionStatus.ANNOUNCED:
            return self.pass_of(decided.qualification_pseudonym_id, decided.application_id)
        existing = self.pass_of(decided.qualification_pseudonym_id, decided.application_id)
        if existing is not None:
            return existing
        announced = decided.model_copy(
            update={"status": DecisionStatus.ANNOUNCED, "announced_on": passed_on}
        )
        drawn = [self._number(kind, decided) for kind in decided.needs_numbers]
        record = (
            pass_record(
                decided,
                PassNumbers.of({kind: d.number for kind, d in drawn if d.number}),
                passed_on,
            )
            if drawn
            else None
        )
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._decision_item(announced),
                    "ConditionExpression": "#s = :decided AND decided_at = :at",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":decided": {"S": DecisionStatus.DECIDED.value},
                        ":at": {"S": instant(decided.decided_at)},
                    },
                }
            }
        ]
        for kind, one in drawn:
            writes += self._claim(kind, one, decided.application_id, at)
        if record is not None:
            writes.append(self.pass_put(record, at))
        try:
            if audit:
                AuditTrail(self._audit_table).transact(writes, audit)
            else:
                self._dynamodb.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None:
                raise
            for _, one in drawn:
                self._explain(one.counter, one.seq, f"transaction cancelled: {','.join(codes)}")
            raise DecisionChangedError("the decision or a number changed meanwhile") from None
        return record

    def correct(
        self,
        before: DecidedSitting,
        after: DecidedSitting,
        at: datetime,
        *,
        writes: Sequence[TransactWriteItemTypeDef] = (),
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None:
        """An announced decision corrected (:mod:`kentei.results.corrections`): the decision
        with its correction, ``writes`` (the corrected scores), and the pass record as the
        new result wants it (new and numbered, replaced and numbered, or revoked), with
        ``audit``, in one transaction conditional on the decision being as read. The pass
        record after it (None: none, or revoked)."""
        self._own(after)
        if before.status is not DecisionStatus.ANNOUNCED or after.announced_on is None:
            raise ValueError("a correction changes an announced decision")
        current = self.pass_of(before.qualification_pseudonym_id, before.application_id)
        change = record_change(current, after.decision)
        all_writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._decision_item(after),
                    "ConditionExpression": "#s = :announced AND decided_at = :at",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":announced": {"S": DecisionStatus.ANNOUNCED.value},
                        ":at": {"S": instant(before.decided_at)},
                    },
                }
            },
            *writes,
        ]
        drawn: list[tuple[NumberKind, Drawn]] = []
        record = current
        if change in (RecordChange.NEW, RecordChange.REPLACE):
            drawn = [self._number(kind, after) for kind in after.needs_numbers]
            record = pass_record(
                after,
                PassNumbers.of({kind: d.number for kind, d in drawn if d.number}),
                after.announced_on,
            )
            for kind, one in drawn:
                all_writes += self._claim(kind, one, after.application_id, at)
            put = self.pass_put(record, at)
            if change is RecordChange.REPLACE:
                put["Put"].pop("ConditionExpression", None)
            all_writes.append(put)
        elif change is RecordChange.REVOKE and current is not None:
            record = None
            key = pass_key(current.qualification_pseudonym_id, current.record_id)
            all_writes.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(key),
                        "UpdateExpression": "SET revoked_at = :at",
                        "ConditionExpression": "attribute_exists(record_key)",
                        "ExpressionAttributeValues": {":at": {"S": instant(at)}},
                    }
                }
            )
        try:
            AuditTrail(self._audit_table).transact(all_writes, audit)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None:
                raise
            for _, one in drawn:
                self._explain(one.counter, one.seq, f"transaction cancelled: {','.join(codes)}")
            raise DecisionChangedError("the decision or a number changed meanwhile") from None
        return record

    def _number(self, kind: NumberKind, decided: DecidedSitting) -> tuple[NumberKind, Drawn]:
        """Draw the next sequence whose number does not read as a My Number; every number
        passed over is explained as a gap."""
        numbered = decided.numbered
        scheme = self.schemes.of(kind, numbered)
        counter = scheme.counter(kind, numbered)
        for attempt in range(DRAWS):
            seq = self._draw(counter)
            try:
                return kind, Drawn(counter, seq, scheme.number(numbered, seq))
            except LooksLikeMyNumberError:
                self._explain(counter, seq, "the number reads as a My Number")
                if attempt + 1 == DRAWS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _draw(self, counter: str) -> int:
        answer = self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(SEQUENCE_PREFIX + counter),
            UpdateExpression="SET item_type = :t ADD seq :one",
            ExpressionAttributeValues={":t": {"S": "pass_number_sequence"}, ":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(answer["Attributes"]["seq"]["N"])

    def _explain(self, counter: str, seq: int, reason: str) -> None:
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                **self._key(drawn_key(counter, seq)),
                "item_type": {"S": "pass_number_gap"},
                "gap": {"S": reason},
            },
            ConditionExpression="attribute_not_exists(record_key)",
        )

    def _claim(
        self, kind: NumberKind, drawn: Drawn, application_id: str, at: datetime
    ) -> list[TransactWriteItemTypeDef]:
        if drawn.number is None:  # pragma: no cover - _number gives a number or raises
            raise ValueError("a claim is of a number")
        return [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(f"{NUMBER_PREFIX}{kind.value}#{drawn.number}"),
                        "item_type": {"S": "pass_number_claim"},
                        "application_id": {"S": application_id},
                        "counter": {"S": drawn.counter},
                        "seq": {"N": str(drawn.seq)},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(drawn_key(drawn.counter, drawn.seq)),
                        "item_type": {"S": "pass_number_use"},
                        "number": {"S": drawn.number},
                        "application_id": {"S": application_id},
                        "used_at": {"S": instant(at)},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
        ]

    # Pass records

    def pass_of(self, qualification_pseudonym_id: str, application_id: str) -> PassRecord | None:
        item = self._get(pass_key(qualification_pseudonym_id, application_id))
        return None if item is None else PassRecord.model_validate_json(item["record"]["S"])

    def announced_pass_of(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRecord | None:
        """The pass record as announced, while it stands: None when there is none or it was
        revoked since (a correction, a relink, 合格の取消し: kept, marked ``revoked_at``).
        One read."""
        item = self._get(pass_key(qualification_pseudonym_id, application_id))
        if item is None or "revoked_at" in item:
            return None
        return PassRecord.model_validate_json(item["record"]["S"])

    def passes_of(self, qualification_pseudonym_id: str) -> list[PassRecord]:
        """A person's passes and part passes in this prefecture, oldest first (a record
        revoked by a correction is not one)."""
        found = [
            PassRecord.model_validate_json(item["record"]["S"])
            for item in self._query(f"{PASS_PREFIX}{qualification_pseudonym_id}#")
            if "revoked_at" not in item
        ]
        return sorted(found, key=lambda r: (r.passed_on, r.record_id))

    def claimed_by(self, kind: NumberKind, number: str) -> str | None:
        item = self._get(f"{NUMBER_PREFIX}{kind.value}#{number}")
        return None if item is None else item["application_id"]["S"]

    def numbering(self, counter: str) -> NumberingReport:
        """Every sequence drawn for ``counter``: used, explained gaps, unexplained ones."""
        last_item = self._get(SEQUENCE_PREFIX + counter)
        last = 0 if last_item is None else int(last_item["seq"]["N"])
        report = NumberingReport(counter, last)
        seen: set[int] = set()
        for item in self._query(f"{DRAWN_PREFIX}{counter}#"):
            seq = int(item["record_key"]["S"].rsplit("#", 1)[1])
            seen.add(seq)
            if "gap" in item and "number" not in item:
                report.gaps[seq] = item["gap"]["S"]
            else:
                report.used += 1
        report.unexplained = [seq for seq in range(1, last + 1) if seq not in seen]
        return report

    # Plumbing

    def _own(self, decided: DecidedSitting) -> None:
        if decided.prefecture_code != self.prefecture_code:
            raise ValueError("the decision belongs to another prefecture")

    def _decision_item(self, decided: DecidedSitting) -> dict[str, Any]:
        return {
            **self._key(decision_key(decided.group_key, decided.application_id)),
            "item_type": {"S": "decision"},
            "application_id": {"S": decided.application_id},
            "qualification_pseudonym_id": {"S": decided.qualification_pseudonym_id},
            "status": {"S": decided.status.value},
            "result": {"S": decided.decision.result.value},
            "decided_at": {"S": instant(decided.decided_at)},
            "decision": {"S": decided.model_dump_json()},
        }

    def revoke_update(
        self, revocation: PassRevocation, at: datetime, *, by: str
    ) -> TransactWriteItemTypeDef:
        """The update revoking a pass record, for a transaction: kept, marked revoked with the
        reason and what revoked it (``by``: an id), conditional on it being there and not
        revoked (:meth:`passes_of` then leaves it out)."""
        key = pass_key(revocation.qualification_pseudonym_id, revocation.record_id)
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(key),
                "UpdateExpression": "SET revoked_at = :at, revoked_reason = :r, revoked_by = :by",
                "ConditionExpression": (
                    "attribute_exists(record_key) AND attribute_not_exists(revoked_at)"
                ),
                "ExpressionAttributeValues": {
                    ":at": {"S": instant(at)},
                    ":r": {"S": revocation.reason},
                    ":by": {"S": by},
                },
            }
        }

    def revocation_of(
        self, qualification_pseudonym_id: str, record_id: str
    ) -> tuple[str, str] | None:
        """When and why a pass record was revoked (None: not revoked, or none)."""
        item = self._get(pass_key(qualification_pseudonym_id, record_id))
        if item is None or "revoked_at" not in item:
            return None
        return item["revoked_at"]["S"], item.get("revoked_reason", {}).get("S", "")

    def pass_put(self, record: PassRecord, at: datetime) -> TransactWriteItemTypeDef:
        """The put of a new pass record, for a transaction (conditional on none being there)."""
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **self._key(pass_key(record.qualification_pseudonym_id, record.record_id)),
                    "item_type": {"S": "pass"},
                    "kind": {"S": record.kind.value},
                    "recorded_at": {"S": instant(at)},
                    "record": {"S": record.model_dump_json()},
                },
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
