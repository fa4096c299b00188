"""Certificates as PDFs: :func:`render` draws a :class:`~kentei.certificates.content.Certificate`
with a subset of IPAex明朝 embedded, so it reads the same on a machine without Japanese fonts.

Four layouts (:func:`layout_of`):

- the minister's 合格証書 (特級, 1級, 単一等級) on A3 landscape;
- the governor's 合格証書 (2級, 3級, 基礎級) on A4 portrait;
- the 合格証明書 in Japanese (dates in 和暦 with the ISO date) and in English (ISO dates), both
  on A4 portrait.

Each leaves a square (:attr:`Layout.code`) for the 2D code, drawn there from PNG bytes when
given (the code itself comes from the electronic certificate's module), with the certificate
id printed under it.

- Pure: bytes in memory, no I/O but reading the committed font. The same content (and code
  image) gives the same bytes: the PDF's dates are the issue instant, fpdf2's file id and
  subset tag are derived from the content.
- The glyph gate (:mod:`kentei.certificates.glyphs`) checks every text drawn, the layout's
  own included, before anything is drawn.
- The metadata (title, subject, author) names the document, the certificate id and the
  issuer, never the person.

fpdf2 is imported inside the functions that draw (cold start).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final, NamedTuple

from kentei.certificates import glyphs
from kentei.certificates.content import (
    Certificate,
    CertificateOfPass,
    Kind,
    Language,
    PrintedCertificate,
)
from kentei.certificates.english import load_english_names
from kentei.exams.grades import Issuer
from kentei.fonts import IPAEX_MINCHO
from kentei.tickets.wareki import BIRTH_ERAS, date_label

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY: Final = "ipaexm"
SMALLEST: Final = 7.0
"""Points: a long value shrinks to fit its box, down to this size."""
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
FRAME: Final = (120, 90, 30)
"""The colour of the 合格証書's double frame."""
GREY: Final = (90, 90, 90)


class Box(NamedTuple):
    """A rectangle on the page, in millimetres from the top left corner."""

    x: float
    y: float
    w: float
    h: float


class Layout(NamedTuple):
    """A page and the boxes the tests look into."""

    name: str
    format: str
    orientation: str
    page: Box
    name_box: Box
    """Where the name is drawn (the name in Latin letters on the English certificate)."""
    code: Box
    """The square left for the 2D code."""
    code_id: Box
    """The certificate id, under the code."""


A4_PORTRAIT: Final = Box(0, 0, 210, 297)
A3_LANDSCAPE: Final = Box(0, 0, 420, 297)

MINISTER_CERTIFICATE: Final = Layout(
    name="printed-minister",
    format="A3",
    orientation="landscape",
    page=A3_LANDSCAPE,
    name_box=Box(90, 95, 240, 22),
    code=Box(40, 222, 36, 36),
    code_id=Box(28, 259, 60, 6),
)
GOVERNOR_CERTIFICATE: Final = Layout(
    name="printed-governor",
    format="A4",
    orientation="portrait",
    page=A4_PORTRAIT,
    name_box=Box(30, 92, 150, 18),
    code=Box(28, 236, 30, 30),
    code_id=Box(13, 267, 60, 5),
)
PROOF_JA: Final = Layout(
    name="proof-ja",
    format="A4",
    orientation="portrait",
    page=A4_PORTRAIT,
    name_box=Box(65, 62, 125, 13),
    code=Box(20, 236, 30, 30),
    code_id=Box(5, 267, 60, 5),
)
PROOF_EN: Final = PROOF_JA._replace(name="proof-en")
LAYOUTS: Final = (MINISTER_CERTIFICATE, GOVERNOR_CERTIFICATE, PROOF_JA, PROOF_EN)

LEFT: Final = 20.0
LABEL_W: Final = 45.0
ROW_H: Final = 13.0

