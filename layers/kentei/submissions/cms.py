"""The Mynaportal signature's shape: a detached CMS SignedData (RFC 5652) with a signer.

Intake does not verify the signature (verify does, against J-LIS's CA, at the time of
arrival); it refuses only what cannot be one: not DER ContentInfo, not SignedData, carrying
its content (not detached), or without a signer or a certificate.
"""

from __future__ import annotations

from typing import Any, Final

from kentei.submissions.errors import RefusalKind, error

INVALID: Final = "invalid-signature"
LOCATION: Final = "signature"
_SIGNER_PARTS: Final = (
    "sid",
    "digest_algorithm",
    "signed_attrs",
    "signature_algorithm",
    "signature",
)


def check_detached_signed_data(der: bytes) -> None:
    """Refuse ``der`` unless it looks like a detached SignedData with a signer and a
    certificate, over content of type id-data."""
    problem = _problem(der)
    if problem is not None:
        raise error(
            RefusalKind.INVALID,
            INVALID,
            "the signature is not a detached CMS SignedData",
            LOCATION,
            problem,
        )


def _problem(der: bytes) -> str | None:
    from asn1crypto import cms

    # asn1crypto parses lazily and reports malformed input with assorted exception types
    # (ValueError, TypeError, KeyError, OverflowError...), so any of them means "malformed".
    try:
        return _content_problem(cms.ContentInfo.load(der, strict=True))
    except Exception:
        return "is not a DER-encoded CMS ContentInfo (RFC 5652)"


def _content_problem(info: Any) -> str | None:
    if info["content_type"].native != "signed_data":
        return "is a CMS ContentInfo, but not SignedData"
    signed = info["content"]
    encapsulated = signed["encap_content_info"]
    if encapsulated["content_type"].native != "data":
        return "must sign content of type id-data (the document's bytes)"
    if encapsulated["content"].native is not None:
        return "must be detached: it carries content of its own"
    certificates = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
    if not certificates:
        return "must carry the signer's certificate"
    if not signed["signer_infos"]:
        return "has no signer"
    # Reading .native forces the lazy parse, so a malformed part is found here.
    parts = [signed["digest_algorithms"], *(c["tbs_certificate"] for c in certificates)]
    for signer in signed["signer_infos"]:
        parts.extend(signer[key] for key in _SIGNER_PARTS)
    for part in parts:
        _ = part.native
    return None
