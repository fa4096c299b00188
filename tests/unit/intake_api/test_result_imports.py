"""The results office's result imports: an upload URL and an ``IMPORT#`` record, the report,
commit and discard; own prefecture only, every access audited, nothing of a file in the API."""

from __future__ import annotations

from typing import Any

import pytest

from kentei.data.audit import AuditAction, AuditOutcome
from kentei.messages import ResultImportCommit
from kentei.results.imports.problems import ProblemCode
from kentei.results.imports.record import (
    ImportCounts,
    ImportKind,
    ImportStatus,
    ProblemRef,
    ResultImport,
)

from .events import event, invoke
from .fakes import Fakes

MY_NUMBER = "900000000010"
RESULTS = "staff:13:res1:results"
OTHER_PREFECTURE = "staff:14:res2:results"
EXAM_ADMIN = "staff:13:exam1:exam_admin"
BODY = {"source": "association", "exam_round": {"fiscal_year": 2026, "term": "前期"}}


def _post(body: Any = None, caller: str = RESULTS) -> dict[str, Any]:
    return event(
        "POST",
        "/v1/results/imports",
        caller=caller,
        headers={"Content-Type": "application/json"},
        body=BODY if body is None else body,
    )


def _get(import_id: str, caller: str = RESULTS) -> dict[str, Any]:
    return event("GET", f"/v1/results/imports/{import_id}", caller=caller)


def _act(import_id: str, action: str, caller: str = RESULTS) -> dict[str, Any]:
    return event(
        "POST",
        f"/v1/results/imports/{import_id}/{action}",
        caller=caller,
        headers={"Content-Type": "application/json"},
        body={},
    )


def _created(fakes: Fakes) -> str:
    status, _, body = invoke(_post())
    assert status == 201, body
    return str(body["import_id"])


def _checked(fakes: Fakes, import_id: str, *, errors: int = 0) -> ResultImport:
    record = fakes.result_imports.records[import_id]
    by_code = {ProblemCode.UNKNOWN_EXAM_NUMBER: errors} if errors else {}
    checked = record.model_copy(
        update={
            "status": ImportStatus.VALIDATED,
            "counts": ImportCounts(
                rows=3, valid=3 - errors, invalid=errors, errors=errors, warnings=0, by_code=by_code
            ),
            "problems": tuple(
                ProblemRef(row=2 + i, column="受検番号", code=ProblemCode.UNKNOWN_EXAM_NUMBER)
                for i in range(errors)
            ),
            "report_key": f"reports/13/{import_id}.csv",
        }
    )
    fakes.result_imports.records[import_id] = checked
    return checked


def test_asking_for_an_upload_makes_the_record_and_a_presigned_put(fakes: Fakes) -> None:
    status, _, body = invoke(_post({**BODY, "file_name": "results.csv"}))
    assert status == 201, body
    import_id = body["import_id"]
    assert import_id.startswith("13-RI-")
    assert body["status"] == "awaiting_upload"
    upload = body["upload"]
    assert upload["method"] == "PUT"
    assert upload["url"].startswith(f"https://imports.example/imports/13/{import_id}.csv")
    assert upload["headers"]["x-amz-server-side-encryption"] == "aws:kms"
    assert upload["expires_in_s"] <= 15 * 60
    assert upload["max_bytes"] == 100 * 1024 * 1024
    record = fakes.result_imports.records[import_id]
    assert (record.status, record.source, record.created_by, record.file_name) == (
        ImportStatus.AWAITING_UPLOAD,
        "association",
        "res1",
        "results.csv",
    )
    (entry,) = fakes.result_imports.audit
    assert (entry.action, entry.record_id) == (AuditAction.RESULT_IMPORT_CREATED, import_id)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "source": "nobody"}, "body.source"),
        ({**BODY, "file_name": f"{MY_NUMBER}.csv"}, "body.file_name"),
        ({**BODY, "extra": 1}, "extra"),
        ({"source": "association"}, "body.exam_round"),
        ({**BODY, "kind": "historical"}, "body.exam_round"),
        ({"kind": "historical", "source": "en"}, "body.source"),
        ({"kind": "historical", "extra": 1}, "extra"),
    ],
)
def test_a_request_naming_an_unknown_source_a_my_number_or_unknown_fields_is_refused(
    fakes: Fakes, body: dict[str, Any], field: str
) -> None:
    status, _, answer = invoke(_post(body))
    assert status == 422, answer
    assert field in [error["field"] for error in answer["errors"]]
    assert fakes.result_imports.records == {}


