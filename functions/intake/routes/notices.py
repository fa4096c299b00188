"""Notices (R13, R2): the notice records of an application or an examinee, and a results
group's post list to print (role ``certificates``; auditors read the records)."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.notice_views import (
    NoticeList,
    PostList,
    application_notices,
    examinee_notices,
    post_list,
    post_list_csv,
)
from intake.responses import documented
from intake.results_views import ResultsGroupRequest
from kentei.callers import Caller
from kentei.records.codes import Grade, Term
from kentei.records.fields import FiscalYear

router = Router()  # type: ignore[no-untyped-call]

_CODE: Final = r"^[0-9A-Za-z]{1,16}$"
_APPLICATION_ID = Path(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")
_PSEUDONYM = Path(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


def _request_id() -> str:
    return request_id(router.current_event.raw_event)


@router.get(
    paths.APPLICATION_NOTICES,
    summary="The notices of an application",
    description="Each notice owed for the application: its pass or part-pass notice (合格通知, "
    "一部合格通知) and, for an e-Gov application, its completion notice (処理完了通知): the "
    "channel (mynaportal, egov, post), the outcome (sent, post_list, retrying), the receipt "
    "and each failed attempt's error class. Ids only. Roles `certificates`, `auditor`; "
    "audited.",
    tags=["notices"],
    responses=documented(200, "The notices", 401, 403, 404),
)
def get_application_notices(application_id: Annotated[str, _APPLICATION_ID]) -> NoticeList:
    return application_notices(_staff(), application_id, _request_id())


@router.get(
    paths.EXAMINEE_NOTICES,
    summary="The notices of an examinee",
    description="The notices of every application of the examinee (資格仮名ID) on the "
    "roster, as for one application. Roles `certificates`, `auditor`; audited.",
    tags=["notices"],
    responses=documented(200, "The notices", 401, 403, 404),
)
def get_examinee_notices(
    qualification_pseudonym_id: Annotated[str, _PSEUDONYM],
) -> NoticeList:
    return examinee_notices(_staff(), qualification_pseudonym_id, _request_id())


@router.get(
    paths.POST_LIST,
    summary="A results group's post list",
    description="The pass and part-pass notices of a round's work and grade that go by post "
    "(no Mynaportal pseudonym, or Mynaportal does not know it), with each person's name and "
    "postal address read from the roster now (`format=csv`: a CSV to print, UTF-8 with "
    "BOM). Role `certificates`; audited before it is returned.",
    tags=["notices"],
    responses=documented(200, "The post list", 401, 403),
)
def get_post_list(
    *,
    fiscal_year: Annotated[FiscalYear, Query(description="年度 of the round.")],
    term: Annotated[Term, Query(description="前期, 後期 or 随時.")],
    trade_code: Annotated[str, Query(pattern=_CODE, description="職種コード")],
    grade: Annotated[Grade, Query(description="級")],
    work_code: Annotated[
        str | None, Query(pattern=_CODE, description="作業コード (none for 特級)")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> Response[PostList | str]:
    group = ResultsGroupRequest(
        fiscal_year=fiscal_year, term=term, trade_code=trade_code, work_code=work_code, grade=grade
    )
    listed = post_list(_staff(), group, _request_id())
    if format == "csv":
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=post_list_csv(listed),
            headers={"Content-Disposition": 'attachment; filename="post-list.csv"'},
        )
    return Response(status_code=200, content_type="application/json", body=listed)
