"""The local runtime's moto answers a base-table query from the one partition
(:mod:`kentei_local.moto_query`): every page is what moto's own query gives, and the whole
table is never listed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.dynamodb.models.table import Table

from kentei_local import moto_query

moto_query.install()

_TABLES = itertools.count()
_PARTITIONS = ("p", "q")
_KEY_CHARS = "ab#1"


def _client() -> Any:
    return boto3.client(
        "dynamodb",
        region_name="ap-northeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _table(client: Any, sort_type: str) -> str:
    name = f"t{next(_TABLES)}"
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": sort_type},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _pages(client: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        answer = client.query(**request, **({"ExclusiveStartKey": start} if start else {}))
        page = {k: answer.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")}
        pages.append(page)
        start = answer.get("LastEvaluatedKey")
        if start is None or len(pages) > 200:
            return pages


def _unpatched_pages(
    monkeypatch: pytest.MonkeyPatch, client: Any, request: dict[str, Any]
) -> list[dict[str, Any]]:
    with monkeypatch.context() as patch:
        patch.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
        return _pages(client, request)


@pytest.fixture
def mocked_client() -> Iterator[Any]:
    """One mocked AWS for all of a property test's examples (starting moto costs more than an
    example): each example makes a table of its own, with a new name, and deletes it."""
    with mock_aws():
        yield _client()


_strings = st.text(alphabet=_KEY_CHARS, min_size=1, max_size=4)
_numbers = st.integers(min_value=-50, max_value=50)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, list[tuple[str, Any, int, bool]], dict[str, Any]]:
    sort_type = draw(st.sampled_from(["S", "N"]))
    values: st.SearchStrategy[Any] = _strings if sort_type == "S" else _numbers
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(_PARTITIONS),
                values,
                # mostly small, sometimes big enough that a few fill a 1 MB page
                st.sampled_from([0, 10, 100, 300_000]),
                st.booleans(),
            ),
            max_size=40,
            unique_by=lambda item: (item[0], item[1]),
        )
    )
    comparison = draw(
        st.sampled_from(["none", "=", "<", "<=", ">", ">=", "between", "begins_with"])
    )
    if sort_type == "N" and comparison == "begins_with":
        comparison = "none"
    bounds = sorted([draw(values), draw(values)])
    names = {"#pk": "pk"}
    expression_values: dict[str, Any] = {":p": {"S": draw(st.sampled_from(_PARTITIONS))}}
    condition = "#pk = :p"
    if comparison != "none":
        names["#sk"] = "sk"
        expression_values[":a"] = {sort_type: str(bounds[0])}
        if comparison == "between":
            expression_values[":b"] = {sort_type: str(bounds[1])}
            condition += " AND #sk BETWEEN :a AND :b"
        elif comparison == "begins_with":
            condition += " AND begins_with(#sk, :a)"
        else:
            condition += f" AND #sk {comparison} :a"
    request: dict[str, Any] = {
        "KeyConditionExpression": condition,
        "ScanIndexForward": draw(st.booleans()),
    }
    limit = draw(st.none() | st.integers(min_value=1, max_value=6))
    if limit is not None:
        request["Limit"] = limit
    if draw(st.booleans()):
        request["FilterExpression"] = "attribute_exists(flag)"
    if draw(st.booleans()):
        request["ProjectionExpression"] = "#pk, #sk, flag"
        names["#sk"] = "sk"
    request["ExpressionAttributeNames"] = names
    request["ExpressionAttributeValues"] = expression_values
    return sort_type, items, request


@settings(
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_cases())
@example(  # a page full at the end of the matching keys, read backwards: moto ends it with a key
    case=(
        "N",
        [("p", 0, 0, False), ("p", 1, 0, False)],
        {
            "KeyConditionExpression": "#pk = :p AND #sk > :a",
            "ScanIndexForward": False,
            "Limit": 1,
            "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
            "ExpressionAttributeValues": {":p": {"S": "p"}, ":a": {"N": "0"}},
        },
    )
)
@example(  # the same forwards, with an upper bound
    case=(
        "S",
        [("p", "a", 0, False), ("p", "b", 0, False)],
        {
            "KeyConditionExpression": "#pk = :p AND #sk < :a",
            "ScanIndexForward": True,
            "Limit": 1,
            "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
            "ExpressionAttributeValues": {":p": {"S": "p"}, ":a": {"S": "b"}},
        },
    )
)
def test_every_page_is_what_motos_own_query_gives(
    monkeypatch: pytest.MonkeyPatch,
    mocked_client: Any,
    case: tuple[str, list[tuple[str, Any, int, bool]], dict[str, Any]],
) -> None:
    sort_type, items, request = case
    client = mocked_client
    name = _table(client, sort_type)
    try:
        for partition, value, size, flag in items:
            item: dict[str, Any] = {
                "pk": {"S": partition},
                "sk": {sort_type: str(value)},
                "pad": {"S": "x" * size},
            }
            if flag:
                item["flag"] = {"BOOL": True}
            client.put_item(TableName=name, Item=item)
        request = {"TableName": name, **request}
        patched = _pages(client, request)
        assert patched == _unpatched_pages(monkeypatch, client, request)
    finally:
        client.delete_table(TableName=name)


@pytest.fixture
def table_with_partitions() -> Iterator[tuple[Any, str]]:
    with mock_aws():
        client = _client()
        name = _table(client, "S")
        for partition, number in itertools.product(_PARTITIONS, range(30)):
            client.put_item(
                TableName=name,
                Item={"pk": {"S": partition}, "sk": {"S": f"SITTING#{number:03}"}},
            )
        yield client, name


def test_a_base_table_query_never_lists_the_whole_table(
    monkeypatch: pytest.MonkeyPatch, table_with_partitions: tuple[Any, str]
) -> None:
    client, name = table_with_partitions
    listed: list[str] = []
    original = Table.all_items

    def spy(self: Table) -> Any:
        listed.append(self.name)
        return original(self)

    monkeypatch.setattr(Table, "all_items", spy)
    request = {
        "TableName": name,
        "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
        "ExpressionAttributeValues": {":p": {"S": "p"}, ":s": {"S": "SITTING#01"}},
        "Limit": 4,
    }
    pages = _pages(client, request)
    assert sum(len(page["Items"]) for page in pages) == 10
    assert len(pages) == 3
    assert listed == []
    # the spy sees moto's own query list the table on every page
    _unpatched_pages(monkeypatch, client, request)
    assert len(listed) == 3


def test_a_written_key_is_in_the_next_query(table_with_partitions: tuple[Any, str]) -> None:
    client, name = table_with_partitions
    request = {
        "TableName": name,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "q"}},
    }
    assert len(_pages(client, request)[0]["Items"]) == 30
    client.put_item(TableName=name, Item={"pk": {"S": "q"}, "sk": {"S": "A"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "q"}, "sk": {"S": "SITTING#000"}})
    keys = [item["sk"]["S"] for item in _pages(client, request)[0]["Items"]]
    assert keys[0] == "A"
    assert "SITTING#000" not in keys
    assert len(keys) == 30
