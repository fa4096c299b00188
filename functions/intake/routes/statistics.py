"""A round's statistics for release: counts by work, grade and result, small cells withheld."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.responses import documented
from intake.statistics import RoundStatistics, round_statistics, statistics_csv
from kentei.records.codes import Term
from kentei.records.fields import FiscalYear

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    paths.STATISTICS,
    summary="A round's statistics",
    description="In the caller's prefecture, per trade, work and grade of the round: sittings "
    "registered, without a result, with one, and passes, part passes, failures and held; and "
    "the total. No identifiers. A cell below the minimum cell size (k, by default 5) is "
    "published as `x`, and so is one more in its row or column where it could otherwise be "
    "subtracted out (`format=csv`: a CSV, UTF-8 with BOM). Roles `results`, `auditor`; "
    "audited.",
    tags=["results"],
    responses=documented(200, "The round's statistics", 401, 403, 422),
)
def get_statistics(
    *,
    fiscal_year: Annotated[FiscalYear, Query(description="年度 of the round.")],
    term: Annotated[Term, Query(description="前期, 後期 or 随時.")],
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> Response[RoundStatistics | str]:
    event = router.current_event.raw_event
    statistics = round_statistics(
        require_staff(require_caller(event)), fiscal_year, term, request_id(event)
    )
    if format == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=statistics_csv(statistics),
            headers={"Content-Disposition": 'attachment; filename="statistics.csv"'},
        )
    return Response(status_code=200, content_type="application/json", body=statistics)
