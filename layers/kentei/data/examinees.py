"""Registered examinees (受検者, R7) in the records table, under their prefecture.

Layout, in the records table (partition ``prefecture_code``, sort ``record_key``):

- ``EXAMINEE#<資格仮名ID>``: the examinee (:class:`kentei.records.examinee.Examinee` as JSON:
  the items of 受検者テーブル without the My Number, which lives only in the vault), the
  qualification pseudonymous ID, every application registered for the person in this
  prefecture (a string set), the newest of them with its arrival time, and when the examinee
  was registered and last updated.

One item per person and prefecture: a second application of the same person (the vault gives
the same 資格仮名ID) updates it. Its items are those of the newest application; an older
application verified later (a retry) only adds its id. Registering the same application
again changes nothing but ``updated_at``, so verify may retry freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.records.examinee import Examinee
from kentei.records.sensitive import REVEAL

EXAMINEE_PREFIX: Final = "EXAMINEE#"
_SET_NEWEST: Final = (
    "SET item_type = :type, qualification_pseudonym_id = :pseudonym, examinee = :examinee, "
    "latest_application_id = :application, latest_received_at = :received, "
    "updated_at = :now, registered_at = if_not_exists(registered_at, :now) "
    "ADD application_ids :applications"
)
_NEWER_OR_NEW: Final = "attribute_not_exists(record_key) OR latest_received_at <= :received"
_ADD_OLDER: Final = "SET updated_at = :now ADD application_ids :applications"


@dataclass(frozen=True)
class Registration:
    """The outcome of :meth:`PrefectureExaminees.register`."""

    qualification_pseudonym_id: str
    created: bool
    """True when this call registered the person here; False when it updated them."""


@dataclass(frozen=True)
class StoredExaminee:
    qualification_pseudonym_id: str
    examinee: Examinee
    application_ids: frozenset[str]
    latest_application_id: str
    registered_at: datetime
    updated_at: datetime


def record_key(qualification_pseudonym_id: str) -> str:
    return EXAMINEE_PREFIX + qualification_pseudonym_id


class PrefectureExaminees:
    """The examinees of one prefecture: every read and write stays in its partition."""

    def __init__(self, prefecture_code: str, table: str | None = None) -> None:
        self.prefecture_code = prefecture_code
        self._table = table or settings.table_name("records")

    def register(
        self,
        qualification_pseudonym_id: str,
        examinee: Examinee,
        application_id: str,
        received_at: datetime,
        at: datetime,
    ) -> Registration:
        """Register the person, or update them with ``examinee`` (the items of the
        application ``application_id``, which arrived at ``received_at``)."""
        if examinee.prefecture_code != self.prefecture_code:
            raise ValueError("the examinee belongs to another prefecture")
        if examinee.my_number is not None:
            raise ValueError("an examinee is stored without the My Number")
        client = aws.dynamodb()
        key = self._key(qualification_pseudonym_id)
        now = {"S": _instant(at)}
        applications = {"SS": [application_id]}
        try:
            old = client.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression=_SET_NEWEST,
                ConditionExpression=_NEWER_OR_NEW,
                ExpressionAttributeValues={
                    ":type": {"S": "examinee"},
                    ":pseudonym": {"S": qualification_pseudonym_id},
                    # The residence-card number is kept, as in the application item (the table
                    # is under the records key); the My Number is not there (checked above).
                    ":examinee": {"S": examinee.model_dump_json(context={REVEAL: True})},
                    ":application": {"S": application_id},
                    ":received": {"S": _instant(received_at)},
                    ":now": now,
                    ":applications": applications,
                },
                ReturnValues="ALL_OLD",
            ).get("Attributes")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            client.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression=_ADD_OLDER,
                ConditionExpression="attribute_exists(record_key)",
                ExpressionAttributeValues={":now": now, ":applications": applications},
            )
            return Registration(qualification_pseudonym_id, created=False)
        return Registration(qualification_pseudonym_id, created=old is None)

    def get(self, qualification_pseudonym_id: str) -> StoredExaminee | None:
        item = (
            aws.dynamodb()
            .get_item(
                TableName=self._table,
                Key=self._key(qualification_pseudonym_id),
                ConsistentRead=True,
            )
            .get("Item")
        )
        if item is None:
            return None
        return StoredExaminee(
            qualification_pseudonym_id=item["qualification_pseudonym_id"]["S"],
            examinee=Examinee.model_validate_json(item["examinee"]["S"]),
            application_ids=frozenset(item["application_ids"]["SS"]),
            latest_application_id=item["latest_application_id"]["S"],
            registered_at=datetime.fromisoformat(item["registered_at"]["S"]),
            updated_at=datetime.fromisoformat(item["updated_at"]["S"]),
        )

    def _key(self, qualification_pseudonym_id: str) -> dict[str, dict[str, str]]:
        return {
            "prefecture_code": {"S": self.prefecture_code},
            "record_key": {"S": record_key(qualification_pseudonym_id)},
        }


def _instant(at: datetime) -> str:
    """UTC with microseconds and a fixed width, so that stored times compare as strings."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
