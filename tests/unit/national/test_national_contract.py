"""Contract version 1: the models and ``contract.json`` say the same thing. What the adapter
writes the schema admits, what the schema refuses the models refuse too (the fake validates
with the schema, the adapter with the models), and errors never quote a value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from tests.unit.national.samples import ADDRESS, DATA, NAME, PERSON, PREFECTURE, record

from kentei.national import NationalChange, NationalRecord, Receipt, RecordKind, contract
from kentei.national.contract import ProblemType
from kentei.national.model import (
    CHANGEABLE_ON_NATIONAL_SIDE,
    DATA_MODELS,
    RefusedChange,
    bucket_of,
)


def validator(definition: str) -> Any:
    return jsonschema.Draft202012Validator({**contract.schema(), "$ref": f"#/$defs/{definition}"})


def errors(definition: str, document: Any) -> list[Any]:
    return list(validator(definition).iter_errors(document))


def test_the_contract_is_a_valid_versioned_json_schema() -> None:
    schema = contract.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["x-kentei-version"] == contract.VERSION == "1.0.0"
    assert schema["$id"].endswith(":v1")
    assert set(schema["x-endpoints"]) == {
        "PUT /v1/records/{kind}/{record_id}",
        "GET /v1/records/{kind}/{record_id}",
        "GET /v1/changes",
        "GET /v1/digests",
        "GET /v1/buckets/{n}",
    }
    assert "My Number never travels" in schema["description"]


def test_the_enumerations_are_the_models() -> None:
    defs = contract.schema()["$defs"]
    assert defs["Kind"]["enum"] == [kind.value for kind in RecordKind]
    assert set(defs["Changeable"]["enum"]) == CHANGEABLE_ON_NATIONAL_SIDE
    assert defs["Problem"]["properties"]["type"]["enum"] == [p.uri for p in ProblemType]
    assert defs["Receipt"]["properties"]["outcome"]["enum"] == ["applied", "stale"]


def _definition_of(model: type[BaseModel]) -> str:
    names = {
        NationalRecord: "Record",
        Receipt: "Receipt",
        NationalChange: "Change",
    }
    return names.get(model, model.__name__)


@pytest.mark.parametrize(
    "model",
    [NationalRecord, Receipt, NationalChange, *dict.fromkeys(DATA_MODELS.values())],
    ids=lambda model: model.__name__,
)
def test_each_model_has_the_fields_and_required_fields_of_its_definition(
    model: type[BaseModel],
) -> None:
    definition = contract.schema()["$defs"][_definition_of(model)]
    fields = model.model_fields
    assert set(definition["properties"]) == set(fields)
    assert definition["additionalProperties"] is False
    # The wire form always carries a record's every field; elsewhere, what has no default.
    if model is NationalRecord:
        assert set(definition["required"]) == set(fields)
    else:
        assert set(definition["required"]) == {n for n, f in fields.items() if f.is_required()}


def test_the_record_names_no_my_number() -> None:
    text = json.dumps(contract.schema()["$defs"], ensure_ascii=False).lower()
    assert "my_number" not in text
    assert "individual_number" not in text


@pytest.mark.parametrize("kind", list(RecordKind), ids=str)
def test_given_a_record_of_each_kind_then_its_body_meets_the_schema_and_reads_back_equal(
    kind: RecordKind,
) -> None:
    for sent in (record(kind, version=3), record(kind, version=4, deleted=True)):
        body = contract.record_body(sent)

        assert errors("Record", json.loads(body)) == []
        assert contract.parse_record(body) == sent
        assert contract.parse_record(body).content_digest() == sent.content_digest()


def test_a_records_data_is_kept_in_canonical_form_whatever_its_spelling() -> None:
    spelled = NationalRecord.model_validate(
        {
            **record().model_dump(),
            "data": {"name": NAME, "birth_date": "1990-04-01", "sex": "2", "address": ADDRESS},
        }
    )
    assert spelled.data is not None
    assert spelled.data["phone"] is None  # every item present
    as_date = NationalRecord.model_validate(
        {**spelled.model_dump(), "data": {**spelled.data, "birth_date": "1990-04-01"}}
    )
    assert as_date.content_digest() == spelled.content_digest()


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30)


@st.composite
def records(draw: st.DrawFn) -> NationalRecord:
    kind = draw(st.sampled_from(list(RecordKind)))
    deleted = draw(st.booleans())
    data = dict(DATA[kind])
    if kind is RecordKind.EXAMINEE:
        data |= {"name": draw(_text), "address": draw(_text), "phone": None}
    return NationalRecord.model_validate(
        {
            "kind": kind,
            "record_id": draw(st.from_regex(r"[0-9A-Za-z_-]{1,64}", fullmatch=True)),
            "qualification_pseudonym_id": draw(_text),
            "prefecture_code": f"{draw(st.integers(1, 47)):02d}",
            "version": draw(st.integers(1, 2**53)),
            "deleted": deleted,
            "data": None if deleted else data,
        }
    )


@given(records())
def test_given_any_record_then_the_schema_admits_its_body_and_it_reads_back(
    sent: NationalRecord,
) -> None:
    body = contract.record_body(sent)
    assert errors("Record", json.loads(body)) == []
    assert contract.parse_record(body) == sent
    assert 0 <= bucket_of(sent.record_id) < 64


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(contract.record_body(record()))
    for key, value in changes.items():
        if value is _DROP:
            document.pop(key)
        else:
            document[key] = value
    return document


_DROP = object()


@pytest.mark.parametrize(
    "document",
    [
        _document(extra="x"),
        _document(my_number="123456789018"),
        _document(kind="person"),
        _document(record_id="a/b"),
        _document(version=0),
        _document(prefecture_code="48"),
        _document(deleted=True),
        _document(data=None),
        _document(qualification_pseudonym_id=_DROP),
        _document(data={**DATA[RecordKind.EXAMINEE], "my_number": "123456789018"}),
        _document(data={**DATA[RecordKind.EXAMINEE], "sex": "3"}),
        _document(data={**DATA[RecordKind.EXAMINEE], "name": ""}),
        _document(data=DATA[RecordKind.SITTING]),
        _document(kind="certificate", data={**DATA[RecordKind.CERTIFICATE], "status": "lost"}),
    ],
    ids=[
        "extra-field",
        "my-number-field",
        "unknown-kind",
        "id-with-slash",
        "version-0",
        "prefecture-48",
        "deleted-with-data",
        "data-missing-not-deleted",
        "no-person",
        "my-number-in-data",
        "bad-sex",
        "empty-name",
        "data-of-another-kind",
        "certificate-status",
    ],
)
def test_given_a_document_outside_the_contract_then_schema_and_models_refuse_it(
    document: dict[str, Any],
) -> None:
    assert errors("Record", document) != []
    raw = json.dumps(document, ensure_ascii=False).encode()
    with pytest.raises(ValueError, match="malformed record") as refused:
        contract.parse_record(raw)
    assert NAME not in str(refused.value)
    assert ADDRESS not in str(refused.value)
    assert "123456789018" not in str(refused.value)


def test_the_replies_meet_the_schema_and_read_back_equal() -> None:
    held = record(version=2)
    receipt = Receipt(
        kind=held.kind, record_id=held.record_id, version=1, outcome="stale", held_version=2
    )
    change = NationalChange(
        sequence=7,
        qualification_pseudonym_id=PERSON,
        prefecture_code=PREFECTURE,
        base_version=2,
        changes={"name": "見本 春子", "phone": None},
        changed_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC),
    )
    digest = held.content_digest()
    digests = {0: digest, 17: digest, 63: digest}
    bucket = {held.record_id: (held.version, digest)}

    assert errors("Receipt", json.loads(contract.receipt_body(receipt))) == []
    assert contract.parse_receipt(contract.receipt_body(receipt)) == receipt
    assert errors("ChangeFeed", json.loads(contract.changes_body([change]))) == []
    assert contract.parse_changes(contract.changes_body([change])) == (change,)
    assert errors("Digests", json.loads(contract.digests_body(digests))) == []
    assert contract.parse_digests(contract.digests_body(digests)) == digests
    assert errors("Bucket", json.loads(contract.bucket_body(bucket))) == []
    assert contract.parse_bucket(contract.bucket_body(bucket)) == bucket


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (contract.parse_digests, b'{"64": "' + b"0" * 64 + b'"}'),
        (contract.parse_digests, b'{"1": "not-a-digest"}'),
        (contract.parse_bucket, b'{"ex-1": [0, "' + b"0" * 64 + b'"]}'),
        (contract.parse_bucket, b'{"ex-1": [1]}'),
        (contract.parse_changes, b'{"changes": [{"sequence": 1}]}'),
        (contract.parse_receipt, b'{"outcome": "applied"}'),
    ],
    ids=["bucket-64", "digest-not-hex", "version-0", "no-digest", "change", "receipt"],
)
def test_given_a_reply_outside_the_contract_then_a_value_error(parse: Any, raw: bytes) -> None:
    with pytest.raises(ValueError, match="malformed"):
        parse(raw)


def test_a_change_of_an_item_the_person_may_not_change_is_refused_in_its_place() -> None:
    document = {
        "sequence": 1,
        "qualification_pseudonym_id": PERSON,
        "prefecture_code": PREFECTURE,
        "base_version": 1,
        "changes": {"birth_date": "1991-01-01"},
        "changed_at": "2026-12-07T09:00:00+09:00",
    }
    valid = {**document, "sequence": 2, "changes": {"phone": "0312345678"}}
    assert errors("Change", document) != []

    refused, change = contract.parse_changes(json.dumps({"changes": [document, valid]}).encode())

    assert isinstance(refused, RefusedChange)
    assert refused == RefusedChange(
        sequence=1,
        qualification_pseudonym_id=PERSON,
        prefecture_code=PREFECTURE,
        reason=refused.reason,
    )
    assert "birth_date" in refused.reason
    assert "1991" not in refused.reason, "never the value"
    assert isinstance(change, NationalChange)
    assert change.sequence == 2


def test_the_problem_document_names_its_type() -> None:
    body = contract.problem_body(ProblemType.CONFLICT, 409, "held with other content")
    assert errors("Problem", json.loads(body)) == []
    problem = contract.parse_problem(body)
    assert problem is not None
    assert problem.problem_type is ProblemType.CONFLICT
    assert contract.parse_problem(b"<html>") is None


def test_a_record_refused_for_its_data_never_quotes_the_data() -> None:
    long_name = NAME * 30
    raw = json.dumps(
        _document(data={**DATA[RecordKind.EXAMINEE], "name": long_name}), ensure_ascii=False
    ).encode()

    with pytest.raises(
        ValueError, match=r"malformed record: data: .*name: String should"
    ) as refused:
        contract.parse_record(raw)

    assert NAME not in str(refused.value)
    assert ADDRESS not in str(refused.value)
