"""A local JPKI-like PKI for tests and the demo: never a trust anchor outside local mode.

It mimics what is public about J-LIS's certification authorities (``../shared/jpki/``):
self-signed RSA-2048 roots signing with sha256WithRSAEncryption that issue end-entity
certificates directly, CRL distribution points given as a directory name only, signature
certificates (署名用) carrying the four basic items in subjectAltName ``otherName`` entries
(UTF8String, OIDs 1.2.392.200149.8.5.5.1-.6, birth date as ``EYYYYMMDD``) under an opaque
subject CN, and user-authentication certificates (利用者証明用) carrying none of them.

>>> pki = TestPki.create(tmp_path)
>>> card = pki.signature_certificate(FourItems("山田 太郎", "1", date(1990, 4, 1), "東京都..."))
>>> key_pem, cert_pem = card.write(tmp_path / "card")
>>> pki.revoke(card)                      # a CRL revoking it, in the CRL folder
>>> pki.settings()                         # KENTEI_JPKI_TRUST_ANCHORS, ..._CRL_DIR, ...
>>> pki.signing_ca.ocsp_response(card)     # DER, for a local OCSP fake

The local runtime trusts these CAs only through those settings (issue 4). Everything is
made in memory; files are written only under the folder a caller gives (a test's
``tmp_path``, or the demo's ``.local/``, which git ignores).
"""

from kentei_local.testpki.pki import (
    ADDRESS,
    ADDRESS_SUBSTITUTE,
    AUTHENTICATION_CAS_NAME,
    AUTHENTICATION_POLICY,
    BIRTH_DATE,
    CRL_NAME,
    NAME,
    NAME_SUBSTITUTE,
    SEX,
    SIGNATURE_POLICY,
    TRUST_ANCHORS_NAME,
    CaKind,
    CertificateAuthority,
    Crl,
    FourItems,
    Issued,
    PemPaths,
    TestPki,
    Validity,
    era_date,
    four_items_of,
    write_crl_dir,
    write_trust_anchors,
)

__all__ = [
    "ADDRESS",
    "ADDRESS_SUBSTITUTE",
    "AUTHENTICATION_CAS_NAME",
    "AUTHENTICATION_POLICY",
    "BIRTH_DATE",
    "CRL_NAME",
    "NAME",
    "NAME_SUBSTITUTE",
    "SEX",
    "SIGNATURE_POLICY",
    "TRUST_ANCHORS_NAME",
    "CaKind",
    "CertificateAuthority",
    "Crl",
    "FourItems",
    "Issued",
    "PemPaths",
    "TestPki",
    "Validity",
    "era_date",
    "four_items_of",
    "write_crl_dir",
    "write_trust_anchors",
]
