"""The exam ticket (受検票) as an A4 portrait PDF: :func:`render` draws a
:class:`~kentei.tickets.content.TicketContent` with a subset of IPAexゴシック embedded, so the
ticket reads the same on a machine without Japanese fonts.

- Pure: bytes in memory, no I/O but reading the committed font. The same content gives the same
  bytes (the PDF's dates are the ticket's issue instant; fpdf2's file id and subset tag are
  derived from the content).
- Every character drawn is checked against the font's character map first: text the font cannot
  draw raises :class:`MissingGlyphError` naming the field, never its value, and nothing is
  drawn as a missing glyph.
- The PDF's metadata (title, subject) names the document and the ticket id, never the person.

fpdf2 and fontTools are imported inside the functions that use them: they stay off the cold
start of a handler that imports this module but renders nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final, NamedTuple

from kentei.fonts import IPAEX_GOTHIC
from kentei.tickets.content import STATUS_MARKS, Part, TicketContent
from kentei.tickets.wareki import date_label, date_with_weekday

if TYPE_CHECKING:
    from fpdf import FPDF

JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan keeps no daylight saving time: a fixed offset, no tz database needed in the layer."""

FONT_FAMILY: Final = "ipaexg"
RED: Final = (200, 0, 0)
WATERMARK: Final = (245, 200, 200)
GREY: Final = (90, 90, 90)
SMALLEST: Final = 6.0
"""Points: a long value shrinks to fit its box, down to this size."""


class Box(NamedTuple):
    """A rectangle on the page, in millimetres from the top left corner."""

    x: float
    y: float
    w: float
    h: float


PAGE: Final = Box(0, 0, 210, 297)
"""A4 portrait."""
LEFT: Final = 20.0
LABEL_W: Final = 40.0
VALUE_W: Final = 130.0

EXAM_NUMBER_BOX: Final = Box(LEFT + LABEL_W, 48, VALUE_W, 14)
KANA_BOX: Final = Box(LEFT + LABEL_W, 62, VALUE_W, 7)
NAME_BOX: Final = Box(LEFT + LABEL_W, 69, VALUE_W, 14)
"""Where the name in kanji is drawn (the tests crop renderings here)."""
TRADE_BOX: Final = Box(LEFT + LABEL_W, 83, VALUE_W, 10)
GRADE_BOX: Final = Box(LEFT + LABEL_W, 93, VALUE_W, 10)
PARTS_TOP: Final = 112.0
PART_ROW_H: Final = 8.0
VENUE_ROW_H: Final = 15.0
ISSUER_TOP: Final = 222.0
"""The issuer block; the schedule ends above it (at most four parts, each with its venue)."""
NOTES_TOP: Final = 246.0

TITLE: Final = "技能検定 受検票"
EXEMPT: Final = "免除"
NOTES: Final = (
    "試験当日は、本票と写真付きの本人確認書類を必ず持参してください。",
    "試験開始時刻に遅れた場合は、受検できないことがあります。",
    "「免除」と記載された試験は、受検する必要がありません。",
    "受検票が再発行された場合、以前の受検票は無効となります。",
)
LABELS: Final = (
    TITLE,
    "技能検定",
    "受検番号",
    "ふりがな",
    "氏名",
    "職種（作業）",
    "等級",
    "試験日程",
    "試験区分",
    "試験日",
    "時間",
    "試験会場",
    "発行日",
    "注意事項",
    "受検票ID",
    EXEMPT,
    "0123456789:～ ・",
    *NOTES,
    *(mark for mark in STATUS_MARKS.values() if mark),
)
"""Every fixed string the layout draws (checked against the font like the content)."""


class TextTooLongError(ValueError):
    """A value that does not fit its box even at the smallest size the ticket prints."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: too long for its place on the ticket")
        self.field = field


class MissingGlyphError(ValueError):
    """Text the ticket font cannot draw. ``field`` names where it is; the text is not kept."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: has a character the ticket font cannot draw")
        self.field = field


