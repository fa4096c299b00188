"""Historical passer files for tests, and an in-memory store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kentei.data.audit import AuditEvent
from kentei.results.historical.model import HistoricalPass

HEADER = (
    "技能士番号,合格証書番号,等級,職種コード,作業コード,合格年度,期,合格日,"
    "氏名,ふりがな,生年月日,性別,住所"
)
ROW = (
    "13-2-000123,C-000123,2級,0101,010101,平成13,前期,2001/08/31,"
    "山田 太郎,やまだ たろう,1970-01-02,男,東京都千代田区1-1"
)
AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode(encoding)


def row(**changes: str) -> str:
    """ROW with some cells replaced, by header."""
    names = HEADER.split(",")
    cells = ROW.split(",")
    for name, value in changes.items():
        cells[names.index(name)] = value
    return ",".join(cells)


class MemoryHistorical:
    """The import's port over a dict."""

    def __init__(self, prefecture_code: str = "13") -> None:
        self.prefecture_code = prefecture_code
        self.records: dict[str, HistoricalPass] = {}
        self.audit: list[AuditEvent] = []
        self.writes = 0

    def record(self, passer_number: str) -> HistoricalPass | None:
        return self.records.get(passer_number)

    def add(
        self, record: HistoricalPass, at: dt.datetime, by: str, *, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        if record.passer_number in self.records:
            return False
        self.records[record.passer_number] = record
        self.audit += audit
        self.writes += 1
        return True
