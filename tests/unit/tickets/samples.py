"""A ticket as the certify function would fill it in, for the ticket tests of every tier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kentei.tickets.content import (
    Grade,
    Part,
    PartKind,
    PersonName,
    Round,
    Term,
    TicketContent,
    TicketStatus,
    Venue,
)

VENUE = Venue(
    name="東京都立城南職業能力開発センター",
    address="東京都品川区東大井一丁目10番40号",
)
EXAM_NUMBER = "R8-13-0001234"
NAME = "山田 太郎"
KANA = "やまだ たろう"


def ticket(**changes: Any) -> TicketContent:
    """The sample ticket, with ``changes`` to its top-level fields (``kanji=`` replaces the
    name in kanji alone)."""
    kanji = changes.pop("kanji", NAME)
    fields: dict[str, Any] = {
        "ticket_id": "TKT-01J2ABCDEF",
        "exam_number": EXAM_NUMBER,
        "name": PersonName(kanji=kanji, kana=KANA),
        "round": Round(fiscal_year=2026, term=Term.FIRST),
        "trade": "機械加工",
        "work": "普通旋盤作業",
        "grade": Grade.SECOND,
        "parts": (
            Part(
                kind=PartKind.WRITTEN,
                date=dt.date(2026, 8, 30),
                start=dt.time(9, 30),
                end=dt.time(11, 10),
                venue=VENUE,
            ),
            Part(kind=PartKind.PRODUCTION, exempt=True),
        ),
        "association": "東京都職業能力開発協会",
        "issued_at": dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC),
        "status": TicketStatus.ISSUED,
    }
    return TicketContent(**(fields | changes))
