"""e-Gov: kousei.xml's enveloped XML signature over #構成情報 and every file of the package."""

from __future__ import annotations

import datetime as dt

import pytest

from kentei.signatures import (
    CrlEvidence,
    Disposition,
    Rejection,
    RejectionReason,
    TrustStore,
    Verified,
    verify_egov,
)
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import CaKind, CertificateAuthority, Issued, TestPki

from .builders import C14N, ENVELOPED, RSA_SHA1, SHA1, XmlOptions, sign_kousei
from .conftest import ITEMS

R = RejectionReason
FILES = {
    "application.json": b'{"name": "yamada"}',
    "menkyo 1.pdf": b"%PDF-1.7 licence",
    "写真.jpg": b"\xff\xd8\xff\xe0 photo",
}
URIS = {"menkyo 1.pdf": "menkyo%201.pdf"}


def package(
    signer: Issued, options: XmlOptions | None = None, files: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    signed = dict(FILES if files is None else files)
    o = options or XmlOptions(uris=URIS)
    return {"kousei.xml": sign_kousei(signed, signer, o), **signed}


def refused(result: object, reason: RejectionReason) -> Rejection:
    assert isinstance(result, Rejection), result
    assert result.reason is reason, result
    return result


def test_given_a_signed_package_then_accepted_with_every_file_covered(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    result = verify_egov(package(card), arrival, trust, revocation)

    assert isinstance(result, Verified)
    assert result.channel == "egov"
    assert result.algorithm == "rsa-sha256/c14n-20010315"
    assert set(result.signed_files) == set(FILES)
    assert isinstance(result.revocation, CrlEvidence)
    assert result.four_items.name == ITEMS.name


def test_given_the_enveloped_and_c14n_transforms_then_accepted(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    options = XmlOptions(uris=URIS, kousei_transforms=[ENVELOPED, C14N])
    assert isinstance(verify_egov(package(card, options), arrival, trust, revocation), Verified)


def test_given_a_file_added_after_signing_then_unreferenced_file_rejected(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = {**package(card), "extra.pdf": b"%PDF unsigned"}
    result = refused(verify_egov(files, arrival, trust, revocation), R.PACKAGE_UNREFERENCED_FILE)
    assert result.disposition is Disposition.REJECTED
    assert "extra" not in result.detail


def test_given_a_file_left_out_of_the_signature_then_unreferenced_file(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = package(card, XmlOptions(uris=URIS, omit=["写真.jpg"]))
    refused(verify_egov(files, arrival, trust, revocation), R.PACKAGE_UNREFERENCED_FILE)


def test_given_a_file_changed_after_signing_then_reference_mismatch_rejected(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = {**package(card), "application.json": b'{"name": "someone else"}'}
    result = refused(verify_egov(files, arrival, trust, revocation), R.PACKAGE_REFERENCE_MISMATCH)
    assert result.disposition is Disposition.REJECTED


def test_given_a_referenced_file_missing_then_returned(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = package(card)
    del files["写真.jpg"]
    result = refused(verify_egov(files, arrival, trust, revocation), R.PACKAGE_MISSING_FILE)
    assert result.disposition is Disposition.RETURNED


def test_given_the_kousei_element_changed_after_signing_then_digest_mismatch(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = package(card)
    files["kousei.xml"] = files["kousei.xml"].replace(
        "<ファイル名>写真.jpg</ファイル名>".encode(), "<ファイル名>other.jpg</ファイル名>".encode()
    )
    refused(verify_egov(files, arrival, trust, revocation), R.SIGNATURE_DIGEST_MISMATCH)


def test_given_the_signed_info_changed_after_signing_then_invalid(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = package(card)
    files["kousei.xml"] = files["kousei.xml"].replace(b"menkyo%201.pdf", b"menkyo%202.pdf")
    files["menkyo 2.pdf"] = files.pop("menkyo 1.pdf")
    refused(verify_egov(files, arrival, trust, revocation), R.SIGNATURE_INVALID)


@pytest.mark.parametrize(
    "options",
    [
        XmlOptions(uris=URIS, signature_method=RSA_SHA1),
        XmlOptions(uris=URIS, digest_method=SHA1),
        XmlOptions(
            uris=URIS, signature_method="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
        ),
        XmlOptions(uris=URIS, canonicalization="http://www.w3.org/2001/10/xml-exc-c14n#"),
        XmlOptions(uris=URIS, canonicalization="http://www.w3.org/2006/12/xml-c14n11"),
        XmlOptions(uris=URIS, kousei_transforms=["http://www.w3.org/TR/1999/REC-xslt-19991116"]),
        XmlOptions(uris=URIS, file_transforms=[C14N]),
    ],
    ids=["rsa-sha1", "sha1-digest", "hmac", "exclusive-c14n", "c14n-1.1", "xslt", "file-transform"],
)
def test_given_an_algorithm_outside_the_profile_then_refused_and_returned(
    options: XmlOptions,
    card: Issued,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    result = refused(
        verify_egov(package(card, options), arrival, trust, revocation),
        R.SIGNATURE_ALGORITHM_REFUSED,
    )
    assert result.disposition is Disposition.RETURNED


@pytest.mark.parametrize(
    "options",
    [
        XmlOptions(uris=URIS, prolog='<!DOCTYPE r [<!ENTITY x "y">]>\n'),
        XmlOptions(uris=URIS, extra_body='<x Id="構成情報"></x>'),
        XmlOptions(uris=URIS, reference_id="other"),
        XmlOptions(uris=URIS, certificates=[]),
        XmlOptions(
            uris=URIS,
            extra_body='<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>',
        ),
    ],
    ids=["dtd", "duplicate-id", "no-kousei-reference", "no-certificate", "two-signatures"],
)
def test_given_a_signature_outside_the_profile_then_malformed(
    options: XmlOptions,
    card: Issued,
    trust: TrustStore,
    revocation: CrlDirectory,
    arrival: dt.datetime,
) -> None:
    result = refused(
        verify_egov(package(card, options), arrival, trust, revocation), R.SIGNATURE_MALFORMED
    )
    assert not result.detail.startswith("unexpected")


@pytest.mark.parametrize(
    "uri",
    ["file:///etc/passwd", "http://example.com/a.pdf", "kousei.xml", "../a.pdf", "/a.pdf", "%FF"],
)
def test_given_a_reference_that_names_no_package_file_then_package_malformed(
    uri: str, card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    files = package(card, XmlOptions(uris=URIS, extra_uris=[uri]))
    refused(verify_egov(files, arrival, trust, revocation), R.PACKAGE_MALFORMED)


def test_given_no_kousei_xml_then_package_malformed(
    trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    refused(verify_egov(dict(FILES), arrival, trust, revocation), R.PACKAGE_MALFORMED)


@pytest.mark.parametrize(
    "kousei",
    [b"", b"<", b"<a>&x;</a>", b'<?xml version="1.0"?><a/>', "<構成管理情報/>".encode()],
)
def test_given_an_unusable_kousei_xml_then_malformed(
    kousei: bytes, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    result = verify_egov({"kousei.xml": kousei, **FILES}, arrival, trust, revocation)
    refused(result, R.SIGNATURE_MALFORMED)


def test_given_an_external_entity_then_refused_without_reading_it(
    card: Issued, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    options = XmlOptions(
        uris=URIS, prolog='<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    )
    refused(verify_egov(package(card, options), arrival, trust, revocation), R.SIGNATURE_MALFORMED)


def test_given_a_user_authentication_certificate_then_returned(
    pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    login = pki.user_authentication_certificate()
    refused(
        verify_egov(package(login), arrival, trust, revocation),
        R.CERTIFICATE_USER_AUTHENTICATION,
    )


def test_given_an_untrusted_signer_then_rejected(
    trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    forged = CertificateAuthority.create(CaKind.SIGNATURE, label="forger").issue_signature(ITEMS)
    refused(verify_egov(package(forged), arrival, trust, revocation), R.CERTIFICATE_UNTRUSTED)


def test_given_the_ca_certificate_also_in_key_info_then_the_end_entity_signs(
    card: Issued, pki: TestPki, trust: TrustStore, revocation: CrlDirectory, arrival: dt.datetime
) -> None:
    options = XmlOptions(uris=URIS, certificates=[pki.signing_ca.certificate, card.certificate])
    assert isinstance(verify_egov(package(card, options), arrival, trust, revocation), Verified)
