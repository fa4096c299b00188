"""The 2D code: read back with cbor2, base45, zlib and cryptography alone, never our decoder;
its QR version measured on a realistic certificate; tampering and foreign keys refused."""

from __future__ import annotations

import io
import zlib

import base45
import cbor2
import pytest
import zxingcpp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from PIL import Image
from tests.unit.credentials.samples import ISSUED_AT, Issuing, sample_pass

from kentei.credentials.paper_code import (
    COSE_SIGN1_TAG,
    PREFIX,
    QR_ERROR,
    QR_VERSION_TYPICAL,
    QUIET_ZONE,
    PaperCodeError,
    PaperCodeSignatureError,
    decode,
    qr_code,
    qr_png,
)
from kentei.credentials.status import StatusSlot
from kentei.signing.port import COSE_ES256

SLOT = StatusSlot(2, 123_456)
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_an_independent_reader_verifies_the_signature_and_reads_the_documented_claims() -> None:
    issuing = Issuing()
    text = issuing.code(sample_pass(), SLOT)
    assert text.startswith("KT1:")
    message = cbor2.loads(zlib.decompress(base45.b45decode(text[4:])))
    assert isinstance(message, cbor2.CBORTag)
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert cbor2.loads(protected) == {1: -7, 4: b"kentei-cert-1"}
    assert unprotected == {}
    assert len(signature) == 64
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    issuing.key.public_key.verify(der, to_be_signed, ec.ECDSA(hashes.SHA256()))
    assert cbor2.loads(payload) == {
        1: "13-1-2026-000123",
        2: "勅使河原　龍之介左衛門",
        3: "TESHIGAWARA Ryunosukezaemon",
        4: "1988-11-23",
        5: ["0405", "機械加工"],
        6: ["040502", "数値制御旋盤作業"],
        7: "1級",
        8: "2026-03-13",
        9: "厚生労働大臣",
        10: 2,
        11: 123_456,
        12: int(ISSUED_AT.timestamp()),
        13: "P1",
    }


@pytest.mark.parametrize(
    ("name_latin", "length", "version"),
    [("TESHIGAWARA Ryunosukezaemon", 468, QR_VERSION_TYPICAL), (None, 420, 15)],
    ids=["with-latin-name", "japanese-only"],
)
def test_the_qr_code_of_a_realistic_certificate_is_the_documented_version_at_level_q(
    name_latin: str | None, length: int, version: int
) -> None:
    text = Issuing().code(sample_pass(name_latin=name_latin), SLOT)
    assert set(text) <= QR_ALPHANUMERIC
    code = qr_code(text)
    assert code.error == QR_ERROR == "Q"
    assert code.mode == "alphanumeric"
    assert code.version == version
    # The signature is random: zlib gains a character or two more or less on it.
    assert abs(len(text) - length) <= 3


def test_the_printed_png_scans_back_to_the_same_text_at_level_q() -> None:
    text = Issuing().code(sample_pass(), SLOT)
    png = qr_png(text, scale=4)
    image = Image.open(io.BytesIO(png))
    modules = 4 * QR_VERSION_TYPICAL + 17 + 2 * QUIET_ZONE
    assert image.size == (4 * modules, 4 * modules)
    scanned = zxingcpp.read_barcodes(image.convert("L"))
    assert [result.text for result in scanned] == [text]
    assert scanned[0].ec_level == "Q"


def test_our_decoder_reads_back_the_same_pass_and_slot() -> None:
    issuing = Issuing()
    code = decode(issuing.code(sample_pass(), SLOT))
    code.verify(issuing.key.public_jwk())
    assert code.certified_pass() == sample_pass()
    assert code.slot() == SLOT
    assert code.issued_at() == ISSUED_AT


def test_a_changed_claim_fails_the_signature() -> None:
    issuing = Issuing()
    message = cbor2.loads(zlib.decompress(base45.b45decode(issuing.code(sample_pass(), SLOT)[4:])))
    protected, unprotected, payload, signature = message.value
    claims = cbor2.loads(payload)
    claims[7] = "特級"
    forged = cbor2.dumps(
        cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature])
    )
    text = "KT1:" + base45.b45encode(zlib.compress(forged)).decode()
    code = decode(text)
    with pytest.raises(PaperCodeSignatureError):
        code.verify(issuing.key.public_jwk())


def test_another_issuers_key_does_not_verify_it() -> None:
    code = decode(Issuing().code(sample_pass(), SLOT))
    with pytest.raises(PaperCodeSignatureError):
        code.verify(Issuing().key.public_jwk())


@pytest.mark.parametrize(
    "text",
    [
        "HC1:6BFOXN",
        "KT1:not base45 at all!",
        "KT1:" + base45.b45encode(b"not zlib").decode(),
        "KT1:" + base45.b45encode(zlib.compress(b"\xff\xff")).decode(),
        "KT1:" + base45.b45encode(zlib.compress(cbor2.dumps([1, 2, 3]))).decode(),
        "KT1:" + base45.b45encode(zlib.compress(bytes(100_000))).decode(),
        "KT1:"
        + base45.b45encode(
            zlib.compress(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -37}), {}, b"", b""])))
        ).decode(),
    ],
    ids=["other-prefix", "not-base45", "not-zlib", "not-cbor", "not-cose", "bomb", "not-es256"],
)
def test_what_is_not_one_of_our_codes_is_refused(text: str) -> None:
    with pytest.raises(PaperCodeError):
        decode(text)


@pytest.mark.parametrize(
    ("certificate_id", "mark", "mark_bytes"),
    [
        ("13-1-2026-000123-1", 1, 1),
        ("13-1-2026-000123-2", 2, 1),
        ("13-1-2026-000123-24", 24, 2),
        ("13-1-2026-000123-P1", "P1", 3),
    ],
    ids=["first-issue", "reissue", "24th-issue", "certificate-of-pass"],
)
def test_claim_13_carries_only_the_issue_mark_and_the_id_reads_back(
    certificate_id: str, mark: int | str, mark_bytes: int
) -> None:
    issuing = Issuing()
    certified = sample_pass(certificate_id=certificate_id)
    code = decode(issuing.code(certified, SLOT))
    assert code.claims[13] == mark
    assert len(cbor2.dumps(code.claims[13])) == mark_bytes
    assert f"{code.claims[1]}-{code.claims[13]}" == certificate_id  # the documented rule
    assert code.certified_pass().certificate_id == certificate_id


def _signed(issuing: Issuing, claims: dict[int, object]) -> str:
    """A code signed by the issuer's own key over ``claims``: only the claims can be wrong."""
    protected = cbor2.dumps({1: COSE_ES256, 4: issuing.key.kid.encode("ascii")})
    payload = cbor2.dumps(claims)
    signature = issuing.key.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    encoded: bytes = base45.b45encode(zlib.compress(message, 9))
    return PREFIX + encoded.decode("ascii")


@pytest.mark.parametrize(
    "mark",
    [None, True, 0, -1, "1", "P0", "P", "X1", "P1 ", 1.0, 1_000_000, [1]],
    ids=repr,
)
def test_a_signed_code_with_no_valid_issue_mark_is_refused(mark: object) -> None:
    issuing = Issuing()
    claims = dict(decode(issuing.code(sample_pass(), SLOT)).claims)
    if mark is None:
        del claims[13]
    else:
        claims[13] = mark
    code = decode(_signed(issuing, claims))
    code.verify(issuing.key.public_jwk())  # signed: the claims themselves are refused
    with pytest.raises(PaperCodeError):
        code.certified_pass()
