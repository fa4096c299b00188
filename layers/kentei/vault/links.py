"""The link between a person's Mynaportal pseudonym (マイナポータル仮名ID) and their qualification
pseudonym (資格仮名ID).

Deliberately not in the vault table. Neither ID is the My Number or derived from it, and
others need the link where they have no vault grant: intake finds the person behind an online
application, certify addresses a notice to the Mynaportal account (R13: notices carry
pseudonyms only). The vault stays readable by verify alone (invariant 2), and the link lives
in the records table, in the ``PSEUDONYMS`` partition beside the prefectures' (a person is
not one prefecture's; staff listings, scoped by prefecture, never reach it):

- ``MYNAPORTAL#<mynaportal id>`` → the qualification pseudonym. Permanent: one Mynaportal
  account is one person, and linking it to another is refused.
- ``QUALIFICATION#<qualification id>`` → the Mynaportal pseudonym notices go to: the latest
  linked, should the person come back through a new Mynaportal account.

Who may move a person's notice link: only the person, by a fresh signed act. Verify links
only after the application's signature verified, its certificate's four items matched the
form and the registry, and its signed act was claimed for that application alone
(:mod:`verify.replay`, :mod:`kentei.vault.signed_acts`). So a signed document used before,
replayed under the same or another Mynaportal account, is ``submission.replayed`` and never
reaches :meth:`PseudonymLinks.link_mynaportal`; a new signed document of the person, sent from
a new Mynaportal account, moves the link there (that account becomes theirs for good). What
this cannot tell apart: a signed document the person made but never sent, taken and sent
first by someone else (the document does not carry the Mynaportal account it is for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Protocol

from pydantic import TypeAdapter, ValidationError

from kentei import aws, settings
from kentei.data.transactions import failed_first
from kentei.records.fields import PseudonymousId
from kentei.retention.kinds import RecordKind
from kentei.vault.pseudonym import is_qualification_pseudonym_id

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PARTITION: Final = "PSEUDONYMS"
MYNAPORTAL_PREFIX: Final = "MYNAPORTAL#"
QUALIFICATION_PREFIX: Final = "QUALIFICATION#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    MYNAPORTAL_PREFIX: RecordKind.PSEUDONYM_LINK,
    QUALIFICATION_PREFIX: RecordKind.PSEUDONYM_LINK,
}
"""The retention kind of each item this module writes, by its key prefix."""
_MYNAPORTAL_ID: TypeAdapter[str] = TypeAdapter(PseudonymousId)


class PseudonymLinkConflictError(RuntimeError):
    """The Mynaportal pseudonym is already linked to another person."""


class PseudonymLinks(Protocol):
    def link_mynaportal(
        self, qualification_pseudonym_id: str, mynaportal_pseudonym_id: str
    ) -> None:
        """Link the two; linking again the same pair does nothing."""
        ...

    def qualification_for(self, mynaportal_pseudonym_id: str) -> str | None: ...

    def mynaportal_for(self, qualification_pseudonym_id: str) -> str | None: ...


def mynaportal_key(mynaportal_pseudonym_id: str) -> str:
    return f"{MYNAPORTAL_PREFIX}{mynaportal_pseudonym_id}"


def qualification_key(qualification_pseudonym_id: str) -> str:
    return f"{QUALIFICATION_PREFIX}{qualification_pseudonym_id}"


def _validated(qualification_pseudonym_id: str, mynaportal_pseudonym_id: str) -> None:
    if not is_qualification_pseudonym_id(qualification_pseudonym_id):
        raise ValueError("not a qualification pseudonymous ID")
    try:
        _MYNAPORTAL_ID.validate_python(mynaportal_pseudonym_id)
    except ValidationError:
        raise ValueError("not a Mynaportal pseudonymous ID") from None


class DynamoPseudonymLinks:
    def __init__(
        self,
        table: str | None = None,
        *,
        dynamodb: Callable[[], DynamoDBClient] = aws.dynamodb,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._table = table or settings.table_name("records")
        self._dynamodb = dynamodb
        self._clock = clock

    def link_mynaportal(
        self, qualification_pseudonym_id: str, mynaportal_pseudonym_id: str
    ) -> None:
        _validated(qualification_pseudonym_id, mynaportal_pseudonym_id)
        linked_at = {"S": self._clock().isoformat()}
        client = self._dynamodb()
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                "prefecture_code": {"S": PARTITION},
                                "record_key": {"S": mynaportal_key(mynaportal_pseudonym_id)},
                                "qualification_pseudonym_id": {"S": qualification_pseudonym_id},
                                "linked_at": linked_at,
                            },
                            "ConditionExpression": (
                                "attribute_not_exists(record_key) OR "
                                "qualification_pseudonym_id = :qualification"
                            ),
                            "ExpressionAttributeValues": {
                                ":qualification": {"S": qualification_pseudonym_id}
                            },
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                "prefecture_code": {"S": PARTITION},
                                "record_key": {"S": qualification_key(qualification_pseudonym_id)},
                                "mynaportal_pseudonym_id": {"S": mynaportal_pseudonym_id},
                                "linked_at": linked_at,
                            },
                        }
                    },
                ]
            )
        except client.exceptions.TransactionCanceledException as exc:
            if failed_first(exc):
                raise PseudonymLinkConflictError(
                    "the Mynaportal pseudonym is already linked to another person"
                ) from None
            raise

    def qualification_for(self, mynaportal_pseudonym_id: str) -> str | None:
        return self._attribute(
            mynaportal_key(mynaportal_pseudonym_id), "qualification_pseudonym_id"
        )

    def mynaportal_for(self, qualification_pseudonym_id: str) -> str | None:
        return self._attribute(
            qualification_key(qualification_pseudonym_id), "mynaportal_pseudonym_id"
        )

    def unlink(self, qualification_pseudonym_id: str) -> int:
        """Delete the person's links: theirs and every Mynaportal pseudonym's that leads to
        them (the retention job's release, :mod:`verify.vault_release`); how many."""
        client = self._dynamodb()
        keys = [qualification_key(qualification_pseudonym_id)]
        pages = client.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
            FilterExpression="qualification_pseudonym_id = :q",
            ExpressionAttributeValues={
                ":p": {"S": PARTITION},
                ":k": {"S": MYNAPORTAL_PREFIX},
                ":q": {"S": qualification_pseudonym_id},
            },
            ConsistentRead=True,
        )
        keys += [item["record_key"]["S"] for page in pages for item in page["Items"]]
        deleted = 0
        for key in keys:
            answer = client.delete_item(
                TableName=self._table,
                Key={"prefecture_code": {"S": PARTITION}, "record_key": {"S": key}},
                ReturnValues="ALL_OLD",
            )
            deleted += "Attributes" in answer
        return deleted

    def _attribute(self, record_key: str, name: str) -> str | None:
        item = (
            self._dynamodb()
            .get_item(
                TableName=self._table,
                Key={"prefecture_code": {"S": PARTITION}, "record_key": {"S": record_key}},
                ConsistentRead=True,
            )
            .get("Item")
        )
        return None if item is None else item[name]["S"]


