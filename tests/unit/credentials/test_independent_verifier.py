"""An employer's verifier, written from the documented algorithm with public libraries only.

It uses PyJWT for the VC-JWT and the status lists, and cbor2, base45, zlib, gzip and
cryptography for the 2D code; nothing from ``kentei`` but the fixtures that issue and
publish. It verifies both forms, reads each certificate's own id (the VC subject's
``certificateId``, the 2D code's claims 1 and 13), says revoked after a revocation, and
superseded for the old certificate and valid for the new one after a reissue (issue 11, "Done
when").
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import zlib
from typing import Any

import base45
import cbor2
import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from tests.unit.credentials.samples import ISSUER, NOW, Issuing, sample_pass

from kentei.credentials.status import CertificateStatus, StatusSlot

DAY = dt.date(2026, 5, 20)
MESSAGES = {0: "valid", 1: "revoked", 2: "superseded"}


class StaleListError(Exception):
    """The status list is outside its validity period: it decides nothing."""


def status_of(
    lists: dict[str, str],
    jwks: dict[str, Any],
    url: str,
    index: int,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The Bitstring Status List validate algorithm for one entry, at ``now`` (the verifier's
    clock when not given)."""
    now = now or dt.datetime.now(dt.UTC)
    token = lists[url]
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    credential = jwt.decode(token, key=key, algorithms=["ES256"])
    assert credential["id"] == url
    assert "BitstringStatusListCredential" in credential["type"]
    valid_from = dt.datetime.fromisoformat(credential["validFrom"])
    valid_until = dt.datetime.fromisoformat(credential["validUntil"])
    if not valid_from <= now < valid_until:
        raise StaleListError(url)
    subject = credential["credentialSubject"]
    size = subject.get("statusSize", 1)
    encoded = subject["encodedList"]
    assert encoded[0] == "u"
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 // size >= 131_072
    value = 0
    for position in range(index * size, (index + 1) * size):
        value = (value << 1) | ((raw[position // 8] >> (7 - position % 8)) & 1)
    days = [day for day, indices in subject.get("statusChangedOn", {}).items() if index in indices]
    return {"value": value, "on": days[0] if days else None}


def verdict(
    certificate_id: str, value_of_revocation: int, message: dict[str, Any]
) -> tuple[str, str, str | None]:
    if value_of_revocation == 0 and message["value"] == 0:
        return certificate_id, "valid", None
    return certificate_id, MESSAGES.get(message["value"], "revoked"), message["on"]


def verify_vc(
    token: str, jwks: dict[str, Any], lists: dict[str, str], *, now: dt.datetime | None = None
) -> tuple[str, str, str | None]:
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "vc+jwt"
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    credential = jwt.decode(token, key=key, algorithms=["ES256"])
    entries = {entry["statusPurpose"]: entry for entry in credential["credentialStatus"]}
    index = int(entries["revocation"]["statusListIndex"])
    revocation = status_of(lists, jwks, entries["revocation"]["statusListCredential"], index, now)
    message = status_of(lists, jwks, entries["message"]["statusListCredential"], index, now)
    subject = credential["credentialSubject"]
    assert subject["certificateId"].startswith(subject["certificateNumber"] + "-")
    return verdict(subject["certificateId"], revocation["value"], message)


def verify_code(
    text: str,
    jwks: dict[str, Any],
    lists: dict[str, str],
    issuer_id: str = ISSUER.id,
    *,
    now: dt.datetime | None = None,
) -> tuple[str, str, str | None]:
    assert text.startswith("KT1:")
    tag = cbor2.loads(zlib.decompress(base45.b45decode(text[4:])))
    protected, _unprotected, payload, signature = tag.value
    header = cbor2.loads(protected)
    assert header[1] == -7
    jwk = next(key for key in jwks["keys"] if key["kid"] == header[4].decode())
    public_key = jwt.PyJWK(jwk).key
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    public_key.verify(
        der, cbor2.dumps(["Signature1", protected, b"", payload]), ec.ECDSA(hashes.SHA256())
    )
    claims = cbor2.loads(payload)
    base = f"{issuer_id}/credentials/status/{claims[10]}"
    revocation = status_of(lists, jwks, f"{base}/revocation", claims[11], now)
    message = status_of(lists, jwks, f"{base}/message", claims[11], now)
    mark = claims[13]  # the serial (an integer), or "P<n>" for a certificate of pass
    assert (type(mark) is int and mark >= 1) or (isinstance(mark, str) and mark[:1] == "P")
    return verdict(f"{claims[1]}-{mark}", revocation["value"], message)


def test_both_forms_verify_then_follow_a_reissue_and_a_revocation() -> None:
    issuing = Issuing()
    old_slot, new_slot = StatusSlot(1, 4_242), StatusSlot(1, 100_003)
    first = sample_pass(name_latin=None)  # a 合格証書, first issued: 13-1-2026-000123-1
    old_vc = issuing.vc(first, old_slot)
    old_code = issuing.code(first, old_slot)
    jwks = issuing.jwks()
    old_id = "13-1-2026-000123-1"

    lists = issuing.status_lists()
    assert verify_vc(old_vc, jwks, lists, now=NOW) == (old_id, "valid", None)
    assert verify_code(old_code, jwks, lists, now=NOW) == (old_id, "valid", None)

    # Reissue (再交付): a new certificate id at a new index, the old one superseded.
    new_id = "13-1-2026-000123-2"
    reissued = sample_pass(name_latin=None, certificate_id=new_id)
    new_vc, new_code = issuing.vc(reissued, new_slot), issuing.code(reissued, new_slot)
    issuing.statuses.change(old_slot.index, CertificateStatus.SUPERSEDED, DAY)
    lists = issuing.status_lists()
    assert verify_vc(old_vc, jwks, lists, now=NOW) == (old_id, "superseded", "2026-05-20")
    assert verify_code(old_code, jwks, lists, now=NOW) == (old_id, "superseded", "2026-05-20")
    assert verify_vc(new_vc, jwks, lists, now=NOW) == (new_id, "valid", None)
    assert verify_code(new_code, jwks, lists, now=NOW) == (new_id, "valid", None)

    # Revocation of the pass (合格の取消し): every certificate of it.
    later = DAY + dt.timedelta(days=30)
    issuing.statuses.change(old_slot.index, CertificateStatus.REVOKED, later)
    issuing.statuses.change(new_slot.index, CertificateStatus.REVOKED, later)
    lists = issuing.status_lists()
    for check, token, the_id in (
        (verify_vc, old_vc, old_id),
        (verify_code, old_code, old_id),
        (verify_vc, new_vc, new_id),
        (verify_code, new_code, new_id),
    ):
        assert check(token, jwks, lists, now=NOW) == (the_id, "revoked", "2026-06-19")


def test_a_certificate_of_pass_reads_as_its_own_p_id_in_both_forms() -> None:
    issuing = Issuing()
    proof = sample_pass()  # the English 合格証明書, the first of its number
    slot = StatusSlot(1, 77)
    lists, jwks = issuing.status_lists(), issuing.jwks()
    expected = ("13-1-2026-000123-P1", "valid", None)
    assert verify_vc(issuing.vc(proof, slot), jwks, lists, now=NOW) == expected
    assert verify_code(issuing.code(proof, slot), jwks, lists, now=NOW) == expected


def test_a_list_past_its_valid_until_is_refused_and_the_next_day_s_is_used() -> None:
    issuing = Issuing()
    slot = StatusSlot(1, 4_242)
    jwks, lists = issuing.jwks(), issuing.status_lists(NOW)
    url = f"{ISSUER.id}/credentials/status/1/revocation"
    week_later = NOW + dt.timedelta(days=7)
    assert status_of(lists, jwks, url, slot.index, week_later - dt.timedelta(seconds=1))
    with pytest.raises(StaleListError):
        status_of(lists, jwks, url, slot.index, week_later)
    resigned = issuing.status_lists(week_later - dt.timedelta(days=1))
    assert status_of(resigned, jwks, url, slot.index, week_later)["value"] == 0
