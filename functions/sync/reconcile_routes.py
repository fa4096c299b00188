"""The sync consumer's routes of reconciliation with the national system: each calls its logic
(:mod:`sync.national_reconcile`) and logs the outcome (codes and counts; never a record's
values)."""

from __future__ import annotations

from collections.abc import Callable

from kentei import messages
from kentei.consumer import Route
from kentei.instrumentation import Instruments
from sync import dependencies as composition
from sync.national_reconcile import reconcile_prefecture, start_runs


def reconcile_routes(instruments: Callable[[], Instruments]) -> dict[str, Route]:
    """``national_reconcile_due`` and ``national_reconcile_prefecture``, logging to
    ``instruments()``."""

    def _due(message: messages.Envelope) -> None:
        assert isinstance(message, messages.NationalReconcileDue)
        started = start_runs(message, composition.dependencies().reconcile)
        instruments().logger.info("national reconciliation started", extra={"prefectures": started})

    def _prefecture(message: messages.Envelope) -> None:
        assert isinstance(message, messages.NationalReconcilePrefecture)
        deps = composition.dependencies()
        report = reconcile_prefecture(message, deps.reconcile, deps.clock)
        instruments().logger.info(
            "national reconciliation",
            extra={
                "prefecture_code": report.prefecture_code,
                "run_id": report.run_id,
                "attempt": report.attempt,
                "counts": {kind.value: c.model_dump() for kind, c in report.kinds.items()},
            },
        )

    return {"national_reconcile_due": _due, "national_reconcile_prefecture": _prefecture}
