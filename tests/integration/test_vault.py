"""The vault table and KMS under moto: one entry per person, no plain number anywhere, the
encryption context enforced, and enrolment races settled by the conditional transaction.

moto implements ``GenerateMac``/``VerifyMac`` with real HMAC over its key material, and
``Decrypt`` checks the encryption context (AES-GCM with the context as associated data), so
these tests run on moto's KMS rather than a test double.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from kentei import catalog
from kentei.my_number import MyNumber
from kentei.vault import (
    KMS_REQUESTS,
    PseudonymLinkConflictError,
    UnknownPseudonymError,
    VaultIntegrityError,
    new_qualification_pseudonym_id,
)
from kentei.vault.dynamo import DynamoVault, pointer_key
from kentei.vault.kms import BLIND_INDEX_DOMAIN, KmsVaultCrypto, encryption_context
from kentei.vault.links import DynamoPseudonymLinks
from kentei.vault.port import KmsRequestCounter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_kms.client import KMSClient

TARO = MyNumber("900000000010")
HANAKO = MyNumber("900000000028")


@dataclass
class Aws:
    dynamodb: DynamoDBClient
    kms: KMSClient
    vault_key: str
    blind_index_key: str
    vault_table: str = ""
    records_table: str = ""

    def vault(self, counter: KmsRequestCounter | None = None, **options: Any) -> DynamoVault:
        crypto = KmsVaultCrypto(
            self.vault_key,
            self.blind_index_key,
            counter=counter or KmsRequestCounter(),
            kms=lambda: self.kms,
        )
        options.setdefault("dynamodb", lambda: self.dynamodb)
        return DynamoVault(self.vault_table, crypto, **options)

    def links(self) -> DynamoPseudonymLinks:
        return DynamoPseudonymLinks(self.records_table, dynamodb=lambda: self.dynamodb)

    def items(self) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=self.vault_table, ConsistentRead=True)["Items"]

    def entries(self) -> list[dict[str, Any]]:
        return [item for item in self.items() if item["kind"]["S"] == "entry"]


@pytest.fixture(scope="module")
def cloud() -> Iterator[Aws]:
    """moto, with the vault key and the blind-index key as the catalog declares them."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": catalog.REGION,
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        with mock_aws():
            kms = boto3.client("kms", region_name=catalog.REGION)
            keys = {
                spec.name: kms.create_key(
                    KeySpec=spec.key_spec,  # type: ignore[arg-type]
                    KeyUsage=spec.usage.value,
                )["KeyMetadata"]["Arn"]
                for spec in (catalog.key("vault"), catalog.key("blind-index"))
            }
            dynamodb = boto3.client("dynamodb", region_name=catalog.REGION)
            yield Aws(dynamodb, kms, keys["vault"], keys["blind-index"])


@pytest.fixture
def aws(cloud: Aws) -> Iterator[Aws]:
    """Fresh vault and records tables, with the catalog's key schema, for each test."""
    suffix = uuid.uuid4().hex[:8]
    tables = {"vault": f"kentei-test-vault-{suffix}", "records": f"kentei-test-records-{suffix}"}
    for name, physical in tables.items():
        spec = catalog.table(name)
        schema: list[Any] = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
        attributes: list[Any] = [{"AttributeName": spec.partition_key, "AttributeType": "S"}]
        if spec.sort_key:
            schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
            attributes.append({"AttributeName": spec.sort_key, "AttributeType": "S"})
        cloud.dynamodb.create_table(
            TableName=physical,
            KeySchema=schema,
            AttributeDefinitions=attributes,
            BillingMode="PAY_PER_REQUEST",
        )
    yield replace(cloud, vault_table=tables["vault"], records_table=tables["records"])
    for physical in tables.values():
        cloud.dynamodb.delete_table(TableName=physical)


def test_given_the_same_person_twice_then_one_entry_and_the_same_pseudonym(aws: Aws) -> None:
    first = aws.vault().enrol(TARO)
    second = aws.vault().enrol(MyNumber("９０００００００００１０"))

    assert first.created
    assert not second.created
    assert second.qualification_pseudonym_id == first.qualification_pseudonym_id
    assert len(aws.entries()) == 1
    assert len(aws.items()) == 2  # the entry and its pointer


def test_given_different_persons_then_different_pseudonyms_and_entries(aws: Aws) -> None:
    vault = aws.vault()

    taro, hanako = vault.enrol(TARO), vault.enrol(HANAKO)

    assert taro.qualification_pseudonym_id != hanako.qualification_pseudonym_id
    assert len(aws.entries()) == 2


def test_given_enrolled_persons_then_no_item_holds_the_number_or_an_unkeyed_hash(
    aws: Aws,
) -> None:
    vault = aws.vault()
    for number in (TARO, HANAKO):
        vault.enrol(number)
    forbidden: list[bytes] = []
    for number in (TARO, HANAKO):
        digits = number.reveal().encode()
        forbidden += [digits, base64.b64encode(digits), digits.hex().encode()]
        for message in (digits, BLIND_INDEX_DOMAIN + digits):
            forbidden += [hashlib.sha256(message).hexdigest().encode()]
            forbidden += [base64.b64encode(hashlib.sha256(message).digest())]

    for item in aws.items():
        for value in item.values():
            raw = value.get("B") or str(value.get("S", "")).encode()
            assert not any(f in raw for f in forbidden)