PRINTED_TITLE: Final = "合 格 証 書"
PROOF_TITLE_JA: Final = "合格証明書"
PROOF_TITLE_EN: Final = "Certificate of Pass"
PRINTED_BODY: Final = (
    "あなたは職業能力開発促進法に基づく技能検定において",
    "下記の試験に合格したことを証します",
)
PROOF_BODY_JA: Final = "上記の者は、職業能力開発促進法に基づく技能検定に合格したことを証明します。"
PROOF_BODY_EN: Final = (
    "This is to certify that the person named above has passed the National Trade Skill Test "
    "held under the Human Resources Development Promotion Act of Japan "
    "(Act No. 64 of 1969)."
)
PROOF_SUBTITLE_EN: Final = "National Trade Skill Test, Japan"
ROWS_JA: Final = (
    "氏名",
    "生年月日",
    "職種",
    "作業",
    "等級",
    "合格年月日",
    "合格証書番号",
    "技能士番号",
)
ROWS_EN: Final = (
    "Name",
    "Date of birth",
    "Trade",
    "Work",
    "Grade",
    "Date of pass",
    "Certificate No.",
    "Skilled worker No.",
)
LABELS: Final = (
    PRINTED_TITLE,
    PROOF_TITLE_JA,
    PROOF_TITLE_EN,
    *PRINTED_BODY,
    PROOF_BODY_JA,
    PROOF_BODY_EN,
    PROOF_SUBTITLE_EN,
    *ROWS_JA,
    *ROWS_EN,
    "第号生記合格年月日発行日（）",
    "Date of issue: Issued by:",
    "0123456789-",
)
"""Every fixed string the layouts draw (checked against the font like the content)."""


