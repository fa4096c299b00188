"""Certificates as PDF bytes: the layout of each kind, determinism, metadata without the
person, extractable text, the 2D code's square. The tests with poppler (embedding, rendering
without Japanese fonts) are in ``tests/integration/test_certificate_pdf_tools.py``."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest
from pypdf import PdfReader
from tests.unit.certificates.samples import (
    CERTIFICATE_ID,
    CERTIFICATE_NUMBER,
    NAME,
    NAME_LATIN,
    PASSER_NUMBER,
    code_png,
    printed,
    proof,
)
from tests.unit.cold_start import loaded_by

from kentei.certificates import content, pdf
from kentei.certificates.content import Certificate, CertificateOfPass, Language
from kentei.records.codes import Grade

REPO: Final = Path(__file__).resolve().parents[3]
POINTS: Final = {"A4": (595, 842), "A3": (842, 1191)}
"""Portrait width and height in points."""

SAMPLES: Final[dict[str, Callable[[], Certificate]]] = {
    "printed-minister": lambda: printed(grade=Grade.FIRST),
    "printed-governor": printed,
    "proof-ja": proof,
    "proof-en": lambda: proof(language=Language.EN),
}


def text_of(data: bytes) -> str:
    (page,) = PdfReader(io.BytesIO(data)).pages
    return page.extract_text()


@pytest.mark.parametrize("name", SAMPLES)
def test_each_kind_on_its_layout(name: str) -> None:
    certificate = SAMPLES[name]()
    layout = pdf.layout_of(certificate)
    assert layout.name == name
    (page,) = PdfReader(io.BytesIO(pdf.render(certificate))).pages
    size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
    width, height = POINTS[layout.format]
    assert size == ((height, width) if layout.orientation == "landscape" else (width, height))


def test_the_minister_on_a3_landscape_the_governor_on_a4_portrait() -> None:
    assert pdf.layout_of(printed(grade=Grade.SINGLE)).page == pdf.A3_LANDSCAPE
    assert pdf.layout_of(printed(grade=Grade.SPECIAL, work=None)).page == pdf.A3_LANDSCAPE
    assert pdf.layout_of(printed(grade=Grade.BASIC)).page == pdf.A4_PORTRAIT


@pytest.mark.parametrize("layout", pdf.LAYOUTS, ids=lambda layout: layout.name)
def test_the_code_square_is_a_square_on_the_page_clear_of_the_name(layout: pdf.Layout) -> None:
    code, name, page = layout.code, layout.name_box, layout.page
    assert code.w == code.h >= 25
    assert code.x > 0
    assert code.x + code.w < page.w
    assert code.y + code.h < layout.code_id.y
    assert layout.code_id.y + layout.code_id.h < page.h - 10
    assert code.y > name.y + name.h


@pytest.mark.parametrize("name", SAMPLES)
def test_the_same_content_renders_to_the_same_bytes(name: str) -> None:
    certificate = SAMPLES[name]()
    assert pdf.render(certificate) == pdf.render(certificate)
    png = code_png()
    assert pdf.render(certificate, png) == pdf.render(certificate, png)


def test_another_process_renders_the_same_bytes() -> None:
    script = (
        "import sys\n"
        "from kentei.certificates import pdf\n"
        "from tests.unit.certificates.samples import code_png, printed\n"
        "sys.stdout.buffer.write(pdf.render(printed(), code_png()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
        env={"PYTHONPATH": ".", "PYTHONHASHSEED": "4321", "PATH": ""},
    )
    assert result.stdout == pdf.render(printed(), code_png())


def test_another_issue_instant_changes_the_bytes() -> None:
    later = printed(issued_at=printed().issued_at.replace(hour=2))
    assert pdf.render(later) != pdf.render(printed())


@pytest.mark.parametrize("name", SAMPLES)
def test_the_metadata_names_the_document_and_the_issuer_never_the_person(name: str) -> None:
    certificate = SAMPLES[name]()
    reader = PdfReader(io.BytesIO(pdf.render(certificate)))
    assert reader.metadata is not None
    info = {key: str(value) for key, value in reader.metadata.items()}
    assert info["/Title"].endswith(CERTIFICATE_ID)
    assert str(info["/CreationDate"]).startswith("D:20261001010000")
    for value in info.values():
        for personal in (NAME, "山田", "太郎", NAME_LATIN, "Yamada", "1985", "昭和60"):
            assert personal not in value
    assert info["/Author"] in {"厚生労働大臣", "東京都知事", "Governor of Tokyo"}


def test_the_governors_certificate_says_what_the_pass_is() -> None:
    text = text_of(pdf.render(printed()))
    for expected in (
        "合 格 証 書",
        f"第 {CERTIFICATE_NUMBER} 号",
        NAME,
        "昭和60年4月1日生",
        "2級　機械加工（普通旋盤作業）",
        "合格年月日　令和8年9月1日",
        "令和8年10月1日",
        "東京都知事",
        CERTIFICATE_ID,
    ):
        assert expected in text


def test_the_ministers_certificate_is_in_the_ministers_name() -> None:
    text = text_of(pdf.render(printed(grade=Grade.FIRST)))
    assert "厚生労働大臣" in text
    assert "知事" not in text
    assert "1級　機械加工（普通旋盤作業）" in text


def test_the_japanese_certificate_of_pass_gives_dates_in_wareki_and_iso() -> None:
    text = text_of(pdf.render(proof()))
    for expected in (
        "合格証明書",
        NAME,
        "昭和60年4月1日（1985-04-01）",
        "機械加工",
        "普通旋盤作業",
        "合格年月日",
        "令和8年9月1日（2026-09-01）",
        CERTIFICATE_NUMBER,
        PASSER_NUMBER,
        "発行日 令和8年10月1日（2026-10-01）",
        "東京都知事",
    ):
        assert expected in text


def test_the_english_certificate_of_pass_is_in_english_only() -> None:
    text = text_of(pdf.render(proof(language=Language.EN)))
    for expected in (
        "Certificate of Pass",
        NAME_LATIN,
        "1985-04-01",
        "Machining",
        "Engine Lathe Work",
        "Grade 2",
        "2026-09-01",
        CERTIFICATE_NUMBER,
        PASSER_NUMBER,
        "Date of issue: 2026-10-01",
        "Issued by: Governor of Tokyo",
    ):
        assert expected in text
    assert NAME not in text
    assert text.isascii()


def test_a_special_grade_certificate_has_no_work() -> None:
    text = text_of(pdf.render(proof(grade=Grade.SPECIAL, work=None)))
    assert "作業" not in text.replace("職業能力", "")
    assert "特級" in text
    assert "厚生労働大臣" in text


@pytest.mark.parametrize("name", SAMPLES)
def test_the_2d_code_is_drawn_when_given(name: str) -> None:
    certificate = SAMPLES[name]()
    (without,) = PdfReader(io.BytesIO(pdf.render(certificate))).pages
    (page,) = PdfReader(io.BytesIO(pdf.render(certificate, code_png()))).pages
    assert len(without.images) == 0
    assert len(page.images) == 1
    assert CERTIFICATE_ID in without.extract_text()


def test_a_code_that_is_not_png_is_refused() -> None:
    with pytest.raises(pdf.CodeImageError):
        pdf.render(printed(), b"GIF89a")
    with pytest.raises(pdf.CodeImageError):
        pdf.render(printed(), code_png()[:40])


def test_importing_the_library_does_not_import_the_pdf_or_font_libraries() -> None:
    imports = ["kentei.certificates.pdf", "kentei.certificates.issue", "kentei.certificates.glyphs"]
    assert loaded_by(imports, ("fpdf", "fontTools", "PIL")) == []


def longest(length: int, pattern: str) -> str:
    return (pattern * length)[:length]


def largest(name: str) -> Certificate:
    trade = longest(content.TRADE_MAX, "職業能力開発")
    big = {
        "name": "鑑" * content.NAME_MAX,
        "trade": trade,
        "work": trade,
        "certificate_number": "W" * 32,
        "passer_number": "W" * 32,
        "certificate_id": "W" * content.CERTIFICATE_ID_MAX,
    }
    if name == "printed-minister":
        return printed(grade=Grade.FIRST, **big)
    if name == "printed-governor":
        return printed(**big)
    if name == "proof-ja":
        return proof(**big)
    english = longest(80, "Women's and Children's Clothing ").strip()
    return proof(
        language=Language.EN,
        name_latin=longest(content.LATIN_NAME_MAX, "Wolfeschlegelsteinhausen "),
        trade_en=english,
        work_en=english,
        **big,
    )


@pytest.mark.parametrize("name", SAMPLES)
def test_the_longest_values_allowed_fit_on_each_layout(name: str) -> None:
    certificate = largest(name)
    text = text_of(pdf.render(certificate, code_png())).replace("\n", "")
    shown = certificate.name_latin if isinstance(certificate, CertificateOfPass) else None
    shown = shown or certificate.name
    assert shown is not None
    assert shown.strip() in text


def test_a_value_too_long_for_its_box_is_refused_naming_the_field() -> None:
    # Past the model's limit (model_construct does not validate): the layout still refuses it.
    too_long = printed().model_copy(update={"name": "鑑" * 90})
    with pytest.raises(pdf.TextTooLongError) as raised:
        pdf.render(too_long)
    assert raised.value.field == "name"
