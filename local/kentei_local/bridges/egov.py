"""The e-Gov package: ``kousei.xml`` (構成管理情報) signed with ``xmlsec1``, the application
document and the attachments, zipped.

``kousei.xml`` is::

    <構成管理情報>
    <構成情報 Id="構成情報">
    <申請書属性情報><ファイル名>application.json</ファイル名></申請書属性情報>
    <添付書類属性情報><ファイル名>a.pdf</ファイル名></添付書類属性情報>   (one per attachment)
    </構成情報>
    <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">   (enveloped, in the root)
      SignedInfo: C14N 20010315 (inclusive, without comments), RSA-SHA256;
      Reference URI="#構成情報"   (no Transforms: the default C14N 20010315 of the element)
      Reference URI="application.json", URI="a.pdf", ...   (no Transforms: the file's bytes)
      each with DigestMethod SHA-256; KeyInfo/X509Data/X509Certificate: the signer's cert
    </ds:Signature>
    </構成管理情報>

The ``ds`` namespace is declared on ``ds:Signature`` only, so the referenced ``構成情報``
element inherits no namespace declaration (its inclusive canonical form is just itself).
A file's reference URI is its name, with ASCII characters other than RFC 3986 unreserved ones
percent-encoded and non-ASCII kept as is (an IRI); ``urllib.parse.unquote`` gives the name back.

``xmlsec1`` opens a relative reference URI relative to its *working directory*, not to the
template's location (measured with xmlsec1 1.2.37), so it runs inside the package folder.
Its ``--id-attr:Id 構成情報`` makes the non-``xml:id`` ``Id`` attribute an ID.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from kentei_local.bridges.cms import run_tool
from kentei_local.bridges.document import Attachment
from kentei_local.bridges.signer import Signer

KOUSEI_FILE: Final = "kousei.xml"
APPLICATION_FILE: Final = "application.json"
KOUSEI_ID: Final = "構成情報"
ROOT_ELEMENT: Final = "構成管理情報"
DSIG_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256: Final = "http://www.w3.org/2001/04/xmlenc#sha256"
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_RESERVED_NAMES: Final = frozenset({KOUSEI_FILE, APPLICATION_FILE})


def reference_uri(name: str) -> str:
    """The Reference URI of the package file ``name``."""
    return "".join(
        c if not c.isascii() or c in _UNRESERVED else "".join(f"%{b:02X}" for b in c.encode())
        for c in name
    )


def kousei_template(attachment_names: Sequence[str]) -> str:
    """The unsigned 構成管理情報 listing ``application.json`` and the attachments, with the
    signature template ``xmlsec1`` fills in."""
    files = [APPLICATION_FILE, *attachment_names]
    listed = "".join(
        f"<添付書類属性情報><ファイル名>{escape(name)}</ファイル名></添付書類属性情報>\n"
        for name in attachment_names
    )
    references = "".join(
        f"<ds:Reference URI={quoteattr(uri)}>"
        f'<ds:DigestMethod Algorithm="{SHA256}"/><ds:DigestValue/></ds:Reference>\n'
        for uri in ["#" + KOUSEI_ID, *(reference_uri(name) for name in files)]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<{ROOT_ELEMENT}>\n"
        f'<{KOUSEI_ID} Id="{KOUSEI_ID}">\n'
        f"<申請書属性情報><ファイル名>{APPLICATION_FILE}</ファイル名></申請書属性情報>\n"
        f"{listed}"
        f"</{KOUSEI_ID}>\n"
        f'<ds:Signature xmlns:ds="{DSIG_NS}">\n'
        "<ds:SignedInfo>\n"
        f'<ds:CanonicalizationMethod Algorithm="{C14N}"/>\n'
        f'<ds:SignatureMethod Algorithm="{RSA_SHA256}"/>\n'
        f"{references}"
        "</ds:SignedInfo>\n"
        "<ds:SignatureValue/>\n"
        "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>\n"
        "</ds:Signature>\n"
        f"</{ROOT_ELEMENT}>\n"
    )


def sign_kousei(folder: Path, signer: Signer) -> Path:
    """Sign ``folder/kousei.xml`` in place with ``xmlsec1``; the files it references must be
    in ``folder``."""
    run_tool(
        [
            "xmlsec1",
            "--sign",
            "--privkey-pem",
            f"{signer.key.resolve()},{signer.certificate.resolve()}",
            "--id-attr:Id",
            KOUSEI_ID,
            "--output",
            "kousei.signed.xml",
            KOUSEI_FILE,
        ],
        cwd=folder,
    )
    (folder / "kousei.signed.xml").replace(folder / KOUSEI_FILE)
    return folder / KOUSEI_FILE


def build_package(
    document: bytes,
    attachments: Sequence[Attachment],
    signer: Signer,
    *,
    unreferenced: Sequence[Attachment] = (),
    replace_after_signing: Sequence[Attachment] = (),
) -> bytes:
    """The zip e-Gov delivers: signed ``kousei.xml``, ``application.json``, the attachments.

    For tests of what the verifier must refuse: ``unreferenced`` files are added after
    signing (covered by no reference), and ``replace_after_signing`` replaces a file (the
    application document too, by its name) with other bytes once the signature is made.
    """
    names = [a.name for a in attachments]
    for name in [*names, *(a.name for a in unreferenced)]:
        _check_name(name)
    if len(set(names)) != len(names):
        raise ValueError("attachment names must be unique")
    with tempfile.TemporaryDirectory(prefix="kentei-egov-") as work:
        folder = Path(work)
        (folder / APPLICATION_FILE).write_bytes(document)
        for attachment in attachments:
            (folder / attachment.name).write_bytes(attachment.content)
        (folder / KOUSEI_FILE).write_text(kousei_template(names), encoding="utf-8")
        sign_kousei(folder, signer)
        for changed in [*unreferenced, *replace_after_signing]:
            (folder / changed.name).write_bytes(changed.content)
        order = [KOUSEI_FILE, APPLICATION_FILE, *names, *(a.name for a in unreferenced)]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
            for name in order:
                package.write(folder / name, arcname=name)
        return buffer.getvalue()


def _check_name(name: str) -> None:
    if (
        not name
        or name in _RESERVED_NAMES
        or "/" in name
        or "\\" in name
        or name in {".", ".."}
        or any(ord(c) < 32 for c in name)
    ):
        raise ValueError(f"not a usable package file name: {name!r}")
