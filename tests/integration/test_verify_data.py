"""Verify's data access against moto: examinees in the records table, the inbox read path."""

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
from kentei.data.examinees import PrefectureExaminees
from kentei.data.inbox import Inbox, InboxReader
from kentei.my_number import MyNumber
from kentei.records.examinee import Examinee

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


def examinee(grade: str = "2級", **changes: object) -> Examinee:
    return Examinee.model_validate(
        {
            "prefecture_code": "13",
            "grade": grade,
            "name": "見本 太郎",
            "birth_date": "1990-04-01",
            "sex": "1",
            "address": "東京都千代田区見本町1-2-3",
            **changes,
        }
    )


@pytest.mark.usefixtures("moto")
def test_given_a_new_person_then_registered_and_a_later_application_updates_them() -> None:
    examinees = PrefectureExaminees("13")

    first = examinees.register(PSEUDONYM, examinee(), "13-A", T0, T0)
    second = examinees.register(
        PSEUDONYM, examinee("1級"), "13-B", T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=1)
    )

    assert first.created
    assert not second.created
    stored = examinees.get(PSEUDONYM)
    assert stored is not None
    assert stored.examinee.grade == "1級"
    assert stored.application_ids == {"13-A", "13-B"}
    assert stored.latest_application_id == "13-B"
    assert stored.registered_at == T0


@pytest.mark.usefixtures("moto")
def test_given_an_older_application_verified_late_then_it_only_adds_its_id() -> None:
    examinees = PrefectureExaminees("13")
    examinees.register(PSEUDONYM, examinee("1級"), "13-B", T0 + dt.timedelta(days=1), T0)

    late = examinees.register(PSEUDONYM, examinee("2級"), "13-A", T0, T0 + dt.timedelta(days=2))

    stored = examinees.get(PSEUDONYM)
    assert not late.created
    assert stored is not None
    assert stored.examinee.grade == "1級"
    assert stored.latest_application_id == "13-B"
    assert stored.application_ids == {"13-A", "13-B"}


@pytest.mark.usefixtures("moto")
def test_registering_the_same_application_again_changes_nothing_but_the_time() -> None:
    examinees = PrefectureExaminees("13")
    examinees.register(PSEUDONYM, examinee(), "13-A", T0, T0)

    again = examinees.register(PSEUDONYM, examinee(), "13-A", T0, T0 + dt.timedelta(hours=1))

    stored = examinees.get(PSEUDONYM)
    assert not again.created
    assert stored is not None
    assert stored.application_ids == {"13-A"}


@pytest.mark.usefixtures("moto")
def test_an_examinee_with_a_my_number_or_of_another_prefecture_is_refused() -> None:
    examinees = PrefectureExaminees("13")

    with pytest.raises(ValueError, match="My Number"):
        examinees.register(PSEUDONYM, examinee(my_number=MyNumber("900000000010")), "13-A", T0, T0)
    with pytest.raises(ValueError, match="another prefecture"):
        PrefectureExaminees("27").register(PSEUDONYM, examinee(), "13-A", T0, T0)
    assert examinees.get(PSEUDONYM) is None


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
