"""The independent bridge clients make what the contract says, with the standard tools.

The CMS signature is taken apart with ``asn1crypto`` and checked with ``openssl cms
-verify``; the e-Gov package's ``kousei.xml`` is verified with ``xmlsec1 --verify``; the HTTP
requests are captured by a plain local server.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from kentei.my_number import check_digit, is_valid
from kentei_local.bridges import (
    APPLICATION_FILE,
    JAPANESE_KEYS,
    KOUSEI_FILE,
    KOUSEI_ID,
    Attachment,
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    Signer,
    application_document,
    build_package,
    kousei_template,
    my_number_check_digit,
    reference_uri,
    sample_form,
    sample_jpeg,
    sample_my_number,
    sample_pdf,
    sample_png,
    sign_detached,
)
from kentei_local.signin import Credentials
from kentei_local.testpki import FourItems, TestPki

pytestmark = pytest.mark.tools("openssl", "xmlsec1")

DS = "{http://www.w3.org/2000/09/xmldsig#}"
PDF = Attachment("certificate-of-experience.pdf", sample_pdf(label="experience"))
PNG = Attachment("写真 1.png", sample_png(), "image/png")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signer(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Signer:
    card = pki.signature_certificate(
        FourItems("見本 太郎", "1", dt.date(1990, 4, 1), "東京都千代田区霞が関一丁目二番二号")
    )
    paths = card.write(tmp_path_factory.mktemp("card"))
    return Signer(key=paths.key, certificate=paths.certificate)


def signer_certificate(signer: Signer) -> x509.Certificate:
    return x509.load_pem_x509_certificate(signer.certificate.read_bytes())


# --- the document ---------------------------------------------------------------------------


def test_the_bridges_check_digit_agrees_with_the_servers() -> None:
    for first in ("12345678901", "00000000000", "99999999999", "31415926535"):
        assert my_number_check_digit(first) == check_digit(first)
    assert is_valid(sample_my_number())
    assert not is_valid(sample_my_number(valid=False))


def test_the_document_is_utf8_json_of_the_items_and_the_attachment_digests() -> None:
    form = sample_form(my_number="123456789018")

    document = json.loads(application_document(form, [PDF, PNG]).decode("utf-8"))

    assert {k: v for k, v in document.items() if k != "attachments"} == form
    assert document["attachments"] == [
        {"name": PDF.name, "sha256": hashlib.sha256(PDF.content).hexdigest()},
        {"name": PNG.name, "sha256": hashlib.sha256(PNG.content).hexdigest()},
    ]
    assert "application_receipt_id" not in document
    assert "申請受付ID" not in document


def test_the_document_can_use_the_japanese_item_names() -> None:
    form = sample_form()

    document = json.loads(application_document(form, [PDF], japanese=True))

    assert document["氏名"] == form["name"]
    assert document["個人番号"] == form["my_number"]
    assert set(document) == {JAPANESE_KEYS[k] for k in form} | {"attachments"}


def test_sample_files_start_with_their_magic_bytes() -> None:
    assert sample_pdf().startswith(b"%PDF-")
    assert sample_pdf().rstrip().endswith(b"%%EOF")
    assert len(sample_pdf(size=50_000)) >= 50_000
    assert sample_png().startswith(b"\x89PNG\r\n\x1a\n")
    assert sample_jpeg().startswith(b"\xff\xd8\xff")


# --- the Mynaportal signature: openssl cms -sign ----------------------------------------------


def signed_data(signature: bytes) -> cms.SignedData:
    info = cms.ContentInfo.load(signature)
    assert info["content_type"].native == "signed_data"
    content = info["content"]
    assert isinstance(content, cms.SignedData)
    return content


def test_the_signature_is_a_detached_cms_signed_data_with_the_certificate_and_message_digest(
    signer: Signer,
) -> None:
    document = application_document(sample_form(), [PDF])

    data = signed_data(sign_detached(document, signer))

    assert data["encap_content_info"]["content_type"].native == "data"
    assert data["encap_content_info"]["content"].native is None  # detached
    embedded = [c.chosen.dump() for c in data["certificates"]]
    assert embedded == [signer_certificate(signer).public_bytes(Encoding.DER)]
    (signer_info,) = data["signer_infos"]
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    attributes = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    assert set(attributes) >= {"content_type", "message_digest", "signing_time"}
    assert "smime_capabilities" not in attributes
    assert attributes["message_digest"].native == hashlib.sha256(document).digest()
    # The signature is over the DER of the signed attributes as a SET (RFC 5652 §5.4).
    signed_attrs = signer_info["signed_attrs"].untag().dump(force=True)
    public = signer_certificate(signer).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(
        signer_info["signature"].native, signed_attrs, padding.PKCS1v15(), hashes.SHA256()
    )


def test_openssl_verifies_the_detached_signature_and_refuses_a_changed_document(
    signer: Signer, pki: TestPki, tmp_path: Path
) -> None:
    document = application_document(sample_form(), [PDF])
    (tmp_path / "sig.der").write_bytes(sign_detached(document, signer))
    (tmp_path / "doc.json").write_bytes(document)
    (tmp_path / "changed.json").write_bytes(document.replace("見本".encode(), "偽物".encode()))

    def verify(content: str) -> int:
        return subprocess.run(
            [
                "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                "-in", "sig.der", "-content", content,
                "-CAfile", str(pki.trust_anchors_path), "-out", "/dev/null",
            ],
            cwd=tmp_path, capture_output=True, check=False, timeout=30,
        ).returncode  # fmt: skip

    assert verify("doc.json") == 0
    assert verify("changed.json") != 0


def test_weaker_signatures_can_be_made_for_refusal_tests(signer: Signer) -> None:
    document = b'{"name": "x"}'

    sha1 = signed_data(sign_detached(document, signer, digest="sha1"))
    bare = signed_data(sign_detached(document, signer, signed_attributes=False))

    assert sha1["signer_infos"][0]["digest_algorithm"]["algorithm"].native == "sha1"
    assert not bare["signer_infos"][0]["signed_attrs"]


# --- the e-Gov package: xmlsec1 --sign ---------------------------------------------------------


def unpack(package: bytes, folder: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(folder)
        return archive.namelist()


def xmlsec_verify(folder: Path, pki: TestPki) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "xmlsec1", "--verify", "--trusted-pem", str(pki.trust_anchors_path),
            "--id-attr:Id", KOUSEI_ID, KOUSEI_FILE,
        ],
        cwd=folder, capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip


@pytest.fixture(scope="module")
def package(signer: Signer) -> tuple[bytes, bytes]:
    document = application_document(sample_form(), [PDF, PNG])
    return document, build_package(document, [PDF, PNG], signer)


def test_the_package_holds_the_signed_kousei_the_document_and_the_attachments(
    package: tuple[bytes, bytes], tmp_path: Path
) -> None:
    document, zipped = package

    names = unpack(zipped, tmp_path)

    assert names == [KOUSEI_FILE, APPLICATION_FILE, PDF.name, PNG.name]
    assert (tmp_path / APPLICATION_FILE).read_bytes() == document
    assert (tmp_path / PNG.name).read_bytes() == PNG.content


def test_kousei_references_the_kousei_element_and_every_file_by_name_with_sha256(
    package: tuple[bytes, bytes], signer: Signer, tmp_path: Path
) -> None:
    unpack(package[1], tmp_path)
    root = ElementTree.parse(tmp_path / KOUSEI_FILE).getroot()

    assert root.tag == "構成管理情報"
    kousei = root.find(KOUSEI_ID)
    assert kousei is not None
    assert kousei.get("Id") == KOUSEI_ID
    listed = [e.text for e in kousei.iter("ファイル名")]
    assert listed == [APPLICATION_FILE, PDF.name, PNG.name]
    signature = root.find(f"{DS}Signature")
    assert signature is not None
    signed_info = signature.find(f"{DS}SignedInfo")
    assert signed_info is not None
    c14n = signed_info.find(f"{DS}CanonicalizationMethod")
    method = signed_info.find(f"{DS}SignatureMethod")
    assert c14n is not None
    assert method is not None
    assert c14n.get("Algorithm") == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    assert method.get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    references = signed_info.findall(f"{DS}Reference")
    uris = [r.get("URI") or "" for r in references]
    assert uris == ["#構成情報", APPLICATION_FILE, PDF.name, "写真%201.png"]
    for reference, uri in zip(references[1:], uris[1:], strict=True):
        digest = reference.find(f"{DS}DigestValue")
        assert digest is not None
        assert digest.text == base64.b64encode(
            hashlib.sha256((tmp_path / unquote(uri)).read_bytes()).digest()
        ).decode("ascii")
        digest_method = reference.find(f"{DS}DigestMethod")
        assert digest_method is not None
        assert digest_method.get("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256"
    embedded = signature.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert embedded is not None
    assert embedded.text is not None
    der = base64.b64decode("".join(embedded.text.split()))
    assert der == signer_certificate(signer).public_bytes(Encoding.DER)


def test_the_ds_namespace_is_declared_on_the_signature_only() -> None:
    template = kousei_template(["a.pdf"])

    assert template.count("xmlns:ds=") == 1
    assert '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">' in template
    assert "<構成管理情報>" in template


def test_xmlsec1_verifies_the_package_signature(
    package: tuple[bytes, bytes], pki: TestPki, tmp_path: Path
) -> None:
    unpack(package[1], tmp_path)

    result = xmlsec_verify(tmp_path, pki)

    assert result.returncode == 0, result.stderr
    assert "SignedInfo References (ok/all): 4/4" in result.stderr


@pytest.mark.parametrize(
    "tamper",
    ["attachment", "document", "file list"],
)
def test_xmlsec1_refuses_the_package_once_a_signed_part_changes(
    package: tuple[bytes, bytes], pki: TestPki, tmp_path: Path, tamper: str
) -> None:
    unpack(package[1], tmp_path)
    if tamper == "attachment":
        (tmp_path / PDF.name).write_bytes(sample_pdf(label="forged"))
    elif tamper == "document":
        path = tmp_path / APPLICATION_FILE
        path.write_bytes(path.read_bytes().replace("見本".encode(), "偽物".encode()))
    else:
        path = tmp_path / KOUSEI_FILE
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(PDF.name + "<", "other.pdf<", 1), encoding="utf-8")

    result = xmlsec_verify(tmp_path, pki)

    assert result.returncode != 0


def test_xmlsec1_refuses_a_package_signed_by_an_untrusted_ca(
    package: tuple[bytes, bytes], tmp_path: Path
) -> None:
    unpack(package[1], tmp_path)
    stranger = TestPki.create(tmp_path / "stranger")

    assert xmlsec_verify(tmp_path, stranger).returncode != 0


def test_files_added_or_replaced_after_signing_are_for_refusal_tests(
    signer: Signer, pki: TestPki, tmp_path: Path
) -> None:
    document = application_document(sample_form(), [PDF])
    extra = Attachment("unlisted.pdf", sample_pdf(label="unlisted"))

    added = build_package(document, [PDF], signer, unreferenced=[extra])
    swapped = build_package(
        document, [PDF], signer, replace_after_signing=[Attachment(PDF.name, sample_pdf())]
    )

    names = unpack(added, tmp_path / "added")
    assert names[-1] == "unlisted.pdf"
    assert "unlisted.pdf" not in (tmp_path / "added" / KOUSEI_FILE).read_text(encoding="utf-8")
    assert xmlsec_verify(tmp_path / "added", pki).returncode == 0  # xmlsec1 ignores extra files
    unpack(swapped, tmp_path / "swapped")
    assert xmlsec_verify(tmp_path / "swapped", pki).returncode != 0


@pytest.mark.parametrize("name", ["", "kousei.xml", "application.json", "../x.pdf", "a/b.pdf"])
def test_unusable_file_names_are_refused(signer: Signer, name: str) -> None:
    with pytest.raises(ValueError, match="file name"):
        build_package(b"{}", [Attachment(name, sample_pdf())], signer)


def test_reference_uris_escape_ascii_specials_and_keep_japanese() -> None:
    assert reference_uri("写真 1.png") == "写真%201.png"
    assert reference_uri("a#b%c?.pdf") == "a%23b%25c%3F.pdf"
    assert unquote(reference_uri("写真 1#.png")) == "写真 1#.png"


# --- the HTTP clients ---------------------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
        )
        self._answer(202, {"application_id": "13-X", "status": "received", "status_url": "/x"})

    def do_GET(self) -> None:
        self.requests.append({"path": self.path, "headers": dict(self.headers), "body": b""})
        self._answer(200, {"status": "received"})

    def _answer(self, status: int, body: dict[str, str]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_mynaportal_bridge_posts_the_contracts_body_with_key_and_caller(
    recorder: tuple[str, list[dict[str, Any]]], signer: Signer
) -> None:
    url, seen = recorder
    document = application_document(sample_form(), [PDF])
    signature = sign_detached(document, signer)

    submission = MynaportalBridge(url).submit(
        document, signature, [PDF], pseudonym_id="mp-sample-0001"
    )

    assert submission.response.status_code == 202
    assert submission.application_id == "13-X"
    (request,) = seen
    assert request["path"] == "/v1/applications"
    assert request["headers"]["Content-Type"] == "application/json"
    # A bare URL: no credentials, and never a header that names the caller.
    assert "Authorization" not in request["headers"]
    assert not [name for name in request["headers"] if "caller" in name.lower()]
    assert request["headers"]["Idempotency-Key"] == submission.idempotency_key
    assert 8 <= len(submission.idempotency_key) <= 128
    assert request["body"] == submission.body
    body = json.loads(request["body"])
    assert body == {
        "channel": "mynaportal",
        "mynaportal_pseudonym_id": "mp-sample-0001",
        "document": base64.b64encode(document).decode(),
        "signature": base64.b64encode(signature).decode(),
        "attachments": [
            {
                "name": PDF.name,
                "media_type": "application/pdf",
                "content": base64.b64encode(PDF.content).decode(),
            }
        ],
    }


def test_the_egov_bridge_and_the_paper_desk_post_their_channels(
    recorder: tuple[str, list[dict[str, Any]]],
) -> None:
    url, seen = recorder
    form = sample_form()

    EgovBridge(url).submit(b"PK-zip", idempotency_key="egov-key-0001")
    desk = PaperDesk(Credentials(url, token="id-token-of-staff-001"), "13", "staff-001")
    desk.submit(form, "my_number_card", [PDF])
    desk.status("13-X")

    egov, paper, status = seen
    assert "Authorization" not in egov["headers"]
    assert egov["headers"]["Idempotency-Key"] == "egov-key-0001"
    assert json.loads(egov["body"]) == {"channel": "egov", "package": "UEstemlw"}
    assert paper["headers"]["Authorization"] == "Bearer id-token-of-staff-001"
    assert status["headers"]["Authorization"] == "Bearer id-token-of-staff-001"
    paper_body = json.loads(paper["body"])
    assert paper_body["channel"] == "paper"
    assert paper_body["form"] == form
    assert paper_body["identity_confirmation"] == "my_number_card"
    assert [a["name"] for a in paper_body["attachments"]] == [PDF.name]
    assert status["path"] == "/v1/applications/13-X"
