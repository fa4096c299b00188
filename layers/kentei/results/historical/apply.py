"""A historical passer file applied to a prefecture's store, idempotently.

:func:`apply_historical_file` checks the whole file first (:mod:`~kentei.results.historical.
file`); only a clean file (no error; warnings allowed) is written, and only with ``apply``.
Each new record is added with its audit entry in one transaction, and only where no record
is: a row stored already with the same content writes nothing, and a number stored meanwhile
with other content is a ``conflicting-record`` problem, never an overwrite. The same file
applied twice writes nothing the second time.

The valid rows not stored yet are held until the file has been read (a historical file is an
association's register, tens of thousands of rows: a few MB).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from kentei.data.audit import AuditAction, AuditEvent
from kentei.exams.catalogue import Catalogue, load_catalogue
from kentei.results.historical.file import HistoricalFile, HistoricalReport, check
from kentei.results.historical.model import HistoricalPass
from kentei.results.imports.mappings import HistoricalSourceMapping, load_mappings
from kentei.results.imports.problems import Problem, ProblemCode


class HistoricalStore(Protocol):
    """What an import needs of a prefecture's historical records
    (:class:`kentei.data.historical_passes.PrefectureHistoricalPasses`)."""

    prefecture_code: str

    def record(self, passer_number: str) -> HistoricalPass | None: ...

    def add(
        self, record: HistoricalPass, at: datetime, by: str, *, audit: Sequence[AuditEvent] = ()
    ) -> bool: ...


def default_mapping() -> HistoricalSourceMapping:
    historical = load_mappings().historical
    if historical is None:  # pragma: no cover - the shipped file has one (make lint checks)
        raise LookupError("the shipped mappings have no historical passer mapping")
    return historical.source()


def apply_historical_file(
    chunks: Iterable[bytes],
    mapping: HistoricalSourceMapping,
    prefecture_code: str,
    store: HistoricalStore,
    *,
    at: datetime,
    by: str,
    apply: bool = True,
    catalogue: Catalogue | None = None,
    import_id: str | None = None,
) -> HistoricalReport:
    """Check the file and, when clean and ``apply``, add its new records (see the module).
    ``by`` is who imports (an operator or staff id: it is the audit entries' actor);
    ``import_id`` names the run in them (a new id by default)."""
    if store.prefecture_code != prefecture_code:
        raise ValueError("the store is another prefecture's")
    file = HistoricalFile(
        chunks,
        mapping=mapping,
        prefecture_code=prefecture_code,
        catalogue=catalogue or load_catalogue(),
        stored=store.record,
    )
    report, new = check(file)
    if not apply or not report.clean:
        return report
    run = import_id or f"historical-{uuid.uuid4().hex}"
    for row, record in new:
        event = AuditEvent(
            actor=by,
            action=AuditAction.HISTORICAL_PASS_IMPORTED,
            record_type="historical_pass",
            record_id=record.passer_number,
            prefecture_code=prefecture_code,
            request_id=run,
            at=at,
        )
        if store.add(record, at, by, audit=[event]):
            report.written += 1
        elif store.record(record.passer_number) == record:
            report.new -= 1
            report.unchanged += 1
        else:
            report.new -= 1
            report.add(
                Problem(
                    row,
                    mapping_header(mapping),
                    ProblemCode.CONFLICTING_RECORD,
                    "this passer number is stored with other content: never overwritten",
                )
            )
    report.applied = True
    return report


def mapping_header(mapping: HistoricalSourceMapping) -> str:
    """The passer number column's header."""
    return next(c.header for c in mapping.columns if c.field.value == "passer_number")
