"""The ticket PDF as bytes: determinism, metadata, extractable text, the glyph gate. The tests
with poppler (embedding, rendering without Japanese fonts) are in
``tests/integration/test_ticket_pdf_tools.py``."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest
from pypdf import PdfReader
from tests.unit.cold_start import loaded_by
from tests.unit.tickets.samples import EXAM_NUMBER, KANA, NAME, ticket

from kentei.tickets import content, pdf
from kentei.tickets.content import Part, PartKind, PersonName, TicketStatus, Venue

REPO: Final = Path(__file__).resolve().parents[3]
OUTSIDE_THE_FONT: Final = ("\U00020bb7", "\ue000")
"""𠮷 (U+20BB7, つちよし) is not in IPAex; nor is the private use area."""


@pytest.fixture(scope="module")
def issued() -> bytes:
    return pdf.render(ticket())


def test_the_same_content_renders_to_the_same_bytes(issued: bytes) -> None:
    assert pdf.render(ticket()) == issued


def test_another_process_renders_the_same_bytes(issued: bytes) -> None:
    script = (
        "import sys\n"
        "from kentei.tickets import pdf\n"
        "from tests.unit.tickets.samples import ticket\n"
        "sys.stdout.buffer.write(pdf.render(ticket()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
        env={"PYTHONPATH": ".", "PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert result.stdout == issued


def test_a_different_issue_instant_changes_the_dates(issued: bytes) -> None:
    later = ticket(issued_at=ticket().issued_at.replace(hour=10))
    assert pdf.render(later) != issued


def test_a4_portrait_one_page_with_the_dates_of_the_issue_instant(issued: bytes) -> None:
    reader = PdfReader(io.BytesIO(issued))
    (page,) = reader.pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert reader.metadata is not None
    assert str(reader.metadata["/CreationDate"]).startswith("D:20260601090000")


def test_the_metadata_names_the_document_and_the_ticket_not_the_person(issued: bytes) -> None:
    reader = PdfReader(io.BytesIO(issued))
    assert reader.metadata is not None
    info = {key: str(value) for key, value in reader.metadata.items()}
    assert info["/Title"] == "受検票 TKT-01J2ABCDEF"
    assert info["/Subject"] == "技能検定 受検票"
    for value in info.values():
        for personal in (NAME, KANA, "山田", "やまだ", EXAM_NUMBER):
            assert personal not in value


def test_the_exam_number_name_and_schedule_are_text(issued: bytes) -> None:
    text = PdfReader(io.BytesIO(issued)).pages[0].extract_text()
    for expected in (
        EXAM_NUMBER,
        NAME,
        KANA,
        "令和8年度 前期",
        "機械加工（普通旋盤作業）",
        "2級",
        "学科試験",
        "令和8年8月30日（日）",
        "9:30 ～ 11:10",
        "製作等作業試験",
        "免除",
        "東京都立城南職業能力開発センター",
        "東京都品川区東大井一丁目10番40号",
        "東京都職業能力開発協会",
        "発行日 令和8年6月1日",
        "受検票ID TKT-01J2ABCDEF",
    ):
        assert expected in text
    for mark in ("無効", "差替済"):
        assert mark not in text.replace("無効となります", "")


@pytest.mark.parametrize(
    ("status", "mark"), [(TicketStatus.VOID, "無効"), (TicketStatus.SUPERSEDED, "差替済")]
)
def test_a_ticket_no_longer_valid_carries_its_mark(status: TicketStatus, mark: str) -> None:
    text = PdfReader(io.BytesIO(pdf.render(ticket(status=status)))).pages[0].extract_text()
    assert text.replace("無効となります", "").count(mark) >= 3  # stamp, watermark, footer


def test_the_issue_date_is_the_date_in_japan() -> None:
    late_evening_utc = ticket().issued_at.replace(hour=20)  # 05:00 on 2 June in Japan
    text = PdfReader(io.BytesIO(pdf.render(ticket(issued_at=late_evening_utc))))
    assert "発行日 令和8年6月2日" in text.pages[0].extract_text()


@pytest.mark.parametrize("char", OUTSIDE_THE_FONT)
def test_a_name_the_font_cannot_draw_is_refused_naming_the_field(char: str) -> None:
    assert ord(char) not in pdf.font_characters()
    name = f"{char}田 太郎"

    with pytest.raises(pdf.MissingGlyphError) as raised:
        pdf.render(ticket(kanji=name))

    assert raised.value.field == "name.kanji"
    assert "name.kanji" in str(raised.value)
    assert name not in str(raised.value)
    assert char not in str(raised.value)
    assert f"{ord(char):X}" not in str(raised.value).upper()


def test_every_text_field_is_checked() -> None:
    bad = OUTSIDE_THE_FONT[1]
    cases = {
        "name.kana": ticket(name=PersonName(kanji=NAME, kana=f"や{bad}")),
        "trade": ticket(trade=f"機械{bad}"),
        "work": ticket(work=f"旋盤{bad}"),
        "association": ticket(association=f"協会{bad}"),
        "parts[0].venue.address": ticket(
            parts=(
                ticket()
                .parts[0]
                .model_copy(update={"venue": Venue(name="会場", address=f"住所{bad}")}),
            )
        ),
    }
    for field, case in cases.items():
        with pytest.raises(pdf.MissingGlyphError) as raised:
            pdf.render(case)
        assert raised.value.field == field


def test_every_fixed_label_and_every_field_of_the_sample_is_drawable() -> None:
    pdf.check_glyphs(tuple(("layout", label) for label in pdf.LABELS))
    fields = dict(pdf.texts(ticket()))
    assert fields["name.kanji"] == NAME
    assert fields["round"] == "令和8年度 前期"
    assert fields["parts[1].time"] == "免除"


def test_importing_the_renderer_does_not_import_the_pdf_or_font_libraries() -> None:
    watched = ("fpdf", "fontTools", "PIL")
    assert loaded_by(["kentei.tickets.pdf", "kentei.tickets.content"], watched) == []


def longest(length: int, pattern: str = "職業能力開発") -> str:
    return (pattern * length)[:length]


def test_the_longest_values_allowed_fit_on_the_page() -> None:
    venue = Venue(name=longest(content.VENUE_NAME_MAX), address=longest(content.ADDRESS_MAX))
    day = dt.date(2026, 12, 26)
    parts = tuple(
        Part(kind=kind, date=day, start=dt.time(13, 30), end=dt.time(17, 45), venue=venue)
        for kind in list(PartKind)[:4]
    )
    largest = ticket(
        exam_number="W" * content.CODE_MAX,
        name=PersonName(kanji="鑑" * content.NAME_MAX, kana="ゐ" * content.NAME_MAX),
        trade=longest(content.TRADE_MAX),
        work=longest(content.TRADE_MAX),
        association=longest(content.ASSOCIATION_MAX),
        ticket_id="W" * content.CODE_MAX,
        parts=parts,
    )

    text = PdfReader(io.BytesIO(pdf.render(largest))).pages[0].extract_text()
    assert largest.name.kanji in text.replace("\n", "")


def test_a_value_too_long_for_its_box_is_refused_naming_the_field() -> None:
    with pytest.raises(pdf.TextTooLongError) as raised:
        # Past the model's limit (model_copy does not validate): the layout still refuses it.
        pdf.render(
            ticket().model_copy(update={"name": PersonName.model_construct(kanji="鑑" * 90)})
        )
    assert raised.value.field == "name.kanji"
