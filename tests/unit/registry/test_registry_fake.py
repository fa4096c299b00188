"""The seeded fake registry: the demo seed, seed validation, and both lookups."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kentei.my_number import MyNumber, is_valid
from kentei.records.codes import Sex
from kentei.registry import Candidate, Person, RegistryRecord, RegistryStatus
from kentei.registry.fake import RegistrySeedError, SeededRegistry, load_seed, parse_seed
from kentei_local.fake_registry_server import DEMO_SEED

TARO = MyNumber("900000000010")
TARO_ITEMS = ("見本 太郎", date(1990, 4, 1), Sex.MALE, "東京都千代田区見本町一丁目2番3号")
SECRET_VALUES = ("900000000010", "見本", "1990", "千代田")


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "my_number": "900000000010",
        "name": "見本 太郎",
        "name_kana": "みほん たろう",
        "birth_date": "1990-04-01",
        "sex": "1",
        "address": "東京都千代田区見本町一丁目2番3号",
        "status": "current",
    } | overrides


@pytest.fixture(scope="module")
def registry() -> SeededRegistry:
    return SeededRegistry.from_file(DEMO_SEED)


def test_given_the_demo_seed_then_it_holds_a_handful_of_valid_persons_in_every_status() -> None:
    entries = load_seed(DEMO_SEED)
    raw = json.loads(DEMO_SEED.read_text(encoding="utf-8"))

    assert 5 <= len(entries) <= 10
    assert all(is_valid(person["my_number"]) for person in raw)
    statuses = [e.status for e in entries]
    assert statuses.count(RegistryStatus.MOVED) == 1
    assert statuses.count(RegistryStatus.DECEASED) == 1
    assert {e.sex for e in entries} == {Sex.MALE, Sex.FEMALE}


def test_given_a_seeded_number_then_its_record_and_status(registry: SeededRegistry) -> None:
    record = registry.by_my_number(TARO)

    assert record.status is RegistryStatus.CURRENT
    assert record.person is not None
    assert (record.person.name, record.person.birth_date, record.person.sex) == TARO_ITEMS[:3]
    assert record.person.name_kana == "みほん たろう"
    assert registry.by_my_number(MyNumber("900000000052")).status is RegistryStatus.MOVED
    assert registry.by_my_number(MyNumber("900000000060")).status is RegistryStatus.DECEASED


def test_given_an_unseeded_number_then_unknown_without_a_person(registry: SeededRegistry) -> None:
    record = registry.by_my_number(MyNumber("900000000079"))

    assert record == RegistryRecord(status=RegistryStatus.UNKNOWN)
    assert not record.found
    assert record.person is None


def test_given_the_four_items_written_differently_then_the_person_is_a_candidate(
    registry: SeededRegistry,
) -> None:
    candidates = registry.by_four_items(
        "高崎　技能", date(2001, 2, 28), Sex.MALE, "愛知県名古屋市中区架空町3-12-1"
    )

    assert [c.my_number for c in candidates] == [MyNumber("900000000036")]
    assert candidates[0].status is RegistryStatus.CURRENT


@pytest.mark.parametrize(
    "differs",
    [
        {"name": "見本 次郎"},
        {"birth_date": date(1990, 4, 2)},
        {"sex": Sex.FEMALE},
        {"address": "東京都千代田区見本町1-2-4"},
    ],
    ids=["name", "birth_date", "sex", "address"],
)
def test_given_one_item_different_then_no_candidate(
    registry: SeededRegistry, differs: dict[str, Any]
) -> None:
    items: dict[str, Any] = dict(
        zip(("name", "birth_date", "sex", "address"), TARO_ITEMS, strict=True)
    )
    assert registry.by_four_items(**(items | differs)) == ()


def test_given_namesakes_then_every_match_is_a_candidate() -> None:
    twin = entry(my_number="900000000028", name_kana=None)
    registry = SeededRegistry(parse_seed(json.dumps([entry(), twin])))

    candidates = registry.by_four_items(*TARO_ITEMS)

    assert {c.my_number for c in candidates} == {TARO, MyNumber("900000000028")}


def test_given_results_then_their_repr_shows_no_personal_value(registry: SeededRegistry) -> None:
    shown = repr(registry.by_my_number(TARO)) + repr(registry.by_four_items(*TARO_ITEMS))

    for value in SECRET_VALUES:
        assert value not in shown


def test_given_a_candidate_then_serialising_it_masks_the_number(registry: SeededRegistry) -> None:
    (candidate,) = registry.by_four_items(*TARO_ITEMS)

    assert "900000000010" not in candidate.model_dump_json()
    assert candidate.my_number.reveal() == "900000000010"


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ([entry(), entry(my_number="900000000011")], "entry 1, field my_number"),
        ([entry(birth_date="1990-02-30")], "entry 0, field birth_date"),
        ([entry(sex="男")], "entry 0, field sex"),
        ([entry(status="unknown")], "entry 0, field status"),
        ([entry(name_kana="Mihon")], "entry 0, field name_kana"),
        ([entry(email="x@example.com")], "entry 0, field email"),
        ([{k: v for k, v in entry().items() if k != "address"}], "entry 0, field address"),
        ([entry(), entry(name="別人")], "entry 1 has the my_number of entry 0"),
        ({"persons": []}, "the document"),
    ],
    ids=[
        "check-digit",
        "no-such-day",
        "sex-label",
        "status",
        "kana",
        "unknown-field",
        "missing",
        "duplicate",
        "not-a-list",
    ],
)
def test_given_an_invalid_seed_then_the_error_names_entry_and_field_not_values(
    document: object, where: str
) -> None:
    with pytest.raises(RegistrySeedError, match=where) as raised:
        parse_seed(json.dumps(document, ensure_ascii=False))
    for value in ("900000000011", "1990-02-30", "Mihon", "別人", "x@example.com"):
        assert value not in str(raised.value)


def test_given_malformed_json_then_a_seed_error(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text('[{"my_number": "900000000010",', encoding="utf-8")

    with pytest.raises(RegistrySeedError, match="Invalid JSON"):
        load_seed(seed)


def test_given_no_seed_file_then_a_seed_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(RegistrySeedError, match="cannot be read"):
        load_seed(tmp_path / "absent.json")


def test_given_a_record_then_person_presence_follows_the_status() -> None:
    person = Person(name="見本 太郎", birth_date=date(1990, 4, 1), sex=Sex.MALE, address="東京都")
    with pytest.raises(ValueError, match="exactly when"):
        RegistryRecord(status=RegistryStatus.CURRENT)
    with pytest.raises(ValueError, match="exactly when"):
        RegistryRecord(status=RegistryStatus.UNKNOWN, person=person)
    with pytest.raises(ValueError, match="a person the registry holds"):
        Candidate(my_number=TARO, status=RegistryStatus.UNKNOWN, person=person)
