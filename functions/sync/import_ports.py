"""What the result imports (:mod:`sync.imports`) work with: ports, and their deployed (or
local) adapters over the records table and the imports bucket."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Protocol

from kentei.data.audit import AuditEvent
from kentei.data.results import Applied, ScoreRow
from kentei.exams.catalogue import Catalogue
from kentei.results.historical.apply import HistoricalStore
from kentei.results.imports.directory import SittingFacts
from kentei.results.imports.record import ImportStatus, ResultImport
from sync.results_ports import Queue


class ImportStore(Protocol):
    """One prefecture's result imports (:class:`kentei.data.result_imports.PrefectureImports`)."""

    def get(self, import_id: str) -> ResultImport | None: ...

    def save(
        self,
        record: ResultImport,
        expected: Collection[ImportStatus],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> bool: ...


class ImportFiles(Protocol):
    """The imports bucket (:class:`kentei.data.result_files.ResultFiles`)."""

    @property
    def bucket(self) -> str: ...

    def chunks(self, key: str, version_id: str | None) -> Iterator[bytes]: ...

    def put_report(self, key: str, body: IO[bytes]) -> None: ...

    def delete_every_version(self, key: str) -> int: ...


class ScoreStore(Protocol):
    """One prefecture's scores (:class:`kentei.data.results.PrefectureScores`)."""

    def record_many(
        self, rows: Iterable[ScoreRow], *, source: str, at: datetime, by: str
    ) -> Applied: ...


class RosterDirectory(Protocol):
    """A :class:`~kentei.results.imports.directory.SittingDirectory` that also names the
    application of a sitting (:class:`kentei.data.result_sittings.RosterSittings`)."""

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None: ...

    def application_of(self, round_key: str, exam_number: str) -> str | None: ...


@dataclass(frozen=True)
class ImportPorts:
    imports: Callable[[str], ImportStore]
    """By prefecture."""
    files: Callable[[], ImportFiles]
    scores: Callable[[str], ScoreStore]
    """By prefecture."""
    sittings: Callable[[str, Catalogue], RosterDirectory]
    """A fresh directory (its own cache) of a prefecture's roster, per import."""
    historical: Callable[[str], HistoricalStore]
    """A prefecture's historical pass records (historical imports)."""
    sync_queue: Queue
    """A paged commit's next page."""


def deployed() -> ImportPorts:
    # Imported here: the adapters (and boto3's types) stay off the handler's import.
    from kentei.data.historical_passes import PrefectureHistoricalPasses
    from kentei.data.result_files import ResultFiles
    from kentei.data.result_imports import PrefectureImports
    from kentei.data.result_sittings import RosterSittings
    from kentei.data.results import PrefectureScores
    from sync.results_ports import _SqsQueue as SqsQueue  # sync's one SQS adapter

    return ImportPorts(
        imports=PrefectureImports,
        files=ResultFiles,
        scores=PrefectureScores,
        sittings=RosterSittings,
        historical=PrefectureHistoricalPasses,
        sync_queue=SqsQueue("sync"),
    )
