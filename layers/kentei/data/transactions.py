"""Reading a cancelled DynamoDB transaction: which of its items failed, and how.

``TransactWriteItems`` cancels the whole transaction when one item's condition fails (or
another writer holds an item); its ``CancellationReasons`` give one code per item, in the
order written (``None`` for an item that did not fail). Every store reads them through
:func:`cancellation_codes`, so each decides on its own items by position.
"""

from __future__ import annotations

from typing import Final

from botocore.exceptions import ClientError

CONDITION_FAILED: Final = "ConditionalCheckFailed"
CONFLICT: Final = "TransactionConflict"
NO_FAILURE: Final = "None"


def cancellation_codes(exc: ClientError) -> list[str] | None:
    """Each item's cancellation code, in the order written (``"None"`` where the item did
    not fail); None when ``exc`` is not a cancelled transaction."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return None
    reasons = exc.response.get("CancellationReasons") or []
    return [str(reason.get("Code") or NO_FAILURE) for reason in reasons]


def failed_first(exc: ClientError) -> bool:
    """Whether a cancelled transaction's first item failed its condition."""
    codes = cancellation_codes(exc)
    return bool(codes) and codes is not None and codes[0] == CONDITION_FAILED
