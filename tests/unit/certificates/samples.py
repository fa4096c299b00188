"""Certificates as the issuing flow would fill them in, for the certificate tests of every
tier."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from kentei.certificates.content import CertificateOfPass, Language, PrintedCertificate
from kentei.exams.grades import Issuer
from kentei.records.codes import Grade

NAME = "山田 太郎"
NAME_LATIN = "Taro Yamada"
CERTIFICATE_NUMBER = "C13G262-00042"
PASSER_NUMBER = "13G26-000042"
CERTIFICATE_ID = "CRT-01J9XYZ0AB"


def _fields(changes: dict[str, Any]) -> dict[str, Any]:
    grade = changes.get("grade", Grade.SECOND)
    fields: dict[str, Any] = {
        "certificate_id": CERTIFICATE_ID,
        "name": NAME,
        "birth_date": dt.date(1985, 4, 1),
        "trade": "機械加工",
        "work": "普通旋盤作業",
        "grade": grade,
        "passed_on": dt.date(2026, 9, 1),
        "certificate_number": CERTIFICATE_NUMBER,
        "passer_number": PASSER_NUMBER,
        "prefecture_code": "13",
        "issuer": Issuer.MINISTER
        if grade in {Grade.SPECIAL, Grade.FIRST, Grade.SINGLE}
        else Issuer.GOVERNOR,
        "issued_at": dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC),
    }
    return fields | changes


def printed(**changes: Any) -> PrintedCertificate:
    """The governor's 合格証書 of a 2級 pass (``grade=Grade.FIRST`` gives the minister's)."""
    return PrintedCertificate(**_fields(changes))


def proof(**changes: Any) -> CertificateOfPass:
    """The 合格証明書 in Japanese, or in English with ``language=Language.EN``."""
    if changes.get("language") is Language.EN:
        changes = {
            "name_latin": NAME_LATIN,
            "trade_en": "Machining",
            "work_en": "Engine Lathe Work",
        } | changes
    return CertificateOfPass(**_fields({"language": Language.JA} | changes))


def code_png(size: int = 29) -> bytes:
    """A stand-in 2D code: a black and white checkerboard as PNG bytes (the real code comes
    from the electronic certificate's module)."""
    from PIL import Image

    image = Image.new("1", (size, size), 1)
    for x in range(size):
        for y in range(size):
            if (x + y) % 2 == 0:
                image.putpixel((x, y), 0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
