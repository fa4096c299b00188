"""A round's statistics: the results office and auditors read their own prefecture's counts
by work, grade and result, small cells withheld as ``x``, no identifier in JSON or CSV; the
read is audited; other roles are refused and a bad round is ``422``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from tests.unit.sessions.factory import sitting

from kentei.data.audit import AuditAction
from kentei.records.codes import Grade
from kentei.results.decision import Decision, Result
from kentei.results.passes import DecidedSitting
from kentei.roster.sitting import Sitting, SittingStatus
from kentei_local.context import LocalContext

from .events import event, invoke
from .fakes import Fakes

RESULTS = "staff:13:results1:results"
AUDITOR = "staff:13:audit1:auditor"
OSAKA = "staff:27:results2:results"
AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ROUND = {"fiscal_year": "2026", "term": "前期"}


def _get(caller: str = RESULTS, **query: str) -> tuple[int, dict[str, list[str]], Any]:
    return invoke(event("GET", f"/v1/statistics?{urlencode(query)}", caller=caller))


def _seat(fakes: Fakes, result: Result | None, **changes: Any) -> Sitting:
    seated = sitting(**changes)
    fakes.records.sittings[seated.application_id] = seated
    if result is not None:
        fakes.records.decisions[seated.application_id] = DecidedSitting(
            application_id=seated.application_id,
            prefecture_code=seated.prefecture_code,
            qualification_pseudonym_id=seated.qualification_pseudonym_id,
            exam_round=seated.exam_round,
            trade_code=seated.trade_code,
            work_code=seated.work_code,
            grade=seated.grade,
            exam_number=seated.exam_number,
            decision=Decision(result=result, parts=(), rule_version="test"),
            decided_at=AT,
            decided_by="staff:13:results1",
        )
    return seated


def _round(fakes: Fakes) -> list[Sitting]:
    """2級: 12 passes, 7 failures, 3 without a result; 1級: 2 passes (withheld), 6 failures."""
    seated = [_seat(fakes, Result.PASS) for _ in range(12)]
    seated += [_seat(fakes, Result.FAIL) for _ in range(7)]
    seated += [_seat(fakes, None) for _ in range(3)]
    seated += [_seat(fakes, Result.PASS, grade=Grade.FIRST) for _ in range(2)]
    seated += [_seat(fakes, Result.FAIL, grade=Grade.FIRST) for _ in range(6)]
    return seated


def test_given_a_round_when_the_results_office_reads_it_then_small_cells_are_withheld(
    fakes: Fakes,
) -> None:
    seated = _round(fakes)

    status, _, body = _get(**ROUND)

    assert status == 200, body
    assert (body["prefecture_code"], body["minimum_cell"], body["suppressed_mark"]) == (
        "13",
        5,
        "x",
    )
    first, second = body["rows"]
    assert (first["grade"], second["grade"]) == ("1級", "2級")
    assert first["passes"] == "x", "2 passes are below k"
    assert second["applicants"] == 22
    assert body["total"]["applicants"] == 30
    assert body["total"]["trade_code"] is None
    for row in (*body["rows"], body["total"]):
        cells = [v for k, v in row.items() if k not in {"trade_code", "work_code", "grade"}]
        assert all(v == "x" or v >= 5 for v in cells), row
    text = str(body)
    for one in seated:
        assert one.application_id not in text
        assert one.qualification_pseudonym_id not in text
        assert one.exam_number not in text
    read = [e for e in fakes.audit.events if e.action is AuditAction.STATISTICS_READ]
    assert [(e.record_id, e.person_id) for e in read] == [("2026-前期", None)]


def test_given_a_round_when_read_as_csv_then_it_is_the_same_table_with_a_total_row(
    fakes: Fakes,
) -> None:
    _round(fakes)

    status, headers, body = _csv(**ROUND)

    assert status == 200
    assert headers["Content-Type"] == ["text/csv; charset=utf-8"]
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("職種コード,作業コード,級,受検申請者数")
    assert lines[-1].startswith("計,,,30,")
    assert len(lines) == 4


def _csv(**query: str) -> tuple[int, dict[str, list[str]], str]:
    from intake.handler import handler

    response = handler(
        event("GET", f"/v1/statistics?{urlencode({**query, 'format': 'csv'})}", caller=AUDITOR),
        LocalContext.for_function("intake"),
    )
    return response["statusCode"], response["multiValueHeaders"], response["body"]


def test_given_another_prefectures_round_when_read_then_none_of_its_sittings_are_counted(
    fakes: Fakes,
) -> None:
    _round(fakes)
    _seat(fakes, Result.PASS, application_id="27-" + "1" * 26, prefecture_code="27")

    status, _, body = _get(OSAKA, **ROUND)

    assert status == 200
    assert [row["grade"] for row in body["rows"]] == ["2級"]
    assert body["total"]["applicants"] == "x", "one sitting: its own, withheld"
    assert _get(**ROUND)[2]["total"]["applicants"] == 30


def test_given_a_deleted_sitting_when_counted_then_it_is_not_an_applicant(fakes: Fakes) -> None:
    for _ in range(6):
        _seat(fakes, Result.PASS)
    _seat(fakes, None, status=SittingStatus.DELETED)

    assert _get(**ROUND)[2]["total"]["applicants"] == 6


@pytest.mark.parametrize(
    "caller", ["staff:13:clerk1:clerk", "staff:13:cert1:certificates", "bridge:mynaportal"]
)
def test_given_another_role_when_it_reads_statistics_then_it_is_forbidden(caller: str) -> None:
    assert _get(caller, **ROUND)[0] == 403


def test_given_no_caller_when_statistics_are_read_then_it_is_unauthenticated() -> None:
    status, _, _ = invoke(event("GET", f"/v1/statistics?{urlencode(ROUND)}"))
    assert status == 401


@pytest.mark.parametrize(
    "query",
    [
        {"term": "前期"},
        {"fiscal_year": "2026"},
        {"fiscal_year": "abc", "term": "前期"},
        {"fiscal_year": "2026", "term": "夏期"},
        {**ROUND, "format": "xlsx"},
    ],
)
def test_given_a_bad_round_when_statistics_are_read_then_it_is_422(query: dict[str, str]) -> None:
    assert _get(**query)[0] == 422
