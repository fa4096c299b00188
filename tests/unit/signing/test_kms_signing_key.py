"""The KMS signing key against a botocore stub: RAW for short messages, DIGEST for long ones,
every signature checked before it is returned, and KMS errors named by kid and code only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from kentei.signing.ecdsa import raw_to_der, verify_raw
from kentei.signing.kms import RAW_MESSAGE_LIMIT, KmsSigningKey
from kentei.signing.port import SigningError

KEY_ID = "arn:aws:kms:ap-northeast-1:111122223333:key/certificate-signing"
PRIVATE = ec.generate_private_key(ec.SECP256R1())
PUBLIC_DER = PRIVATE.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
)


@pytest.fixture
def kms() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "kms",
        region_name="ap-northeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def public_key_response(key_spec: str = "ECC_NIST_P256", der: bytes = PUBLIC_DER) -> dict[str, Any]:
    return {
        "KeyId": KEY_ID,
        "PublicKey": der,
        "KeySpec": key_spec,
        "KeyUsage": "SIGN_VERIFY",
        "SigningAlgorithms": ["ECDSA_SHA_256"],
    }


def test_a_short_message_is_signed_raw_and_returned_as_r_s(kms: tuple[Any, Stubber]) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response(), {"KeyId": KEY_ID})
    message = b"eyJhbGciOiJFUzI1NiJ9.eyJ0eXBlIjoiVkMifQ"
    der = PRIVATE.sign(message, ec.ECDSA(hashes.SHA256()))
    stubber.add_response(
        "sign",
        {"KeyId": KEY_ID, "Signature": der, "SigningAlgorithm": "ECDSA_SHA_256"},
        {
            "KeyId": KEY_ID,
            "Message": message,
            "MessageType": "RAW",
            "SigningAlgorithm": "ECDSA_SHA_256",
        },
    )
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    raw = key.sign(message)
    assert len(raw) == 64
    assert raw_to_der(raw) == der
    assert verify_raw(PRIVATE.public_key(), message, raw)


def test_a_message_over_the_raw_limit_is_sent_as_its_sha256_digest(
    kms: tuple[Any, Stubber],
) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response(), {"KeyId": KEY_ID})
    message = b"x" * (RAW_MESSAGE_LIMIT + 1)
    digest = hashlib.sha256(message).digest()
    # KMS signs a DIGEST message as the ECDSA-SHA-256 signature of the original message.
    der = PRIVATE.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    stubber.add_response(
        "sign",
        {"KeyId": KEY_ID, "Signature": der, "SigningAlgorithm": "ECDSA_SHA_256"},
        {
            "KeyId": KEY_ID,
            "Message": digest,
            "MessageType": "DIGEST",
            "SigningAlgorithm": "ECDSA_SHA_256",
        },
    )
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    assert key.sign_der(message) == der
    PRIVATE.public_key().verify(der, message, ec.ECDSA(hashes.SHA256()))


def test_a_signature_the_public_key_does_not_verify_is_never_returned(
    kms: tuple[Any, Stubber],
) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response(), {"KeyId": KEY_ID})
    other = ec.generate_private_key(ec.SECP256R1())
    stubber.add_response(
        "sign",
        {
            "KeyId": KEY_ID,
            "Signature": other.sign(b"m", ec.ECDSA(hashes.SHA256())),
            "SigningAlgorithm": "ECDSA_SHA_256",
        },
    )
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    with pytest.raises(SigningError, match="kentei-cert-1"):
        key.sign(b"m")


def test_the_public_key_is_fetched_once(kms: tuple[Any, Stubber]) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response(), {"KeyId": KEY_ID})
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    assert key.public_jwk() == key.public_jwk()
    assert key.public_jwk()["kid"] == "kentei-cert-1"


def test_a_key_that_is_not_p256_is_refused(kms: tuple[Any, Stubber]) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response("RSA_3072"), {"KeyId": KEY_ID})
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    with pytest.raises(SigningError, match="ECC_NIST_P256"):
        key.public_jwk()


def test_a_kms_error_names_the_kid_and_the_code_only(kms: tuple[Any, Stubber]) -> None:
    client, stubber = kms
    stubber.add_response("get_public_key", public_key_response(), {"KeyId": KEY_ID})
    stubber.add_client_error("sign", service_error_code="DisabledException")
    key = KmsSigningKey(KEY_ID, "kentei-cert-1", kms=lambda: client)
    with pytest.raises(SigningError) as caught:
        key.sign(b"secret message")
    assert str(caught.value) == "KMS could not sign with kentei-cert-1: DisabledException"
