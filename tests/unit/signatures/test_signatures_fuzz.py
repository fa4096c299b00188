"""Fuzzing the CMS and XML parsers (bounded): whatever arrives, the verifiers answer with
Verified or a documented Rejection, never an exception and never the catch-all."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentei.signatures import (
    Rejection,
    RejectionReason,
    TrustStore,
    Verified,
    verify_egov,
    verify_mynaportal,
)
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import Issued, TestPki

from .builders import XmlOptions, sign_cms, sign_kousei

FUZZ = settings(
    max_examples=200,
    deadline=dt.timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCUMENT = b'{"name": "fuzz"}'
FILES = {"application.json": DOCUMENT, "a.pdf": b"%PDF-1.7"}
XML_TOKENS = st.sampled_from(
    [
        "<", ">", "/>", "</", "&", "&amp;", '"', "'", "=", " ", "ds:", "xmlns:ds=", "Id=",
        "構成情報", "#構成情報", "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE x>", "<?pi?>",
        "URI=", "Algorithm=", "Reference", "Signature", "SignedInfo", "DigestValue", "AAAA",
        "\x00", "\ud7ff", "%", "../", "file:///etc/passwd",
    ]
)  # fmt: skip


def assert_answered(result: object) -> None:
    assert isinstance(result, Verified | Rejection), result
    if isinstance(result, Rejection):
        assert isinstance(result.reason, RejectionReason)
        assert not result.detail.startswith("unexpected"), result.detail


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mutated_text(draw: st.DrawFn, original: str) -> bytes:
    text = original
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + draw(st.lists(XML_TOKENS, max_size=3).map("".join)) + text[end:]
    return text.encode()


@pytest.fixture(scope="module")
def signed(card: Issued) -> tuple[bytes, bytes]:
    return sign_cms(DOCUMENT, card), sign_kousei(FILES, card, XmlOptions())


@pytest.fixture(scope="module")
def crls(pki: TestPki) -> CrlDirectory:
    return CrlDirectory(pki.crl_dir)


NOW = dt.datetime.now(dt.UTC)


def test_the_unmutated_inputs_verify(
    signed: tuple[bytes, bytes], trust: TrustStore, crls: CrlDirectory
) -> None:
    signature, kousei = signed
    assert isinstance(verify_mynaportal(DOCUMENT, signature, NOW, trust, crls), Verified)
    assert isinstance(verify_egov({"kousei.xml": kousei, **FILES}, NOW, trust, crls), Verified)


@FUZZ
@given(signature=st.binary(max_size=4096), document=st.binary(max_size=64))
def test_random_bytes_as_a_cms_signature_are_rejected(
    signature: bytes, document: bytes, trust: TrustStore, crls: CrlDirectory
) -> None:
    result = verify_mynaportal(document, signature, NOW, trust, crls)
    assert isinstance(result, Rejection)
    assert_answered(result)


@FUZZ
@given(data=st.data())
def test_mutated_cms_signatures_are_answered(
    data: st.DataObject, signed: tuple[bytes, bytes], trust: TrustStore, crls: CrlDirectory
) -> None:
    signature = data.draw(mutated(signed[0]))
    assert_answered(verify_mynaportal(DOCUMENT, signature, NOW, trust, crls))


@FUZZ
@given(kousei=st.binary(max_size=4096))
def test_random_bytes_as_kousei_xml_are_rejected(
    kousei: bytes, trust: TrustStore, crls: CrlDirectory
) -> None:
    result = verify_egov({"kousei.xml": kousei, **FILES}, NOW, trust, crls)
    assert isinstance(result, Rejection)
    assert_answered(result)


@FUZZ
@given(data=st.data())
def test_mutated_kousei_bytes_are_answered(
    data: st.DataObject, signed: tuple[bytes, bytes], trust: TrustStore, crls: CrlDirectory
) -> None:
    kousei = data.draw(mutated(signed[1]))
    assert_answered(verify_egov({"kousei.xml": kousei, **FILES}, NOW, trust, crls))


@FUZZ
@given(data=st.data())
def test_mutated_kousei_markup_is_answered(
    data: st.DataObject, signed: tuple[bytes, bytes], trust: TrustStore, crls: CrlDirectory
) -> None:
    kousei = data.draw(mutated_text(signed[1].decode()))
    assert_answered(verify_egov({"kousei.xml": kousei, **FILES}, NOW, trust, crls))


@FUZZ
@given(
    extra=st.dictionaries(st.text(max_size=12), st.binary(max_size=16), max_size=3),
    dropped=st.sets(st.sampled_from(sorted(FILES))),
)
def test_packages_with_files_added_or_dropped_are_answered(
    extra: dict[str, bytes],
    dropped: set[str],
    signed: tuple[bytes, bytes],
    trust: TrustStore,
    crls: CrlDirectory,
) -> None:
    files = {"kousei.xml": signed[1], **FILES, **extra}
    for name in dropped:
        files.pop(name, None)
    result = verify_egov(files, NOW, trust, crls)
    assert_answered(result)
    if isinstance(result, Verified):
        assert set(files) - {"kousei.xml"} == set(FILES)
