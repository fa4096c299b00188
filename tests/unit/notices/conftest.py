from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kentei.notices import Attachment, Notice, NoticeKind

SENT_AT = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
RECIPIENT = "mp_pseudonym-0001"
NAME = "見本 太郎"


def notice(**overrides: Any) -> Notice:
    values: dict[str, Any] = {
        "notice_id": "ticket-2026-001",
        "recipient": RECIPIENT,
        "kind": NoticeKind.EXAM_TICKET,
        "title": "受検票のお知らせ",
        "body": f"{NAME} 様\n技能検定の受検票をお送りします。",
        "attachment": Attachment(file_name="jukenhyo.pdf", content=b"%PDF-1.7 ticket"),
        "sent_at": SENT_AT,
    }
    return Notice.model_validate(values | overrides)


@pytest.fixture
def ticket() -> Notice:
    return notice()
