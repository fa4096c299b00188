"""A certificate PDF signed by a KMS key (moto's ``Sign``, ``MessageType=RAW``,
``ECDSA_SHA_256``) with the chain the local test CA issued for that key, read back from the
certificates bucket: pyHanko's validator reports the signature intact, valid and trusted
against the test CA, covering the entire file."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import boto3
import pytest
from cryptography import x509
from moto import mock_aws
from tests.integration.stubs import StubConsumer
from tests.unit.pades.helpers import FIELD, LOCATION, REASON, SIGNED_AT, small_pdf, validate

from kentei import catalog
from kentei.certificates.pades import PadesSigningError, sign_pdf
from kentei.certificates.pades_chain import (
    DEFAULT_SIGNING_CHAIN_KEY,
    SIGNING_CHAIN_ENV,
    load_signing_chain,
)
from kentei.data.signing_chains import BucketChainSource
from kentei_local.certificate_ca import provision_signing_chain, root
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_s3.client import S3Client

BUCKET = "kentei-test-certificates"


@dataclass
class KmsKey:
    """The smallest ``DerSigner`` over KMS: ``Sign`` with the message itself (RAW), which
    KMS hashes with SHA-256 and answers as a DER ECDSA signature."""

    kms: KMSClient
    key_id: str
    calls: list[int] = field(default_factory=list)

    def sign_der(self, message: bytes) -> bytes:
        self.calls.append(len(message))
        signature: bytes = self.kms.sign(
            KeyId=self.key_id,
            Message=message,
            MessageType="RAW",
            SigningAlgorithm="ECDSA_SHA_256",
        )["Signature"]
        return signature


@dataclass(frozen=True)
class Aws:
    kms: KMSClient
    s3: S3Client

    def signing_key(self) -> str:
        metadata = self.kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        return metadata["KeyMetadata"]["Arn"]


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        s3 = boto3.client("s3", region_name=catalog.REGION)
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": catalog.REGION}
        )
        yield Aws(boto3.client("kms", region_name=catalog.REGION), s3)


def test_a_pdf_signed_with_the_kms_key_validates_against_the_test_ca(aws: Aws) -> None:
    from pyhanko.sign.validation import SignatureCoverageLevel

    key_id = aws.signing_key()
    provision_signing_chain(aws.kms, aws.s3, key_id, BUCKET)
    chain = load_signing_chain(
        BucketChainSource(BUCKET, aws.s3),
        {SIGNING_CHAIN_ENV: DEFAULT_SIGNING_CHAIN_KEY},
        public_key_der=aws.kms.get_public_key(KeyId=key_id)["PublicKey"],
    )
    key = KmsKey(aws.kms, key_id)
    original = small_pdf()
    signed = sign_pdf(
        original,
        key,
        chain.certificate,
        chain.chain,
        field_name=FIELD,
        reason=REASON,
        location=LOCATION,
        signed_at=SIGNED_AT,
    )
    assert len(key.calls) == 1
    assert signed.startswith(original)
    status = validate(signed)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_a_chain_of_another_kms_key_is_caught_before_the_pdf_is_written(aws: Aws) -> None:
    certified, other = aws.signing_key(), aws.signing_key()
    certificate = provision_signing_chain(aws.kms, aws.s3, certified, BUCKET)
    with pytest.raises(PadesSigningError, match="does not verify"):
        _sign(KmsKey(aws.kms, other), certificate, [root().certificate])


def test_the_local_runtime_provisions_the_chain_of_its_signing_key() -> None:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    with LocalRuntime(
        LocalSettings(port=0), handlers=handlers, serve_http=False, pumps=False
    ) as runtime:
        key_arn = runtime.resources.key_arns["certificate-signing"]
        kms = runtime.kms()
        chain = load_signing_chain(
            BucketChainSource(s3=runtime.s3()),
            os.environ,
            public_key_der=kms.get_public_key(KeyId=key_arn)["PublicKey"],
        )
        assert chain.chain == (root().certificate,)
        key = KmsKey(kms, key_arn)
        if catalog.key("certificate-signing").key_spec == "ECC_NIST_P256":
            assert validate(_sign(key, chain.certificate, chain.chain)).bottom_line
        else:
            # An RSA catalog key gets its certificate, but PDFs are signed with P-256 only.
            with pytest.raises(PadesSigningError, match="EC P-256"):
                _sign(key, chain.certificate, chain.chain)
            assert key.calls == []


def _sign(key: KmsKey, certificate: x509.Certificate, chain: Sequence[x509.Certificate]) -> bytes:
    return sign_pdf(
        small_pdf(),
        key,
        certificate,
        chain,
        field_name=FIELD,
        reason=REASON,
        location=LOCATION,
    )
