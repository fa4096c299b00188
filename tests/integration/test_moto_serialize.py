"""The local moto's serializer, looking each member's possible names up once per shape
(:mod:`kentei_local.moto_serialize`), writes the same responses as moto's own, which asks
anew for every value."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterator
from typing import Any

from moto.core.serialize import (
    AttributePickerContext,
    XFormedAttributePicker,
    get_serializer_class,
)
from moto.core.utils import get_service_model

from kentei_local import moto_serialize

moto_serialize.install()

ITEM = {
    "pk": {"S": "13"},
    "sk": {"S": "SITTING#p#13-A"},
    "n": {"N": "42"},
    "b": {"B": b"\x00\xff"},
    "m": {"M": {"x": {"L": [{"S": "a"}, {"NULL": True}, {"BOOL": False}]}}},
    "ss": {"SS": ["a", "b"]},
}


class _Uncached(XFormedAttributePicker):
    """moto's own lookup: the function the patch wraps."""

    def get_possible_keys(self, context: AttributePickerContext) -> Generator[str]:
        original: Callable[..., Iterator[str]] = vars(XFormedAttributePicker)[
            "get_possible_keys"
        ].__wrapped__
        yield from original(self, context)


def _serialized(service: str, operation: str, result: Any, picker: XFormedAttributePicker) -> Any:
    model = get_service_model(service)
    serializer_class = get_serializer_class(service, model.protocol)
    serializer = serializer_class(
        operation_model=model.operation_model(operation), value_picker=picker
    )
    return serializer.serialize(result)["body"]


class _Row:
    """A moto model object: its attributes in snake_case."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def test_a_page_of_items_is_serialized_as_moto_serializes_it() -> None:
    page = {
        "Items": [ITEM, {**ITEM, "sk": {"S": "SITTING#p#13-B"}}],
        "Count": 2,
        "ScannedCount": 2,
        "LastEvaluatedKey": {"pk": ITEM["pk"], "sk": ITEM["sk"]},
    }
    for _ in range(2):  # the second time from what the first kept
        cached = _serialized("dynamodb", "Query", page, XFormedAttributePicker())
        assert cached == _serialized("dynamodb", "Query", page, _Uncached())
    assert json.loads(cached)["Items"][0]["b"] == {"B": "AP8="}


def test_objects_named_in_snake_case_are_serialized_alike() -> None:
    """A class's attributes (``key_id``), not a dict's keys (``KeyId``), as moto's models."""
    metadata = {"KeyMetadata": _Row(key_id="k-1", arn="arn:aws:kms:k-1", enabled=True)}
    for _ in range(2):
        cached = _serialized("kms", "DescribeKey", metadata, XFormedAttributePicker())
        assert cached == _serialized("kms", "DescribeKey", metadata, _Uncached())
    assert json.loads(cached)["KeyMetadata"]["KeyId"] == "k-1"