class TextTooLongError(ValueError):
    """A value that does not fit its box even at the smallest size the certificate prints."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: too long for its place on the certificate")
        self.field = field


class CodeImageError(ValueError):
    """The 2D code given is not PNG bytes."""


def layout_of(certificate: Certificate) -> Layout:
    """The layout a certificate is drawn on."""
    if isinstance(certificate, PrintedCertificate):
        if certificate.issuer is Issuer.MINISTER:
            return MINISTER_CERTIFICATE
        return GOVERNOR_CERTIFICATE
    return PROOF_EN if certificate.language is Language.EN else PROOF_JA


def _wareki(day: dt.date) -> str:
    return date_label(day, eras=BIRTH_ERAS)


def _both(day: dt.date) -> str:
    """``令和8年9月1日（2026-09-01）``."""
    return f"{_wareki(day)}（{day.isoformat()}）"


def _english_grade(certificate: Certificate) -> str:
    return load_english_names().grade(certificate.grade)


def _rows(certificate: Certificate) -> tuple[tuple[str, str, str], ...]:
    """The table of a certificate of pass: (field, label, value); no work row for 特級."""
    if isinstance(certificate, CertificateOfPass) and certificate.language is Language.EN:
        labels = ROWS_EN
        values = (
            ("name_latin", certificate.name_latin or ""),
            ("birth_date", certificate.birth_date.isoformat()),
            ("trade_en", certificate.trade_en or ""),
            ("work_en", certificate.work_en),
            ("grade", _english_grade(certificate)),
            ("passed_on", certificate.passed_on.isoformat()),
        )
    else:
        labels = ROWS_JA
        values = (
            ("name", certificate.name),
            ("birth_date", _both(certificate.birth_date)),
            ("trade", certificate.trade),
            ("work", certificate.work),
            ("grade", certificate.grade.value),
            ("passed_on", _both(certificate.passed_on)),
        )
    numbers = (
        ("certificate_number", certificate.certificate_number),
        ("passer_number", certificate.passer_number),
    )
    return tuple(
        (field, label, value)
        for (field, value), label in zip((*values, *numbers), labels, strict=True)
        if value is not None
    )


def _issued_line(certificate: Certificate) -> str:
    if isinstance(certificate, CertificateOfPass) and certificate.language is Language.EN:
        return f"Date of issue: {certificate.issued_on.isoformat()}"
    if isinstance(certificate, CertificateOfPass):
        return f"発行日 {_both(certificate.issued_on)}"
    return _wareki(certificate.issued_on)


def _issuer_name(certificate: Certificate) -> str:
    """The issuer in the certificate's language (the PDF's author)."""
    if certificate.language is Language.EN:
        return load_english_names().issuer(certificate.issuer, certificate.prefecture_code)
    return certificate.issuer_title


def _issuer_line(certificate: Certificate) -> str:
    if certificate.language is Language.EN:
        return f"Issued by: {_issuer_name(certificate)}"
    return certificate.issuer_title


def texts(certificate: Certificate) -> Iterator[tuple[str, str]]:
    """Each string :func:`render` draws from ``certificate``, with the field it comes from."""
    yield "certificate_id", certificate.certificate_id
    if isinstance(certificate, PrintedCertificate):
        yield "certificate_number", f"第 {certificate.certificate_number} 号"
        yield "name", certificate.name
        yield "birth_date", f"{_wareki(certificate.birth_date)}生"
        yield "trade", f"{certificate.grade.value}　{certificate.trade}"
        if certificate.work is not None:
            yield "work", f"（{certificate.work}）"
        yield "passed_on", f"合格年月日　{_wareki(certificate.passed_on)}"
    else:
        for field, _, value in _rows(certificate):
            yield field, value
    yield "issued_at", _issued_line(certificate)
    yield "issuer", _issuer_line(certificate)


def check(certificate: Certificate) -> None:
    """The glyph gate for everything :func:`render` would draw: raises
    :class:`~kentei.certificates.glyphs.GlyphGateError` naming the fields (and each one's count
    of missing characters), never the characters."""
    glyphs.gate(texts(certificate))
    glyphs.gate(("layout", label) for label in LABELS)


def title(certificate: Certificate) -> str:
    """The document's title in the PDF's metadata: the document and the certificate id."""
    if certificate.kind is Kind.PRINTED:
        document = "合格証書"
    elif certificate.language is Language.EN:
        document = PROOF_TITLE_EN
    else:
        document = PROOF_TITLE_JA
    return f"{document} {certificate.certificate_id}"


def render(certificate: Certificate, code_png: bytes | None = None) -> bytes:
    """The certificate as a one-page PDF with an embedded subset of IPAex明朝, and the 2D code
    ``code_png`` (PNG bytes) in its square if given."""
    check(certificate)
    if code_png is not None and not code_png.startswith(PNG_SIGNATURE):
        raise CodeImageError("the 2D code must be PNG bytes")

    from fpdf import FPDF  # PDF code is kept off the cold-start path

    layout = layout_of(certificate)
    english = certificate.language is Language.EN
    pdf = FPDF(orientation=layout.orientation, unit="mm", format=layout.format)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(LEFT, 15, LEFT)
    pdf.add_font(FONT_FAMILY, fname=str(IPAEX_MINCHO))
    pdf.set_title(title(certificate))
    pdf.set_subject(
        "National Trade Skill Test: Certificate of Pass"
        if english
        else f"技能検定 {title(certificate).split()[0]}"
    )
    pdf.set_author(_issuer_name(certificate))
    pdf.set_creator("kentei")
    pdf.set_lang(certificate.language.value)
    pdf.set_creation_date(certificate.issued_at.astimezone(dt.UTC))
    pdf.add_page()

    if isinstance(certificate, PrintedCertificate):
        _printed(pdf, certificate, layout)
    else:
        _proof(pdf, certificate, layout)
    _code(pdf, certificate, layout, code_png)
    return bytes(pdf.output())


def _font(pdf: FPDF, size: float) -> None:
    pdf.set_font(FONT_FAMILY, size=size)


def _cell(pdf: FPDF, box: Box, text: str, size: float, *, align: str = "L") -> None:
    _font(pdf, size)
    pdf.set_xy(box.x, box.y)
    pdf.cell(box.w, box.h, text, border=0, align=align)


def _fitted(pdf: FPDF, box: Box, text: str, size: float, field: str, *, align: str = "L") -> None:
    """``text`` in ``box`` at ``size``, or smaller down to :data:`SMALLEST` if it is too wide."""
    while True:
        _font(pdf, size)
        if pdf.get_string_width(text) + 2 * pdf.c_margin <= box.w:
            break
        if size <= SMALLEST:
            raise TextTooLongError(field)
        size = max(SMALLEST, size - 0.5)
    _cell(pdf, box, text, size, align=align)


def _paragraph(pdf: FPDF, box: Box, text: str, size: float, *, align: str = "L") -> None:
    """Fixed text wrapped in ``box`` (the layouts' own sentences fit: a test renders them)."""
    _font(pdf, size)
    pdf.set_xy(box.x, box.y)
    pdf.multi_cell(box.w, size * 0.3528 * 1.6, text, border=0, align=align)


def _printed(pdf: FPDF, certificate: PrintedCertificate, layout: Layout) -> None:
    """合格証書: a double frame, the number, the title, the person, the test and the issuer."""
    page = layout.page
    scale = page.w / A4_PORTRAIT.w if page.w > page.h else 1.0
    big = 1.0 if scale == 1.0 else 1.35
    pdf.set_draw_color(*FRAME)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, page.w - 16, page.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, page.w - 22, page.h - 22)
    pdf.set_draw_color(0, 0, 0)

    inner = Box(20, 0, page.w - 40, 0)
    number = f"第 {certificate.certificate_number} 号"
    _fitted(pdf, Box(inner.x + 4, 20, inner.w / 2, 8), number, 11 * big, "certificate_number")
    _cell(pdf, Box(inner.x, 38, inner.w, 22), PRINTED_TITLE, 36 * big, align="C")

    name = layout.name_box
    _fitted(pdf, name, certificate.name, 26 * big, "name", align="C")
    birth = f"{_wareki(certificate.birth_date)}生"
    _cell(pdf, Box(name.x, name.y + name.h + 1, name.w, 9), birth, 12 * big, align="C")

    body = Box(inner.x, 140 if scale == 1.0 else 135, inner.w, 20)
    for index, line in enumerate(PRINTED_BODY):
        _cell(pdf, Box(body.x, body.y + index * 7 * big, body.w, 7), line, 12 * big, align="C")
    _cell(pdf, Box(inner.x, body.y + 22, inner.w, 6), "記", 12 * big, align="C")
    _test(pdf, certificate, Box(inner.x + 10, body.y + 30, inner.w - 20, 14), big)
    passed = f"合格年月日　{_wareki(certificate.passed_on)}"
    _cell(pdf, Box(inner.x, body.y + 47, inner.w, 8), passed, 12 * big, align="C")

    issuer_x = page.w / 2 if scale == 1.0 else page.w * 0.55
    issuer_w = page.w - 25 - issuer_x
    _cell(pdf, Box(issuer_x, page.h - 62, issuer_w, 8), _wareki(certificate.issued_on), 12 * big)
    _fitted(
        pdf, Box(issuer_x, page.h - 50, issuer_w, 14), certificate.issuer_title, 20 * big, "issuer"
    )


