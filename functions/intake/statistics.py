"""A round's statistics for release (統計), for the results office and auditors: in the
caller's prefecture, per trade, work and grade, how many were registered to sit, had no
result, sat (had a decision) and passed, part passed, failed or are held; with a total row.

Before it leaves, every cell below the prefecture's minimum cell size (k, from
``kentei/statistics/disclosure.json``) is withheld, with as many more as keep it from being
subtracted out of a row or column (:mod:`kentei.statistics.suppression`); a withheld cell is
published as ``x``. The table names no person: codes and counts only. The read is audited
(numbers only, so the entry names no person).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.records.codes import Term
from kentei.roster.parts import ExamRound
from kentei.statistics.disclosure import disclosure_rule
from kentei.statistics.round_table import Column, Row, round_table
from kentei.statistics.suppression import SUPPRESSED

_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)
Cell = int | Literal["x"]


class StatisticsRow(BaseModel):
    """One trade, work and grade of the round (all three null: the total row)."""

    model_config = _CONFIG
    trade_code: str | None = Field(description="職種コード")
    work_code: str | None = Field(description="作業コード")
    grade: str | None = Field(description="級")
    applicants: Cell = Field(description="受検申請者: sittings registered in the round")
    no_result: Cell = Field(description="registered, no decision (absent, or not yet decided)")
    examinees: Cell = Field(description="受検者: registered sittings with a decision")
    passes: Cell = Field(description="合格")
    part_passes: Cell = Field(description="一部合格")
    failures: Cell = Field(description="不合格")
    held: Cell = Field(description="保留: an exemption waits for staff to confirm it")


class RoundStatistics(BaseModel):
    model_config = _CONFIG
    prefecture_code: str
    fiscal_year: int
    term: str
    minimum_cell: int = Field(description="k: no published cell is below it")
    suppressed_mark: Literal["x"] = Field(
        description="how a withheld cell is published: below k, or withheld with one so that "
        "it cannot be subtracted out of its row or column"
    )
    rows: tuple[StatisticsRow, ...] = Field(description="by trade, work and grade, in code order")
    total: StatisticsRow


_FIELDS: Final[Mapping[Column, str]] = {
    Column.APPLICANTS: "applicants",
    Column.NO_RESULT: "no_result",
    Column.EXAMINEES: "examinees",
    Column.PASS: "passes",
    Column.PART_PASS: "part_passes",
    Column.FAIL: "failures",
    Column.HELD: "held",
}
_CSV_HEADER: Final = (
    "職種コード",
    "作業コード",
    "級",
    "受検申請者数",
    "結果なし",
    "受検者数",
    "合格",
    "一部合格",
    "不合格",
    "保留",
)
_TOTAL_LABEL: Final = "計"


def round_statistics(
    staff: Caller,
    fiscal_year: int,
    term: Term,
    request_id: str,
    deps: Dependencies | None = None,
) -> RoundStatistics:
    """The round's table in the caller's prefecture, small cells withheld."""
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    exam_round = ExamRound(fiscal_year=fiscal_year, term=term)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.STATISTICS_READ,
            ("statistics", exam_round.key),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    k = disclosure_rule().minimum_cell(prefecture)
    table = round_table(deps.statistics(prefecture).outcomes(exam_round), k)
    views = tuple(_view(row) for row in table.rows)
    return RoundStatistics(
        prefecture_code=prefecture,
        fiscal_year=fiscal_year,
        term=term.value,
        minimum_cell=table.minimum_cell,
        suppressed_mark=SUPPRESSED,
        rows=views[:-1],
        total=views[-1],
    )


def _view(row: Row) -> StatisticsRow:
    group = row.group
    return StatisticsRow.model_validate(
        {
            "trade_code": None if group is None else group.trade_code,
            "work_code": None if group is None else group.work_code,
            "grade": None if group is None else group.grade,
            **{_FIELDS[column]: value for column, value in row.cells.items()},
        }
    )


def statistics_csv(statistics: RoundStatistics) -> str:
    """The table as a CSV to publish (UTF-8 with BOM, so spreadsheet programs read it): a
    header row, a row per group, the total row (計); withheld cells as ``x``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    for row in (*statistics.rows, statistics.total):
        codes = (
            (_TOTAL_LABEL, "", "")
            if row.trade_code is None
            else (row.trade_code, row.work_code or "", row.grade or "")
        )
        writer.writerow((*codes, *(getattr(row, name) for name in _FIELDS.values())))
    return "\ufeff" + out.getvalue()
