"""The retention job's store over moto (:mod:`kentei.data.retention`): legal holds placed,
lifted and listed; deletion records that add ids on a retried run; a prefecture's records of
a person as the vault release reads them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Final

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei import aws, settings
from kentei.data.record_kinds import kind_of
from kentei.data.retention import (
    DELETION_PREFIX,
    DRY_RUN_PREFIX,
    PrefectureLegalHolds,
    PrefectureRetention,
)
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import Doomed, Hold, HoldScope

AT: Final = dt.datetime(2033, 4, 1, 16, 20, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _doomed(key: str, kind: RecordKind = RecordKind.EXAMINEE) -> Doomed:
    return Doomed(key, kind, AT, AT, "default:5 years (fiscal_year) from last_activity", None)


def test_given_a_hold_placed_then_lifted_then_it_is_in_force_until_lifted_and_kept() -> None:
    holds = PrefectureLegalHolds("13")
    hold = Hold(HoldScope.KIND, "examinee")
    holds.place(hold, "訴訟 2033(ワ)1", "ops:13:records", AT)
    assert holds.active() == [hold]
    assert PrefectureLegalHolds("27").active() == []

    assert holds.lift(hold, "ops:13:records", AT)
    assert not holds.lift(hold, "ops:13:records", AT)
    assert holds.active() == []
    (placed,) = holds.placed()
    assert placed.lifted_by == "ops:13:records"
    assert placed.reason == "訴訟 2033(ワ)1"


def test_given_a_retried_run_then_its_deletion_record_adds_ids_and_a_dry_run_is_apart() -> None:
    store = PrefectureRetention("13")
    store.add_to_report(DELETION_PREFIX, "r1", RecordKind.EXAMINEE, [_doomed("EXAMINEE#a")], AT)
    store.add_to_report(DELETION_PREFIX, "r1", RecordKind.EXAMINEE, [_doomed("EXAMINEE#b")], AT)
    store.add_to_report(DELETION_PREFIX, "r1", RecordKind.EXAMINEE, [], AT)
    store.add_to_report(DRY_RUN_PREFIX, "r1", RecordKind.EXAMINEE, [_doomed("EXAMINEE#c")], AT)

    (record,) = store.reports(DELETION_PREFIX, "r1")
    assert record.record_keys == {"EXAMINEE#a", "EXAMINEE#b"}
    assert record.rules == {"default:5 years (fiscal_year) from last_activity"}
    assert record.scheduled_at == AT
    (dry,) = store.reports(DRY_RUN_PREFIX, "r1")
    assert dry.record_keys == {"EXAMINEE#c"}
    assert {item.kind for item in store.items(kind_of)} == {
        RecordKind.DELETION_RECORD,
        RecordKind.JOB_RUN,
    }


def test_given_a_persons_application_or_examinee_then_the_prefecture_holds_the_person() -> None:
    table = settings.table_name("records")
    document = json.dumps({"status": "returned", "qualification_pseudonym_id": "person-a"})
    aws.dynamodb().put_item(
        TableName=table,
        Item={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": "APPLICATION#13-X"},
            "application": {"S": document},
        },
    )
    aws.dynamodb().put_item(
        TableName=table,
        Item={"prefecture_code": {"S": "27"}, "record_key": {"S": "EXAMINEE#person-b"}},
    )
    assert PrefectureRetention("13").holds_person("person-a")
    assert not PrefectureRetention("27").holds_person("person-a")
    assert PrefectureRetention("27").holds_person("person-b")
    assert not PrefectureRetention("13").holds_person("person-b")


def test_given_a_doomed_record_then_it_and_its_index_are_deleted() -> None:
    table = settings.table_name("records")
    for key in ("APPLICATION#13-X", "STATUS#accepted#t#13-X", "APPLICATION#13-Y"):
        aws.dynamodb().put_item(
            TableName=table,
            Item={"prefecture_code": {"S": "13"}, "record_key": {"S": key}},
        )
    doomed = Doomed(
        "APPLICATION#13-X",
        RecordKind.APPLICATION,
        AT,
        AT,
        "rule",
        None,
        companions=("STATUS#accepted#t#13-X",),
    )
    PrefectureRetention("13").delete(doomed)
    assert [i.record_key for i in PrefectureRetention("13").items(kind_of)] == ["APPLICATION#13-Y"]


def test_given_a_partition_read_in_pages_then_every_item_once_and_a_page_record_kept() -> None:
    from kentei.data.retention import RunPage

    client = aws.dynamodb()
    table = settings.table_name("records")
    keys = [f"HEARTBEAT#f{i}" for i in range(5)]
    for key in keys:
        client.put_item(
            TableName=table, Item={"prefecture_code": {"S": "13"}, "record_key": {"S": key}}
        )
    client.put_item(  # another prefecture's: never read
        TableName=table, Item={"prefecture_code": {"S": "27"}, "record_key": {"S": keys[0]}}
    )
    store = PrefectureRetention("13")
    read: list[str] = []
    after: str | None = None
    while True:
        items, last, more = store.page_items(kind_of, after, 2)
        read += [item.record_key for item in items]
        if not more:
            break
        after = last
    assert read == keys
    # A range fixed by its end reads what is left of it, and nothing past it.
    client.delete_item(TableName=table, Key=store._key(keys[1]))
    again, _, _ = store.page_items(kind_of, None, 2, end=keys[2])
    assert [item.record_key for item in again] == [keys[0], keys[2]]

    page = RunPage("r1", "run", "index", 0, None, keys[2], last=False, facts='{"x":1}')
    assert store.save_page(page, AT) == page
    other = RunPage("r1", "run", "index", 0, None, keys[4], last=True, facts="{}")
    assert store.save_page(other, AT) == page  # a retried page keeps its first range
    assert store.run_pages("r1", "run", "index") == [page]
    assert store.run_pages("r1", "dry", "index") == []
    assert store.run_pages("r1", "run", "delete") == []
    later = RunPage("r2", "dry", "delete", 0, None, None, last=True, facts="{}")
    store.save_page(later, AT)
    assert store.forget_pages("r1") == 1
    assert store.run_pages("r1", "run", "index") == []
    assert store.run_pages("r2", "dry", "delete") == [later]
