"""In-memory ports of sync's result imports."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Final

from tests.unit.results.historical.helpers import MemoryHistorical
from tests.unit.results.imports.support import PREFECTURE, ROUND

from kentei.data.audit import AuditEvent
from kentei.data.results import Applied, ScoreRow
from kentei.exams.catalogue import Catalogue, load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.messages import Envelope
from kentei.results.decision import ScoreEntry
from kentei.results.imports.directory import InMemorySittings, SittingFacts
from kentei.results.imports.record import ImportKind, ImportStatus, ResultImport, new_import_id
from kentei.results.rules import load_pass_rules
from sync.dependencies import Dependencies
from sync.import_ports import ImportPorts

AT: Final = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
BUCKET: Final = "kentei-imports"


@dataclass
class FakeImports:
    records: dict[str, ResultImport] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def get(self, import_id: str) -> ResultImport | None:
        return self.records.get(import_id)

    def save(
        self,
        record: ResultImport,
        expected: Collection[ImportStatus],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        current = self.records.get(record.import_id)
        if current is None or current.status not in expected:
            return False
        self.records[record.import_id] = record
        self.audit.extend(audit)
        return True


@dataclass
class FakeFiles:
    objects: dict[tuple[str, str | None], bytes] = field(default_factory=dict)
    reports: dict[str, bytes] = field(default_factory=dict)
    chunk: int = 7
    bucket: str = BUCKET

    def chunks(self, key: str, version_id: str | None) -> Iterator[bytes]:
        data = self.objects[(key, version_id)]
        for start in range(0, len(data), self.chunk):
            yield data[start : start + self.chunk]

    def put_report(self, key: str, body: IO[bytes]) -> None:
        self.reports[key] = body.read()

    def delete_every_version(self, key: str) -> int:
        gone = [found for found in self.objects if found[0] == key]
        for found in gone:
            del self.objects[found]
        return len(gone)


@dataclass
class FakeScores:
    stored: dict[tuple[str, str], tuple[ScoreEntry, str]] = field(default_factory=dict)
    history: list[tuple[str, ScoreEntry | None, ScoreEntry, str]] = field(default_factory=list)
    calls: int = 0

    def record_many(
        self, rows: Iterable[ScoreRow], *, source: str, at: datetime, by: str
    ) -> Applied:
        self.calls += 1
        written = unchanged = replaced = 0
        for row in rows:
            slot = (row.application_id, f"{row.entry.part}#{row.entry.component}")
            current = self.stored.get(slot)
            if current is not None and current[0] == row.entry:
                unchanged += 1
                continue
            self.stored[slot] = (row.entry, source)
            self.history.append(
                (row.application_id, None if current is None else current[0], row.entry, source)
            )
            written += 1
            replaced += current is not None
        return Applied(written=written, unchanged=unchanged, replaced=replaced)


@dataclass
class FakeQueue:
    sent: list[Envelope] = field(default_factory=list)

    def send(self, message: Envelope) -> None:
        self.sent.append(message)


class FakeDirectory:
    def __init__(self, sittings: dict[str, SittingFacts]) -> None:
        self._facts = InMemorySittings(sittings.items())
        self.reads = 0

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None:
        self.reads += 1
        return self._facts.find(round_key, exam_number)

    def application_of(self, round_key: str, exam_number: str) -> str | None:
        found = self._facts.find(round_key, exam_number)
        return None if found is None else f"{PREFECTURE}-APP{exam_number}".ljust(29, "0")


@dataclass
class World:
    sittings: dict[str, SittingFacts]
    imports: FakeImports = field(default_factory=FakeImports)
    files: FakeFiles = field(default_factory=FakeFiles)
    scores: FakeScores = field(default_factory=FakeScores)
    historical: MemoryHistorical = field(default_factory=lambda: MemoryHistorical(PREFECTURE))
    queue: FakeQueue = field(default_factory=FakeQueue)
    directories: int = 0
    """Directories made (each reads the roster once)."""
    now: datetime = AT

    def deps(self) -> Dependencies:
        def sittings(prefecture: str, catalogue: Catalogue) -> FakeDirectory:
            assert prefecture == PREFECTURE
            self.directories += 1
            return FakeDirectory(self.sittings)

        return Dependencies(
            catalogue=load_catalogue,
            rounds=load_rounds,
            rules=load_pass_rules,
            clock=lambda: self.now,
            imports=ImportPorts(
                imports=lambda prefecture: self.imports,
                files=lambda: self.files,
                scores=lambda prefecture: self.scores,
                sittings=sittings,
                historical=lambda prefecture: self.historical,
                sync_queue=self.queue,
            ),
        )

    def new_import(
        self, source: str = "association", kind: ImportKind = ImportKind.RESULTS
    ) -> ResultImport:
        record = ResultImport(
            import_id=new_import_id(PREFECTURE, self.now),
            prefecture_code=PREFECTURE,
            kind=kind,
            source=source,
            exam_round=ROUND if kind is ImportKind.RESULTS else None,
            status=ImportStatus.AWAITING_UPLOAD,
            created_by="results-user",
            created_at=self.now,
            updated_at=self.now,
        )
        self.imports.records[record.import_id] = record
        return record