def _test(pdf: FPDF, certificate: PrintedCertificate, box: Box, big: float) -> None:
    """``2級　機械加工（普通旋盤作業）`` on one line when it fits at a legible size, else the
    work on a second line."""
    line = f"{certificate.grade.value}　{certificate.trade_line}"
    _font(pdf, 14 * big)
    if certificate.work is None or pdf.get_string_width(line) + 2 * pdf.c_margin <= box.w:
        _fitted(pdf, Box(box.x, box.y, box.w, box.h), line, 18 * big, "trade", align="C")
        return
    half = Box(box.x, box.y - 2, box.w, box.h / 2 + 1)
    _fitted(
        pdf, half, f"{certificate.grade.value}　{certificate.trade}", 14 * big, "trade", align="C"
    )
    work = Box(box.x, half.y + half.h, box.w, half.h)
    _fitted(pdf, work, f"（{certificate.work}）", 14 * big, "work", align="C")


def _proof(pdf: FPDF, certificate: CertificateOfPass, layout: Layout) -> None:
    """合格証明書: a table of the pass, the statement, the issue date and the issuer."""
    english = certificate.language is Language.EN
    width = layout.page.w - 2 * LEFT
    if english:
        _cell(pdf, Box(LEFT, 22, width, 14), PROOF_TITLE_EN, 24, align="C")
        _cell(pdf, Box(LEFT, 37, width, 8), PROOF_SUBTITLE_EN, 11, align="C")
    else:
        _cell(pdf, Box(LEFT, 24, width, 16), PROOF_TITLE_JA, 26, align="C")

    top = layout.name_box.y
    value_x = LEFT + LABEL_W
    value_w = width - LABEL_W
    pdf.set_line_width(0.3)
    for index, (field, label, value) in enumerate(_rows(certificate)):
        y = top + index * ROW_H
        pdf.set_fill_color(240, 240, 240)
        pdf.rect(LEFT, y, LABEL_W, ROW_H, style="DF")
        pdf.rect(value_x, y, value_w, ROW_H)
        _cell(pdf, Box(LEFT + 2, y, LABEL_W - 4, ROW_H), label, 10)
        size = 16.0 if index == 0 else 12.0
        _fitted(pdf, Box(value_x + 2, y, value_w - 4, ROW_H), value, size, field)

    below = top + len(ROWS_JA) * ROW_H + 8
    body = PROOF_BODY_EN if english else PROOF_BODY_JA
    _paragraph(pdf, Box(LEFT, below, width, 24), body, 11)
    _cell(pdf, Box(LEFT, below + 30, width, 8), _issued_line(certificate), 11, align="R")
    _fitted(
        pdf,
        Box(LEFT + width / 3, below + 42, width * 2 / 3, 12),
        _issuer_line(certificate),
        16,
        "issuer",
        align="R",
    )


def _code(pdf: FPDF, certificate: Certificate, layout: Layout, code_png: bytes | None) -> None:
    """The 2D code in its square, if given, and the certificate id under it."""
    box = layout.code
    if code_png is not None:
        try:
            pdf.image(io.BytesIO(code_png), x=box.x, y=box.y, w=box.w, h=box.h)
        except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors for a broken PNG
            raise CodeImageError("the 2D code is not a readable PNG") from exc
    pdf.set_text_color(*GREY)
    _fitted(pdf, layout.code_id, certificate.certificate_id, 8, "certificate_id", align="C")
    pdf.set_text_color(0, 0, 0)
