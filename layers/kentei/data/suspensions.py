"""Suspensions of use (利用停止, P10) in the records table, as the processes that honour them
read them: the person's suspension, who is suspended in a prefecture, the condition a write
carries on it, and the work held for a suspended person. The hot paths (verify's admission,
certify's announcements, the national outbox) load only this; the privacy office's requests,
which start and lift suspensions, are :mod:`kentei.data.person_requests`.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``SUSPENSION#<資格仮名ID>``: the suspension while it stands (written and deleted with the
  request that starts or lifts it);
- ``USE_HELD#<資格仮名ID>#<application id>``: an announced pass whose certificate and notice
  certify left undone while the person's use was suspended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kentei.data.partition import PrefecturePartition
from kentei.person_requests.suspension import HeldWork, Suspension, UseCondition

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SUSPENSION_PREFIX: Final = "SUSPENSION#"
HELD_PREFIX: Final = "USE_HELD#"


class PrefectureSuspensions(PrefecturePartition):
    """One prefecture's suspensions of use and the work held for them."""

    def suspension(self, person: str) -> Suspension | None:
        """The person's suspension of use in the prefecture, while it stands."""
        item = self._get(SUSPENSION_PREFIX + person)
        return None if item is None else Suspension.model_validate_json(item["suspension"]["S"])

    def suspended_persons(self) -> frozenset[str]:
        """Every person whose use is suspended in the prefecture now (one query: there are
        few, usually none), for a process that handles many persons at once."""
        return frozenset(
            item["record_key"]["S"].removeprefix(SUSPENSION_PREFIX)
            for item in self._query(SUSPENSION_PREFIX)
        )

    def hold_work(self, work: HeldWork) -> None:
        """Keep what was left undone for the person (a second hold of the same is the same)."""
        if work.prefecture_code != self.prefecture_code:
            raise ValueError("held work of another prefecture")
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                **self._key(_held_key(work.qualification_pseudonym_id, work.application_id)),
                "item_type": {"S": "held_work"},
                "qualification_pseudonym_id": {"S": work.qualification_pseudonym_id},
                "held_work": {"S": work.model_dump_json()},
            },
        )

    def held_work(self, person: str) -> list[HeldWork]:
        """What was left undone for ``person``, oldest application first."""
        return [
            HeldWork.model_validate_json(item["held_work"]["S"])
            for item in self._query(_held_key(person, ""))
        ]

    def release_work(self, work: HeldWork) -> None:
        """The work is done: forget it."""
        self._dynamodb.delete_item(
            TableName=self._table,
            Key=self._key(_held_key(work.qualification_pseudonym_id, work.application_id)),
        )

    def use_check(self, condition: UseCondition) -> TransactWriteItemTypeDef:
        """The condition, as an item of another store's transaction."""
        return use_check(self._table, self.prefecture_code, condition)


def use_check(
    table: str, prefecture_code: str, condition: UseCondition
) -> TransactWriteItemTypeDef:
    """A ``ConditionCheck`` that the person's suspension of use stands (or does not), for a
    store of the same table's partition to add to its transaction."""
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": {
                "prefecture_code": {"S": prefecture_code},
                "record_key": {"S": SUSPENSION_PREFIX + condition.person},
            },
            "ConditionExpression": (
                "attribute_exists(record_key)"
                if condition.suspended
                else "attribute_not_exists(record_key)"
            ),
        }
    }


def _held_key(person: str, application_id: str) -> str:
    return f"{HELD_PREFIX}{person}#{application_id}"
