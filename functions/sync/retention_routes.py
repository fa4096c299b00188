"""The sync consumer's routes of the retention job: each calls its logic
(:mod:`sync.retention`) and logs the outcome (kinds and counts; never a record's data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from kentei import messages
from kentei.consumer import Route
from kentei.instrumentation import Instruments
from sync import dependencies as composition


def retention_routes(instruments: Callable[[], Instruments]) -> dict[str, Route]:
    """``retention_due`` and ``retention_prefecture``, logging to ``instruments()``."""

    def _due(message: messages.Envelope) -> None:
        assert isinstance(message, messages.RetentionDue)
        # Imported here: a daily kind, kept off the results' cold start.
        from sync.retention import start_runs

        started = start_runs(message, composition.dependencies().retention)
        instruments().logger.info(
            "retention started", extra={"prefectures": started, "dry_run": message.dry_run}
        )

    def _prefecture(message: messages.Envelope) -> None:
        assert isinstance(message, messages.RetentionPrefecture)
        from sync.retention import run_prefecture

        summary = run_prefecture(message, composition.dependencies().retention)
        instruments().logger.info("retention", extra=asdict(summary))

    return {"retention_due": _due, "retention_prefecture": _prefecture}
