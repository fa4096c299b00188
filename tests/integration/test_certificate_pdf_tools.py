"""Certificates through poppler, as a reader's machine sees them: every font embedded as a
subset, the name extractable, and each layout drawn on a machine without Japanese fonts
(``FONTCONFIG_FILE`` pointing at an empty font folder) with ink where the name and the 2D code
are. Controls show the checks fail on a PDF whose font is not embedded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest
from PIL import Image, ImageChops
from tests.integration.test_ticket_pdf_tools import (
    all_embedded_subsets,
    fonts_of,
    rasterize,
    run,
    without_embedded_font,
)
from tests.unit.certificates.samples import NAME, NAME_LATIN, code_png, printed, proof

from kentei.certificates import pdf
from kentei.certificates.content import Certificate, Language
from kentei.records.codes import Grade

pytestmark = pytest.mark.tools("pdffonts", "pdftotext", "pdftoppm")

DPI: Final = 100
INK: Final = 128
"""A grey level below this is ink."""

SAMPLES: Final[dict[str, Certificate]] = {
    "printed-minister": printed(grade=Grade.FIRST),
    "printed-governor": printed(),
    "proof-ja": proof(),
    "proof-en": proof(language=Language.EN),
}


@pytest.fixture
def no_japanese_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig knows no font at all (as the ticket's tests use)."""
    folder = tmp_path / "fontconfig"
    (folder / "fonts").mkdir(parents=True)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{folder / 'fonts'}</dir><cachedir>{folder / 'cache'}</cachedir>"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pixels(box: pdf.Box) -> tuple[int, int, int, int]:
    def px(mm: float) -> int:
        return round(mm * DPI / 25.4)

    return (px(box.x), px(box.y), px(box.x + box.w), px(box.y + box.h))


def ink(image: Image.Image, box: pdf.Box | None = None) -> int:
    """How many pixels of ``box`` (or the page) are ink."""
    area = image if box is None else image.crop(pixels(box))
    return sum(count for level, count in enumerate(area.histogram()) if level < INK)


def inner(box: pdf.Box, margin: float = 0.6) -> pdf.Box:
    """``box`` without its border lines."""
    return pdf.Box(box.x + margin, box.y + margin, box.w - 2 * margin, box.h - 2 * margin)


def area(box: pdf.Box) -> int:
    left, top, right, bottom = pixels(box)
    return (right - left) * (bottom - top)


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_font_is_an_embedded_subset(tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, f"{kind}.pdf", pdf.render(SAMPLES[kind], code_png()))

    rows = fonts_of(path)
    assert [row["name"] for row in rows] == ["MPDFAA+IPAexMincho"]
    assert rows[0]["uni"] == "yes"  # a ToUnicode map: the text can be searched and copied
    assert all_embedded_subsets(path)


def test_control_the_embedding_check_fails_without_the_font_program(tmp_path: Path) -> None:
    path = write(tmp_path, "stripped.pdf", without_embedded_font(pdf.render(printed())))
    assert fonts_of(path)[0]["emb"] == "no"
    assert not all_embedded_subsets(path)


@pytest.mark.parametrize("kind", SAMPLES)
def test_the_name_is_text(tmp_path: Path, kind: str) -> None:
    certificate = SAMPLES[kind]
    path = write(tmp_path, f"{kind}.pdf", pdf.render(certificate))
    text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert (NAME_LATIN if certificate.language is Language.EN else NAME) in text
    assert certificate.certificate_number in text
    assert certificate.certificate_id in text


@pytest.mark.parametrize("kind", SAMPLES)
def test_each_layout_draws_the_name_and_the_code_without_japanese_fonts_on_the_machine(
    tmp_path: Path, kind: str, no_japanese_fonts: dict[str, str]
) -> None:
    certificate = SAMPLES[kind]
    layout = pdf.layout_of(certificate)
    page = rasterize(
        write(tmp_path, "a.pdf", pdf.render(certificate, code_png())), no_japanese_fonts
    )
    bare = rasterize(write(tmp_path, "b.pdf", pdf.render(certificate)), no_japanese_fonts)

    width, height = (round(side * DPI / 25.4) for side in (layout.page.w, layout.page.h))
    assert abs(page.size[0] - width) <= 1
    assert abs(page.size[1] - height) <= 1
    assert ink(page, inner(layout.name_box)) > 300  # strokes of the name, not an empty box
    assert ink(bare, inner(layout.name_box)) == ink(page, inner(layout.name_box))
    # The code's square: half ink (a checkerboard) with the code, blank without it.
    code = inner(layout.code, 1.0)
    assert ink(page, code) > area(code) // 3
    assert ink(bare, layout.code) == 0
    assert ink(page, layout.code_id) > 20  # the certificate id under the code


def test_only_the_name_changes_when_the_name_does(
    tmp_path: Path, no_japanese_fonts: dict[str, str]
) -> None:
    certificates: tuple[Certificate, ...] = (printed(), printed(grade=Grade.FIRST), proof())
    for index, certificate in enumerate(certificates):
        layout = pdf.layout_of(certificate)
        other = certificate.model_copy(update={"name": "鈴木 花子"})
        first = rasterize(
            write(tmp_path, f"a{index}.pdf", pdf.render(certificate)), no_japanese_fonts
        )
        second = rasterize(write(tmp_path, f"b{index}.pdf", pdf.render(other)), no_japanese_fonts)

        difference = ImageChops.difference(first, second)
        assert ink(ImageChops.invert(difference), layout.name_box) > 200
        blanked = difference.copy()
        blanked.paste(0, pixels(layout.name_box))
        assert blanked.getbbox() is None, layout.name


def test_control_without_the_embedded_font_the_name_is_not_drawn(
    tmp_path: Path, no_japanese_fonts: dict[str, str]
) -> None:
    """The environment has no font to fall back on: what the tests above see is the embedded
    subset."""
    stripped = write(tmp_path, "stripped.pdf", without_embedded_font(pdf.render(printed())))
    page = rasterize(stripped, no_japanese_fonts)
    assert ink(page, inner(pdf.GOVERNOR_CERTIFICATE.name_box)) == 0
    assert ink(page) > 0  # the frame is still drawn
