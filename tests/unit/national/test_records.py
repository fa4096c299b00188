"""Our records-table items as the national system's records: each synced kind, nothing else,
and never a My Number."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.exemptions.factory import record as pass_record
from tests.unit.national import items
from tests.unit.review.factory import form

from kentei import my_number
from kentei.exemptions.model import PassKind
from kentei.national.model import ExamineeData, RecordKind
from kentei.national.records import (
    EXAMINEE_ITEMS,
    HISTORICAL_PASS_PREFIX,
    MyNumberInItemError,
    UnsyncableItemError,
    item_key,
    national_record,
    removed_record,
    synced_key,
)
from kentei.roster.parts import Part
from kentei.roster.registration import examinee_of

VERSION = 1100000000017454423009
VALID_MY_NUMBER = "123456789018"

names = st.text(alphabet="技能山田花子太郎ぎのうはなこ ", min_size=1, max_size=20).filter(
    lambda s: s.strip() != "" and s == s.strip()
)
phones = st.from_regex(r"0[1-9]0-[0-9]{4}-[0-9]{4}", fullmatch=True)
postal = st.from_regex(r"[0-9]{7}", fullmatch=True)


@st.composite
def examinees(draw: st.DrawFn) -> dict[str, object]:
    changes = {
        "name": draw(names),
        "address": "東京都" + draw(names),
        "postal_code": draw(st.none() | postal),
        "phone": draw(st.none() | phones),
        "sex": draw(st.sampled_from(["1", "2", "9"])),
    }
    # Letters only: a drawn run of twelve digits could itself read as a My Number. At most 61:
    # the examinee record's id is ``13-<資格仮名ID>`` and the contract's ids are 64 at most (the
    # 資格仮名IDs verify issues are 26 characters).
    pseudonym = draw(st.from_regex(r"[A-Za-z_-]{8,61}", fullmatch=True))
    return items.examinee(examinee_of(form(**changes)), pseudonym)


@given(examinees())
def test_an_examinee_travels_with_its_contract_items_only(item: dict[str, object]) -> None:
    record = national_record(item, VERSION)
    assert record is not None
    assert record.kind is RecordKind.EXAMINEE
    assert record.version == VERSION
    assert record.data is not None
    assert set(record.data) <= set(EXAMINEE_ITEMS)
    ExamineeData.model_validate(record.data)
    stored = json.loads(item["examinee"]["S"])  # type: ignore[index]
    for name in record.data:
        assert record.data[name] == stored[name]
    assert not my_number.contains(record.model_dump_json())


@given(examinees(), st.sampled_from(["my_number", "個人番号"]))
def test_an_examinee_with_a_my_number_never_travels(item: dict[str, object], name: str) -> None:
    stored = json.loads(item["examinee"]["S"])  # type: ignore[index]
    stored[name] = VALID_MY_NUMBER
    item["examinee"] = {"S": json.dumps(stored, ensure_ascii=False)}
    with pytest.raises(MyNumberInItemError) as raised:
        national_record(item, VERSION)
    assert VALID_MY_NUMBER not in str(raised.value)


def test_the_trainee_items_and_the_residence_card_stay_home() -> None:
    record = national_record(items.examinee(), VERSION)
    assert record is not None
    assert record.data is not None
    text = record.model_dump_json()
    assert "AB12345678CD" not in text
    assert "nationality" not in text
    assert "employer" not in text


def test_a_sitting_travels_as_its_summary() -> None:
    record = national_record(items.sitting("deleted"), VERSION)
    assert record is not None
    assert record.kind is RecordKind.SITTING
    assert record.record_id == items.APPLICATION
    assert record.qualification_pseudonym_id == items.PERSON
    assert record.data == {
        "fiscal_year": 2026,
        "term": "前期",
        "trade_code": "0101",
        "work_code": "010101",
        "grade": "2級",
        "exam_number": "13-2026-000123",
        "parts": ["written", "practical"],
        "status": "deleted",
    }


def test_a_part_pass_and_a_pass_keep_their_kind_and_numbers() -> None:
    part = national_record(items.passed(), VERSION)
    assert part is not None
    assert part.data is not None
    assert part.kind is RecordKind.PART_PASS
    assert part.data["revoked_on"] is None
    full = pass_record(
        "13-01J0000000000000000000000B",
        qualification_pseudonym_id=items.PERSON,
        kind=PassKind.PASS,
        parts=(Part.WRITTEN, Part.PRACTICAL),
        passer_number="13G26-000001",
        certificate_number="C13G262-00001",
    )
    record = national_record(items.passed(full), VERSION)
    assert record is not None
    assert record.data is not None
    assert record.kind is RecordKind.PASS
    assert record.record_id == "13-01J0000000000000000000000B"
    assert record.data["passer_number"] == "13G26-000001"
    assert record.data["application_id"] == record.record_id


def test_a_revoked_pass_names_the_day_in_japan() -> None:
    record = national_record(items.passed(revoked_at="2026-10-01T15:30:00.000000Z"), VERSION)
    assert record is not None
    assert record.data is not None
    assert record.data["revoked_on"] == "2026-10-02"


def test_a_certificate_travels_with_its_status() -> None:
    record = national_record(
        items.certificate(status="superseded", superseded_by="C13G262-00001-2"), VERSION
    )
    assert record is not None
    assert record.data is not None
    assert record.kind is RecordKind.CERTIFICATE
    assert record.record_id == "C13G262-00001-1"
    assert record.qualification_pseudonym_id == items.PERSON
    assert record.data["status"] == "superseded"
    assert record.data["superseded_by"] == "C13G262-00001-2"


@pytest.mark.parametrize(
    "record_key",
    [
        "EXAMINEE_HISTORY#pseudonym-0001-abcdef#2026#x",
        "PASSNUMBER#passer#13G26-000001",
        "PASSSEQ#c#000000001",
        "CERTIFICATE_HOLD#pseudonym-0001-abcdef#13-01J0000000000000000000000A",
        "NATIONAL_SENT#examinee#pseudonym-0001-abcdef",
        "DECISION#g#13-01J0000000000000000000000A",
    ],
)
def test_other_items_are_not_synced(record_key: str) -> None:
    item = {**items.key(record_key), "item_type": {"S": "other"}}
    assert synced_key(item) is None
    assert national_record(item, VERSION) is None


def test_a_removed_item_is_a_deleted_record_at_its_key() -> None:
    for item in (items.examinee(), items.sitting(), items.passed(), items.certificate()):
        key = synced_key(item)
        assert key is not None
        assert key.item_key == item["record_key"]["S"]
        assert item_key(key.kind, key.qualification_pseudonym_id, key.record_id) == key.item_key
        gone = removed_record(key, VERSION)
        assert gone.deleted
        assert gone.data is None
        assert gone.version == VERSION


def test_an_invalid_item_is_refused_without_its_values() -> None:
    item = items.examinee()
    stored = json.loads(item["examinee"]["S"])
    stored["sex"] = "3"
    item["examinee"] = {"S": json.dumps(stored, ensure_ascii=False)}
    with pytest.raises(UnsyncableItemError) as raised:
        national_record(item, VERSION)
    assert "sex" in str(raised.value)
    assert stored["name"] not in str(raised.value)


def test_a_person_in_two_prefectures_is_two_examinee_records_never_one() -> None:
    tokyo = items.examinee()
    osaka = {**tokyo, "prefecture_code": {"S": "27"}}

    ours = national_record(tokyo, 1), national_record(osaka, 1)

    assert [record.record_id for record in ours if record is not None] == [
        items.EXAMINEE_ID,
        f"27-{items.PERSON}",
    ]
    assert {record.qualification_pseudonym_id for record in ours if record is not None} == {
        items.PERSON
    }
    key = synced_key(osaka)
    assert key is not None
    assert key.item_key == f"EXAMINEE#{items.PERSON}", "the item's own key keeps the person"


def test_a_past_pass_relinked_to_another_person_is_each_persons_own_record() -> None:
    from kentei.results.historical.matching import RECORD_PREFIX

    assert RECORD_PREFIX == HISTORICAL_PASS_PREFIX
    first = {**items.passed(), "record_key": {"S": f"PASS#{items.PERSON}#H-13-000123"}}
    second = {**first, "record_key": {"S": "PASS#another-person-01#H-13-000123"}}

    keys = [synced_key(first), synced_key(second)]

    assert [key.record_id for key in keys if key is not None] == [
        f"H-13-000123-{items.PERSON}",
        "H-13-000123-another-person-01",
    ]
    for key, item in zip(keys, (first, second), strict=True):
        assert key is not None
        assert key.item_key == item["record_key"]["S"], "the record id leads back to its item"
    assert item_key(RecordKind.PASS, items.PERSON, items.APPLICATION) == (
        f"PASS#{items.PERSON}#{items.APPLICATION}"
    ), "an application's pass keeps its own id"