class InMemoryPseudonymLinks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._qualification: dict[str, str] = {}
        self._mynaportal: dict[str, str] = {}

    def link_mynaportal(
        self, qualification_pseudonym_id: str, mynaportal_pseudonym_id: str
    ) -> None:
        _validated(qualification_pseudonym_id, mynaportal_pseudonym_id)
        with self._lock:
            linked = self._qualification.setdefault(
                mynaportal_pseudonym_id, qualification_pseudonym_id
            )
            if linked != qualification_pseudonym_id:
                raise PseudonymLinkConflictError(
                    "the Mynaportal pseudonym is already linked to another person"
                )
            self._mynaportal[qualification_pseudonym_id] = mynaportal_pseudonym_id

    def qualification_for(self, mynaportal_pseudonym_id: str) -> str | None:
        return self._qualification.get(mynaportal_pseudonym_id)

    def mynaportal_for(self, qualification_pseudonym_id: str) -> str | None:
        return self._mynaportal.get(qualification_pseudonym_id)

    def unlink(self, qualification_pseudonym_id: str) -> int:
        with self._lock:
            theirs = [m for m, q in self._qualification.items() if q == qualification_pseudonym_id]
            for mynaportal in theirs:
                del self._qualification[mynaportal]
            own = self._mynaportal.pop(qualification_pseudonym_id, None)
            return len(theirs) + (own is not None)
