"""An employer's verifier, written from the documented algorithm with public libraries only.

It uses PyJWT for the VC-JWT and the status lists, and cbor2, base45, zlib, gzip and
cryptography for the 2D code; nothing from ``kentei`` but the fixtures that issue and
publish. It verifies both forms, says revoked after a revocation, and superseded for the
old certificate and valid for the new one after a reissue (issue 11, "Done when").
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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from tests.unit.credentials.samples import ISSUER, Issuing, sample_pass

from kentei.credentials.status import CertificateStatus, StatusSlot

DAY = dt.date(2026, 5, 20)
MESSAGES = {0: "valid", 1: "revoked", 2: "superseded"}


def status_of(lists: dict[str, str], jwks: dict[str, Any], url: str, index: int) -> dict[str, Any]:
    """The Bitstring Status List validate algorithm for one entry."""
    token = lists[url]
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    credential = jwt.decode(token, key=key, algorithms=["ES256"])
    assert credential["id"] == url
    assert "BitstringStatusListCredential" in credential["type"]
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


def verdict(value_of_revocation: int, message: dict[str, Any]) -> tuple[str, str | None]:
    if value_of_revocation == 0 and message["value"] == 0:
        return "valid", None
    return MESSAGES.get(message["value"], "revoked"), message["on"]


def verify_vc(token: str, jwks: dict[str, Any], lists: dict[str, str]) -> tuple[str, str | None]:
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "vc+jwt"
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    credential = jwt.decode(token, key=key, algorithms=["ES256"])
    entries = {entry["statusPurpose"]: entry for entry in credential["credentialStatus"]}
    index = int(entries["revocation"]["statusListIndex"])
    revocation = status_of(lists, jwks, entries["revocation"]["statusListCredential"], index)
    message = status_of(lists, jwks, entries["message"]["statusListCredential"], index)
    return verdict(revocation["value"], message)


def verify_code(
    text: str, jwks: dict[str, Any], lists: dict[str, str], issuer_id: str = ISSUER.id
) -> tuple[str, str | None]:
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
    revocation = status_of(lists, jwks, f"{base}/revocation", claims[11])
    message = status_of(lists, jwks, f"{base}/message", claims[11])
    return verdict(revocation["value"], message)


def test_both_forms_verify_then_follow_a_reissue_and_a_revocation() -> None:
    issuing = Issuing()
    old_slot, new_slot = StatusSlot(1, 4_242), StatusSlot(1, 100_003)
    old_vc = issuing.vc(sample_pass(), old_slot)
    old_code = issuing.code(sample_pass(), old_slot)
    jwks = issuing.jwks()

    lists = issuing.status_lists()
    assert verify_vc(old_vc, jwks, lists) == ("valid", None)
    assert verify_code(old_code, jwks, lists) == ("valid", None)

    # Reissue (再交付): a new number at a new index, the old one superseded.
    reissued = sample_pass(certificate_number="13-1-2026-000777")
    new_vc, new_code = issuing.vc(reissued, new_slot), issuing.code(reissued, new_slot)
    issuing.statuses.change(old_slot.index, CertificateStatus.SUPERSEDED, DAY)
    lists = issuing.status_lists()
    assert verify_vc(old_vc, jwks, lists) == ("superseded", "2026-05-20")
    assert verify_code(old_code, jwks, lists) == ("superseded", "2026-05-20")
    assert verify_vc(new_vc, jwks, lists) == ("valid", None)
    assert verify_code(new_code, jwks, lists) == ("valid", None)

    # Revocation of the pass (合格の取消し): every certificate of it.
    later = DAY + dt.timedelta(days=30)
    issuing.statuses.change(old_slot.index, CertificateStatus.REVOKED, later)
    issuing.statuses.change(new_slot.index, CertificateStatus.REVOKED, later)
    lists = issuing.status_lists()
    for check, token in (
        (verify_vc, old_vc),
        (verify_code, old_code),
        (verify_vc, new_vc),
        (verify_code, new_code),
    ):
        assert check(token, jwks, lists) == ("revoked", "2026-06-19")
