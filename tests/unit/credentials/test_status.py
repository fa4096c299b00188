"""The status lists: one-way transitions, and both published credentials as the spec reads them."""

from __future__ import annotations

import base64
import datetime as dt
import gzip

import jwt
import pytest
from tests.unit.credentials.samples import ISSUER, NOW, Issuing

from kentei.credentials.status import (
    CACHE_CONTROL,
    STATUS_LIST_CACHE_SECONDS,
    CertificateStatus,
    StatusList,
    StatusTransitionError,
)

DAY = dt.date(2026, 5, 20)
BASE = "https://kentei.example.jp/credentials/status/1"


def bits(encoded: str) -> bytes:
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit(raw: bytes, position: int) -> int:
    return (raw[position // 8] >> (7 - position % 8)) & 1


def published(issuing: Issuing) -> dict[str, dict[str, object]]:
    key = jwt.PyJWK(issuing.key.public_jwk())
    return {
        url: jwt.decode(token, key=key, algorithms=["ES256"])
        for url, token in issuing.status_lists().items()
    }


def test_a_revocation_sets_the_revocation_bit_and_message_value_one_with_its_day() -> None:
    issuing = Issuing()
    assert issuing.statuses.change(77, CertificateStatus.REVOKED, DAY)
    lists = published(issuing)
    assert set(lists) == {f"{BASE}/revocation", f"{BASE}/message"}
    revocation = lists[f"{BASE}/revocation"]["credentialSubject"]
    message = lists[f"{BASE}/message"]["credentialSubject"]
    assert isinstance(revocation, dict)
    assert isinstance(message, dict)
    revocation_bits, message_bits = bits(revocation["encodedList"]), bits(message["encodedList"])
    assert len(revocation_bits) * 8 == 131_072
    assert len(message_bits) * 8 == 2 * 131_072
    assert bit(revocation_bits, 77) == 1
    assert bit(revocation_bits, 78) == 0
    assert (bit(message_bits, 154), bit(message_bits, 155)) == (0, 1)
    assert message["statusChangedOn"] == {"2026-05-20": [77]}


def test_a_superseded_certificate_is_revoked_for_generic_verifiers_and_2_in_the_message() -> None:
    issuing = Issuing()
    issuing.statuses.change(5, CertificateStatus.SUPERSEDED, DAY)
    lists = published(issuing)
    revocation = lists[f"{BASE}/revocation"]["credentialSubject"]
    message = lists[f"{BASE}/message"]["credentialSubject"]
    assert isinstance(revocation, dict)
    assert isinstance(message, dict)
    assert bit(bits(revocation["encodedList"]), 5) == 1
    message_bits = bits(message["encodedList"])
    assert (bit(message_bits, 10), bit(message_bits, 11)) == (1, 0)


def test_the_list_credentials_follow_the_spec_and_state_their_cache_lifetime() -> None:
    lists = published(Issuing())
    for purpose in ("revocation", "message"):
        credential = lists[f"{BASE}/{purpose}"]
        assert credential["id"] == f"{BASE}/{purpose}"
        assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert credential["issuer"] == {"id": ISSUER.id, "name": ISSUER.name}
        assert credential["validFrom"] == "2026-06-01T00:00:00Z"
        assert credential["validUntil"] == "2026-06-08T00:00:00Z"  # STATUS_LIST_VALIDITY
        subject = credential["credentialSubject"]
        assert isinstance(subject, dict)
        assert subject["type"] == "BitstringStatusList"
        assert subject["statusPurpose"] == purpose
        assert subject["ttl"] == STATUS_LIST_CACHE_SECONDS * 1000
    assert CACHE_CONTROL == "public, max-age=300"
    message = lists[f"{BASE}/message"]["credentialSubject"]
    assert isinstance(message, dict)
    assert message["statusSize"] == 2
    assert len(message["statusMessages"]) == 4


def test_transitions_are_one_way_and_a_repeated_flip_changes_nothing() -> None:
    statuses = StatusList(1)
    assert statuses.change(9, CertificateStatus.SUPERSEDED, DAY)
    assert not statuses.change(9, CertificateStatus.SUPERSEDED, DAY + dt.timedelta(days=1))
    assert statuses.changed_on[9] == DAY
    assert statuses.change(9, CertificateStatus.REVOKED, DAY + dt.timedelta(days=2))
    assert statuses.status(9) is CertificateStatus.REVOKED
    for status in (CertificateStatus.VALID, CertificateStatus.SUPERSEDED):
        with pytest.raises(StatusTransitionError):
            statuses.change(9, status, DAY)
    assert not StatusList(1).change(3, CertificateStatus.VALID, DAY)


def test_the_lists_are_re_signed_as_of_the_change() -> None:
    issuing = Issuing()
    later = NOW + dt.timedelta(hours=3)
    tokens = issuing.status_lists(later)
    claims = jwt.decode(
        tokens[f"{BASE}/revocation"],
        key=jwt.PyJWK(issuing.key.public_jwk()),
        algorithms=["ES256"],
    )
    assert claims["validFrom"] == "2026-06-01T03:00:00Z"
    assert claims["validUntil"] == "2026-06-08T03:00:00Z"
