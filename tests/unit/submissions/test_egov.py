"""e-Gov: the package read safely, kousei.xml's signature shape and digests, the form from
application.json."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kentei.applications.model import Channel
from kentei.submissions import EgovRequest, SubmissionError, parse_egov
from kentei.submissions.limits import MAX_ATTACHMENT_BYTES, MAX_PACKAGE_ENTRIES

from .builders import (
    FORM,
    GIF,
    JPEG,
    PDF,
    Signer,
    b64,
    document,
    kousei,
    package,
    with_flag,
    zip_files,
)

FILES = {"実務経験証明書.pdf": PDF, "photo.jpg": JPEG}


def request(data: bytes) -> EgovRequest:
    return EgovRequest(channel="egov", package=b64(data))


def refusal(data: bytes) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        parse_egov(request(data))
    return caught.value


def test_given_a_package_as_e_gov_delivers_it_then_parsed(signer: Signer) -> None:
    data = package(FILES, certificate=signer.certificate_pem())

    parsed = parse_egov(request(data))

    assert parsed.channel is Channel.EGOV
    assert parsed.prefecture_code == FORM["prefecture_code"]
    assert parsed.form.my_number is not None
    assert parsed.form.my_number.reveal() == FORM["my_number"]
    assert [(f.name, f.media_type, f.content) for f in parsed.attachments] == [
        ("実務経験証明書.pdf", "application/pdf", PDF),
        ("photo.jpg", "image/jpeg", JPEG),
    ]
    assert [(p.name, p.media_type, p.content) for p in parsed.raw_parts] == [
        ("package.zip", "application/zip", data)
    ]
    assert parsed.mynaportal_pseudonym_id is None
    assert parsed.paper is None


@pytest.mark.tools("xmlsec1")
def test_given_a_package_signed_with_xmlsec1_then_accepted(signer: Signer, tmp_path: Path) -> None:
    files = {"application.json": document(files={"scan.pdf": PDF}), "scan.pdf": PDF}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "template.xml").write_bytes(kousei(files, template=True))
    (tmp_path / "key.pem").write_bytes(signer.key_pem())
    (tmp_path / "cert.pem").write_bytes(signer.certificate_pem())
    subprocess.run(
        [
            *("xmlsec1", "--sign", "--privkey-pem", "key.pem,cert.pem"),
            *("--id-attr:id", "構成情報", "--output", "kousei.xml", "template.xml"),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    signed = (tmp_path / "kousei.xml").read_bytes()

    parsed = parse_egov(request(zip_files([("kousei.xml", signed), *files.items()])))

    assert [f.name for f in parsed.attachments] == ["scan.pdf"]


def test_given_percent_encoded_reference_uris_then_they_name_the_files() -> None:
    from urllib.parse import quote

    files = {"application.json": document(files=FILES), **FILES}
    manifest = kousei(files, references=[quote(name) for name in files])
    digests = {quote(n): hashlib.sha256(c).digest() for n, c in files.items()}
    manifest = kousei(files, references=list(digests), digests=digests)

    parsed = parse_egov(request(zip_files([("kousei.xml", manifest), *files.items()])))

    assert len(parsed.attachments) == 2


@pytest.mark.parametrize(
    "name", ["../evil.pdf", "/etc/evil.pdf", "sub/evil.pdf", "sub\\evil.pdf", "C:evil.pdf", ".."]
)
def test_given_an_entry_outside_the_top_level_then_invalid_package(name: str) -> None:
    data = zip_files([(name, PDF), ("application.json", document())])

    exc = refusal(data)

    assert (exc.kind, exc.slug, exc.errors[0].field) == (
        "invalid",
        "invalid-package",
        "package:entries.0",
    )
    assert name not in (str(exc) + repr(exc) + str(exc.errors))


def test_given_a_directory_entry_then_invalid_package() -> None:
    exc = refusal(zip_files([("scans/", b""), ("application.json", document())]))

    assert exc.slug == "invalid-package"


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("second", ["application.json", "APPLICATION.JSON"])
def test_given_two_entries_with_one_name_then_invalid_package(second: str) -> None:
    data = zip_files([("application.json", document()), (second, document())])

    exc = refusal(data)

    assert exc.slug == "invalid-package"
    assert "name of another entry" in exc.errors[0].problem


def test_given_too_many_entries_then_413() -> None:
    data = zip_files([(f"{i}.pdf", PDF) for i in range(MAX_PACKAGE_ENTRIES + 1)])

    exc = refusal(data)

    assert (exc.kind, exc.slug, exc.errors[0].field) == ("too_large", "too-large", "package")


def test_given_an_entry_over_its_limit_then_413() -> None:
    data = zip_files([("big.pdf", PDF + b"\x01" * MAX_ATTACHMENT_BYTES)], zipfile.ZIP_STORED)

    exc = refusal(data)

    assert (exc.kind, exc.slug, exc.errors[0].field) == (
        "too_large",
        "too-large",
        "package:entries.0",
    )


def test_given_an_entry_that_expands_a_thousandfold_then_413_as_a_zip_bomb() -> None:
    data = zip_files([("bomb.pdf", PDF + b"\0" * (5 * 1024 * 1024))])

    exc = refusal(data)

    assert (exc.kind, exc.slug) == ("too_large", "too-large")
    assert "zip bomb" in exc.errors[0].problem


def test_given_a_header_that_understates_the_size_then_the_read_stops_and_refuses() -> None:
    honest = zip_files([("kousei.xml", b"<x/>"), ("application.json", document())])
    size = len(document()).to_bytes(4, "little")
    lying = honest.replace(size, (10).to_bytes(4, "little"))

    exc = refusal(lying)

    assert (exc.kind, exc.slug) == ("invalid", "invalid-package")


def test_given_an_encrypted_entry_then_invalid_package() -> None:
    data = with_flag(zip_files([("application.json", document())], zipfile.ZIP_STORED), 0x1)

    exc = refusal(data)

    assert "encrypted" in exc.errors[0].problem


def test_given_a_symlink_entry_then_invalid_package() -> None:
    info = zipfile.ZipInfo("link.pdf")
    info.external_attr = 0o120777 << 16

    exc = refusal(zip_files([(info, b"/etc/passwd")]))

    assert "link" in exc.errors[0].problem


def test_given_bzip2_compression_then_invalid_package() -> None:
    exc = refusal(zip_files([("application.json", document())], zipfile.ZIP_BZIP2))

    assert "stored or deflated" in exc.errors[0].problem


def test_given_a_non_ascii_name_without_the_utf8_flag_then_invalid_package() -> None:
    data = zip_files([("X.pdf", PDF)], zipfile.ZIP_STORED).replace(b"X.pdf", b"\x82.pdf")

    exc = refusal(data)

    assert "UTF-8 flag" in exc.errors[0].problem


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04", b"not a zip", PDF])
def test_given_bytes_that_are_not_a_zip_then_invalid_package(data: bytes) -> None:
    exc = refusal(data)

    assert (exc.kind, exc.slug, exc.errors[0].field) == ("invalid", "invalid-package", "package")


@pytest.mark.parametrize("missing", ["kousei.xml", "application.json"])
def test_given_a_package_without_a_required_file_then_invalid_package(missing: str) -> None:
    full = {"kousei.xml": kousei({}), "application.json": document()}
    data = zip_files((n, c) for n, c in full.items() if n != missing)

    exc = refusal(data)

    assert (exc.slug, exc.errors[0].field) == ("invalid-package", f"package:{missing}")


@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE 構成管理情報>",
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_given_a_dtd_or_entity_in_kousei_xml_then_invalid_package(prolog: str) -> None:
    exc = refusal(package(prolog=prolog))

    assert (exc.slug, exc.errors[0].field) == ("invalid-package", "package:kousei.xml")
    assert "DTD" in exc.errors[0].problem


def test_given_kousei_xml_that_is_not_xml_then_invalid_package() -> None:
    data = zip_files([("kousei.xml", b"<unclosed>"), ("application.json", document())])

    exc = refusal(data)

    assert exc.errors[0].problem == "is not well-formed XML"


def test_given_kousei_xml_without_a_signature_then_invalid_package() -> None:
    data = zip_files([("kousei.xml", "<構成管理情報/>".encode()), ("application.json", document())])

    exc = refusal(data)

    assert "ds:Signature" in exc.errors[0].problem


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"canonicalization": "http://www.w3.org/2001/10/xml-exc-c14n#"}, "C14N"),
        ({"signature_method": "http://www.w3.org/2000/09/xmldsig#rsa-sha1"}, "RSA-SHA256"),
        ({"digest_method": "http://www.w3.org/2000/09/xmldsig#sha1"}, "SHA-256"),
        ({"structure_id": "other"}, "id no element has"),
        ({"certificate": b""}, "X509Certificate"),
        ({"references": ["application.json", "missing.pdf"]}, "not in the package"),
    ],
)
def test_given_a_signature_of_the_wrong_shape_then_invalid_package(
    options: dict[str, Any], problem: str
) -> None:
    exc = refusal(package(**options))

    assert (exc.slug, exc.errors[0].field) == ("invalid-package", "package:kousei.xml")
    assert problem in exc.errors[0].problem


def test_given_a_file_the_signature_does_not_reference_then_invalid_package() -> None:
    files = {"application.json": document(files=FILES), **FILES}
    manifest = kousei(files, references=["application.json", "photo.jpg"])

    exc = refusal(zip_files([("kousei.xml", manifest), *files.items()]))

    assert (exc.slug, [e.field for e in exc.errors]) == ("invalid-package", ["package:entries.2"])


def test_given_a_file_that_differs_from_its_digest_in_kousei_then_digest_mismatch() -> None:
    files = {"application.json": document(files=FILES), **FILES}
    manifest = kousei(files)
    files["実務経験証明書.pdf"] = PDF + b"changed after signing"

    exc = refusal(zip_files([("kousei.xml", manifest), *files.items()]))

    assert (exc.kind, exc.slug, exc.errors[0].field) == (
        "invalid",
        "digest-mismatch",
        "package:entries.2",
    )


def test_given_a_file_application_json_does_not_list_then_attachment_mismatch() -> None:
    files = {"application.json": document(files={"photo.jpg": JPEG}), **FILES}

    exc = refusal(zip_files([("kousei.xml", kousei(files)), *files.items()]))

    assert (exc.slug, [e.field for e in exc.errors]) == (
        "attachment-mismatch",
        ["package:entries.2"],
    )


def test_given_an_attachment_that_is_not_pdf_jpeg_or_png_then_415() -> None:
    exc = refusal(package({"anim.gif": GIF}))

    assert (exc.kind, exc.slug, exc.errors[0].field) == (
        "unsupported_media_type",
        "unsupported-media-type",
        "package:entries.2",
    )


def test_given_a_form_error_in_application_json_then_located_inside_it() -> None:
    exc = refusal(package(form={**FORM, "birth_date": "1990-13-01", "extra": 1}))

    assert exc.slug == "invalid-document"
    assert sorted(e.field for e in exc.errors) == [
        "package:application.json.birth_date",
        "package:application.json.extra",
    ]


def test_given_a_package_over_its_limit_then_413_before_decoding() -> None:
    exc = refusal(b"\0" * (23 * 1024 * 1024))

    assert (exc.kind, exc.slug, exc.errors[0].field) == ("too_large", "too-large", "package")
