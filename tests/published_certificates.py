"""Certificates issued and their status published into a local runtime's certificates bucket,
as certify publishes them: the JWK Set and one status list's two credentials under
``published/``, signed by the runtime's ``certificate-signing`` KMS key (moto's), with the
content types and ``Cache-Control`` the public API serves them with.

The list number is far above any certify allocates, so the documents a test publishes never
replace a list that certify's certificates use; the JWK Set is the one certify publishes too
(the same key ring, the same KMS key).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from kentei import catalog
from kentei.credentials.claims import CertifiedPass, issuing_authority
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jwks import JWKS_CACHE_SECONDS, jwks_document
from kentei.credentials.paper_code import encode
from kentei.credentials.status import (
    CACHE_CONTROL,
    CertificateStatus,
    StatusList,
    StatusSlot,
    signed_status_lists,
)
from kentei.credentials.vc import issue_vc_jwt
from kentei.data.published import JWKS_KEY, JWKS_MEDIA_TYPE, VC_JWT_MEDIA_TYPE, status_list_key
from kentei.records.codes import Grade
from kentei.signing.keyring import load_key_ring, load_key_ring_data
from kentei.signing.kms import KmsSigningKey

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_s3.client import S3Client

TEST_LIST: Final = 999_999_001
"""A list number certify will not reach in any test run."""
ISSUED_AT: Final = dt.datetime(2026, 3, 19, 1, 0, tzinfo=dt.UTC)


def sample_pass(number: str = "13-1-2026-990001", **changes: Any) -> CertifiedPass:
    """An obviously made-up pass (the name is the registry seed's style of test person), as
    its first English 合格証明書 states it (certificate id ``<number>-P1``)."""
    values: dict[str, Any] = {
        "certificate_number": number,
        "certificate_id": f"{number}-P1",
        "name": "検定　花子",
        "name_latin": "KENTEI Hanako",
        "birth_date": dt.date(1990, 4, 1),
        "trade_code": "0405",
        "trade_name": "機械加工",
        "work_code": "040502",
        "work_name": "数値制御旋盤作業",
        "grade": Grade.SECOND,
        "passed_on": dt.date(2026, 3, 13),
        "issuing_authority": issuing_authority(Grade.SECOND, "13"),
    }
    values.update(changes)
    return CertifiedPass.model_validate(values)


@dataclass
class Publisher:
    """Issues certificates on :data:`TEST_LIST` and publishes what a verifier needs."""

    s3: S3Client
    kms: KMSClient
    bucket: str
    issuer: IssuerProfile
    statuses: StatusList = field(default_factory=lambda: StatusList(TEST_LIST))

    def __post_init__(self) -> None:
        data = load_key_ring_data()
        alias = catalog.key("certificate-signing").alias
        self.key = KmsSigningKey(alias, data.active_kid, kms=lambda: self.kms)
        self.ring = load_key_ring(self.key, data)

    def code(self, certified: CertifiedPass, index: int) -> str:
        return encode(certified, StatusSlot(TEST_LIST, index), self.key, ISSUED_AT)

    def vc(self, certified: CertifiedPass, index: int) -> str:
        return issue_vc_jwt(
            certified, StatusSlot(TEST_LIST, index), self.issuer, self.key, ISSUED_AT
        )

    def change(self, index: int, status: CertificateStatus, on: dt.date) -> None:
        self.statuses.change(index, status, on)

    def publish(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.UTC)
        self.s3.put_object(
            Bucket=self.bucket,
            Key=JWKS_KEY,
            Body=json.dumps(jwks_document(self.ring)).encode(),
            ContentType=JWKS_MEDIA_TYPE,
            CacheControl=f"public, max-age={JWKS_CACHE_SECONDS}",
        )
        for url, token in signed_status_lists(self.statuses, self.issuer, self.key, now).items():
            located = self.issuer.parse_status_list_url(url)
            assert located is not None, url
            self.s3.put_object(
                Bucket=self.bucket,
                Key=status_list_key(*located),
                Body=token.encode("ascii"),
                ContentType=VC_JWT_MEDIA_TYPE,
                CacheControl=CACHE_CONTROL,
            )