@functools.cache
def font_characters() -> frozenset[int]:
    """The code points IPAexゴシック maps to a glyph (its best Unicode ``cmap``)."""
    from fontTools.ttLib import TTFont  # PDF/font code is kept off the cold-start path

    with TTFont(IPAEX_GOTHIC, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _time_range(part: Part) -> str:
    if part.exempt or part.start is None or part.end is None:
        return EXEMPT
    return f"{part.start.hour}:{part.start.minute:02d} ～ {part.end.hour}:{part.end.minute:02d}"


def _trade_line(content: TicketContent) -> str:
    return content.trade if content.work is None else f"{content.trade}（{content.work}）"


def _issued_on(content: TicketContent) -> dt.date:
    return content.issued_at.astimezone(JST).date()


def texts(content: TicketContent) -> Iterator[tuple[str, str]]:
    """Each string :func:`render` draws from ``content``, with the field it comes from."""
    yield "ticket_id", content.ticket_id
    yield "exam_number", content.exam_number
    yield "name.kanji", content.name.kanji
    if content.name.kana is not None:
        yield "name.kana", content.name.kana
    yield "round", content.round.label
    yield "trade", content.trade
    if content.work is not None:
        yield "work", content.work
    yield "grade", content.grade.value
    for index, part in enumerate(content.parts):
        yield f"parts[{index}].kind", part.kind.value
        yield f"parts[{index}].time", _time_range(part)
        if part.date is not None:
            yield f"parts[{index}].date", date_with_weekday(part.date)
        if part.venue is not None:
            yield f"parts[{index}].venue.name", part.venue.name
            yield f"parts[{index}].venue.address", part.venue.address
    yield "association", content.association
    yield "issued_at", date_label(_issued_on(content))


def check_glyphs(fields: Iterator[tuple[str, str]] | tuple[tuple[str, str], ...]) -> None:
    """Raises :class:`MissingGlyphError` for the first field with a character outside the
    font (whitespace other than the spaces the layout uses counts as outside)."""
    drawable = font_characters()
    for field, text in fields:
        if any(ord(char) not in drawable for char in text):
            raise MissingGlyphError(field)


def render(content: TicketContent) -> bytes:
    """The ticket as a one-page A4 PDF with an embedded subset of IPAexゴシック."""
    check_glyphs(texts(content))
    check_glyphs(tuple(("layout", label) for label in LABELS))

    from fpdf import FPDF  # PDF/font code is kept off the cold-start path

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(LEFT, 15, LEFT)
    pdf.add_font(FONT_FAMILY, fname=str(IPAEX_GOTHIC))
    pdf.set_title(f"受検票 {content.ticket_id}")
    pdf.set_subject("技能検定 受検票")
    pdf.set_author(content.association)
    pdf.set_creator("kentei")
    pdf.set_lang("ja")
    pdf.set_creation_date(content.issued_at.astimezone(dt.UTC))
    pdf.add_page()

    mark = STATUS_MARKS[content.status]
    if mark is not None:
        _watermark(pdf, mark)
    _header(pdf, content, mark)
    _identity(pdf, content)
    if _parts(pdf, content) > ISSUER_TOP:
        raise TextTooLongError("parts")
    _issuer(pdf, content, ISSUER_TOP)
    _notes(pdf, NOTES_TOP)
    _footer(pdf, content, mark)
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


def _lines(pdf: FPDF, box: Box, text: str, size: float, field: str, *, most: int) -> None:
    """``text`` wrapped in ``box`` on at most ``most`` lines, shrinking as :func:`_fitted`."""
    while True:
        _font(pdf, size)
        height = size * 0.3528 * 1.2  # points to millimetres, with leading
        lines = pdf.multi_cell(box.w, height, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)  # output="LINES" alone gives the list of lines
        if len(lines) <= most and height * len(lines) <= box.h:
            break
        if size <= SMALLEST:
            raise TextTooLongError(field)
        size = max(SMALLEST, size - 0.5)
    pdf.set_xy(box.x, box.y)
    pdf.multi_cell(box.w, height, text, border=0, align="L")


def _labelled_row(pdf: FPDF, box: Box, label: str) -> None:
    pdf.rect(LEFT, box.y, LABEL_W, box.h)
    pdf.rect(box.x, box.y, box.w, box.h)
    _cell(pdf, Box(LEFT + 2, box.y, LABEL_W - 2, box.h), label, 10)


def _watermark(pdf: FPDF, mark: str) -> None:
    pdf.set_text_color(*WATERMARK)
    _font(pdf, 110)
    with pdf.rotation(angle=35, x=PAGE.w / 2, y=PAGE.h / 2):
        width = pdf.get_string_width(mark)
        pdf.text(PAGE.w / 2 - width / 2, PAGE.h / 2 + 15, mark)
    pdf.set_text_color(0, 0, 0)


def _header(pdf: FPDF, content: TicketContent, mark: str | None) -> None:
    _cell(pdf, Box(LEFT, 18, 170, 12), TITLE, 22, align="C")
    _cell(pdf, Box(LEFT, 31, 170, 8), f"{content.round.label} 技能検定", 12, align="C")
    if mark is not None:
        pdf.set_draw_color(*RED)
        pdf.set_text_color(*RED)
        pdf.set_line_width(0.8)
        stamp = Box(160, 14, 32, 14)
        pdf.rect(stamp.x, stamp.y, stamp.w, stamp.h)
        _cell(pdf, stamp, mark, 18, align="C")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(0, 0, 0)
    pdf.set_line_width(0.3)


def _identity(pdf: FPDF, content: TicketContent) -> None:
    _labelled_row(pdf, EXAM_NUMBER_BOX, "受検番号")
    _fitted(pdf, EXAM_NUMBER_BOX, f" {content.exam_number}", 18, "exam_number")

    name_rows = Box(NAME_BOX.x, KANA_BOX.y, NAME_BOX.w, KANA_BOX.h + NAME_BOX.h)
    _labelled_row(pdf, name_rows, "氏名")
    _cell(pdf, Box(LEFT + 2, KANA_BOX.y, LABEL_W - 2, KANA_BOX.h), "ふりがな", 7)
    if content.name.kana is not None:
        _fitted(pdf, KANA_BOX, f"  {content.name.kana}", 9, "name.kana")
    _fitted(pdf, NAME_BOX, f" {content.name.kanji}", 18, "name.kanji")

    _labelled_row(pdf, TRADE_BOX, "職種（作業）")
    _fitted(pdf, TRADE_BOX, f" {_trade_line(content)}", 12, "trade")
    _labelled_row(pdf, GRADE_BOX, "等級")
    _cell(pdf, GRADE_BOX, f" {content.grade.value}", 12)


def _parts(pdf: FPDF, content: TicketContent) -> float:
    """Draws the schedule; returns the bottom of the last row."""
    _cell(pdf, Box(LEFT, PARTS_TOP - 8, 170, 7), "試験日程", 11)
    columns = (("試験区分", 48.0), ("試験日", 62.0), ("時間", 60.0))
    y = PARTS_TOP
    x = LEFT
    pdf.set_fill_color(235, 235, 235)
    for label, width in columns:
        pdf.rect(x, y, width, 7, style="DF")
        _cell(pdf, Box(x, y, width, 7), label, 9, align="C")
        x += width
    y += 7
    for index, part in enumerate(content.parts):
        values = (
            part.kind.value,
            "" if part.date is None else date_with_weekday(part.date),
            _time_range(part),
        )
        x = LEFT
        for (_, width), value in zip(columns, values, strict=True):
            pdf.rect(x, y, width, PART_ROW_H)
            if part.exempt and value == EXEMPT:
                pdf.set_text_color(*RED)
            _cell(pdf, Box(x, y, width, PART_ROW_H), value, 10, align="C")
            pdf.set_text_color(0, 0, 0)
            x += width
        y += PART_ROW_H
        if part.venue is not None:
            pdf.rect(LEFT, y, columns[0][1], VENUE_ROW_H)
            pdf.rect(LEFT + columns[0][1], y, 170 - columns[0][1], VENUE_ROW_H)
            _cell(pdf, Box(LEFT, y + 0.5, columns[0][1], 5.5), "試験会場", 9, align="C")
            venue_x = LEFT + columns[0][1] + 2
            venue_w = 170 - columns[0][1] - 4
            field = f"parts[{index}].venue"
            _fitted(pdf, Box(venue_x, y + 0.5, venue_w, 5.5), part.venue.name, 10, f"{field}.name")
            address = Box(venue_x, y + 6, venue_w, VENUE_ROW_H - 6.5)
            _lines(pdf, address, part.venue.address, 8, f"{field}.address", most=3)
            y += VENUE_ROW_H
    return y


def _issuer(pdf: FPDF, content: TicketContent, top: float) -> None:
    _cell(pdf, Box(LEFT, top, 170, 7), f"発行日 {date_label(_issued_on(content))}", 10, align="R")
    _fitted(pdf, Box(LEFT, top + 8, 170, 9), content.association, 14, "association", align="R")


def _notes(pdf: FPDF, top: float) -> None:
    _cell(pdf, Box(LEFT, top, 170, 6), "注意事項", 10)
    for index, note in enumerate(NOTES):
        _cell(pdf, Box(LEFT + 3, top + 7 + index * 5.5, 167, 5), f"・{note}", 9)


def _footer(pdf: FPDF, content: TicketContent, mark: str | None) -> None:
    pdf.set_text_color(*GREY)
    _cell(pdf, Box(LEFT, 280, 120, 5), f"受検票ID {content.ticket_id}", 8)
    if mark is not None:
        pdf.set_text_color(*RED)
        _cell(pdf, Box(LEFT + 120, 280, 50, 5), mark, 8, align="R")
    pdf.set_text_color(0, 0, 0)