def test_given_an_entry_then_its_key_is_the_kms_mac_over_the_domain_and_digits(aws: Aws) -> None:
    aws.vault().enrol(TARO)
    (entry,) = aws.entries()
    version, mac = entry["blind_index"]["S"].split(":")

    verdict = aws.kms.verify_mac(
        KeyId=aws.blind_index_key,
        Message=BLIND_INDEX_DOMAIN + b"900000000010",
        MacAlgorithm="HMAC_SHA_256",
        Mac=bytes.fromhex(mac),
    )

    assert version == "v1"
    assert verdict["MacValid"]


def test_given_an_entry_then_it_decrypts_only_under_its_own_context(aws: Aws) -> None:
    entry = aws.vault().enrol(TARO)
    (item,) = aws.entries()
    ciphertext = item["ciphertext"]["B"]
    right = encryption_context(entry.qualification_pseudonym_id)

    plaintext = aws.kms.decrypt(CiphertextBlob=ciphertext, EncryptionContext=right)["Plaintext"]
    assert plaintext == b"900000000010"
    wrong_contexts: list[dict[str, str]] = [
        {},
        {"purpose": "my-number-vault"},
        encryption_context(new_qualification_pseudonym_id()),
        right | {"purpose": "something-else"},
    ]
    for context in wrong_contexts:
        with pytest.raises(ClientError, match="InvalidCiphertextException"):
            aws.kms.decrypt(CiphertextBlob=ciphertext, EncryptionContext=context)


def test_given_a_pseudonym_then_reveal_gives_the_number_back(aws: Aws) -> None:
    vault = aws.vault()
    taro, hanako = vault.enrol(TARO), vault.enrol(HANAKO)

    assert vault.reveal(taro.qualification_pseudonym_id) == TARO
    assert vault.reveal(hanako.qualification_pseudonym_id) == HANAKO


@pytest.mark.parametrize("pseudonym", [None, "../etc", "pseudonym:x", ""])
def test_given_an_unknown_or_malformed_pseudonym_then_reveal_refuses(
    aws: Aws, pseudonym: str | None
) -> None:
    aws.vault().enrol(TARO)

    with pytest.raises(UnknownPseudonymError):
        aws.vault().reveal(pseudonym or new_qualification_pseudonym_id())


def test_given_ciphertexts_swapped_between_entries_then_reveal_detects_it(aws: Aws) -> None:
    vault = aws.vault()
    taro = vault.enrol(TARO)
    vault.enrol(HANAKO)
    first, second = aws.entries()
    for item, other in ((first, second), (second, first)):
        aws.dynamodb.update_item(
            TableName=aws.vault_table,
            Key={"blind_index": item["blind_index"]},
            UpdateExpression="SET ciphertext = :c",
            ExpressionAttributeValues={":c": other["ciphertext"]},
        )

    with pytest.raises(VaultIntegrityError, match="does not decrypt"):
        vault.reveal(taro.qualification_pseudonym_id)


def test_given_a_pointer_to_another_entry_then_reveal_detects_it(aws: Aws) -> None:
    vault = aws.vault()
    taro, hanako = vault.enrol(TARO), vault.enrol(HANAKO)
    hanako_target = aws.dynamodb.get_item(
        TableName=aws.vault_table,
        Key={"blind_index": {"S": pointer_key(hanako.qualification_pseudonym_id)}},
    )["Item"]["target"]
    aws.dynamodb.update_item(
        TableName=aws.vault_table,
        Key={"blind_index": {"S": pointer_key(taro.qualification_pseudonym_id)}},
        UpdateExpression="SET target = :t",
        ExpressionAttributeValues={":t": hanako_target},
    )

    with pytest.raises(VaultIntegrityError, match="no matching entry"):
        vault.reveal(taro.qualification_pseudonym_id)


class RacingDynamoDB:
    """The real client, except that another enrolment slips in before the first write."""

    def __init__(self, client: DynamoDBClient, rival: Callable[[], object]) -> None:
        self._client = client
        self._rival: Callable[[], object] | None = rival
        self.exceptions = client.exceptions

    def transact_write_items(self, **arguments: Any) -> Any:
        if self._rival is not None:
            rival, self._rival = self._rival, None
            rival()
        return self._client.transact_write_items(**arguments)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_given_two_enrolments_racing_then_the_loser_takes_the_winners_pseudonym(
    aws: Aws,
) -> None:
    winner: list[Any] = []
    racing = RacingDynamoDB(aws.dynamodb, lambda: winner.append(aws.vault().enrol(TARO)))
    counter = KmsRequestCounter()
    loser = aws.vault(counter, dynamodb=lambda: racing)

    entry = loser.enrol(TARO)

    assert winner[0].created
    assert not entry.created
    assert entry.qualification_pseudonym_id == winner[0].qualification_pseudonym_id
    assert len(aws.entries()) == 1
    assert len(aws.items()) == 2  # the loser's pointer was not written either
    assert counter.snapshot() == {"GenerateMac": 1, "Encrypt": 1}


