"""Mynaportal: detached CMS over the document bytes, each refusal with its own reason."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from kentei.signatures import (
    CrlEvidence,
    Disposition,
    NoRevocationSource,
    Rejection,
    RejectionReason,
    TrustStore,
    Verified,
    verify_mynaportal,
)
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import (
    CaKind,
    CertificateAuthority,
    Issued,
    TestPki,
    Validity,
    write_crl_dir,
)

from .builders import CmsOptions, four_item_names, issue_custom, sign_cms
from .conftest import ITEMS

DOCUMENT = json.dumps({"氏名": "山田 太郎", "attachments": []}, ensure_ascii=False).encode()
R = RejectionReason


def refused(result: object, reason: RejectionReason) -> Rejection:
    assert isinstance(result, Rejection), result
    assert result.reason is reason, result
    return result


def test_given_a_valid_signature_when_verified_then_accepted_with_signer_and_evidence(
    card: Issued, pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    result = verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, revocation)

    assert isinstance(result, Verified)
    assert result.channel == "mynaportal"
    assert result.algorithm == "rsa-pkcs1v15-sha256"
    assert result.signer.fingerprint == card.certificate.fingerprint(hashes.SHA256()).hex()
    assert result.signer.serial_number == format(card.serial_number, "x")
    assert result.signer.issuer_fingerprint == (
        pki.signing_ca.certificate.fingerprint(hashes.SHA256()).hex()
    )
    assert isinstance(result.revocation, CrlEvidence)
    assert result.revocation.crl_number == 1
    assert result.revocation.this_update <= arrival
    items = result.four_items
    assert (items.name, items.sex, items.birth_date) == (ITEMS.name, "1", ITEMS.birth_date)
    assert items.address == ITEMS.address
    json.dumps(result.evidence())


def test_the_four_items_never_show_in_repr(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    result = verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, revocation)
    assert isinstance(result, Verified)
    shown = repr(result) + str(result.evidence())
    for value in (ITEMS.name, ITEMS.address, "19900401", "1990-04-01"):
        assert value not in shown


@pytest.mark.parametrize(
    ("digest", "algorithm"),
    [
        ("sha384", "rsassa_pkcs1v15"),
        ("sha512", "rsassa_pkcs1v15"),
        ("sha256", "sha256_rsa"),
        ("sha512", "sha512_rsa"),
    ],
)
def test_given_sha384_or_sha512_or_a_named_rsa_algorithm_then_accepted(
    digest: str,
    algorithm: str,
    card: Issued,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    signature = sign_cms(DOCUMENT, card, CmsOptions(digest=digest, signature_algorithm=algorithm))
    result = verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation)
    assert isinstance(result, Verified)
    assert result.algorithm == f"rsa-pkcs1v15-{digest}"


def test_given_the_signer_named_by_key_identifier_then_accepted(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    signature = sign_cms(DOCUMENT, card, CmsOptions(signer_id="key_identifier"))
    assert isinstance(verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation), Verified)


@pytest.mark.parametrize(
    ("digest", "algorithm"),
    [
        ("sha1", "rsassa_pkcs1v15"),
        ("md5", "rsassa_pkcs1v15"),
        ("sha1", "sha1_rsa"),
        ("sha256", "rsassa_pss"),
        ("sha256", "sha512_rsa"),
        ("sha256", "sha256_ecdsa"),
    ],
)
def test_given_a_weak_or_foreign_algorithm_then_refused_and_returned(
    digest: str,
    algorithm: str,
    card: Issued,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    signature = sign_cms(DOCUMENT, card, CmsOptions(digest=digest, signature_algorithm=algorithm))
    result = refused(
        verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation),
        R.SIGNATURE_ALGORITHM_REFUSED,
    )
    assert result.disposition is Disposition.RETURNED


def test_given_the_document_changed_after_signing_then_digest_mismatch_rejected(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    signature = sign_cms(DOCUMENT, card)
    changed = DOCUMENT.replace("太郎".encode(), "次郎".encode())
    result = refused(
        verify_mynaportal(changed, signature, arrival, trust, revocation),
        R.SIGNATURE_DIGEST_MISMATCH,
    )
    assert result.disposition is Disposition.REJECTED
    assert result.signer_fingerprint == card.certificate.fingerprint(hashes.SHA256()).hex()


def test_given_a_signature_by_another_key_then_invalid(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = sign_cms(DOCUMENT, card, CmsOptions(sign_with=other))
    result = refused(
        verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation), R.SIGNATURE_INVALID
    )
    assert result.disposition is Disposition.REJECTED


@pytest.mark.parametrize(
    "options",
    [
        CmsOptions(signed_attributes=False),
        CmsOptions(embed_content=True),
        CmsOptions(signers=2),
        CmsOptions(certificates=[]),
        CmsOptions(content_type="signed_data"),
    ],
    ids=["no-signed-attributes", "not-detached", "two-signers", "no-certificate", "content-type"],
)
def test_given_a_cms_outside_the_profile_then_malformed(
    options: CmsOptions,
    card: Issued,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    signature = sign_cms(DOCUMENT, card, options)
    result = refused(
        verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation), R.SIGNATURE_MALFORMED
    )
    assert not result.detail.startswith("unexpected")


@pytest.mark.parametrize("garbage", [b"", b"\x00", b"0\x80", b"not a signature" * 10])
def test_given_garbage_then_malformed(
    garbage: bytes, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    refused(verify_mynaportal(DOCUMENT, garbage, arrival, trust, revocation), R.SIGNATURE_MALFORMED)


def test_given_a_user_authentication_certificate_then_returned_with_its_reason(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    login = pki.user_authentication_certificate()
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, login), arrival, trust, revocation),
        R.CERTIFICATE_USER_AUTHENTICATION,
    )
    assert result.disposition is Disposition.RETURNED
    assert result.signer_fingerprint == login.certificate.fingerprint(hashes.SHA256()).hex()


def test_given_a_user_authentication_profile_from_a_signing_ca_then_recognised(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    login_like = pki.signing_ca.issue_user_authentication()
    refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, login_like), arrival, trust, revocation),
        R.CERTIFICATE_USER_AUTHENTICATION,
    )


def test_given_no_four_items_and_no_policy_then_a_user_authentication_certificate(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    bare = issue_custom(pki.signing_ca, [])
    refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, bare), arrival, trust, revocation),
        R.CERTIFICATE_USER_AUTHENTICATION,
    )


def test_given_a_certificate_of_an_unknown_ca_then_untrusted_rejected(
    trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    stranger = CertificateAuthority.create(CaKind.SIGNATURE, label="stranger")
    forged = stranger.issue_signature(ITEMS)
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, forged), arrival, trust, revocation),
        R.CERTIFICATE_UNTRUSTED,
    )
    assert result.disposition is Disposition.REJECTED


def test_given_the_same_ca_name_with_another_key_then_untrusted(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    # J-LIS CA generations share one subject name: only the key tells them apart.
    impostor = CertificateAuthority(
        CaKind.SIGNATURE,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        pki.signing_ca.certificate,
    )
    forged = impostor.issue_signature(ITEMS)
    assert forged.certificate.issuer == pki.signing_ca.name
    refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, forged), arrival, trust, revocation),
        R.CERTIFICATE_UNTRUSTED,
    )


def test_given_shipped_anchors_only_then_a_test_certificate_is_untrusted(
    card: Issued, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    refused(
        verify_mynaportal(
            DOCUMENT, sign_cms(DOCUMENT, card), arrival, TrustStore.shipped(), revocation
        ),
        R.CERTIFICATE_UNTRUSTED,
    )


@pytest.mark.parametrize(
    ("validity", "reason"),
    [
        (Validity.EXPIRED, R.CERTIFICATE_EXPIRED),
        (Validity.NOT_YET_VALID, R.CERTIFICATE_NOT_YET_VALID),
    ],
)
def test_given_a_certificate_not_valid_at_arrival_then_returned(
    validity: Validity,
    reason: RejectionReason,
    pki: TestPki,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    stale = pki.signature_certificate(ITEMS, validity=validity)
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, stale), arrival, trust, revocation), reason
    )
    assert result.disposition is Disposition.RETURNED


def test_given_an_arrival_before_expiry_then_accepted_even_though_expired_now(
    tmp_path: Path,
) -> None:
    now = dt.datetime.now(dt.UTC)
    ca = CertificateAuthority.create(not_before=now - dt.timedelta(days=1000))
    expired = ca.issue_signature(
        ITEMS, not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=10)
    )
    trust = TrustStore.with_local(signing_pem=ca.certificate_pem)
    revocation = CrlDirectory(write_crl_dir(tmp_path, {"ca": ca.crl()}))
    arrived = now - dt.timedelta(days=20)

    result = verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, expired), arrived, trust, revocation)

    assert isinstance(result, Verified)


def test_given_a_signing_time_inside_validity_then_the_arrival_still_decides(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    expired = pki.signature_certificate(ITEMS, validity=Validity.EXPIRED)
    claimed = expired.certificate.not_valid_before_utc + dt.timedelta(days=1)
    signature = sign_cms(DOCUMENT, expired, CmsOptions(signing_time=claimed))
    refused(
        verify_mynaportal(DOCUMENT, signature, arrival, trust, revocation), R.CERTIFICATE_EXPIRED
    )


def test_given_a_certificate_signed_with_sha1_then_certificate_algorithm_refused(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    weak = pki.signing_ca.issue_signature(ITEMS, signature_hash="sha1")
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, weak), arrival, trust, revocation),
        R.CERTIFICATE_ALGORITHM_REFUSED,
    )
    assert result.disposition is Disposition.RETURNED


def test_given_a_revoked_certificate_then_returned_with_the_crl_as_evidence(
    card: Issued,
    trust: TrustStore,
    crl_folder: Callable[..., CrlDirectory],
    arrival: dt.datetime,
) -> None:
    revocation = crl_folder([card], number=7)
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, revocation),
        R.CERTIFICATE_REVOKED,
    )
    assert result.disposition is Disposition.RETURNED
    assert isinstance(result.revocation, CrlEvidence)
    assert result.revocation.crl_number == 7
    assert result.evidence()["revocation"] is not None


def test_given_a_key_compromise_then_rejected(
    card: Issued,
    trust: TrustStore,
    crl_folder: Callable[..., CrlDirectory],
    arrival: dt.datetime,
) -> None:
    revocation = crl_folder([card], reason=x509.ReasonFlags.key_compromise)
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, revocation),
        R.CERTIFICATE_COMPROMISED,
    )
    assert result.disposition is Disposition.REJECTED


def test_given_a_revocation_after_arrival_then_accepted(
    card: Issued,
    trust: TrustStore,
    crl_folder: Callable[..., CrlDirectory],
    arrival: dt.datetime,
) -> None:
    revocation = crl_folder(
        [card],
        this_update=arrival + dt.timedelta(hours=2),
        revoked_at=arrival + dt.timedelta(hours=1),
    )
    result = verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, revocation)
    assert isinstance(result, Verified)


def test_given_no_current_revocation_data_then_retry(
    card: Issued,
    trust: TrustStore,
    crl_folder: Callable[..., CrlDirectory],
    arrival: dt.datetime,
) -> None:
    stale = crl_folder(
        this_update=arrival - dt.timedelta(days=3), next_update=arrival - dt.timedelta(days=2)
    )
    for source in (stale, NoRevocationSource()):
        result = refused(
            verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, source),
            R.CERTIFICATE_REVOCATION_UNKNOWN,
        )
        assert result.disposition is Disposition.RETRY


def test_given_a_failing_revocation_source_then_retry_not_a_crash(
    card: Issued, trust: TrustStore, arrival: dt.datetime
) -> None:
    class Broken:
        def status(self, *_: object) -> object:
            raise ConnectionError("down")

    refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, card), arrival, trust, Broken()),  # type: ignore[arg-type]
        R.CERTIFICATE_REVOCATION_UNKNOWN,
    )


@pytest.mark.parametrize(
    "values",
    [
        {
            "1.2.392.200149.8.5.5.1": "山田 太郎",
            "1.2.392.200149.8.5.5.3": "1",
            "1.2.392.200149.8.5.5.4": "319900401",
            "1.2.392.200149.8.5.5.5": "東京都",
        },
        {
            "1.2.392.200149.8.5.5.1": "山田 太郎",
            "1.2.392.200149.8.5.5.3": "男",
            "1.2.392.200149.8.5.5.4": "419900401",
            "1.2.392.200149.8.5.5.5": "東京都",
        },
        {
            "1.2.392.200149.8.5.5.1": "山田 太郎",
            "1.2.392.200149.8.5.5.4": "419900401",
            "1.2.392.200149.8.5.5.5": "東京都",
        },
        {
            "1.2.392.200149.8.5.5.1": "山田 太郎",
            "1.2.392.200149.8.5.5.3": "1",
            "1.2.392.200149.8.5.5.4": "41990-04-01",
            "1.2.392.200149.8.5.5.5": "東京都",
        },
    ],
    ids=["era-digit-wrong", "sex-not-iso-5218", "sex-missing", "date-format"],
)
def test_given_unreadable_four_items_then_returned_for_staff(
    values: dict[str, str],
    pki: TestPki,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    odd = issue_custom(pki.signing_ca, [(four_item_names(values), False)])
    result = refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, odd), arrival, trust, revocation),
        R.CERTIFICATE_FOUR_ITEMS_UNREADABLE,
    )
    assert result.disposition is Disposition.RETURNED
    for value in values.values():
        assert value not in result.detail


def test_given_a_ca_certificate_as_signer_then_malformed(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    values = {
        "1.2.392.200149.8.5.5.1": "山田 太郎",
        "1.2.392.200149.8.5.5.3": "1",
        "1.2.392.200149.8.5.5.4": "419900401",
        "1.2.392.200149.8.5.5.5": "東京都",
    }
    ca_like = issue_custom(
        pki.signing_ca,
        [
            (four_item_names(values), False),
            (x509.BasicConstraints(ca=True, path_length=None), True),
        ],
    )
    refused(
        verify_mynaportal(DOCUMENT, sign_cms(DOCUMENT, ca_like), arrival, trust, revocation),
        R.CERTIFICATE_MALFORMED,
    )


def test_given_a_naive_arrival_then_a_caller_error(
    card: Issued, trust: TrustStore, revocation: CrlDirectory
) -> None:
    with pytest.raises(ValueError, match="aware"):
        verify_mynaportal(
            DOCUMENT, sign_cms(DOCUMENT, card), dt.datetime(2026, 1, 1), trust, revocation
        )
