"""A result import (R11) as the system keeps it: who asked for it, for which round and source,
where its file is, and how far it has come. Ids, counts and codes only: never a cell's value.

Two kinds (:class:`ImportKind`) share the pipeline: a round's ``results`` (scores, for a
round), and an association's ``historical`` passer register (past passers, R17: no round;
its commit adds the new ``HISTORICAL_PASS#`` records, :mod:`kentei.results.historical.apply`).

Statuses (:class:`ImportStatus`), in order:

- ``awaiting_upload``: staff asked for an upload URL; no file yet.
- ``validating``: the file arrived (the bucket's notification), sync is checking it.
- ``validated``: checked into a report (counts per problem code, the first problems, the
  problems as CSV); nothing applied. Committable when clean (no error; warnings allowed).
- ``refused``: the file cannot be checked at all: :class:`Refusal` says why.
- ``committing``: staff committed a clean report; sync applies its rows.
- ``committed``: the rows are applied (:class:`AppliedCounts`).
- ``discarded``: staff discarded it; nothing was applied.

Pure: the data layer stores it (:mod:`kentei.data.result_imports`).
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.results.imports.problems import Problem, ProblemCode
from kentei.results.imports.report import Counts
from kentei.roster.parts import ExamRound

MAX_FILE_BYTES: Final = 100 * 1024 * 1024
"""The largest result file sync checks (100 MB: about a million rows); a larger one is refused
(``too-large``). A presigned PUT cannot limit the size, so sync enforces it."""
UPLOAD_EXPIRES_S: Final = 15 * 60
"""How long an upload URL is valid."""
REPORT_EXPIRES_S: Final = 5 * 60
"""How long a link to the problems CSV is valid."""
KEPT_PROBLEMS: Final = 100
"""Problems kept on the import's record (the CSV has them all)."""
_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class ImportStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"
    VALIDATING = "validating"
    VALIDATED = "validated"
    REFUSED = "refused"
    COMMITTING = "committing"
    COMMITTED = "committed"
    DISCARDED = "discarded"


CHECKABLE: Final = frozenset(
    {
        ImportStatus.AWAITING_UPLOAD,
        ImportStatus.VALIDATING,
        ImportStatus.VALIDATED,
        ImportStatus.REFUSED,
    }
)
"""Statuses a (new or re-put) file is checked in; once committing, committed or discarded, a
file put again at the URL is ignored."""
DISCARDABLE: Final = frozenset(
    {ImportStatus.AWAITING_UPLOAD, ImportStatus.VALIDATED, ImportStatus.REFUSED}
)


class ImportKind(StrEnum):
    RESULTS = "results"
    """A round's scores (the ``sources`` mappings)."""
    HISTORICAL = "historical"
    """An association's historical passer register (the ``historical`` mappings)."""


class Refusal(StrEnum):
    """Why a file could not be checked at all."""

    TOO_LARGE = "too-large"
    """Larger than :data:`MAX_FILE_BYTES`."""
    UNDECODABLE = "undecodable"
    """Not CP932 or UTF-8 text."""
    NOT_CSV = "not-csv"
    """A line too long to be a result row (a binary file)."""
    WRONG_HEADER = "wrong-header"
    """The header lacks a required column of the source, or repeats one."""


HEADER_CODES: Final = frozenset({ProblemCode.MISSING_COLUMN, ProblemCode.DUPLICATE_COLUMN})


class ImportCounts(BaseModel):
    """A report's counts (:class:`kentei.results.imports.report.Counts`)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    rows: int = Field(ge=0)
    valid: int = Field(ge=0)
    invalid: int = Field(ge=0)
    errors: int = Field(ge=0)
    warnings: int = Field(ge=0)
    by_code: dict[ProblemCode, int] = Field(default_factory=dict)

    @classmethod
    def of(cls, counts: Counts) -> ImportCounts:
        return cls(
            rows=counts.rows,
            valid=counts.valid,
            invalid=counts.invalid,
            errors=counts.errors,
            warnings=counts.warnings,
            by_code=dict(sorted(counts.by_code.items())),
        )

    @property
    def clean(self) -> bool:
        return self.errors == 0


class ProblemRef(BaseModel):
    """Where a problem is and what: the row, the column's header and the code. No value."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    row: int = Field(ge=1)
    column: str = Field(max_length=64)
    code: ProblemCode

    @classmethod
    def of(cls, problem: Problem) -> ProblemRef:
        return cls(row=problem.row, column=problem.column[:64], code=problem.code)


class AppliedCounts(BaseModel):
    """What a commit did: scores written (new or changed), unchanged, replacing another's."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    written: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    replaced: int = Field(ge=0)


class ResultImport(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    import_id: str
    prefecture_code: str
    kind: ImportKind = ImportKind.RESULTS
    source: str = Field(min_length=1, max_length=60)
    exam_round: ExamRound | None = None
    """The round of a ``results`` import; a ``historical`` one has none."""
    status: ImportStatus
    file_name: str | None = Field(None, max_length=200)
    """The staff's name for the file (screened for a My Number at the API), for their reference."""
    created_by: str = Field(max_length=128)
    """The staff user who asked for the upload."""
    created_at: AwareDatetime
    updated_at: AwareDatetime
    file_size: int | None = None
    file_version: str | None = None
    """The object version that was checked: the commit reads exactly it."""
    refusal: Refusal | None = None
    counts: ImportCounts | None = None
    problems: tuple[ProblemRef, ...] = ()
    """The first :data:`KEPT_PROBLEMS` problems."""
    report_key: str | None = None
    file_deleted: bool = False
    """The uploaded file was deleted (every version): it held a My Number (privacy invariant
    1); the report stays, the import cannot be committed."""
    committed_by: str | None = Field(None, max_length=128)
    committed_at: AwareDatetime | None = None
    applied: AppliedCounts | None = None
    """What the commit applied: the sum of :attr:`applied_pages` (running while
    ``committing``)."""
    applied_pages: dict[int, AppliedCounts] = Field(default_factory=dict)
    """A paged commit's counts by page, keyed by the row the page starts after (0: the
    first): a redelivered page keeps its first counts, so nothing is counted twice."""

    @model_validator(mode="after")
    def _round_for_results(self) -> ResultImport:
        if (self.exam_round is None) is (self.kind is ImportKind.RESULTS):
            raise ValueError("a results import names its round; a historical one none")
        return self

    @property
    def object_key(self) -> str:
        return object_key(self.prefecture_code, self.import_id)

    @property
    def committable(self) -> bool:
        return (
            self.status in (ImportStatus.VALIDATED, ImportStatus.COMMITTING)
            and self.counts is not None
            and self.counts.clean
            and not self.file_deleted
        )


def object_key(prefecture_code: str, import_id: str) -> str:
    """Where the file is uploaded (``kentei.catalog.IMPORTS_PREFIX``)."""
    return f"imports/{prefecture_code}/{import_id}.csv"


def report_key(prefecture_code: str, import_id: str) -> str:
    """Where its problems CSV is written (``kentei.catalog.REPORTS_PREFIX``)."""
    return f"reports/{prefecture_code}/{import_id}.csv"


def new_import_id(prefecture_code: str, now: datetime | None = None) -> str:
    """``PP-RI-<ULID>``: the prefecture, then a ULID (time-ordered, random)."""
    millis = int((now.timestamp() if now else time.time()) * 1000)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefecture_code}-RI-{''.join(reversed(chars))}"
