"""Result files for the results office (role ``results``, R11): ask for an upload, read the
report, commit or discard.

- :func:`create_import`: an ``IMPORT#`` record (``awaiting_upload``: the kind, the source, the
  round of a result file (a historical passer register, past passers R17, has none), who and
  when; no file content) under the caller's prefecture, and a presigned PUT of
  ``imports/<prefecture>/<import id>.csv`` (SSE-KMS, 15 minutes). The file goes straight to
  S3, never through the API; the bucket's notification tells sync, which checks it.
- :func:`read_import`: the status, counts per problem code, the first problems (row, column,
  code) and a five-minute link to the full problems CSV. Audited before it is returned.
- :func:`commit_import`: a ``validated``, clean import goes ``committing`` and sync is asked
  to apply it (``409 import-not-committable`` otherwise). Asking again while ``committing``
  sends the message again (sync's commit is idempotent).
- :func:`discard_import`: ``discarded``, nothing applied (``409 import-not-discardable`` once
  committing or committed).

Every import is found in the caller's prefecture only: another's is ``404``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from kentei import screening as detector
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.field_errors import FieldError
from kentei.messages import IMPORT_ID_PATTERN, ResultImportCommit
from kentei.results.imports.mappings import load_mappings
from kentei.results.imports.record import (
    DISCARDABLE,
    MAX_FILE_BYTES,
    REPORT_EXPIRES_S,
    UPLOAD_EXPIRES_S,
    AppliedCounts,
    ImportCounts,
    ImportKind,
    ImportStatus,
    ProblemRef,
    Refusal,
    ResultImport,
    new_import_id,
    object_key,
)
from kentei.roster.parts import ExamRound

_NOT_FOUND = "no result import with this id in the caller's prefecture"
NOT_COMMITTABLE = "import-not-committable"
NOT_DISCARDABLE = "import-not-discardable"


class ImportRequest(BaseModel):
    """What staff are about to upload."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    kind: ImportKind = Field(
        ImportKind.RESULTS,
        description="`results`: a round's scores; `historical`: the association's register "
        "of past passers (R17), which adds their historical pass records",
    )
    source: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        description="the mapping of the file's columns (`association`, `en`, ...; "
        "default: the kind's default mapping)",
    )
    exam_round: ExamRound | None = Field(
        None, description="the round the file's results are of (results only, required)"
    )
    file_name: str | None = Field(
        None, min_length=1, max_length=200, description="for the staff's own reference"
    )


class UploadLink(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    url: str
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str] = Field(description="send exactly these headers with the file")
    expires_in_s: int
    max_bytes: int = Field(description="a larger file is refused (`too-large`)")


