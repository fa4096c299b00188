"""The register of signed acts: each signature admitted once, to one application (hole 6).

A signed document is single-use. Without this register, the same signed bytes submitted
again (by anyone holding a copy, under any Mynaportal account) verified again: a second
application, and the person's notice link moved to the replayer's account.

What identifies a signed act is its **signature value**: the RSA signature the card's key
produced (the CMS SignerInfo's ``signature``, the XML ``SignatureValue`` decoded). It cannot
be made without the card and its PIN, it is fixed by what was signed (PKCS#1 v1.5 is
deterministic), and unlike the container's bytes it does not change when a replayer
re-encodes the CMS (unsigned attributes, certificate order), re-packs the zip or re-spaces
``kousei.xml``.

It is kept only as a keyed digest: ``GenerateMac`` (HMAC-SHA-256) with the blind-index key
over ``kentei:signed-act:v1:`` and the SHA-256 of the signature value (the value itself may
exceed what ``GenerateMac`` takes). The signature and the certificate together name the
person and what they signed, so an unkeyed hash could be confirmed by anyone holding a copy
(invariant 4); the key is verify's alone, and the domain prefix separates this use of it from
the My Number blind index.

The claim is an item of the records table in the application's prefecture partition (the
prefecture is an item of the signed form, so one signed act always lands in the same
partition; prefecture listings query by ``APPLICATION#``/``STATUS#`` prefixes and never read
it): ``SIGNED#v1:<hex MAC>`` → the id of the application that used it, written only if absent
or already this application's (so a redelivered message claims again harmlessly), or the
returned application that this one is the resubmission of (intake links a resubmission only
for the same caller, so the claim follows the applicant's own correction and no one else's).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from kentei import aws, settings
from kentei.retention.kinds import RecordKind
from kentei.vault.kms import MAC_ALGORITHM
from kentei.vault.port import KMS_REQUESTS, KmsRequestCounter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_kms.client import KMSClient

DOMAIN: Final = b"kentei:signed-act:v1:"
VERSION: Final = "v1"
PREFIX: Final = "SIGNED#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {PREFIX: RecordKind.APPLICATION}
"""The retention kind of each item this module writes, by its key prefix."""


def record_key(digest: str) -> str:
    return PREFIX + digest


def _message(signature_value: bytes) -> bytes:
    if not signature_value:
        raise ValueError("no signature value to claim")
    return DOMAIN + hashlib.sha256(signature_value).digest()


class DynamoSignedActs:
    """Claims in the records table, digests by KMS ``GenerateMac`` (verify's grants)."""

    def __init__(
        self,
        table: str | None = None,
        key_id: str | None = None,
        *,
        counter: KmsRequestCounter | None = None,
        dynamodb: Callable[[], DynamoDBClient] = aws.dynamodb,
        kms: Callable[[], KMSClient] = aws.kms,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._table = table or settings.table_name("records")
        self._key_id = key_id or settings.key_id("blind-index")
        self.counter = KMS_REQUESTS if counter is None else counter
        self._dynamodb = dynamodb
        self._kms = kms
        self._clock = clock

    def claim(
        self,
        prefecture_code: str,
        signature_value: bytes,
        application_id: str,
        *,
        replacing: str | None = None,
    ) -> str | None:
        """Claim the signed act for ``application_id``: None if it is now this application's
        (first use, a redelivery, or taken over from ``replacing``), else the id of the
        application that used it."""
        message = _message(signature_value)
        self.counter.record("GenerateMac")
        mac = self._kms().generate_mac(
            KeyId=self._key_id, Message=message, MacAlgorithm=MAC_ALGORITHM
        )["Mac"]
        key = {
            "prefecture_code": {"S": prefecture_code},
            "record_key": {"S": record_key(f"{VERSION}:{mac.hex()}")},
        }
        mine = [application_id] if replacing is None else [application_id, replacing]
        names = {f":a{n}": {"S": value} for n, value in enumerate(mine)}
        condition = "attribute_not_exists(record_key) OR " + " OR ".join(
            f"application_id = {name}" for name in names
        )
        client = self._dynamodb()
        try:
            client.put_item(
                TableName=self._table,
                Item={
                    **key,
                    "application_id": {"S": application_id},
                    "claimed_at": {"S": self._clock().isoformat()},
                },
                ConditionExpression=condition,
                ExpressionAttributeValues=names,
            )
        except client.exceptions.ConditionalCheckFailedException:
            item = client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
            # Gone between the two requests: nothing but a deletion could do it, and verify
            # never deletes a claim; answer as taken rather than admit on a guess.
            return "unknown" if item is None else item["application_id"]["S"]
        return None


class InMemorySignedActs:
    """The same rule in memory (tests): a real HMAC under a random per-instance key."""

    def __init__(self, counter: KmsRequestCounter | None = None) -> None:
        self.counter = KmsRequestCounter() if counter is None else counter
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self.claims: dict[tuple[str, str], str] = {}

    def claim(
        self,
        prefecture_code: str,
        signature_value: bytes,
        application_id: str,
        *,
        replacing: str | None = None,
    ) -> str | None:
        message = _message(signature_value)
        self.counter.record("GenerateMac")
        digest = f"{VERSION}:{hmac.new(self._key, message, hashlib.sha256).hexdigest()}"
        key = (prefecture_code, record_key(digest))
        with self._lock:
            holder = self.claims.get(key)
            if holder is not None and holder not in (application_id, replacing):
                return holder
            self.claims[key] = application_id
            return None
