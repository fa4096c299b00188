"""The sync consumer's routes of result imports: each calls its logic (:mod:`sync.imports`)
and logs the outcome (ids, statuses, counts; never a cell's value)."""

from __future__ import annotations

from collections.abc import Callable

from kentei import messages
from kentei.consumer import Route
from kentei.instrumentation import Instruments
from kentei.results.imports.record import ResultImport
from sync.dependencies import dependencies
from sync.imports import commit, file_uploaded


def import_routes(instruments: Callable[[], Instruments]) -> dict[str, Route]:
    """``result_file_uploaded`` and ``result_import_commit``, logging to ``instruments()``."""

    def _uploaded(message: messages.Envelope) -> None:
        assert isinstance(message, messages.ResultFileUploaded)
        _log(instruments(), "result file checked", file_uploaded(message, dependencies()))

    def _commit(message: messages.Envelope) -> None:
        assert isinstance(message, messages.ResultImportCommit)
        _log(instruments(), "result import commit", commit(message, dependencies()))

    return {"result_file_uploaded": _uploaded, "result_import_commit": _commit}


def _log(instruments: Instruments, what: str, record: ResultImport) -> None:
    instruments.logger.info(
        what,
        extra={
            "import_id": record.import_id,
            "status": record.status.value,
            "refusal": None if record.refusal is None else record.refusal.value,
            "rows": None if record.counts is None else record.counts.rows,
            "errors": None if record.counts is None else record.counts.errors,
            "written": None if record.applied is None else record.applied.written,
        },
    )
