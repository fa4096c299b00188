"""Records of each kind for the national system's tests (fictitious people)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kentei.national import NationalRecord, RecordKind

PERSON = "QP-0000000001"
PREFECTURE = "13"
NAME = "見本 花子"
ADDRESS = "東京都千代田区見本町1-2-3"
ISSUED_AT = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))

DATA: dict[RecordKind, dict[str, Any]] = {
    RecordKind.EXAMINEE: {
        "name": NAME,
        "name_kana": "ミホン ハナコ",
        "birth_date": "1990-04-01",
        "sex": "2",
        "postal_code": "1000001",
        "address": ADDRESS,
        "phone": "0312345678",
    },
    RecordKind.SITTING: {
        "fiscal_year": 2026,
        "term": "前期",
        "trade_code": "T01",
        "work_code": "W01",
        "grade": "2",
        "exam_number": "13-2026-000123",
        "parts": ["学科", "実技"],
        "status": "registered",
    },
    RecordKind.PASS: {
        "application_id": "app-0001",
        "fiscal_year": 2026,
        "term": "前期",
        "trade_code": "T01",
        "work_code": "W01",
        "grade": "2",
        "parts": ["学科", "実技"],
        "passed_on": "2026-10-01",
        "passer_number": "P-2026-0001",
        "certificate_number": "C-2026-0001",
    },
    RecordKind.PART_PASS: {
        "application_id": "app-0002",
        "fiscal_year": 2026,
        "term": "前期",
        "trade_code": "T01",
        "work_code": "W01",
        "grade": "2",
        "parts": ["学科"],
        "passed_on": "2026-10-01",
    },
    RecordKind.CERTIFICATE: {
        "application_id": "app-0001",
        "certificate_number": "C-2026-0001",
        "kind": "printed",
        "language": "ja",
        "status": "valid",
        "issued_at": ISSUED_AT.isoformat(),
    },
}


def record(
    kind: RecordKind = RecordKind.EXAMINEE,
    record_id: str = "ex-0001",
    version: int = 1,
    *,
    person: str = PERSON,
    prefecture: str = PREFECTURE,
    deleted: bool = False,
    **data: Any,
) -> NationalRecord:
    return NationalRecord.model_validate(
        {
            "kind": kind,
            "record_id": record_id,
            "qualification_pseudonym_id": person,
            "prefecture_code": prefecture,
            "version": version,
            "deleted": deleted,
            "data": None if deleted else DATA[kind] | data,
        }
    )
