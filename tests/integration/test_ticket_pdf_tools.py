"""The ticket PDF through poppler, as a reader's machine sees it: every font embedded as a
subset, the text extractable, and the page drawn on a machine without Japanese fonts
(``FONTCONFIG_FILE`` pointing at an empty font folder). Controls show each check fails on a
PDF whose font is not embedded."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path
from typing import Any, Final

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from tests.unit.tickets.samples import EXAM_NUMBER, NAME, ticket

from kentei.tickets import pdf
from kentei.tickets.content import TicketStatus

pytestmark = pytest.mark.tools("pdffonts", "pdftotext", "pdftoppm")

DPI: Final = 100
INK: Final = 128
"""A grey level below this is ink."""


def run(tool: str, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        [tool, *args], capture_output=True, text=True, check=True, timeout=60, env=env
    ).stdout


def fonts_of(path: Path, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    """``pdffonts``' table: name, emb(edded), sub(set) of each font."""
    lines = run("pdffonts", str(path), env=env).splitlines()
    assert lines[1].startswith("-----"), lines
    rows = []
    for line in lines[2:]:
        fields = line.split()
        # name type... encoding emb sub uni object-number generation
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows


def all_embedded_subsets(path: Path, env: dict[str, str] | None = None) -> bool:
    rows = fonts_of(path, env)
    return bool(rows) and all(
        row["emb"] == "yes" and row["sub"] == "yes" and re.fullmatch(r"[A-Z]{6}\+.+", row["name"])
        for row in rows
    )


@pytest.fixture
def no_japanese_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig knows no font at all."""
    folder = tmp_path / "fontconfig"
    (folder / "fonts").mkdir(parents=True)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f"  <dir>{folder / 'fonts'}</dir>\n"
        f"  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def without_embedded_font(data: bytes) -> bytes:
    """The same PDF with its font programs removed (the control for the checks below)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            for descendant in font.get_object()["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                del descriptor[NameObject("/FontFile2")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rasterize(path: Path, env: dict[str, str]) -> Image.Image:
    """The page in grey at ``DPI``, drawn by pdftoppm."""
    prefix = path.with_suffix("")
    run("pdftoppm", "-r", str(DPI), "-gray", "-singlefile", str(path), str(prefix), env=env)
    with Image.open(prefix.with_suffix(".pgm")) as image:
        return image.convert("L")


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


@pytest.mark.parametrize("status", list(TicketStatus))
def test_every_font_is_an_embedded_subset(tmp_path: Path, status: TicketStatus) -> None:
    path = write(tmp_path, "ticket.pdf", pdf.render(ticket(status=status)))

    rows = fonts_of(path)
    assert [row["name"] for row in rows] == ["MPDFAA+IPAexGothic"]
    assert rows[0]["uni"] == "yes"  # a ToUnicode map: the text can be searched and copied
    assert all_embedded_subsets(path)


def test_control_the_embedding_check_fails_without_the_font_program(tmp_path: Path) -> None:
    path = write(tmp_path, "stripped.pdf", without_embedded_font(pdf.render(ticket())))
    assert fonts_of(path)[0]["emb"] == "no"
    assert not all_embedded_subsets(path)


def test_the_exam_number_and_the_name_are_text(tmp_path: Path) -> None:
    path = write(tmp_path, "ticket.pdf", pdf.render(ticket()))
    text = run("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert EXAM_NUMBER in text
    assert NAME in text


def test_the_name_is_drawn_without_japanese_fonts_on_the_machine(
    tmp_path: Path, no_japanese_fonts: dict[str, str]
) -> None:
    page = rasterize(write(tmp_path, "a.pdf", pdf.render(ticket())), no_japanese_fonts)
    other = rasterize(
        write(tmp_path, "b.pdf", pdf.render(ticket(kanji="鈴木 花子"))), no_japanese_fonts
    )
    name = inner(pdf.NAME_BOX)

    assert page.size == (827, 1170)  # A4 at 100 dpi (pdftoppm rounds up)
    assert ink(page, name) > 300  # a dozen strokes of 18 pt kanji, not an empty box
    assert ink(page, inner(pdf.EXAM_NUMBER_BOX)) > 150
    # The two renderings differ in the name's box and nowhere else.
    difference = ImageChops.difference(page, other)
    assert ink(ImageChops.invert(difference), name) > 200
    left, top, right, bottom = pixels(pdf.NAME_BOX)
    blanked = difference.copy()
    blanked.paste(0, (left, top, right, bottom))
    assert blanked.getbbox() is None


def test_control_without_the_embedded_font_the_name_is_not_drawn(
    tmp_path: Path, no_japanese_fonts: dict[str, str]
) -> None:
    """The environment has no font to fall back on: what the test above sees is the embedded
    subset."""
    stripped = write(tmp_path, "stripped.pdf", without_embedded_font(pdf.render(ticket())))
    page = rasterize(stripped, no_japanese_fonts)
    assert ink(page, inner(pdf.NAME_BOX)) == 0
    assert ink(page) > 0  # the table's lines are still drawn


def test_a_void_ticket_shows_its_mark_in_red(
    tmp_path: Path, no_japanese_fonts: dict[str, str]
) -> None:
    stamp = pdf.Box(161, 15, 30, 12)
    issued = rasterize(write(tmp_path, "i.pdf", pdf.render(ticket())), no_japanese_fonts)
    void = rasterize(
        write(tmp_path, "v.pdf", pdf.render(ticket(status=TicketStatus.VOID))), no_japanese_fonts
    )
    assert ink(issued, stamp) == 0
    assert ink(void, stamp) > 100
