"""kousei.xml (構成管理情報): the e-Gov package's manifest and its XML signature.

Intake checks the signature's shape, not its validity (verify does that, with the signer's
certificate): kousei.xml is parsed with defusedxml, refusing any DTD, entity or external
reference; it holds exactly one ``ds:Signature`` whose ``SignedInfo`` uses C14N 20010315 and
RSA-SHA256, with a ``SignatureValue`` and the signer's ``X509Certificate``; its references are
``#構成情報`` (an element with that id) and every other file of the package, by name
(as is or percent-encoded), each with a SHA-256 digest of the file's bytes (no transforms).
Those digests are cheap to check, so they are checked here: a file that does not match is
refused before it is stored.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote

from kentei.submissions.egov_package import INVALID, LOCATION, MANIFEST, Entry, require
from kentei.submissions.errors import RefusalKind, SubmissionError, error, refuse

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

DSIG: Final = "http://www.w3.org/2000/09/xmldsig#"
C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256: Final = "http://www.w3.org/2001/04/xmlenc#sha256"
STRUCTURE_ID: Final = "構成情報"
"""The id of the element that lists the package's contents, which the signature covers."""

DIGEST_MISMATCH: Final = "digest-mismatch"
_AT: Final = f"{LOCATION}:{MANIFEST}"
_DETAIL: Final = "kousei.xml is not acceptable"
_ID_ATTRIBUTES: Final = ("id", "Id", "ID", "{http://www.w3.org/XML/1998/namespace}id")


def _ds(name: str) -> str:
    return f"{{{DSIG}}}{name}"


def check_manifest(entries: Mapping[str, Entry]) -> None:
    """Refuse the package unless its kousei.xml is as described above and covers every file."""
    root = _parse(require(entries, MANIFEST).content)
    signature = _only_signature(root)
    digests = _file_digests(root, signature, entries)
    found: list[SubmissionError] = []
    for name, entry in entries.items():
        if name == MANIFEST:
            continue
        if name not in digests:
            found.append(
                error(
                    RefusalKind.INVALID,
                    INVALID,
                    "the signature in kousei.xml does not cover every file",
                    entry.location,
                    "is not referenced by the signature in kousei.xml",
                )
            )
        elif hashlib.sha256(entry.content).digest() != digests[name]:
            found.append(
                error(
                    RefusalKind.INVALID,
                    DIGEST_MISMATCH,
                    "a file does not match its digest in kousei.xml",
                    entry.location,
                    "does not match the SHA-256 digest kousei.xml gives for it",
                )
            )
    refuse(found)


def _parse(content: bytes) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    root: Element | None = None
    problem = "is not well-formed XML"
    # Beside defusedxml's refusals and expat's ParseError, a malformed declaration can raise
    # LookupError (unknown encoding) or ValueError: each means the XML is not acceptable.
    try:
        root = fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        problem = "must not declare a DTD, entities or external references"
    except Exception:
        root = None
    if root is None:
        raise error(RefusalKind.INVALID, INVALID, _DETAIL, _AT, problem)
    return root


def _only_signature(root: Element) -> Element:
    signatures = list(root.iter(_ds("Signature")))
    if len(signatures) != 1:
        raise error(
            RefusalKind.INVALID, INVALID, _DETAIL, _AT, "must hold exactly one ds:Signature"
        )
    signature = signatures[0]
    signed_info = signature.find(_ds("SignedInfo"))
    problem = None
    if signed_info is None:
        problem = "ds:Signature has no SignedInfo"
    elif _algorithm(signed_info, "CanonicalizationMethod") != C14N:
        problem = "SignedInfo must use C14N 20010315 (" + C14N + ")"
    elif _algorithm(signed_info, "SignatureMethod") != RSA_SHA256:
        problem = "SignedInfo must use RSA-SHA256 (" + RSA_SHA256 + ")"
    elif not _text(signature.find(_ds("SignatureValue"))):
        problem = "ds:Signature has no SignatureValue"
    elif not any(
        _text(c)
        for c in signature.iterfind(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
    ):
        problem = (
            "ds:Signature must carry the signer's certificate in KeyInfo/X509Data/X509Certificate"
        )
    if problem is not None:
        raise error(RefusalKind.INVALID, INVALID, _DETAIL, _AT, problem)
    return signature


def _file_digests(
    root: Element, signature: Element, entries: Mapping[str, Entry]
) -> dict[str, bytes]:
    """The digest each referenced file must have, by file name."""
    ids = {
        element.get(attribute)
        for element in root.iter()
        for attribute in _ID_ATTRIBUTES
        if element.get(attribute) is not None
    }
    references = signature.findall(f"{_ds('SignedInfo')}/{_ds('Reference')}")
    digests: dict[str, bytes] = {}
    covers_structure = False
    for reference in references:
        uri = reference.get("URI")
        if uri is None:
            raise error(RefusalKind.INVALID, INVALID, _DETAIL, _AT, "every Reference needs a URI")
        if uri.startswith("#"):
            if uri[1:] not in ids:
                raise error(
                    RefusalKind.INVALID,
                    INVALID,
                    _DETAIL,
                    _AT,
                    "a Reference names an id no element has",
                )
            covers_structure = covers_structure or uri[1:] == STRUCTURE_ID
            continue
        name = uri if uri in entries else unquote(uri)
        digests[name] = _file_digest(reference, name, entries, digests)
    if not covers_structure:
        raise error(
            RefusalKind.INVALID,
            INVALID,
            _DETAIL,
            _AT,
            f"the signature must reference #{STRUCTURE_ID}",
        )
    return digests


def _file_digest(
    reference: Element, name: str, entries: Mapping[str, Entry], known: Mapping[str, bytes]
) -> bytes:
    """The digest a Reference gives for the file ``name``, if it is a well-formed one."""
    digest = _base64(_text(reference.find(_ds("DigestValue"))))
    problem = None
    if name not in entries or name == MANIFEST:
        problem = "a Reference names a file that is not in the package (or kousei.xml)"
    elif name in known:
        problem = "a file is referenced twice"
    elif reference.find(_ds("Transforms")) is not None:
        problem = "a Reference to a file must digest its bytes as they are (no Transforms)"
    elif _algorithm(reference, "DigestMethod") != SHA256:
        problem = "a Reference to a file must use SHA-256 (" + SHA256 + ")"
    elif digest is None or len(digest) != hashlib.sha256().digest_size:
        problem = "a Reference's DigestValue must be a base64 SHA-256 digest"
    if problem is not None or digest is None:
        raise error(RefusalKind.INVALID, INVALID, _DETAIL, _AT, problem or "no digest")
    return digest


def _algorithm(parent: Element, child: str) -> str | None:
    element = parent.find(_ds(child))
    return None if element is None else element.get("Algorithm")


def _text(element: Element | None) -> str:
    return "" if element is None or element.text is None else "".join(element.text.split())


def _base64(text: str) -> bytes | None:
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
