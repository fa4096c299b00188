"""Against moto: the register of signed acts (records table, KMS MAC) and the inbox deletion
of every version of a raw submission (versioned bucket)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from tests.integration.moto_tables import (
    INBOX,
    RECORDS,
    create_inbox,
    create_records_table,
    mocked_aws,
)

from kentei import catalog
from kentei.data.inbox import Inbox, InboxReader, inbox_key
from kentei.vault.port import KmsRequestCounter
from kentei.vault.signed_acts import DOMAIN, DynamoSignedActs

SIGNATURE = bytes(range(256))
"""Stands for an RSA-2048 signature value."""


@dataclass(frozen=True)
class Cloud:
    blind_index_key: str

    def acts(self, counter: KmsRequestCounter | None = None) -> DynamoSignedActs:
        return DynamoSignedActs(RECORDS, self.blind_index_key, counter=counter)


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    settings = {
        catalog.bucket("inbox").env_var or "": INBOX,
        catalog.key("vault").env_var: "alias/kentei-test-vault",
    }
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_inbox(versioned=True)
        spec = catalog.key("blind-index")
        key = boto3.client("kms").create_key(
            KeySpec=spec.key_spec,  # type: ignore[arg-type]
            KeyUsage=spec.usage.value,
        )["KeyMetadata"]["Arn"]
        yield Cloud(key)


def claims() -> list[dict[str, object]]:
    return boto3.client("dynamodb").scan(TableName=RECORDS)["Items"]  # type: ignore[return-value]


def test_a_signed_act_is_claimed_once_and_again_only_by_its_application(cloud: Cloud) -> None:
    counter = KmsRequestCounter()
    acts = cloud.acts(counter)

    assert acts.claim("13", SIGNATURE, "13-A") is None
    assert acts.claim("13", SIGNATURE, "13-A") is None  # a redelivered message
    assert acts.claim("13", SIGNATURE, "13-B") == "13-A"
    assert acts.claim("13", SIGNATURE[::-1], "13-B") is None  # another signature
    assert counter.snapshot() == {"GenerateMac": 4}


def test_the_resubmission_of_the_holder_takes_the_claim_over(cloud: Cloud) -> None:
    acts = cloud.acts()
    acts.claim("13", SIGNATURE, "13-A")

    assert acts.claim("13", SIGNATURE, "13-C", replacing="13-X") == "13-A"
    assert acts.claim("13", SIGNATURE, "13-B", replacing="13-A") is None
    assert acts.claim("13", SIGNATURE, "13-A") == "13-B"


def test_the_claim_holds_a_keyed_digest_and_the_application_id_only(cloud: Cloud) -> None:
    cloud.acts().claim("13", SIGNATURE, "13-A")

    (item,) = claims()
    assert set(item) == {"prefecture_code", "record_key", "application_id", "claimed_at"}
    assert item["prefecture_code"] == {"S": "13"}
    assert item["application_id"] == {"S": "13-A"}
    record_key: str = item["record_key"]["S"]  # type: ignore[index]
    assert record_key.startswith("SIGNED#v1:")
    mac = record_key.removeprefix("SIGNED#v1:")
    unkeyed = hashlib.sha256(SIGNATURE).hexdigest()
    assert unkeyed not in json.dumps(item)
    assert SIGNATURE.hex() not in json.dumps(item)
    verdict = boto3.client("kms").verify_mac(
        KeyId=cloud.blind_index_key,
        Message=DOMAIN + hashlib.sha256(SIGNATURE).digest(),
        MacAlgorithm="HMAC_SHA_256",
        Mac=bytes.fromhex(mac),
    )
    assert verdict["MacValid"]


@dataclass(frozen=True)
class Part:
    name: str
    media_type: str
    content: bytes


def versions(application_id: str) -> list[tuple[str, bool]]:
    listed = boto3.client("s3").list_object_versions(
        Bucket=INBOX, Prefix=f"applications/{application_id}/"
    )
    return sorted(
        [(v["Key"], False) for v in listed.get("Versions", [])]
        + [(m["Key"], True) for m in listed.get("DeleteMarkers", [])]
    )


@pytest.mark.usefixtures("cloud")
def test_deleting_raw_parts_removes_every_version_and_keeps_the_attachments() -> None:
    inbox = Inbox()
    parts = [
        Part("document.json", "application/json", b'{"my_number": "..."}'),
        Part("signature.p7s", "application/pkcs7-signature", b"cms"),
        Part("attachments/photo.jpg", "image/jpeg", b"\xff\xd8"),
    ]
    inbox.put_parts("13-A", parts)
    inbox.put_parts("13-A", parts[:2])  # intake retried: a second version of the raw parts
    inbox.put_parts("13-B", parts[:1])  # another application: not touched
    s3 = boto3.client("s3")
    s3.delete_object(Bucket=INBOX, Key=inbox_key("13-A", "signature.p7s"))  # a delete marker
    reader = InboxReader()

    deleted = reader.delete("13-A", ("document.json", "signature.p7s"))

    assert deleted == 5
    assert versions("13-A") == [(inbox_key("13-A", "attachments/photo.jpg"), False)]
    assert versions("13-B") == [(inbox_key("13-B", "document.json"), False)]
    assert reader.get("13-A", "document.json") is None
    assert reader.delete("13-A", ("document.json", "signature.p7s")) == 0
