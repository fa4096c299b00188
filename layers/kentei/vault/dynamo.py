"""The vault table (個人番号の保管庫): the My Number under KMS, found by its blind index.

The table has one key, ``blind_index``, and two kinds of item:

- the **entry** ``v1:<hex MAC>``: the person's qualification pseudonymous ID, the number
  encrypted under the vault key (context: purpose and pseudonym), and the enrolment time.
  Never the number in plain text, nor an unkeyed hash of it.
- the **pointer** ``pseudonym:<id>``: the blind index of the entry holding that pseudonym, so
  :meth:`DynamoVault.reveal` can go from a pseudonym to the number without a scan or an index.

Both are written in one transaction, each only if absent, so two verify invocations enrolling
the same person at once leave one entry: the loser's transaction is cancelled and it reads the
winner's pseudonym. (A retried transaction whose first try did succeed reads its own entry
the same way.) KMS requests: ``find`` and ``enrol`` of a known person 1 (GenerateMac),
``enrol`` of a new person 2 (GenerateMac, Encrypt), ``reveal`` 1 (Decrypt).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from kentei import aws, settings
from kentei.data.transactions import cancellation_codes
from kentei.my_number import MyNumber
from kentei.vault.kms import KmsVaultCrypto
from kentei.vault.port import (
    KmsRequestCounter,
    UnknownPseudonymError,
    VaultEntry,
    VaultError,
    VaultIntegrityError,
)
from kentei.vault.pseudonym import is_qualification_pseudonym_id, new_qualification_pseudonym_id

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

KEY: Final = "blind_index"
ENTRY: Final = "entry"
POINTER: Final = "pseudonym"
POINTER_PREFIX: Final = "pseudonym:"
_ABSENT: Final = f"attribute_not_exists({KEY})"
_TRY_AGAIN: Final = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
_ATTEMPTS: Final = 3


def pointer_key(qualification_pseudonym_id: str) -> str:
    return POINTER_PREFIX + qualification_pseudonym_id


class DynamoVault:
    """The :class:`~kentei.vault.port.Vault` port over the vault table and KMS."""

    def __init__(
        self,
        table: str | None = None,
        crypto: KmsVaultCrypto | None = None,
        *,
        dynamodb: Callable[[], DynamoDBClient] = aws.dynamodb,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_pseudonym: Callable[[], str] = new_qualification_pseudonym_id,
    ) -> None:
        self._table = table or settings.table_name("vault")
        self._crypto = crypto or KmsVaultCrypto(
            settings.key_id("vault"), settings.key_id("blind-index")
        )
        self._dynamodb = dynamodb
        self._clock = clock
        self._new_pseudonym = new_pseudonym

    @property
    def kms_requests(self) -> KmsRequestCounter:
        return self._crypto.counter

    def find(self, my_number: MyNumber) -> VaultEntry | None:
        return self._entry(self._crypto.blind_index(my_number))

    def blind_index(self, my_number: MyNumber) -> str:
        return self._crypto.blind_index(my_number)

    def enrol(self, my_number: MyNumber) -> VaultEntry:
        blind_index = self._crypto.blind_index(my_number)
        for _ in range(_ATTEMPTS):
            existing = self._entry(blind_index)
            if existing is not None:
                return existing
            pseudonym = self._new_pseudonym()
            ciphertext = self._crypto.seal(my_number, pseudonym)
            enrolled_at = self._clock()
            reasons = self._write(blind_index, pseudonym, ciphertext, enrolled_at)
            if reasons is None:
                return VaultEntry(pseudonym, created=True, enrolled_at=enrolled_at)
            # Entry present: another invocation enrolled the same person first, and the next
            # round reads its entry. Pointer present: the pseudonym is taken (2^-128 odds, or
            # a broken generator), draw again. A conflicting transaction: look again.
            if not set(reasons) & _TRY_AGAIN:
                raise VaultError(f"the vault transaction was cancelled: {', '.join(reasons)}")
        raise VaultError(f"could not enrol after {_ATTEMPTS} attempts")

    def reveal(self, qualification_pseudonym_id: str) -> MyNumber:
        if not is_qualification_pseudonym_id(qualification_pseudonym_id):
            raise UnknownPseudonymError("not a qualification pseudonymous ID")
        pointer = self._get(pointer_key(qualification_pseudonym_id))
        if pointer is None:
            raise UnknownPseudonymError(f"no vault entry for {qualification_pseudonym_id}")
        item = self._get(pointer["target"]["S"])
        if item is None or item["qualification_pseudonym_id"]["S"] != qualification_pseudonym_id:
            raise VaultIntegrityError(
                f"the pointer of {qualification_pseudonym_id} leads to no matching entry"
            )
        return self._crypto.open(item["ciphertext"]["B"], qualification_pseudonym_id)

    def forget(self, qualification_pseudonym_id: str) -> bool:
        """Delete the person's entry and its pointer (the retention job's release, only when
        no record needs it: :mod:`verify.vault_release`); False if there was none."""
        pointer = self._get(pointer_key(qualification_pseudonym_id))
        if pointer is None:
            return False
        keys = (pointer["target"]["S"], pointer_key(qualification_pseudonym_id))
        self._dynamodb().transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self._table, "Key": {KEY: {"S": key}}}} for key in keys
            ]
        )
        return True

    def _entry(self, blind_index: str) -> VaultEntry | None:
        item = self._get(blind_index)
        if item is None:
            return None
        return VaultEntry(
            item["qualification_pseudonym_id"]["S"],
            created=False,
            enrolled_at=datetime.fromisoformat(item["enrolled_at"]["S"]),
        )

    def _get(self, key: str) -> dict[str, Any] | None:
        response = self._dynamodb().get_item(
            TableName=self._table, Key={KEY: {"S": key}}, ConsistentRead=True
        )
        return response.get("Item")

    def _write(
        self, blind_index: str, pseudonym: str, ciphertext: bytes, enrolled_at: datetime
    ) -> list[str] | None:
        """Put the entry and its pointer, each only if absent; the cancellation reasons if the
        transaction was cancelled."""
        when = enrolled_at.isoformat()
        entry: dict[str, AttributeValueTypeDef] = {
            KEY: {"S": blind_index},
            "kind": {"S": ENTRY},
            "qualification_pseudonym_id": {"S": pseudonym},
            "ciphertext": {"B": ciphertext},
            "enrolled_at": {"S": when},
        }
        pointer: dict[str, AttributeValueTypeDef] = {
            KEY: {"S": pointer_key(pseudonym)},
            "kind": {"S": POINTER},
            "target": {"S": blind_index},
            "enrolled_at": {"S": when},
        }
        client = self._dynamodb()
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": _ABSENT,
                        }
                    }
                    for item in (entry, pointer)
                ]
            )
        except client.exceptions.TransactionCanceledException as exc:
            return cancellation_codes(exc) or ["unknown"]
        return None
