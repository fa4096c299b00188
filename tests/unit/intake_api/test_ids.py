"""Application ids from (prefecture, caller, key), and request fingerprints."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any, cast

from hypothesis import given
from hypothesis import strategies as st

from intake.application_ids import application_id_for
from intake.fingerprints import DOMAIN, KmsFingerprinter, request_digest
from kentei.applications.model import ID_PATTERN, prefecture_of

KEYS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=128
)
PREFECTURES = st.integers(1, 47).map(lambda n: f"{n:02d}")
if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient

KEY_ID = "arn:aws:kms:ap-northeast-1:000000000000:key/fingerprint"


class StubKms:
    """KMS ``GenerateMac`` as moto and KMS compute it: HMAC-SHA-256 under the key."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def generate_mac(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        assert len(request["Message"]) <= 4096  # KMS's limit
        return {"Mac": hmac.new(b"key", request["Message"], hashlib.sha256).digest()}


def fingerprinter(kms: StubKms) -> KmsFingerprinter:
    return KmsFingerprinter(KEY_ID, kms=lambda: cast("KMSClient", kms))


@given(PREFECTURES, KEYS)
def test_an_id_is_well_formed_and_names_its_prefecture(prefecture: str, key: str) -> None:
    application_id = application_id_for(prefecture, "bridge:egov", key)
    assert ID_PATTERN.fullmatch(application_id)
    assert prefecture_of(application_id) == prefecture


def test_the_same_caller_and_key_give_the_same_id() -> None:
    assert application_id_for("13", "bridge:egov", "key-00001") == application_id_for(
        "13", "bridge:egov", "key-00001"
    )


def test_another_caller_or_key_or_prefecture_gives_another_id() -> None:
    ids = {
        application_id_for("13", "bridge:egov", "key-00001"),
        application_id_for("13", "bridge:mynaportal", "key-00001"),
        application_id_for("13", "bridge:egov", "key-00002"),
        application_id_for("14", "bridge:egov", "key-00001"),
    }
    assert len({i[3:] for i in ids}) == 4


def test_a_fingerprint_covers_the_body_and_what_it_replaces() -> None:
    kms = StubKms()
    fingerprint = fingerprinter(kms).fingerprint
    body = b'{"channel": "egov"}'
    assert fingerprint(body, None) == fingerprint(body, None)
    assert fingerprint(body, None) != fingerprint(body + b" ", None)
    assert fingerprint(body, None) != fingerprint(body, "13-" + "0" * 26)


def test_a_fingerprint_is_keyed_and_kms_sees_a_digest_not_the_body() -> None:
    kms = StubKms()
    body = b'{"form": {"my_number": "123456789018"}}' + b" " * 10_000
    fingerprint = fingerprinter(kms).fingerprint(body, None)

    (request,) = kms.requests
    assert request["KeyId"] == KEY_ID
    assert request["MacAlgorithm"] == "HMAC_SHA_256"
    assert request["Message"] == DOMAIN + request_digest(body, None)
    assert b"123456789018" not in request["Message"]
    unkeyed = hashlib.sha256(b"resubmission_of=\n" + body).hexdigest()
    assert fingerprint.startswith("v1:")
    assert unkeyed not in fingerprint
    assert request_digest(body, None).hex() not in fingerprint