class ImportCreated(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    import_id: str
    status: ImportStatus
    upload: UploadLink


class ImportView(BaseModel):
    """An import as staff see it: ids, status, counts and codes; never a cell's value."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    import_id: str
    kind: ImportKind
    source: str
    exam_round: ExamRound | None
    status: ImportStatus
    refusal: Refusal | None
    file_name: str | None
    created_by: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    file_size: int | None
    file_deleted: bool = Field(description="the file held a My Number and was deleted")
    counts: ImportCounts | None
    problems: tuple[ProblemRef, ...] = Field(description="the first problems (row, column, code)")
    report_url: str | None = Field(description="the full problems CSV, valid for a few minutes")
    report_expires_in_s: int | None
    committable: bool
    committed_by: str | None
    committed_at: AwareDatetime | None
    applied: AppliedCounts | None


class ImportChanged(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    import_id: str
    status: ImportStatus


def create_import(
    staff: Caller, request: ImportRequest, request_id: str, deps: Dependencies | None = None
) -> ImportCreated:
    deps = deps or dependencies()
    screening.refuse(detector.holding_my_number(request, "body"))
    source = _source(request)
    prefecture = _prefecture(staff)
    now = deps.clock()
    record = ResultImport(
        import_id=new_import_id(prefecture, now),
        prefecture_code=prefecture,
        kind=request.kind,
        source=source,
        exam_round=request.exam_round,
        status=ImportStatus.AWAITING_UPLOAD,
        file_name=request.file_name,
        created_by=staff.user_id or staff.id,
        created_at=now,
        updated_at=now,
    )
    event = _event(staff, AuditAction.RESULT_IMPORT_CREATED, record.import_id, request_id, deps)
    deps.result_imports(prefecture).create(record, audit=[event])
    upload = deps.result_files.upload(object_key(prefecture, record.import_id), UPLOAD_EXPIRES_S)
    return ImportCreated(
        import_id=record.import_id,
        status=record.status,
        upload=UploadLink(
            url=upload.url,
            headers=upload.headers,
            expires_in_s=upload.expires_in_s,
            max_bytes=MAX_FILE_BYTES,
        ),
    )


def read_import(
    staff: Caller, import_id: str, request_id: str, deps: Dependencies | None = None
) -> ImportView:
    deps = deps or dependencies()
    record = _find(staff, import_id, deps)
    deps.audit.record(
        _event(
            staff,
            AuditAction.RESULT_IMPORT_READ,
            import_id,
            request_id,
            deps,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    url = (
        None
        if record.report_key is None
        else deps.result_files.download_url(record.report_key, REPORT_EXPIRES_S)
    )
    return ImportView(
        import_id=record.import_id,
        kind=record.kind,
        source=record.source,
        exam_round=record.exam_round,
        status=record.status,
        refusal=record.refusal,
        file_name=record.file_name,
        created_by=record.created_by,
        created_at=record.created_at,
        updated_at=record.updated_at,
        file_size=record.file_size,
        file_deleted=record.file_deleted,
        counts=record.counts,
        problems=record.problems,
        report_url=url,
        report_expires_in_s=None if url is None else REPORT_EXPIRES_S,
        committable=record.status is ImportStatus.VALIDATED and record.committable,
        committed_by=record.committed_by,
        committed_at=record.committed_at,
        applied=record.applied,
    )


def commit_import(
    staff: Caller, import_id: str, request_id: str, deps: Dependencies | None = None
) -> ImportChanged:
    deps = deps or dependencies()
    record = _find(staff, import_id, deps)
    if not record.committable:
        raise ConflictError(
            "only a validated import without errors can be committed", slug=NOT_COMMITTABLE
        )
    now = deps.clock()
    committing = record.model_copy(
        update={
            "status": ImportStatus.COMMITTING,
            "updated_at": now,
            "committed_by": record.committed_by or staff.user_id or staff.id,
            "committed_at": record.committed_at or now,
        }
    )
    event = _event(staff, AuditAction.RESULT_IMPORT_COMMIT_REQUESTED, import_id, request_id, deps)
    expected = {ImportStatus.VALIDATED, ImportStatus.COMMITTING}
    if not deps.result_imports(record.prefecture_code).save(committing, expected, audit=[event]):
        raise ConflictError("the import changed meanwhile", slug=NOT_COMMITTABLE)
    deps.sync_queue.send(
        ResultImportCommit(
            import_id=import_id,
            prefecture_code=record.prefecture_code,
            requested_by=committing.committed_by or staff.id,
        )
    )
    return ImportChanged(import_id=import_id, status=committing.status)


def discard_import(
    staff: Caller, import_id: str, request_id: str, deps: Dependencies | None = None
) -> ImportChanged:
    deps = deps or dependencies()
    record = _find(staff, import_id, deps)
    if record.status is ImportStatus.DISCARDED:
        return ImportChanged(import_id=import_id, status=record.status)
    if record.status not in DISCARDABLE:
        raise ConflictError(
            "a committing or committed import cannot be discarded", slug=NOT_DISCARDABLE
        )
    discarded = record.model_copy(
        update={"status": ImportStatus.DISCARDED, "updated_at": deps.clock()}
    )
    event = _event(staff, AuditAction.RESULT_IMPORT_DISCARDED, import_id, request_id, deps)
    if not deps.result_imports(record.prefecture_code).save(discarded, DISCARDABLE, audit=[event]):
        raise ConflictError("the import changed meanwhile", slug=NOT_DISCARDABLE)
    return ImportChanged(import_id=import_id, status=discarded.status)


def _source(request: ImportRequest) -> str:
    """The request's mapping source, checked against the kind's mappings (and its round)."""
    mappings = load_mappings()
    if request.kind is ImportKind.HISTORICAL:
        if request.exam_round is not None:
            raise InvalidRequestError(
                "a historical passer file is of no round",
                [FieldError(field="body.exam_round", problem="absent for a historical file")],
            )
        historical = mappings.historical
        sources = () if historical is None else tuple(m.source for m in historical.sources)
        default = None if historical is None else historical.default
    else:
        if request.exam_round is None:
            raise InvalidRequestError(
                "a result file is of a round",
                [FieldError(field="body.exam_round", problem="required for results")],
            )
        sources = tuple(mapping.source for mapping in mappings.sources)
        default = mappings.default
    source = request.source or default
    if source not in sources:
        raise InvalidRequestError(
            "the source has no mapping",
            [FieldError(field="body.source", problem=f"one of {', '.join(sorted(sources))}")],
        )
    return source


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def _find(staff: Caller, import_id: str, deps: Dependencies) -> ResultImport:
    prefecture = _prefecture(staff)
    if not IMPORT_ID_PATTERN.match(import_id) or import_id[:2] != prefecture:
        raise NotFoundError(_NOT_FOUND)
    record = deps.result_imports(prefecture).get(import_id)
    if record is None:
        raise NotFoundError(_NOT_FOUND)
    return record


def _event(
    staff: Caller,
    action: AuditAction,
    import_id: str,
    request_id: str,
    deps: Dependencies,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type="result_import",
        record_id=import_id,
        prefecture_code=_prefecture(staff),
        request_id=request_id,
        at=deps.clock(),
        outcome=outcome,
    )
