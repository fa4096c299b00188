"""The models cover record-items.json exactly: every item, its alias, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kentei.records import RECORD_MODELS, csv_headers

TOTAL_ITEMS = 237


def _repo_root() -> Path:
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError("no pyproject.toml above this test")


# A copy of ../shared/spec/record-items.json, with its provenance in tests/reference/README.md.
SPEC_PATH = _repo_root() / "tests" / "reference" / "record-items.json"


@pytest.fixture(scope="module")
def tables() -> list[dict[str, Any]]:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = spec["tables"]
    return result


def test_given_the_spec_then_it_lists_237_items(tables: list[dict[str, Any]]) -> None:
    assert sum(len(table["items"]) for table in tables) == TOTAL_ITEMS


def test_given_the_spec_then_the_registry_has_one_model_per_table(
    tables: list[dict[str, Any]],
) -> None:
    assert sorted(RECORD_MODELS) == sorted(table["key"] for table in tables)


def test_given_each_spec_item_then_its_model_has_the_field_with_its_alias(
    tables: list[dict[str, Any]],
) -> None:
    problems = []
    for table in tables:
        fields = RECORD_MODELS[table["key"]].model_fields
        for item in table["items"]:
            expected_alias = item.get("reading", item["ja"])
            field = fields.get(item["en"])
            if field is None:
                problems.append(f"{table['key']}.{item['en']}: no such field")
            elif field.alias != expected_alias:
                problems.append(f"{table['key']}.{item['en']}: alias {field.alias!r}")
    assert problems == []


def test_given_each_model_then_it_has_no_field_beyond_the_spec_in_spec_order(
    tables: list[dict[str, Any]],
) -> None:
    for table in tables:
        model = RECORD_MODELS[table["key"]]
        assert list(model.model_fields) == [item["en"] for item in table["items"]], table["key"]
        assert csv_headers(model) == [item.get("reading", item["ja"]) for item in table["items"]]


def test_given_the_models_then_they_hold_237_fields_with_unique_aliases_per_model() -> None:
    assert sum(len(model.model_fields) for model in RECORD_MODELS.values()) == TOTAL_ITEMS
    for model in RECORD_MODELS.values():
        headers = csv_headers(model)
        assert len(set(headers)) == len(headers), model.__name__


def test_given_each_model_then_fields_have_english_descriptions_and_class_names_the_table(
    tables: list[dict[str, Any]],
) -> None:
    for table in tables:
        model = RECORD_MODELS[table["key"]]
        assert table["ja"] in (model.__doc__ or ""), model.__name__
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"
            assert field.description.isascii(), f"{model.__name__}.{name}: Japanese is the alias"