def test_a_historical_passer_register_is_uploaded_without_a_round(fakes: Fakes) -> None:
    status, _, body = invoke(_post({"kind": "historical", "file_name": "register.csv"}))
    assert status == 201, body
    record = fakes.result_imports.records[body["import_id"]]
    assert (record.kind, record.source, record.exam_round) == (
        ImportKind.HISTORICAL,
        "association",
        None,
    )
    status, _, view = invoke(_get(body["import_id"]))
    assert status == 200, view
    assert (view["kind"], view["exam_round"]) == ("historical", None)


def test_only_the_results_role_may_import(fakes: Fakes) -> None:
    status, _, _ = invoke(_post(caller=EXAM_ADMIN))
    assert status == 403
    import_id = _created(fakes)
    for request in (_get(import_id, EXAM_ADMIN), _act(import_id, "commit", EXAM_ADMIN)):
        assert invoke(request)[0] == 403


def test_without_a_caller_it_is_401(fakes: Fakes) -> None:
    assert invoke(event("GET", "/v1/results/imports/13-RI-01JABCDEFGHJKMNPQRSTVWXYZ0"))[0] == 401


def test_another_prefectures_import_is_not_found_and_the_refusal_is_audited(
    fakes: Fakes,
) -> None:
    import_id = _created(fakes)
    for request in (
        _get(import_id, OTHER_PREFECTURE),
        _act(import_id, "commit", OTHER_PREFECTURE),
        _act(import_id, "discard", OTHER_PREFECTURE),
    ):
        status, _, body = invoke(request)
        assert status == 404, body
    refused = [e for e in fakes.audit.events if e.outcome is AuditOutcome.NOT_FOUND]
    assert {e.prefecture_code for e in refused} == {"14"}
    assert {e.record_id for e in refused} == {import_id}
    assert invoke(_get("13-RI-not-an-id"))[0] in (404, 422)


def test_reading_an_import_answers_its_report_after_the_audit(fakes: Fakes) -> None:
    import_id = _created(fakes)
    _checked(fakes, import_id, errors=2)
    status, _, body = invoke(_get(import_id))
    assert status == 200, body
    assert body["status"] == "validated"
    assert body["counts"]["by_code"] == {"unknown-exam-number": 2}
    assert body["problems"] == [
        {"row": 2, "column": "受検番号", "code": "unknown-exam-number"},
        {"row": 3, "column": "受検番号", "code": "unknown-exam-number"},
    ]
    assert body["report_url"].startswith(f"https://imports.example/reports/13/{import_id}.csv")
    assert body["report_expires_in_s"] == 300
    assert body["committable"] is False
    (entry,) = [e for e in fakes.audit.events if e.action is AuditAction.RESULT_IMPORT_READ]
    assert (entry.record_id, entry.outcome) == (import_id, AuditOutcome.ALLOWED)


def test_a_clean_validated_import_is_committed_through_sync(fakes: Fakes) -> None:
    import_id = _created(fakes)
    _checked(fakes, import_id)
    status, _, body = invoke(_act(import_id, "commit"))
    assert status == 202, body
    assert body == {"import_id": import_id, "status": "committing"}
    (message,) = fakes.sync_queue.sent
    assert isinstance(message, ResultImportCommit)
    assert (message.kind, message.import_id, message.prefecture_code) == (
        "result_import_commit",
        import_id,
        "13",
    )
    # Asked again while committing: the message again (sync's commit is idempotent).
    assert invoke(_act(import_id, "commit"))[0] == 202
    assert len(fakes.sync_queue.sent) == 2
    assert invoke(_act(import_id, "discard"))[2]["type"].endswith("import-not-discardable")


@pytest.mark.parametrize("errors", [0, 1])
def test_an_import_not_validated_or_with_errors_cannot_be_committed(
    fakes: Fakes, errors: int
) -> None:
    import_id = _created(fakes)
    if errors:
        _checked(fakes, import_id, errors=errors)
    status, _, body = invoke(_act(import_id, "commit"))
    assert status == 409, body
    assert body["type"] == "urn:kentei:problem:import-not-committable"
    assert fakes.sync_queue.sent == []


def test_discarding_applies_nothing_and_says_so_again(fakes: Fakes) -> None:
    import_id = _created(fakes)
    _checked(fakes, import_id, errors=1)
    for _ in range(2):
        status, _, body = invoke(_act(import_id, "discard"))
        assert status == 200, body
        assert body["status"] == "discarded"
    assert invoke(_act(import_id, "commit"))[0] == 409
    actions = [e.action for e in fakes.result_imports.audit]
    assert actions.count(AuditAction.RESULT_IMPORT_DISCARDED) == 1
