"""ES256 signatures and keys in JOSE/COSE shape: DER ↔ raw, JWKs and RFC 7638 thumbprints."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from kentei.signing.ecdsa import (
    KeyFormatError,
    der_to_raw,
    public_jwk,
    public_key_from_jwk,
    raw_to_der,
    thumbprint,
    verify_raw,
)
from kentei.signing.memory import InMemorySigningKey

ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
scalars = st.integers(min_value=1, max_value=ORDER - 1)


@given(r=scalars, s=scalars)
def test_der_and_raw_convert_both_ways_with_32_byte_halves(r: int, s: int) -> None:
    der = encode_dss_signature(r, s)
    raw = der_to_raw(der)
    assert len(raw) == 64
    assert int.from_bytes(raw[:32], "big") == r
    assert int.from_bytes(raw[32:], "big") == s
    assert raw_to_der(raw) == der


def test_a_raw_signature_verifies_with_cryptography_and_a_changed_message_does_not() -> None:
    key = InMemorySigningKey("kentei-cert-1")
    raw = key.sign(b"header.payload")
    key.public_key.verify(raw_to_der(raw), b"header.payload", ec.ECDSA(hashes.SHA256()))
    assert verify_raw(key.public_key, b"header.payload", raw)
    assert not verify_raw(key.public_key, b"header.payloaD", raw)
    assert not verify_raw(key.public_key, b"header.payload", raw[:63])


def test_a_der_signature_from_sign_der_verifies_as_is() -> None:
    key = InMemorySigningKey("kentei-cert-1")
    der = key.sign_der(b"cms signed attributes")
    key.public_key.verify(der, b"cms signed attributes", ec.ECDSA(hashes.SHA256()))


def test_the_jwk_round_trips_and_names_its_kid_use_and_algorithm() -> None:
    key = InMemorySigningKey("kentei-cert-7")
    jwk = key.public_jwk()
    assert jwk["kty"] == "EC"
    assert jwk["crv"] == "P-256"
    assert (jwk["kid"], jwk["alg"], jwk["use"]) == ("kentei-cert-7", "ES256", "sig")
    assert "d" not in jwk
    assert public_key_from_jwk(jwk).public_numbers() == key.public_key.public_numbers()


def test_the_thumbprint_is_sha256_of_the_required_members_in_order() -> None:
    jwk = InMemorySigningKey("kentei-cert-1").public_jwk()
    canonical = '{"crv":"P-256","kty":"EC","x":"' + jwk["x"] + '","y":"' + jwk["y"] + '"}'
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest())
    assert thumbprint(jwk) == expected.rstrip(b"=").decode()
    # Optional members never change it.
    assert thumbprint({**jwk, "kid": "other-2", "alg": "ES256"}) == thumbprint(jwk)
    assert json.loads(canonical)["kty"] == "EC"


@pytest.mark.parametrize(
    "change",
    [
        {"crv": "P-384"},
        {"kty": "RSA"},
        {"x": "AAAA"},
        {"y": "not base64!"},
    ],
)
def test_a_jwk_that_is_not_a_p256_point_is_refused(change: dict[str, str]) -> None:
    jwk = {**InMemorySigningKey("kentei-cert-1").public_jwk(), **change}
    with pytest.raises(KeyFormatError):
        public_key_from_jwk(jwk)


def test_a_point_off_the_curve_is_refused() -> None:
    jwk = InMemorySigningKey("kentei-cert-1").public_jwk()
    y = bytearray(base64.urlsafe_b64decode(jwk["y"] + "="))
    y[-1] ^= 1
    changed = {**jwk, "y": base64.urlsafe_b64encode(bytes(y)).rstrip(b"=").decode()}
    with pytest.raises(KeyFormatError):
        public_key_from_jwk(changed)


def test_a_key_on_another_curve_is_not_an_es256_key() -> None:
    other = ec.generate_private_key(ec.SECP384R1()).public_key()
    with pytest.raises(KeyFormatError):
        public_jwk(other, "kentei-cert-1")
