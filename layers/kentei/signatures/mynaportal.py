"""The Mynaportal signature: a detached CMS SignedData (RFC 5652, DER) over the document bytes.

The profile accepted, each breach its own reason:

- a ContentInfo of type signedData whose encapsulated content type is id-data and whose content
  is absent (detached); exactly one SignerInfo; its signer certificate embedded and identified
  by issuerAndSerialNumber or subjectKeyIdentifier (``signature.malformed`` otherwise);
- signed attributes present, with exactly one contentType (id-data) and one messageDigest
  (``signature.malformed``); signingTime, if any, is ignored: validity is judged at arrival;
- digest SHA-256, SHA-384 or SHA-512 and signature RSA PKCS#1 v1.5 (rsaEncryption, or
  sha*WithRSAEncryption naming the same hash) with a key of 2048 bits or more; SHA-1, MD5, PSS,
  ECDSA and anything else are ``signature.algorithm_refused``;
- the signature over the DER of the signed attributes (the received encoding re-tagged as a
  SET, RFC 5652 §5.4) verifies with the signer certificate's key (``signature.invalid``);
- the messageDigest equals the digest of the exact document bytes
  (``signature.digest_mismatch``: the document changed after signing);
- then the certificate checks of :mod:`kentei.signatures.certificate`.

CMS plumbing is asn1crypto; every cryptographic operation is ``cryptography``'s.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Final

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kentei.signatures.certificate import (
    attributed_to,
    check_signer_certificate,
    load_certificate,
)
from kentei.signatures.reasons import Refused, RejectionReason
from kentei.signatures.results import Verified
from kentei.signatures.revocation import RevocationSource
from kentei.signatures.trust import TrustStore

MIN_RSA_BITS: Final = 2048
_DIGESTS: Final[dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_RSA_ENCRYPTION: Final = "1.2.840.113549.1.1.1"
_RSA_WITH: Final = {
    "1.2.840.113549.1.1.11": "sha256",
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
}
_IMPLICIT_SET_ZERO: Final = 0xA0
_SET: Final = b"\x31"
_REQUIRED_ATTRIBUTES: Final = frozenset({"content_type", "message_digest"})

_R = RejectionReason


def verify_cms(
    document: bytes,
    signature: bytes,
    *,
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> Verified:
    """Verify or raise :class:`Refused` (the public wrapper turns it into a Rejection)."""
    signer_info, certificates = _signed_data(signature)
    digest_name = _digest_algorithm(signer_info)
    certificate = load_certificate(_signer_certificate(signer_info, certificates).dump())
    with attributed_to(certificate):
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
            raise Refused(_R.SIGNATURE_ALGORITHM_REFUSED, "the signer key is not RSA of 2048+ bits")
        attributes, content_type, message_digest = _signed_attributes(signer_info)
        digest = _DIGESTS[digest_name]
        signature_value = _signature_value(signer_info)
        try:
            key.verify(signature_value, attributes, padding.PKCS1v15(), digest())
        except InvalidSignature:
            raise Refused(
                _R.SIGNATURE_INVALID, "the signature does not verify with the signer certificate"
            ) from None
        if content_type != "data":
            raise Refused(_R.SIGNATURE_MALFORMED, "the signed content type is not id-data")
        hasher = hashes.Hash(digest())
        hasher.update(document)
        if not hmac.compare_digest(hasher.finalize(), message_digest):
            raise Refused(
                _R.SIGNATURE_DIGEST_MISMATCH, "the document is not the one signed (messageDigest)"
            )
    checked = check_signer_certificate(
        certificate, arrival=arrival, trust=trust, revocation=revocation
    )
    return Verified(
        channel="mynaportal",
        signer=checked.signer,
        four_items=checked.four_items,
        revocation=checked.revocation,
        algorithm=f"rsa-pkcs1v15-{digest_name}",
        signature_value=signature_value,
    )


def _malformed(detail: str) -> Refused:
    return Refused(_R.SIGNATURE_MALFORMED, detail)


def _signed_data(signature: bytes) -> tuple[cms.SignerInfo, list[asn1_x509.Certificate]]:
    try:
        info = cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].native != "signed_data":
            raise _malformed("not a CMS SignedData")
        signed = info["content"]
        encapsulated = signed["encap_content_info"]
        if encapsulated["content_type"].native != "data":
            raise _malformed("the encapsulated content type is not id-data")
        if encapsulated["content"].native is not None:
            raise _malformed("the signature is not detached")
        signer_infos = list(signed["signer_infos"])
        choices = signed["certificates"]
        certificates = [choice.chosen for choice in (choices or []) if choice.name == "certificate"]
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise _malformed(f"not a readable CMS SignedData ({type(exc).__name__})") from None
    if len(signer_infos) != 1:
        raise _malformed(f"{len(signer_infos)} signers; exactly one is accepted")
    return signer_infos[0], certificates


def _digest_algorithm(signer_info: cms.SignerInfo) -> str:
    try:
        digest_name = signer_info["digest_algorithm"]["algorithm"].native
        signature_oid = signer_info["signature_algorithm"]["algorithm"].dotted
    except (ValueError, TypeError, KeyError) as exc:
        raise _malformed(f"unreadable algorithm identifiers ({type(exc).__name__})") from None
    if digest_name not in _DIGESTS:
        raise Refused(
            _R.SIGNATURE_ALGORITHM_REFUSED,
            f"digest {str(digest_name).upper()} is refused (SHA-256/384/512 only)",
        )
    if signature_oid != _RSA_ENCRYPTION and _RSA_WITH.get(signature_oid) != digest_name:
        raise Refused(
            _R.SIGNATURE_ALGORITHM_REFUSED,
            f"signature algorithm {signature_oid} is refused (RSA PKCS#1 v1.5 with "
            "SHA-256/384/512 only)",
        )
    return str(digest_name)


def _signer_certificate(
    signer_info: cms.SignerInfo, certificates: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate:
    try:
        sid = signer_info["sid"]
        if sid.name == "issuer_and_serial_number":
            issuer = sid.chosen["issuer"]
            serial = sid.chosen["serial_number"].native
            matches = [c for c in certificates if c.serial_number == serial and c.issuer == issuer]
        else:
            key_id = sid.chosen.native
            matches = [c for c in certificates if c.key_identifier == key_id]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _malformed(f"unreadable signer identifier ({type(exc).__name__})") from None
    if len(matches) != 1:
        raise _malformed(
            "the signer certificate is not embedded"
            if not matches
            else "the signer identifier matches several certificates"
        )
    return matches[0]


def _signed_attributes(signer_info: cms.SignerInfo) -> tuple[bytes, str, bytes]:
    """The DER to verify (re-tagged SET), the content type and the message digest."""
    try:
        attributes = signer_info["signed_attrs"]
        if isinstance(attributes, core.Void) or len(attributes) == 0:
            raise _malformed("no signed attributes")
        encoded = attributes.dump()
        found: dict[str, list[object]] = {}
        for attribute in attributes:
            kind = attribute["type"].native
            if kind in _REQUIRED_ATTRIBUTES:
                found.setdefault(kind, []).extend(value.native for value in attribute["values"])
    except (ValueError, TypeError, KeyError) as exc:
        raise _malformed(f"unreadable signed attributes ({type(exc).__name__})") from None
    if encoded[0] != _IMPLICIT_SET_ZERO:
        raise _malformed("the signed attributes are not tagged [0]")
    content_type = found.get("content_type", [])
    message_digest = found.get("message_digest", [])
    if len(content_type) != 1 or len(message_digest) != 1:
        raise _malformed("the signed attributes need exactly one contentType and messageDigest")
    if not isinstance(message_digest[0], bytes) or not isinstance(content_type[0], str):
        raise _malformed("unreadable contentType or messageDigest")
    return _SET + encoded[1:], content_type[0], message_digest[0]


def _signature_value(signer_info: cms.SignerInfo) -> bytes:
    try:
        value = signer_info["signature"].native
    except (ValueError, TypeError) as exc:
        raise _malformed(f"unreadable signature value ({type(exc).__name__})") from None
    if not isinstance(value, bytes):
        raise _malformed("unreadable signature value")
    return value
