"""Signatures made by the standard tools verify: ``openssl cms -sign`` for the Mynaportal
detached CMS and ``xmlsec1 --sign`` for the e-Gov ``kousei.xml``, through the independent
bridge clients (``kentei_local.bridges``) and the test PKI, configured as the local runtime is
(``KENTEI_JPKI_TRUST_ANCHORS``, ``KENTEI_JPKI_USER_AUTHENTICATION_CAS``, ``KENTEI_JPKI_CRL_DIR``).

The XML cases go beyond the bridge's template on purpose: an unprefixed ``ds`` namespace, an
unused namespace and ``xml:lang`` on the root, the signature inside the signed element, and
comments, which are where canonicalisation goes wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from kentei.records.applicant import Applicant
from kentei.signatures import (
    CrlEvidence,
    Rejection,
    RejectionReason,
    RevocationSource,
    TrustStore,
    Verified,
    match_four_items,
    revocation_from_environment,
    verify_egov,
    verify_mynaportal,
)
from kentei_local.bridges import (
    Attachment,
    Signer,
    application_document,
    build_package,
    sample_form,
    sample_pdf,
    sign_detached,
)
from kentei_local.bridges.cms import run_tool
from kentei_local.testpki import CaKind, CertificateAuthority, FourItems, Issued, TestPki, Validity

pytestmark = pytest.mark.tools("openssl", "xmlsec1")

R = RejectionReason
ITEMS = FourItems(
    name="見本　太郎",
    sex="1",
    birth_date=dt.date(1990, 4, 1),
    address="東京都千代田区霞ヶ関1丁目2番2号　見本ビル",
)
FORM = sample_form(my_number=None)
ATTACHMENT = Attachment("免許 証.pdf", sample_pdf(label="licence"))
DOCUMENT = application_document(FORM, [ATTACHMENT])
DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def environment(pki: TestPki) -> dict[str, str]:
    return {
        **pki.settings(),
        "KENTEI_ENV": "local",
        "KENTEI_JPKI_USER_AUTHENTICATION_CAS": str(pki.authentication_cas_path),
    }


@pytest.fixture(scope="module")
def trust(environment: dict[str, str]) -> TrustStore:
    return TrustStore.from_environment(environment)


@pytest.fixture(scope="module")
def revocation(environment: dict[str, str]) -> RevocationSource:
    return revocation_from_environment(environment)


def signer_of(issued: Issued, folder: Path) -> Signer:
    key, certificate = issued.write(folder)
    return Signer(key=key, certificate=certificate)


@pytest.fixture(scope="module")
def card(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return signer_of(pki.signature_certificate(ITEMS), tmp_path_factory.mktemp("card"))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def refused(result: object, reason: RejectionReason) -> Rejection:
    assert isinstance(result, Rejection), result
    assert result.reason is reason, result
    return result


# --- Mynaportal: openssl cms -sign -----------------------------------------------------------


@pytest.mark.parametrize("digest", ["sha256", "sha384", "sha512"])
def test_an_openssl_cms_signature_verifies_and_matches_the_form(
    digest: str, card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    signature = sign_detached(DOCUMENT, card, digest=digest)  # type: ignore[arg-type]

    result = verify_mynaportal(DOCUMENT, signature, now(), trust, revocation)

    assert isinstance(result, Verified), result
    assert result.algorithm == f"rsa-pkcs1v15-{digest}"
    assert isinstance(result.revocation, CrlEvidence)
    assert match_four_items(result.four_items, Applicant.model_validate(FORM)) is None


def test_an_openssl_sha1_signature_is_refused(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    signature = sign_detached(DOCUMENT, card, digest="sha1")
    refused(
        verify_mynaportal(DOCUMENT, signature, now(), trust, revocation),
        R.SIGNATURE_ALGORITHM_REFUSED,
    )


def test_an_openssl_signature_without_signed_attributes_is_malformed(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    signature = sign_detached(DOCUMENT, card, signed_attributes=False)
    refused(verify_mynaportal(DOCUMENT, signature, now(), trust, revocation), R.SIGNATURE_MALFORMED)


def test_a_document_changed_after_openssl_signed_it_is_rejected(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    signature = sign_detached(DOCUMENT, card)
    changed = DOCUMENT.replace(b'"2', b'"1', 1)
    refused(
        verify_mynaportal(changed, signature, now(), trust, revocation),
        R.SIGNATURE_DIGEST_MISMATCH,
    )


def test_the_form_of_another_person_is_returned_with_the_item(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    form = sample_form(my_number=None, birth_date="1991-04-01")
    document = application_document(form)
    result = verify_mynaportal(document, sign_detached(document, card), now(), trust, revocation)
    assert isinstance(result, Verified)
    mismatch = match_four_items(result.four_items, Applicant.model_validate(form))
    assert mismatch is not None
    assert mismatch.reason is R.IDENTITY_MISMATCH_BIRTH_DATE


def test_openssl_signatures_by_the_wrong_certificates_are_refused(
    pki: TestPki, tmp_path: Path, trust: TrustStore, revocation: RevocationSource
) -> None:
    cases = {
        R.CERTIFICATE_USER_AUTHENTICATION: pki.user_authentication_certificate(),
        R.CERTIFICATE_EXPIRED: pki.signature_certificate(ITEMS, validity=Validity.EXPIRED),
        R.CERTIFICATE_UNTRUSTED: CertificateAuthority.create(
            CaKind.SIGNATURE, label="forger"
        ).issue_signature(ITEMS),
    }
    for reason, issued in cases.items():
        signer = signer_of(issued, tmp_path / reason.value)
        signature = sign_detached(DOCUMENT, signer)
        refused(verify_mynaportal(DOCUMENT, signature, now(), trust, revocation), reason)


def test_a_certificate_revoked_in_the_crl_folder_is_returned(
    pki: TestPki, tmp_path: Path, trust: TrustStore, environment: dict[str, str]
) -> None:
    revoked = pki.signature_certificate(ITEMS)
    signature = sign_detached(DOCUMENT, signer_of(revoked, tmp_path))
    crl = pki.revoke(revoked)

    result = refused(
        verify_mynaportal(
            DOCUMENT, signature, now(), trust, revocation_from_environment(environment)
        ),
        R.CERTIFICATE_REVOKED,
    )

    assert isinstance(result.revocation, CrlEvidence)
    assert result.revocation.crl_number == crl.number


# --- e-Gov: xmlsec1 --sign ---------------------------------------------------------------------


def unzip(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_egov_package_signed_by_xmlsec1_verifies(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    files = unzip(build_package(DOCUMENT, [ATTACHMENT], card))

    result = verify_egov(files, now(), trust, revocation)

    assert isinstance(result, Verified), result
    assert set(result.signed_files) == {"application.json", ATTACHMENT.name}
    assert match_four_items(result.four_items, Applicant.model_validate(FORM)) is None


def test_an_egov_package_with_an_unreferenced_file_is_rejected(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    extra = Attachment("後から.pdf", sample_pdf(label="added"))
    files = unzip(build_package(DOCUMENT, [ATTACHMENT], card, unreferenced=[extra]))
    refused(verify_egov(files, now(), trust, revocation), R.PACKAGE_UNREFERENCED_FILE)


def test_an_egov_package_with_a_file_replaced_after_signing_is_rejected(
    card: Signer, trust: TrustStore, revocation: RevocationSource
) -> None:
    replaced = Attachment(ATTACHMENT.name, sample_pdf(label="forged"))
    files = unzip(build_package(DOCUMENT, [ATTACHMENT], card, replace_after_signing=[replaced]))
    refused(verify_egov(files, now(), trust, revocation), R.PACKAGE_REFERENCE_MISMATCH)


def sign_with_xmlsec1(
    template: str, files: Mapping[str, bytes], signer: Signer, folder: Path
) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / "template.xml").write_text(template, encoding="utf-8")
    run_tool(
        [
            "xmlsec1",
            "--sign",
            "--privkey-pem",
            f"{signer.key.resolve()},{signer.certificate.resolve()}",
            "--id-attr:Id",
            "構成情報",
            "--output",
            "kousei.xml",
            "template.xml",
        ],
        cwd=folder,
    )
    return {"kousei.xml": (folder / "kousei.xml").read_bytes(), **files}


def references(
    *,
    kousei_transforms: str = "",
    digest: str = "http://www.w3.org/2001/04/xmlenc#sha256",
    prefix: str = "",
) -> str:
    def digest_of(uri: str, transforms: str = "") -> str:
        return (
            f'<{prefix}Reference URI="{uri}">{transforms}'
            f'<{prefix}DigestMethod Algorithm="{digest}"/>'
            f"<{prefix}DigestValue/></{prefix}Reference>"
        )

    return digest_of("#構成情報", kousei_transforms) + digest_of("application.json")


def signature_template(
    *,
    prefix: str = "ds:",
    c14n: str = C14N,
    method: str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    kousei_transforms: str = "",
    digest: str = "http://www.w3.org/2001/04/xmlenc#sha256",
    inside: str = "",
) -> str:
    declaration = f'xmlns:ds="{DS}"' if prefix else f'xmlns="{DS}"'
    return (
        f"<{prefix}Signature {declaration}>{inside}<{prefix}SignedInfo>\n"
        f'  <{prefix}CanonicalizationMethod Algorithm="{c14n}"/>\n'
        f'  <{prefix}SignatureMethod Algorithm="{method}"/>\n'
        f"  {references(kousei_transforms=kousei_transforms, digest=digest, prefix=prefix)}\n"
        f"</{prefix}SignedInfo><{prefix}SignatureValue/>"
        f"<{prefix}KeyInfo><{prefix}X509Data/></{prefix}KeyInfo></{prefix}Signature>"
    )


ENVELOPED_C14N = (
    f'<Transforms><Transform Algorithm="{DS}enveloped-signature"/>'
    f'<Transform Algorithm="{C14N}"/></Transforms>'
)

XML_CASES = {
    "default-namespace-unused-namespace-xml-lang": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<構成管理情報 xmlns:unused="urn:example:unused" xml:lang="ja">\n'
        '  <構成情報 Id="構成情報"><ファイル名>application.json</ファイル名></構成情報>\n'
        f"  {signature_template(prefix='')}\n"
        "</構成管理情報>\n"
    ),
    "signature-inside-the-signed-element": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<構成管理情報 xmlns:e="urn:example:e">\n'
        '  <構成情報 Id="構成情報"><e:ファイル名>application.json</e:ファイル名>\n'
        f"    {signature_template(prefix='', kousei_transforms=ENVELOPED_C14N)}\n"
        "  tail text</構成情報>\n"
        "</構成管理情報>\n"
    ),
    "cdata-references-and-attribute-order": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<構成管理情報>\n'
        '  <構成情報 z="2" Id="構成情報" a="&#x9;&amp;&quot;">'
        "<ファイル名><![CDATA[a&b]]>&#x41;&gt;</ファイル名>"
        "<空/></構成情報>\n"
        f"  {signature_template()}\n"
        "</構成管理情報>\n"
    ),
    "comments-with-c14n-with-comments": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- before -->\n<構成管理情報>\n"
        '  <構成情報 Id="構成情報"><!-- a comment -->'
        "<ファイル名>application.json</ファイル名></構成情報>\n"
        f"  {signature_template(c14n=C14N + '#WithComments')}\n"
        "</構成管理情報>\n"
    ),
}


@pytest.mark.parametrize("template", list(XML_CASES.values()), ids=list(XML_CASES))
def test_xmlsec1_signatures_at_the_edges_of_c14n_verify(
    template: str,
    card: Signer,
    tmp_path: Path,
    trust: TrustStore,
    revocation: RevocationSource,
) -> None:
    files = sign_with_xmlsec1(template, {"application.json": DOCUMENT}, card, tmp_path)
    result = verify_egov(files, now(), trust, revocation)
    assert isinstance(result, Verified), result


def test_an_xmlsec1_signature_over_a_changed_element_is_rejected(
    card: Signer, tmp_path: Path, trust: TrustStore, revocation: RevocationSource
) -> None:
    template = XML_CASES["default-namespace-unused-namespace-xml-lang"]
    files = sign_with_xmlsec1(template, {"application.json": DOCUMENT}, card, tmp_path)
    files["kousei.xml"] = files["kousei.xml"].replace(
        'Id="構成情報"'.encode(), 'Id="構成情報" added="after signing"'.encode()
    )
    refused(verify_egov(files, now(), trust, revocation), R.SIGNATURE_DIGEST_MISMATCH)


def test_a_changed_inherited_xml_lang_invalidates_the_signed_info(
    card: Signer, tmp_path: Path, trust: TrustStore, revocation: RevocationSource
) -> None:
    # C14N 1.0 carries the root's xml:lang onto SignedInfo, so the signature covers it.
    template = XML_CASES["default-namespace-unused-namespace-xml-lang"]
    files = sign_with_xmlsec1(template, {"application.json": DOCUMENT}, card, tmp_path)
    files["kousei.xml"] = files["kousei.xml"].replace(b'xml:lang="ja"', b'xml:lang="en"')
    refused(verify_egov(files, now(), trust, revocation), R.SIGNATURE_INVALID)


@pytest.mark.parametrize(
    "options",
    [
        {"method": "http://www.w3.org/2000/09/xmldsig#rsa-sha1"},
        {"digest": "http://www.w3.org/2000/09/xmldsig#sha1"},
        {"c14n": "http://www.w3.org/2001/10/xml-exc-c14n#"},
    ],
    ids=["rsa-sha1", "sha1-digest", "exclusive-c14n"],
)
def test_xmlsec1_signatures_outside_the_profile_are_refused(
    options: dict[str, str],
    card: Signer,
    tmp_path: Path,
    trust: TrustStore,
    revocation: RevocationSource,
) -> None:
    template = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<構成管理情報>'
        '<構成情報 Id="構成情報"><ファイル名>application.json</ファイル名></構成情報>'
        f"{signature_template(**options)}</構成管理情報>"
    )
    files = sign_with_xmlsec1(template, {"application.json": DOCUMENT}, card, tmp_path)
    refused(verify_egov(files, now(), trust, revocation), R.SIGNATURE_ALGORITHM_REFUSED)
