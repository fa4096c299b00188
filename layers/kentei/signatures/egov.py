"""The e-Gov package: ``kousei.xml`` (構成管理情報) with an enveloped XML signature over
``#構成情報`` and every other file of the package.

The profile accepted (issue 3), each breach its own reason:

- ``kousei.xml`` in the package (``package.malformed``), well-formed XML without a DTD or
  entities, parsed with lxml with entity resolution and network access off
  (``signature.malformed``);
- exactly one ``ds:Signature``, inside the document (enveloped), whose first child is
  ``SignedInfo``; CanonicalizationMethod C14N 20010315 with or without comments; SignatureMethod
  RSA-SHA256, -SHA384 or -SHA512; anything else, SHA-1 and HMAC included, is
  ``signature.algorithm_refused``;
- one Reference ``#構成情報`` to the one element whose ``Id`` (or ``ID``, ``id``, ``xml:id``)
  is 構成情報, outside the Signature, with no transforms or only the enveloped-signature transform
  and C14N 20010315 (comments are never part of a bare-name reference); every other Reference
  is a package file by name (a relative URI, percent-decoded as UTF-8, as ``xmlsec1`` resolves
  it) with no transforms; digests SHA-256/384/512;
- the signer's certificate in ``KeyInfo/X509Data/X509Certificate`` (CA certificates there are
  ignored; exactly one end-entity certificate); KeyValue and other key hints are ignored, the
  key is always the certificate's;
- the signature over the canonical SignedInfo verifies (``signature.invalid``), then, reading
  the references from that canonical SignedInfo only (what was signed, not what was parsed):
  the ``#構成情報`` digest matches (``signature.digest_mismatch``), each referenced file exists
  (``package.missing_file``) and has its digest (``package.reference_mismatch``), and every
  file but ``kousei.xml`` is referenced (``package.unreferenced_file``);
- then the certificate checks of :mod:`kentei.signatures.certificate`.

Canonicalisation is libxml2's, through lxml, applied to a standalone copy of the subtree:
lxml's C14N of a subtree in place (``tostring(element, method="c14n")``) emits spurious
``xmlns=""`` under an element that declares the default namespace (lxml 6.1.3, libxml2
2.14), which breaks signatures made by ``xmlsec1`` with an unprefixed ``ds`` namespace. The
copy is the element serialised with every in-scope namespace declaration and re-parsed, with
the ``xml:*`` attributes it inherits from its ancestors set on it, which is exactly the
document subset inclusive C14N 1.0 renders.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from kentei.signatures.certificate import (
    attributed_to,
    check_signer_certificate,
    load_certificate,
)
from kentei.signatures.reasons import Refused, RejectionReason
from kentei.signatures.results import Verified
from kentei.signatures.revocation import RevocationSource
from kentei.signatures.trust import TrustStore

KOUSEI_FILE: Final = "kousei.xml"
KOUSEI_ID: Final = "構成情報"
DS: Final = "http://www.w3.org/2000/09/xmldsig#"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_WITH_COMMENTS: Final = C14N + "#WithComments"
ENVELOPED: Final = DS + "enveloped-signature"
SIGNATURE_METHODS: Final[Mapping[str, tuple[str, type[hashes.HashAlgorithm]]]] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("sha256", hashes.SHA256),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("sha384", hashes.SHA384),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("sha512", hashes.SHA512),
}
DIGEST_METHODS: Final[Mapping[str, str]] = {
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
MIN_RSA_BITS: Final = 2048
_ID_ATTRIBUTES: Final = ("Id", "ID", "id", f"{{{XML_NS}}}id")
_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WHITESPACE: Final = re.compile(r"\s+")

_R = RejectionReason


@dataclass(frozen=True)
class _Reference:
    index: int
    uri: str
    transforms: tuple[str, ...]
    digest: str
    """hashlib name."""
    value: bytes


def verify_package(
    package_files: Mapping[str, bytes],
    *,
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> Verified:
    """Verify or raise :class:`Refused` (the public wrapper turns it into a Rejection)."""
    kousei = package_files.get(KOUSEI_FILE)
    if not isinstance(kousei, bytes):
        raise Refused(_R.PACKAGE_MALFORMED, f"the package has no {KOUSEI_FILE}")
    root = _parse(kousei)
    signature = _the_signature(root)
    signed_info = _signed_info(signature)
    with_comments = _canonicalization(signed_info)
    canonical_signed_info = canonical_form(signed_info, with_comments=with_comments)
    signed = _parse(canonical_signed_info)
    hash_name, hash_type = _signature_method(signed)
    references = _references(signed)
    certificate = _signer_certificate(signature)
    with attributed_to(certificate):
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
            raise Refused(_R.SIGNATURE_ALGORITHM_REFUSED, "the signer key is not RSA of 2048+ bits")
        signature_value = _signature_value(signature)
        try:
            key.verify(signature_value, canonical_signed_info, padding.PKCS1v15(), hash_type())
        except InvalidSignature:
            raise Refused(
                _R.SIGNATURE_INVALID, "the signature does not verify with the signer certificate"
            ) from None
        files = _check_references(root, signature, references, package_files)
    checked = check_signer_certificate(
        certificate, arrival=arrival, trust=trust, revocation=revocation
    )
    return Verified(
        channel="egov",
        signer=checked.signer,
        four_items=checked.four_items,
        revocation=checked.revocation,
        algorithm=f"rsa-{hash_name}/c14n-20010315" + ("-with-comments" if with_comments else ""),
        signed_files=files,
        signature_value=signature_value,
    )


def canonical_form(
    element: etree._Element, *, with_comments: bool, drop_signature: bool = False
) -> bytes:
    """Inclusive C14N 1.0 of the subtree at ``element`` as a document subset; with
    ``drop_signature``, without the ``ds:Signature`` inside it (the enveloped-signature
    transform)."""
    copy = etree.fromstring(etree.tostring(element, encoding="utf-8", with_tail=False), _parser())
    for ancestor in element.iterancestors():
        for name, value in ancestor.attrib.items():
            if name.startswith(f"{{{XML_NS}}}") and name not in copy.attrib:
                copy.set(name, value)
    if drop_signature:
        for found in list(copy.iter(f"{{{DS}}}Signature")):
            _remove_keeping_tail(found)
    return etree.tostring(
        copy.getroottree(), method="c14n", exclusive=False, with_comments=with_comments
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def _malformed(detail: str) -> Refused:
    return Refused(_R.SIGNATURE_MALFORMED, detail)


def _refused_algorithm(detail: str) -> Refused:
    return Refused(_R.SIGNATURE_ALGORITHM_REFUSED, detail)


def _parse(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _malformed(f"{KOUSEI_FILE} is not well-formed XML ({type(exc).__name__})") from None
    tree = root.getroottree()
    if (
        tree.docinfo.internalDTD is not None
        or tree.docinfo.externalDTD is not None
        or tree.docinfo.doctype
    ):
        raise _malformed(f"{KOUSEI_FILE} has a DTD, which is not accepted")
    if any(True for _ in root.iter(etree.Entity)):
        raise _malformed(f"{KOUSEI_FILE} has entity references, which are not accepted")
    return root


def _the_signature(root: etree._Element) -> etree._Element:
    signatures = list(root.iter(f"{{{DS}}}Signature"))
    if len(signatures) != 1:
        raise _malformed(f"{len(signatures)} ds:Signature elements; exactly one is accepted")
    if signatures[0] is root:
        raise _malformed("the signature is not enveloped in the document")
    return signatures[0]


def _elements(parent: etree._Element) -> list[etree._Element]:
    """The child elements, without comments and processing instructions."""
    return [child for child in parent if isinstance(child.tag, str)]


def _signed_info(signature: etree._Element) -> etree._Element:
    children = _elements(signature)
    if not children or children[0].tag != f"{{{DS}}}SignedInfo":
        raise _malformed("SignedInfo is not the first child of the signature")
    return children[0]


def _canonicalization(signed_info: etree._Element) -> bool:
    method = signed_info.find(f"{{{DS}}}CanonicalizationMethod")
    algorithm = None if method is None else method.get("Algorithm")
    if algorithm not in (C14N, C14N_WITH_COMMENTS):
        raise _refused_algorithm("CanonicalizationMethod is not C14N 20010315")
    return algorithm == C14N_WITH_COMMENTS


def _signature_method(signed: etree._Element) -> tuple[str, type[hashes.HashAlgorithm]]:
    methods = signed.findall(f"{{{DS}}}SignatureMethod")
    if len(methods) != 1:
        raise _malformed("SignedInfo needs exactly one SignatureMethod")
    if _elements(methods[0]):
        raise _refused_algorithm("SignatureMethod parameters (HMACOutputLength…) are refused")
    method = SIGNATURE_METHODS.get(methods[0].get("Algorithm", ""))
    if method is None:
        raise _refused_algorithm(
            f"SignatureMethod {methods[0].get('Algorithm', '')!r} is refused "
            "(RSA-SHA256/384/512 only)"
        )
    return method


def _references(signed: etree._Element) -> list[_Reference]:
    allowed = {f"{{{DS}}}{n}" for n in ("CanonicalizationMethod", "SignatureMethod", "Reference")}
    if any(child.tag not in allowed for child in _elements(signed)):
        raise _malformed("SignedInfo holds an unexpected element")
    references = [_reference(i, r) for i, r in enumerate(signed.findall(f"{{{DS}}}Reference"), 1)]
    if not references:
        raise _malformed("SignedInfo has no Reference")
    return references


def _reference(index: int, element: etree._Element) -> _Reference:
    uri = element.get("URI")
    if uri is None:
        raise _malformed(f"reference {index} has no URI")
    transforms: list[str] = []
    digest_method = digest_value = None
    for child in _elements(element):
        if child.tag == f"{{{DS}}}Transforms" and not transforms and digest_method is None:
            for transform in _elements(child):
                if transform.tag != f"{{{DS}}}Transform" or _elements(transform):
                    raise _refused_algorithm(f"reference {index} has a transform with parameters")
                transforms.append(transform.get("Algorithm", ""))
        elif child.tag == f"{{{DS}}}DigestMethod" and digest_method is None:
            digest_method = child
        elif (
            child.tag == f"{{{DS}}}DigestValue"
            and digest_method is not None
            and digest_value is None
        ):
            digest_value = child
        else:
            raise _malformed(f"reference {index} is not Transforms?, DigestMethod, DigestValue")
    if digest_method is None or digest_value is None:
        raise _malformed(f"reference {index} lacks DigestMethod or DigestValue")
    digest = DIGEST_METHODS.get(digest_method.get("Algorithm", ""))
    if digest is None or _elements(digest_method):
        raise _refused_algorithm(
            f"reference {index}: DigestMethod {digest_method.get('Algorithm', '')!r} is refused "
            "(SHA-256/384/512 only)"
        )
    return _Reference(
        index, uri, tuple(transforms), digest, _base64(digest_value, f"reference {index}")
    )


def _check_references(
    root: etree._Element,
    signature: etree._Element,
    references: list[_Reference],
    package_files: Mapping[str, bytes],
) -> tuple[str, ...]:
    same_document = [r for r in references if r.uri.startswith("#")]
    if [r.uri for r in same_document] != ["#" + KOUSEI_ID]:
        raise _malformed(f"the signature must reference #{KOUSEI_ID} once and no other fragment")
    kousei = same_document[0]
    files = {r.index: _file_name(r) for r in references if r is not kousei}
    if len(set(files.values())) != len(files):
        raise Refused(_R.PACKAGE_MALFORMED, "a package file is referenced more than once")
    for reference in references:
        if reference is not kousei and reference.transforms:
            raise _refused_algorithm(f"reference {reference.index} (a file) has transforms")
    _check_kousei_reference(root, signature, kousei)
    for reference in references:
        if reference is kousei:
            continue
        content = package_files.get(files[reference.index])
        if content is None:
            raise Refused(
                _R.PACKAGE_MISSING_FILE,
                f"reference {reference.index} names a file not in the package",
            )
        if not hmac.compare_digest(
            hashlib.new(reference.digest, content).digest(), reference.value
        ):
            raise Refused(
                _R.PACKAGE_REFERENCE_MISMATCH,
                f"the file of reference {reference.index} changed after signing",
            )
    unreferenced = set(package_files) - set(files.values()) - {KOUSEI_FILE}
    if unreferenced:
        raise Refused(
            _R.PACKAGE_UNREFERENCED_FILE,
            f"{len(unreferenced)} package file(s) covered by no reference",
        )
    return tuple(sorted(files.values()))


def _check_kousei_reference(
    root: etree._Element, signature: etree._Element, reference: _Reference
) -> None:
    transforms = list(reference.transforms)
    enveloped = transforms[:1] == [ENVELOPED]
    rest = transforms[1:] if enveloped else transforms
    if rest not in ([], [C14N], [C14N_WITH_COMMENTS]):
        raise _refused_algorithm(
            f"reference {reference.index}: only the enveloped-signature transform and C14N "
            "20010315 are accepted"
        )
    targets = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and any(element.get(name) == KOUSEI_ID for name in _ID_ATTRIBUTES)
    ]
    if len(targets) != 1:
        raise _malformed(f"{len(targets)} elements have the Id {KOUSEI_ID}; exactly one is needed")
    target = targets[0]
    if target is signature or any(a is signature for a in target.iterancestors()):
        raise _malformed(f"#{KOUSEI_ID} is inside the signature")
    inside = any(a is target for a in signature.iterancestors())
    if inside and not enveloped:
        raise _malformed(f"#{KOUSEI_ID} contains the signature without the enveloped transform")
    canonical = canonical_form(target, with_comments=False, drop_signature=inside)
    if not hmac.compare_digest(hashlib.new(reference.digest, canonical).digest(), reference.value):
        raise Refused(
            _R.SIGNATURE_DIGEST_MISMATCH,
            f"#{KOUSEI_ID} is not the one signed (reference {reference.index})",
        )


def _file_name(reference: _Reference) -> str:
    uri = reference.uri
    if not uri or _SCHEME.match(uri) or "?" in uri or "#" in uri or uri.startswith("/"):
        raise Refused(
            _R.PACKAGE_MALFORMED, f"reference {reference.index} is not a package file name"
        )
    try:
        name = unquote(uri, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(
            _R.PACKAGE_MALFORMED, f"reference {reference.index} is not UTF-8 percent-encoded"
        ) from None
    if name == KOUSEI_FILE or ".." in name.split("/"):
        raise Refused(
            _R.PACKAGE_MALFORMED, f"reference {reference.index} names {KOUSEI_FILE} or a parent"
        )
    return name


def _signer_certificate(signature: etree._Element) -> x509.Certificate:
    key_info = signature.find(f"{{{DS}}}KeyInfo")
    encoded = (
        [] if key_info is None else key_info.findall(f"{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    )
    certificates = [load_certificate(_base64(e, "X509Certificate")) for e in encoded]
    end_entities = [c for c in certificates if not _is_ca(c)]
    if len(end_entities) != 1:
        raise _malformed(
            f"{len(end_entities)} end-entity X509Certificate elements; exactly one is accepted"
        )
    return end_entities[0]


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _signature_value(signature: etree._Element) -> bytes:
    values = signature.findall(f"{{{DS}}}SignatureValue")
    if len(values) != 1:
        raise _malformed("the signature needs exactly one SignatureValue")
    return _base64(values[0], "SignatureValue")


def _base64(element: etree._Element, what: str) -> bytes:
    if len(element):
        raise _malformed(f"{what} holds markup")
    try:
        return base64.b64decode(_WHITESPACE.sub("", element.text or ""), validate=True)
    except (binascii.Error, ValueError):
        raise _malformed(f"{what} is not base64") from None


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
