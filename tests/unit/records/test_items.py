"""Each record item is declared once, in ``kentei.records.items``, and the models use it."""

from __future__ import annotations

import ast
import types
import typing
from collections import Counter
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kentei.applications.model import ApplyingGroup
from kentei.records import RECORD_MODELS, Record, items
from kentei.roster.sitting import Sitting

RECORDS_PACKAGE = Path(items.__file__).parent
ITEMS_DECLARED = 167
"""Japanese names of 別添1 as the models use them; the 237 fields repeat 70 of them."""


def _item_field(hint: object) -> FieldInfo | None:
    """The ``Field`` of an item (an alias whose last metadata carries a Japanese name)."""
    if typing.get_origin(hint) is not typing.Annotated:
        return None
    last = hint.__metadata__[-1]  # type: ignore[attr-defined]
    return last if isinstance(last, FieldInfo) and last.alias else None


def _admits_none(hint: object) -> bool:
    base = typing.get_args(hint)[0]
    return (isinstance(base, types.UnionType) or typing.get_origin(base) is typing.Union) and type(
        None
    ) in typing.get_args(base)


ITEMS: dict[str, object] = {
    name: value
    for name, value in vars(items).items()
    if not name.startswith("_") and _item_field(value) is not None
}


ITEM_MODELS: tuple[type[BaseModel], ...] = (*RECORD_MODELS.values(), Sitting, ApplyingGroup)
"""Every model that lists items: the record models, and those outside the records package."""
SITTING_OWN_FIELDS = frozenset(
    {
        "exam_round",
        "elective",
        "parts",
        "status",
        "accepted_at",
        "accepted_by",
        "sessions",
        "exemptions",
        "fees",
    }
)
"""The sitting's fields 別添1 has no item for: the roster's own."""


def _field_calls(path: Path) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and any(k.arg == "alias" for k in node.keywords)
    ]


def test_given_the_records_package_then_no_alias_is_declared_outside_items() -> None:
    offenders = [
        f"{path.name}:{call.lineno}"
        for path in sorted(RECORDS_PACKAGE.glob("*.py"))
        if path.name != "items.py"
        for call in _field_calls(path)
    ]

    assert offenders == []


def test_given_items_then_each_japanese_name_is_declared_once() -> None:
    aliases = []
    for call in _field_calls(RECORDS_PACKAGE / "items.py"):
        alias = next(k.value for k in call.keywords if k.arg == "alias")
        assert isinstance(alias, ast.Constant), f"line {call.lineno}: alias must be a literal"
        aliases.append(alias.value)

    assert [name for name, count in Counter(aliases).items() if count > 1] == []
    assert len(aliases) == ITEMS_DECLARED


@pytest.mark.parametrize("model", list(RECORD_MODELS.values()), ids=lambda m: m.__name__)
def test_given_a_record_model_then_every_field_is_an_item_with_its_alias_and_description(
    model: type[Record],
) -> None:
    by_identity = {id(value): name for name, value in ITEMS.items()}
    hints = typing.get_type_hints(model, include_extras=True)
    for name, field in model.model_fields.items():
        item = by_identity.get(id(hints[name]))
        assert item is not None, f"{model.__name__}.{name}: not typed by an item"
        declared = _item_field(ITEMS[item])
        assert declared is not None
        assert (field.alias, field.description) == (declared.alias, declared.description), name


@pytest.mark.parametrize("model", list(RECORD_MODELS.values()), ids=lambda m: m.__name__)
def test_given_a_record_model_then_optional_items_default_to_none_and_others_are_required(
    model: type[Record],
) -> None:
    hints = typing.get_type_hints(model, include_extras=True)
    for name, field in model.model_fields.items():
        if _admits_none(hints[name]):
            assert not field.is_required(), f"{model.__name__}.{name}"
            assert field.default is None, f"{model.__name__}.{name}"
        else:
            assert field.is_required(), f"{model.__name__}.{name}"


def test_given_items_then_the_optional_form_is_named_opt_and_admits_none() -> None:
    for name, value in ITEMS.items():
        assert name.endswith("Opt") == _admits_none(value), name


def test_given_items_then_each_is_used_by_a_model() -> None:
    used = {
        id(hint)
        for model in ITEM_MODELS
        for hint in typing.get_type_hints(model, include_extras=True).values()
    }

    assert [name for name, value in ITEMS.items() if id(value) not in used] == []


def test_given_an_item_in_both_forms_then_they_share_one_declaration() -> None:
    assert _item_field(items.ExamNumber) is _item_field(items.ExamNumberOpt)
    assert len({id(_item_field(value)) for value in ITEMS.values()}) == ITEMS_DECLARED


def test_given_an_item_inside_a_union_then_pydantic_drops_its_alias() -> None:
    # Why the optional form is its own alias: ``items.X | None`` would lose the Japanese name.
    # Records defer their schema build (cold start): pydantic warns when it builds.
    class Wrong(Record):
        name: items.Name | None = None

    with pytest.warns(UserWarning, match="alias"):
        Wrong.model_rebuild(force=True)

    assert Wrong.model_fields["name"].alias is None


def test_given_the_sitting_then_every_field_but_the_rosters_own_is_an_item() -> None:
    by_identity = {id(value): name for name, value in ITEMS.items()}
    hints = typing.get_type_hints(Sitting, include_extras=True)
    for name, field in Sitting.model_fields.items():
        item = by_identity.get(id(hints[name]))
        if name in SITTING_OWN_FIELDS:
            assert item is None, name
            continue
        assert item is not None, f"Sitting.{name}: not typed by an item"
        declared = _item_field(ITEMS[item])
        assert declared is not None
        assert (field.alias, field.description) == (declared.alias, declared.description), name
        if _admits_none(hints[name]):
            assert field.default is None, name
        else:
            assert field.is_required(), name


def test_given_a_sitting_then_it_is_stored_by_english_names_and_read_by_either() -> None:
    stored = {
        "application_id": "13-01JABCDEFGHJKMNPQRSTVWXYZ0",
        "prefecture_code": "13",
        "qualification_pseudonym_id": "p-00000001",
        "exam_round": {"fiscal_year": 2026, "term": "前期"},
        "trade_code": "T01",
        "work_code": "W01",
        "grade": "2級",
        "parts": ["written", "practical"],
        "exam_number": "262-W01-00001",
        "accepted_at": "2026-04-01T09:00:00Z",
        "accepted_by": "staff-1",
    }
    sitting = Sitting.model_validate(stored)
    aliased = {Sitting.model_fields[name].alias or name: value for name, value in stored.items()}

    assert Sitting.model_validate(aliased) == sitting
    assert set(sitting.model_dump()) == set(Sitting.model_fields)
    assert Sitting.model_validate_json(sitting.model_dump_json()) == sitting
    assert sitting.group is None
    assert sitting.written_fee_status is None
    assert sitting.fees is None


def test_given_the_applying_group_then_every_field_is_an_item() -> None:
    by_identity = {id(value): name for name, value in ITEMS.items()}
    hints = typing.get_type_hints(ApplyingGroup, include_extras=True)
    for name, field in ApplyingGroup.model_fields.items():
        item = by_identity.get(id(hints[name]))
        assert item is not None, f"ApplyingGroup.{name}: not typed by an item"
        declared = _item_field(ITEMS[item])
        assert declared is not None
        assert field.alias == declared.alias, name