def test_given_a_pseudonym_already_taken_then_another_is_drawn(aws: Aws) -> None:
    taken = aws.vault().enrol(TARO).qualification_pseudonym_id
    draws = iter([taken, new_qualification_pseudonym_id()])

    hanako = aws.vault(new_pseudonym=lambda: next(draws)).enrol(HANAKO)

    assert hanako.created
    assert hanako.qualification_pseudonym_id != taken
    assert len(aws.entries()) == 2


def test_given_each_operation_then_its_kms_requests_are_counted(aws: Aws) -> None:
    counter = KmsRequestCounter()
    vault = aws.vault(counter)

    entry = vault.enrol(TARO)
    assert counter.snapshot() == {"GenerateMac": 1, "Encrypt": 1}
    vault.enrol(TARO)
    assert vault.find(HANAKO) is None
    vault.reveal(entry.qualification_pseudonym_id)

    assert counter.snapshot() == {"GenerateMac": 3, "Encrypt": 1, "Decrypt": 1}


def test_given_no_counter_then_the_process_wide_one_counts(aws: Aws) -> None:
    before = KMS_REQUESTS.total
    crypto = KmsVaultCrypto(aws.vault_key, aws.blind_index_key, kms=lambda: aws.kms)

    DynamoVault(aws.vault_table, crypto, dynamodb=lambda: aws.dynamodb).enrol(TARO)

    assert KMS_REQUESTS.total - before == 2


def test_given_the_catalog_environment_then_the_vault_finds_its_table_and_keys(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kentei import aws as clients
    from kentei.vault import vault_from_environment

    monkeypatch.setenv(catalog.table("vault").env_var, aws.vault_table)
    monkeypatch.setenv(catalog.key("vault").env_var, aws.vault_key)
    monkeypatch.setenv(catalog.key("blind-index").env_var, aws.blind_index_key)
    clients.kms.cache_clear()
    clients.dynamodb.cache_clear()
    try:
        vault = vault_from_environment()
        entry = vault.enrol(TARO)
        assert vault.reveal(entry.qualification_pseudonym_id) == TARO
    finally:
        clients.kms.cache_clear()
        clients.dynamodb.cache_clear()


def test_given_a_mynaportal_link_then_both_directions_resolve_from_the_records_table(
    aws: Aws,
) -> None:
    person = aws.vault().enrol(TARO).qualification_pseudonym_id

    aws.links().link_mynaportal(person, "mp-0123456789")
    aws.links().link_mynaportal(person, "mp-0123456789")

    assert aws.links().qualification_for("mp-0123456789") == person
    assert aws.links().mynaportal_for(person) == "mp-0123456789"
    assert aws.links().qualification_for("mp-9999999999") is None
    assert len(aws.items()) == 2  # nothing of the link in the vault
    stored = aws.dynamodb.scan(TableName=aws.records_table)["Items"]
    assert {item["prefecture_code"]["S"] for item in stored} == {"PSEUDONYMS"}


def test_given_a_mynaportal_pseudonym_linked_to_someone_then_another_link_is_refused(
    aws: Aws,
) -> None:
    taro = aws.vault().enrol(TARO).qualification_pseudonym_id
    hanako = aws.vault().enrol(HANAKO).qualification_pseudonym_id
    aws.links().link_mynaportal(taro, "mp-0123456789")

    with pytest.raises(PseudonymLinkConflictError):
        aws.links().link_mynaportal(hanako, "mp-0123456789")

    assert aws.links().qualification_for("mp-0123456789") == taro
    assert aws.links().mynaportal_for(hanako) is None


def test_given_a_new_mynaportal_account_then_notices_go_to_the_latest(aws: Aws) -> None:
    person = aws.vault().enrol(TARO).qualification_pseudonym_id
    aws.links().link_mynaportal(person, "mp-old-account")
    aws.links().link_mynaportal(person, "mp-new-account")

    assert aws.links().mynaportal_for(person) == "mp-new-account"
    assert aws.links().qualification_for("mp-old-account") == person


def test_given_a_number_then_its_blind_index_is_the_entry_key_and_writes_nothing(aws: Aws) -> None:
    """The keyed reference verify puts on a candidate: stable, per person, the vault's key."""
    vault = aws.vault()

    reference = vault.blind_index(TARO)

    assert aws.items() == []
    assert reference == vault.blind_index(MyNumber("９０００００００００１０"))
    assert reference != vault.blind_index(HANAKO)
    vault.enrol(TARO)
    (entry,) = aws.entries()
    assert entry["blind_index"]["S"] == reference
