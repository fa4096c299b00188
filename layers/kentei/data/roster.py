"""The roster (R7, R8) in the records table, under the prefecture: examinees, their
sittings, exam-number claims and sequences.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``EXAMINEE#<資格仮名ID>``: the person (:class:`kentei.records.examinee.Examinee` as JSON,
  without the My Number), the applications and sittings registered for them here, and when
  staff last kept our items over the national side's (``national_reasserted_at``,
  :meth:`PrefectureRoster.reassert_write`).
- ``SITTING#<資格仮名ID>#<application id>``: a sitting (:class:`kentei.roster.sitting.Sitting`).
- ``EXAMNUMBER#<round>#<exam number>``: the claim of an exam number by one application; a
  second claim of the same number fails the transaction, so no two sittings share one.
- ``SEQUENCE#EXAMNUMBER#<counter>``: the last sequence drawn for an exam-number counter.
- ``EXAMINEE_HISTORY#<資格仮名ID>#<at>#<proposal or application id>``: a change made to the
  examinee (:class:`kentei.roster.changes.HistoryEntry`), by an accepted proposal
  (:mod:`kentei.data.changes`) or by a later application's acceptance.

:meth:`PrefectureRoster.draw` takes the next sequence atomically (``ADD``) before the
registering transaction; a transaction that then fails leaves a gap, never a reused number.
:meth:`PrefectureRoster.registration_writes` are the writes that register a sitting: the
caller puts them in the transaction that accepts the application (with its audit entry), so
an application is accepted if and only if its sitting is on the roster. A person met before
takes the later application's items with a history entry of what changed, conditional on the
examinee being as the acceptance read it (else the transaction fails and nothing is written).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kentei.data.partition import PrefecturePartition, instant
from kentei.records.examinee import Examinee
from kentei.records.sensitive import REVEAL
from kentei.retention.kinds import RecordKind
from kentei.roster.changes import HistoryEntry, application_history
from kentei.roster.sitting import Sitting, SittingStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

EXAMINEE_PREFIX: Final = "EXAMINEE#"
SITTING_PREFIX: Final = "SITTING#"
EXAM_NUMBER_PREFIX: Final = "EXAMNUMBER#"
SEQUENCE_PREFIX: Final = "SEQUENCE#EXAMNUMBER#"
HISTORY_PREFIX: Final = "EXAMINEE_HISTORY#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    EXAMINEE_PREFIX: RecordKind.EXAMINEE,
    SITTING_PREFIX: RecordKind.SITTING,
    EXAM_NUMBER_PREFIX: RecordKind.NUMBER_CLAIM,
    SEQUENCE_PREFIX: RecordKind.NUMBER_CLAIM,
    HISTORY_PREFIX: RecordKind.EXAMINEE_HISTORY,
}
"""The retention kind of each item this module writes, by its key prefix."""


@dataclass(frozen=True)
class StoredExaminee:
    qualification_pseudonym_id: str
    examinee: Examinee
    application_ids: frozenset[str]
    registered_at: datetime
    updated_at: datetime
    certificate_name: str | None = None
    """The spelling staff chose to print on certificates when the font cannot draw the name
    (:meth:`kentei.data.certificates.PrefectureCertificates.resolve_hold`)."""
    certificate_name_latin: str | None = None
    """The name in Latin letters as the person wrote it on a request for an English
    合格証明書 (:meth:`kentei.data.certificates.PrefectureCertificates.request_proof`)."""


def examinee_key(qualification_pseudonym_id: str) -> str:
    return EXAMINEE_PREFIX + qualification_pseudonym_id


def sitting_key(qualification_pseudonym_id: str, application_id: str) -> str:
    return f"{SITTING_PREFIX}{qualification_pseudonym_id}#{application_id}"


def sitting_rewrite(
    table: str, key: dict[str, Any], after: Sitting, read: str
) -> TransactWriteItemTypeDef:
    """For a transaction: the registered sitting at ``key`` rewritten as ``after``,
    conditional on it being as ``read`` (its stored JSON) and still registered."""
    return {
        "Update": {
            "TableName": table,
            "Key": key,
            "UpdateExpression": "SET #sitting = :after",
            "ConditionExpression": "#sitting = :read AND #status = :registered",
            "ExpressionAttributeNames": {"#sitting": "sitting", "#status": "status"},
            "ExpressionAttributeValues": {
                ":after": {"S": after.model_dump_json()},
                ":read": {"S": read},
                ":registered": {"S": SittingStatus.REGISTERED.value},
            },
        }
    }


def exam_number_key(round_key: str, exam_number: str) -> str:
    return f"{EXAM_NUMBER_PREFIX}{round_key}#{exam_number}"


class PrefectureRoster(PrefecturePartition):
    """One prefecture's roster: every read and write stays in its partition."""

    def draw(self, counter: str) -> int:
        """The next sequence of ``counter``: atomic, never the same twice."""
        answer = self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(SEQUENCE_PREFIX + counter),
            UpdateExpression="SET item_type = :t ADD seq :one",
            ExpressionAttributeValues={":t": {"S": "exam_number_sequence"}, ":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(answer["Attributes"]["seq"]["N"])

    def registration_writes(
        self, examinee: Examinee, sitting: Sitting, at: datetime
    ) -> list[TransactWriteItemTypeDef]:
        """Register ``sitting`` and its person: the examinee created, or brought to the items
        of this application with a history entry of what changed (by the sitting's acceptor),
        conditional on the examinee being as read here; the sitting new, its exam number
        claimed."""
        if examinee.my_number is not None:
            raise ValueError("an examinee is stored without the My Number")
        if sitting.prefecture_code != self.prefecture_code:
            raise ValueError("the sitting belongs to another prefecture")
        if examinee.prefecture_code != self.prefecture_code:
            raise ValueError("the examinee belongs to another prefecture")
        pseudonym = sitting.qualification_pseudonym_id
        now = {"S": instant(at)}
        current = self._get(examinee_key(pseudonym))
        history = None
        condition = "attribute_not_exists(record_key)"
        basis: dict[str, Any] = {}
        if current is not None:
            history = application_history(
                pseudonym,
                Examinee.model_validate_json(current["examinee"]["S"]),
                examinee,
                application_id=sitting.application_id,
                by=sitting.accepted_by,
                at=at,
            )
            # The stored text itself: older items hold another spelling of the instant.
            stored_at = current.get("updated_at")
            condition = "attribute_not_exists(updated_at)"
            if stored_at is not None:
                condition, basis = "updated_at = :basis", {":basis": stored_at}
        return [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(examinee_key(pseudonym)),
                    "UpdateExpression": (
                        "SET item_type = :type, qualification_pseudonym_id = :p, "
                        "examinee = :e, updated_at = :now, "
                        "registered_at = if_not_exists(registered_at, :now) "
                        "ADD application_ids :a"
                    ),
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": {
                        ":type": {"S": "examinee"},
                        ":p": {"S": pseudonym},
                        # The residence-card number is kept (the records key protects the
                        # table); the My Number is not there (checked above).
                        ":e": {"S": examinee.model_dump_json(context={REVEAL: True})},
                        ":now": now,
                        ":a": {"SS": [sitting.application_id]},
                        **basis,
                    },
                }
            },
            *([] if history is None else [self.history_write(history)]),
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(sitting_key(pseudonym, sitting.application_id)),
                        "item_type": {"S": "sitting"},
                        "application_id": {"S": sitting.application_id},
                        "qualification_pseudonym_id": {"S": pseudonym},
                        "round": {"S": sitting.exam_round.key},
                        "exam_number": {"S": sitting.exam_number},
                        "status": {"S": sitting.status.value},
                        "sitting": {"S": sitting.model_dump_json()},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(exam_number_key(sitting.exam_round.key, sitting.exam_number)),
                        "item_type": {"S": "exam_number_claim"},
                        "application_id": {"S": sitting.application_id},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
        ]

    def history_write(self, entry: HistoryEntry) -> TransactWriteItemTypeDef:
        """The put of one history entry, for the transaction that changes the examinee."""
        pseudonym = entry.qualification_pseudonym_id
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **self._key(
                        f"{HISTORY_PREFIX}{pseudonym}#{instant(entry.at)}#{entry.decided_in}"
                    ),
                    "item_type": {"S": "examinee_history"},
                    "qualification_pseudonym_id": {"S": pseudonym},
                    "entry": {"S": entry.model_dump_json()},
                },
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }

    def examinee_update_write(
        self, qualification_pseudonym_id: str, examinee: Examinee, at: datetime, basis: datetime
    ) -> TransactWriteItemTypeDef:
        """The examinee's new items, for a decision's transaction: conditional on its
        ``updated_at`` still being ``basis`` (the items the decision was made on)."""
        if examinee.my_number is not None:
            raise ValueError("an examinee is stored without the My Number")
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(examinee_key(qualification_pseudonym_id)),
                "UpdateExpression": "SET examinee = :e, updated_at = :now",
                "ConditionExpression": "updated_at = :basis",
                "ExpressionAttributeValues": {
                    ":e": {"S": examinee.model_dump_json(context={REVEAL: True})},
                    ":now": {"S": instant(at)},
                    ":basis": {"S": instant(basis)},
                },
            }
        }

    def reassert_write(
        self, qualification_pseudonym_id: str, at: datetime
    ) -> TransactWriteItemTypeDef:
        """The examinee's items sent to the national side again, unchanged: marks the item
        (``national_reasserted_at``), so the records stream carries it as a new version
        (``sync.national``). For a decision to keep ours over the national side's values (a
        rejected proposal from it, a conflict resolved our way). The examinee's ``updated_at``
        stays: nothing of the person changed."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(examinee_key(qualification_pseudonym_id)),
                "UpdateExpression": "SET national_reasserted_at = :at",
                "ConditionExpression": "attribute_exists(record_key)",
                "ExpressionAttributeValues": {":at": {"S": instant(at)}},
            }
        }

    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None:
        item = self._get(examinee_key(qualification_pseudonym_id))
        if item is None:
            return None
        return StoredExaminee(
            qualification_pseudonym_id=item["qualification_pseudonym_id"]["S"],
            examinee=Examinee.model_validate_json(item["examinee"]["S"]),
            application_ids=frozenset(item.get("application_ids", {}).get("SS", [])),
            registered_at=datetime.fromisoformat(item["registered_at"]["S"]),
            updated_at=datetime.fromisoformat(item["updated_at"]["S"]),
            certificate_name=item.get("certificate_name", {}).get("S"),
            certificate_name_latin=item.get("certificate_name_latin", {}).get("S"),
        )

    def sitting(self, qualification_pseudonym_id: str, application_id: str) -> Sitting | None:
        item = self._get(sitting_key(qualification_pseudonym_id, application_id))
        return None if item is None else Sitting.model_validate_json(item["sitting"]["S"])

    def sittings_read(self, qualification_pseudonym_id: str) -> list[tuple[Sitting, str]]:
        """A person's sittings, each with its stored JSON (for a conditional rewrite,
        :func:`sitting_rewrite`)."""
        return [
            (Sitting.model_validate_json(item["sitting"]["S"]), item["sitting"]["S"])
            for item in self._query(f"{SITTING_PREFIX}{qualification_pseudonym_id}#")
        ]

    def sitting_rewrite(self, after: Sitting, read: str) -> TransactWriteItemTypeDef:
        key = self._key(sitting_key(after.qualification_pseudonym_id, after.application_id))
        return sitting_rewrite(self._table, key, after, read)

    def sittings_of(self, qualification_pseudonym_id: str) -> list[Sitting]:
        return [
            Sitting.model_validate_json(item["sitting"]["S"])
            for item in self._query(f"{SITTING_PREFIX}{qualification_pseudonym_id}#")
        ]

    def registered_in(self, round_key: str) -> list[Sitting]:
        """The registered sittings of a round in this prefecture."""
        return list(self.each_registered_in(round_key))

    def each_registered_in(self, round_key: str) -> Iterator[Sitting]:
        """:meth:`registered_in`, one sitting at a time as the query's pages come (a large
        round is never whole in memory)."""
        for item in self._query(
            SITTING_PREFIX,
            "#round = :r AND #status = :registered",
            {":r": {"S": round_key}, ":registered": {"S": SittingStatus.REGISTERED.value}},
            {"#round": "round", "#status": "status"},
        ):
            yield Sitting.model_validate_json(item["sitting"]["S"])

    def legacy_examinees(self) -> list[tuple[str, frozenset[str]]]:
        """Examinees written the way verify wrote them before registration moved to the
        acceptance (one item per person, registered before review, marked by
        ``latest_application_id``): each 資格仮名ID with the applications it names."""
        return [
            (
                item["qualification_pseudonym_id"]["S"],
                frozenset(item.get("application_ids", {}).get("SS", [])),
            )
            for item in self._query(EXAMINEE_PREFIX, "attribute_exists(latest_application_id)")
        ]

    def finish_migration(self, qualification_pseudonym_id: str, accepted: frozenset[str]) -> None:
        """The legacy examinee in the new layout: its applications are the accepted ones."""
        self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(examinee_key(qualification_pseudonym_id)),
            UpdateExpression=(
                "SET application_ids = :a REMOVE latest_application_id, latest_received_at"
            ),
            ConditionExpression="attribute_exists(record_key)",
            ExpressionAttributeValues={":a": {"SS": sorted(accepted)}},
        )

    def delete_examinee(self, qualification_pseudonym_id: str) -> None:
        """Remove a legacy examinee none of whose applications was accepted."""
        self._dynamodb.delete_item(
            TableName=self._table, Key=self._key(examinee_key(qualification_pseudonym_id))
        )

    def register(self, writes: list[TransactWriteItemTypeDef]) -> None:
        """Registration writes on their own (the migration; an acceptance adds its own)."""
        self._dynamodb.transact_write_items(TransactItems=writes)

    def claimed_by(self, round_key: str, exam_number: str) -> str | None:
        """The application that holds ``exam_number`` in the round, if any."""
        item = self._get(exam_number_key(round_key, exam_number))
        return None if item is None else item["application_id"]["S"]
