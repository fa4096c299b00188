"""The application document a bridge signs, and sample content for it.

Per the contract, the document is UTF-8 JSON whose keys are items of 受検申請者テーブル, by
their English names or their Japanese item names (never 申請受付ID, which the server assigns),
plus ``"attachments": [{"name", "sha256"}]`` naming each attached file by the hex SHA-256 of
its bytes. Everything here is sample data: names and addresses are obviously made up, and
My Numbers are random digits with a correct check digit, so a leak scanner recognises them.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

JAPANESE_KEYS: Final[Mapping[str, str]] = {
    "prefecture_code": "都道府県コード",
    "fiscal_year": "年度",
    "term": "期別",
    "grade": "級",
    "trade_code": "職種コード",
    "work_code": "作業コード",
    "exam_category": "受検区分",
    "my_number": "個人番号",
    "name": "氏名",
    "birth_date": "生年月日",
    "sex": "性別",
    "postal_code": "郵便番号",
    "address": "住所",
    "address_line2": "方書",
    "phone": "電話番号",
    "employer_name": "事業所名",
    "name_kana": "ふりがな",
    "years_of_experience": "経験年数",
}
"""The English item names the sample uses and their Japanese item names (別添1)."""

_PDF_HEAD: Final = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
_PDF_OBJECTS: Final = (
    b"<</Type /Catalog /Pages 2 0 R>>",
    b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
    b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>",
)


def _pdf(comment: bytes) -> bytes:
    """A one-page PDF with ``comment`` after its header, its cross-reference table exact."""
    out = bytearray(_PDF_HEAD + comment)
    offsets = []
    for number, body in enumerate(_PDF_OBJECTS, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(_PDF_OBJECTS) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d /Root 1 0 R>>\n" % (len(_PDF_OBJECTS) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@dataclass(frozen=True)
class Attachment:
    """An attached file: its name, its bytes, and the media type the sender declares."""

    name: str
    content: bytes
    media_type: str = "application/pdf"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def my_number_check_digit(first_eleven: str) -> int:
    """The My Number check digit (番号法施行令 第5条 / 総務省令第85号), computed here so a
    bridge needs nothing of the server: weights 2..7 then 2..6 from the right, 11 minus the
    sum modulo 11, or 0 when the remainder is 0 or 1."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("the check digit needs exactly eleven ASCII digits")
    total = sum(
        int(digit) * (n + 1 if n <= 6 else n - 5)
        for n, digit in enumerate(reversed(first_eleven), start=1)
    )
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def sample_my_number(*, valid: bool = True) -> str:
    """Twelve random digits; with a correct check digit unless ``valid`` is False."""
    first = f"{secrets.randbelow(10**11):011d}"
    digit = my_number_check_digit(first)
    return f"{first}{digit if valid else (digit + 1) % 10}"


def sample_form(**overrides: Any) -> dict[str, Any]:
    """A complete, plausible form with obviously sample personal data (English keys).

    The My Number is fresh for each call unless given; ``overrides`` replace or add items
    (a value of None removes the item).
    """
    form: dict[str, Any] = {
        "prefecture_code": "13",
        "fiscal_year": 2026,
        "term": "前期",
        "grade": "2級",
        "trade_code": "0101",
        "work_code": "010101",
        "exam_category": "学科+実技",
        "my_number": sample_my_number(),
        "name": "見本 太郎",
        "name_kana": "みほん たろう",
        "birth_date": "1990-04-01",
        "sex": "1",
        "postal_code": "1000013",
        "address": "東京都千代田区霞が関一丁目二番二号 見本ビル",
        "phone": "03-0000-0000",
        "years_of_experience": 5,
    }
    for key, value in overrides.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form


def japanese_keys(form: Mapping[str, Any]) -> dict[str, Any]:
    """``form`` with its English item names replaced by the Japanese ones where known."""
    return {JAPANESE_KEYS.get(key, key): value for key, value in form.items()}


def application_document(
    form: Mapping[str, Any],
    attachments: Sequence[Attachment] = (),
    *,
    japanese: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """The document's bytes as the applicant signs them: the form's items and
    ``attachments: [{name, sha256}]``; ``japanese`` writes the Japanese item names; ``extra``
    adds members as they are (for tests of what the server must refuse)."""
    items = japanese_keys(form) if japanese else dict(form)
    document = {
        **items,
        "attachments": [{"name": a.name, "sha256": a.sha256} for a in attachments],
        **(extra or {}),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def change_document(
    mynaportal_pseudonym_id: str,
    my_number: str,
    prefecture_code: str,
    items: Mapping[str, Any],
    *,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """A change document's bytes as the person signs them (/v1/schemas/change-document.json):
    their Mynaportal account, their My Number, the prefecture, the items to change; ``extra``
    adds members as they are (for tests of what the server must refuse)."""
    document = {
        "mynaportal_pseudonym_id": mynaportal_pseudonym_id,
        "my_number": my_number,
        "prefecture_code": prefecture_code,
        "items": dict(items),
        **(extra or {}),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def sample_pdf(size: int = 0, label: str = "sample") -> bytes:
    """A small valid one-page PDF, padded with a comment to at least ``size`` bytes."""
    comment = f"% kentei {label}\n".encode("ascii")
    plain = _pdf(comment)
    if len(plain) >= size:
        return plain
    return _pdf(comment + b"%" + b"0" * max(0, size - len(plain) - 2) + b"\n")


def sample_png() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def sample_jpeg() -> bytes:
    """A valid 8x8 grey JPEG (JFIF)."""
    # Imported here: Pillow is needed only by the bridges that attach an image.
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (8, 8), 128).save(out, format="JPEG")
    return out.getvalue()
