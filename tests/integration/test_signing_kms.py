"""The KMS signing key against moto's KMS, with the catalog's key spec (ECC_NIST_P256).

moto signs with real ECDSA over its key material, so what is checked here is the whole
round: ``Sign`` with ``MessageType=RAW``, DER to raw, and a credential signed in "KMS" that
PyJWT and cryptography verify with the key ``GetPublicKey`` gives. moto itself ignores
``MessageType=DIGEST`` and hashes the digest again; the local runtime's patch
(:mod:`kentei_local.moto_kms`) makes it sign the digest as KMS does, so a message over KMS's
raw limit (a large status list) is signed through the digest path here too, and a raw one over
the limit is refused as KMS refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from moto import mock_aws
from tests.unit.credentials.samples import sample_pass

from kentei import catalog
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.paper_code import decode, encode
from kentei.credentials.status import StatusSlot
from kentei.credentials.vc import issue_vc_jwt
from kentei.signing.ecdsa import raw_to_der
from kentei.signing.kms import RAW_MESSAGE_LIMIT, KmsSigningKey
from kentei.signing.port import SigningError
from kentei_local import moto_kms

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient

ISSUER = IssuerProfile("https://kentei.example.jp", "技能検定 電子合格証 発行者（テスト）")
ISSUED_AT = dt.datetime(2026, 3, 19, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def kms() -> Iterator[KMSClient]:
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
        moto_kms.install()
        with mock_aws():
            yield boto3.client("kms", region_name=catalog.REGION)


@pytest.fixture(scope="module")
def key_id(kms: KMSClient) -> str:
    spec = catalog.key("certificate-signing")
    metadata = kms.create_key(
        KeySpec=spec.key_spec,  # type: ignore[arg-type]
        KeyUsage=spec.usage.value,
        Description=spec.purpose,
    )["KeyMetadata"]
    kms.create_alias(AliasName=spec.alias, TargetKeyId=metadata["KeyId"])
    return metadata["Arn"]


def signing_key(kms: KMSClient, key_id: str) -> KmsSigningKey:
    return KmsSigningKey(key_id, "kentei-cert-1", kms=lambda: kms)


def kms_public_key(kms: KMSClient, key_id: str) -> ec.EllipticCurvePublicKey:
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    key = serialization.load_der_public_key(der)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def test_a_vc_jwt_signed_in_kms_verifies_with_pyjwt_and_the_kms_public_key(
    kms: KMSClient, key_id: str
) -> None:
    key = signing_key(kms, key_id)
    token = issue_vc_jwt(sample_pass(), StatusSlot(1, 5), ISSUER, key, ISSUED_AT)
    public_key = kms_public_key(kms, key_id)
    claims = jwt.decode(token, key=public_key, algorithms=["ES256"])
    assert claims["credentialSubject"]["certificateNumber"] == "13-1-2026-000123"
    assert jwt.decode(token, key=jwt.PyJWK(key.public_jwk()), algorithms=["ES256"]) == claims


def test_the_alias_signs_too_and_the_2d_code_verifies(kms: KMSClient, key_id: str) -> None:
    key = KmsSigningKey(catalog.key("certificate-signing").alias, "kentei-cert-1", kms=lambda: kms)
    code = decode(encode(sample_pass(), StatusSlot(1, 5), key, ISSUED_AT))
    code.verify(signing_key(kms, key_id).public_jwk())
    assert code.certified_pass() == sample_pass()


def test_raw_and_der_are_the_same_signature_for_cms(kms: KMSClient, key_id: str) -> None:
    key = signing_key(kms, key_id)
    public_key = kms_public_key(kms, key_id)
    der = key.sign_der(b"signed attributes of a PDF signature")
    public_key.verify(der, b"signed attributes of a PDF signature", ec.ECDSA(hashes.SHA256()))
    raw = key.sign(b"another message")
    public_key.verify(raw_to_der(raw), b"another message", ec.ECDSA(hashes.SHA256()))


def test_a_message_over_the_raw_limit_is_signed_through_its_digest(
    kms: KMSClient, key_id: str
) -> None:
    key = signing_key(kms, key_id)
    message = b"x" * (RAW_MESSAGE_LIMIT + 1)
    raw = key.sign(message)
    public_key = kms_public_key(kms, key_id)
    public_key.verify(raw_to_der(raw), message, ec.ECDSA(hashes.SHA256()))


def test_kms_refuses_a_raw_message_over_the_limit_and_a_digest_of_the_wrong_length(
    kms: KMSClient, key_id: str
) -> None:
    for message, message_type in ((b"x" * (RAW_MESSAGE_LIMIT + 1), "RAW"), (b"short", "DIGEST")):
        with pytest.raises(ClientError, match="ValidationException"):
            kms.sign(
                KeyId=key_id,
                Message=message,
                MessageType=message_type,  # type: ignore[arg-type]
                SigningAlgorithm="ECDSA_SHA_256",
            )


def test_a_key_that_is_not_p256_is_refused(kms: KMSClient) -> None:
    rsa = kms.create_key(KeySpec="RSA_3072", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    with pytest.raises(SigningError, match="ECC_NIST_P256"):
        signing_key(kms, rsa).sign(b"m")


def test_an_unknown_key_is_a_signing_error_naming_the_kid(kms: KMSClient) -> None:
    key = KmsSigningKey("alias/kentei-missing", "kentei-cert-1", kms=lambda: kms)
    with pytest.raises(SigningError, match="kentei-cert-1: NotFoundException"):
        key.sign(b"m")
