"""Every model survives JSON by alias, JSON by English name, and CSV with Japanese headers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentei.records import RECORD_MODELS, REVEAL, csv_headers, dump_csv, load_csv

from .strategies import PROPERTY, record_data


@pytest.mark.parametrize("table", sorted(RECORD_MODELS))
@settings(PROPERTY, max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_given_valid_records_when_dumped_and_read_back_then_they_are_equal(
    table: str, data: st.DataObject
) -> None:
    # Given valid records of the table's model
    model = RECORD_MODELS[table]
    records = [
        model.model_validate(row)
        for row in data.draw(st.lists(record_data(model), min_size=1, max_size=2))
    ]
    record = records[0]

    # When dumped to JSON with Japanese keys, Then the keys are the aliases and it reads back
    by_alias = record.model_dump(mode="json", by_alias=True, context={REVEAL: True})
    assert list(by_alias) == csv_headers(model)
    assert (
        model.model_validate_json(record.model_dump_json(by_alias=True, context={REVEAL: True}))
        == record
    )

    # When dumped by English name, Then it reads back
    by_name = record.model_dump(mode="json", context={REVEAL: True})
    assert list(by_name) == list(model.model_fields)
    assert model.model_validate(by_name) == record

    # When written to CSV with Japanese headers, Then the rows read back in order
    assert load_csv(model, dump_csv(model, records, reveal=True)) == records
