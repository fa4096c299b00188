"""Reading a cancelled transaction's reasons, one code per item in the order written."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from kentei.data.transactions import cancellation_codes, failed_first


def _error(code: str, reasons: list[dict[str, Any]] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "x"}}
    if reasons is not None:
        response["CancellationReasons"] = reasons
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


def test_each_item_has_its_code_and_an_item_that_did_not_fail_is_none() -> None:
    exc = _error(
        "TransactionCanceledException",
        [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}, {}],
    )
    assert cancellation_codes(exc) == ["None", "ConditionalCheckFailed", "None"]
    assert not failed_first(exc)


def test_the_first_item_failing_its_condition() -> None:
    exc = _error("TransactionCanceledException", [{"Code": "ConditionalCheckFailed"}])
    assert failed_first(exc)


def test_another_error_is_no_cancellation() -> None:
    exc = _error("ProvisionedThroughputExceededException")
    assert cancellation_codes(exc) is None
    assert not failed_first(exc)


def test_a_cancellation_without_reasons_has_no_codes() -> None:
    exc = _error("TransactionCanceledException")
    assert cancellation_codes(exc) == []
    assert not failed_first(exc)
