"""Verify's data access against moto: the inbox read path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from tests.integration.moto_tables import (
    INBOX,
    RECORDS,
    create_inbox,
    create_records_table,
    mocked_aws,
)

from kentei import catalog
from kentei.data.inbox import Inbox, InboxReader

PSEUDONYM = "abcdefghijklmnopqrstuvwxyz"
T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = {
        catalog.table("records").env_var: RECORDS,
        catalog.bucket("inbox").env_var or "": INBOX,
        catalog.key("vault").env_var: "alias/kentei-test-vault",
    }
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_inbox()
        yield


@dataclass(frozen=True)
class Part:
    name: str
    media_type: str
    content: bytes


@pytest.mark.usefixtures("moto")
def test_the_inbox_reader_gets_what_intake_wrote_and_none_for_a_missing_part() -> None:
    Inbox().put_parts("13-A", [Part("document.json", "application/json", b'{"a": 1}')])

    reader = InboxReader()

    assert reader.get("13-A", "document.json") == b'{"a": 1}'
    assert reader.get("13-A", "signature.p7s") is None
