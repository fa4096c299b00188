"""Results (R12): the results office decides and announces a round's work and grade; the
passing exam numbers are the announcement (合格発表)."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.responses import documented
from intake.results_corrections import CorrectionAnswer, CorrectionRequest, correct_scores
from intake.results_groups import (
    passing_numbers,
    passing_numbers_csv,
    read_decisions,
    request_announcement,
    request_decisions,
)
from intake.results_views import GroupDecisions, PassingNumbers, ResultsGroupRequest, ResultsQueued
from kentei.callers import Caller
from kentei.records.codes import Grade, Term
from kentei.records.fields import FiscalYear

router = Router()  # type: ignore[no-untyped-call]

_CODE: Final = r"^[0-9A-Za-z]{1,16}$"
CSV: Final = "text/csv"


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


def _request_id() -> str:
    return request_id(router.current_event.raw_event)


def _group(
    fiscal_year: FiscalYear, term: Term, trade_code: str, work_code: str | None, grade: Grade
) -> ResultsGroupRequest:
    return ResultsGroupRequest(
        fiscal_year=fiscal_year,
        term=term,
        trade_code=trade_code,
        work_code=work_code,
        grade=grade,
    )


_FiscalYear = Annotated[FiscalYear, Query(description="年度 of the round.")]
_Term = Annotated[Term, Query(description="前期, 後期 or 随時.")]
_Trade = Annotated[str, Query(pattern=_CODE, description="職種コード")]
_Work = Annotated[str | None, Query(pattern=_CODE, description="作業コード (none for 特級)")]
_Grade = Annotated[Grade, Query(description="級")]


@router.post(
    paths.RESULTS_DECISIONS,
    summary="Decide a results group",
    description="Queues the pass decisions (合否判定) of every registered sitting of a round's "
    "work and grade in the caller's prefecture: sync decides each from its stored scores, its "
    "parts and exemptions, by the group's rule (pass marks, component weights and minimums), "
    "and keeps the run's counts and problems. Ask again after a corrected import; an "
    "announced sitting is not decided again. `422` when the catalogue does not offer the "
    "grade or the round does not hold it. Role `results`; audited.",
    tags=["results"],
    responses=documented(202, "Queued", 400, 401, 403),
)
def post_decisions(
    body: Annotated[ResultsGroupRequest, Body(description="The results group.")],
) -> tuple[ResultsQueued, int]:
    return request_decisions(_staff(), body, _request_id()), 202


@router.get(
    paths.RESULTS_DECISIONS,
    summary="A results group's decisions",
    description="Each sitting's decision (exam number, result, each part's outcome, score, "
    "pass mark and failures, the rule version, announced or not), counts, and the latest "
    "decisions run and announcement with their problems by application id. No names. Roles "
    "`results`, `auditor`; audited.",
    tags=["results"],
    responses=documented(200, "The decisions", 401, 403),
)
def get_decisions(
    *,
    fiscal_year: _FiscalYear,
    term: _Term,
    trade_code: _Trade,
    grade: _Grade,
    work_code: _Work = None,
) -> GroupDecisions:
    group = _group(fiscal_year, term, trade_code, work_code, grade)
    return read_decisions(_staff(), group, _request_id())


@router.post(
    paths.RESULTS_ANNOUNCEMENTS,
    summary="Announce a results group",
    description="Queues the announcement (合格発表) of a round's work and grade: once every "
    "registered sitting is decided (none held, none without a score, none with a score "
    "changed since its decision), each pass gets its passer and certificate numbers and each "
    "part pass its notice number, once, with its pass record; else the announcement run "
    "names the sittings to fix. The pass date is the round's announcement date for the grade "
    "(`409 announcement-not-due` before it); an on-demand round's is today. Role `results`; "
    "audited.",
    tags=["results"],
    responses=documented(202, "Queued", 400, 401, 403),
)
def post_announcement(
    body: Annotated[ResultsGroupRequest, Body(description="The results group.")],
) -> tuple[ResultsQueued, int]:
    return request_announcement(_staff(), body, _request_id()), 202


@router.get(
    paths.RESULTS_ANNOUNCEMENTS,
    summary="The passing exam numbers of an announced group",
    description="The announcement to publish: the exam numbers of the group's passes, no "
    "names (`format=csv`: a CSV with a 受検番号 column, UTF-8 with BOM). `409 not-announced` "
    "until the whole group is announced. Roles `results`, `certificates`; audited.",
    tags=["results"],
    responses=documented(200, "The passing exam numbers", 401, 403, 409),
)
def get_announcement(
    *,
    fiscal_year: _FiscalYear,
    term: _Term,
    trade_code: _Trade,
    grade: _Grade,
    work_code: _Work = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> Response[PassingNumbers | str]:
    group = _group(fiscal_year, term, trade_code, work_code, grade)
    numbers = passing_numbers(_staff(), group, _request_id())
    if format == "csv":
        return Response(
            status_code=200,
            content_type=f"{CSV}; charset=utf-8",
            body=passing_numbers_csv(numbers),
            headers={"Content-Disposition": 'attachment; filename="passing-numbers.csv"'},
        )
    return Response(status_code=200, content_type="application/json", body=numbers)


@router.post(
    paths.RESULTS_CORRECTIONS,
    summary="Correct a sitting's scores",
    description="Scores of one sitting (学科, or practical components) with a reason. Before "
    "the group is announced the scores are replaced (the history keeps both) and staff decide "
    "the group again; after it, the sitting is decided again at once, the correction kept on "
    "its decision, and its pass record follows the new result (numbered if new, replaced if "
    "its kind changed, revoked if lost). A part the sitting does not sit or a component its "
    "grade does not have is `422` naming the score. Role `results`; audited with the write.",
    tags=["results"],
    responses=documented(200, "Corrected", 400, 401, 403, 404),
)
def post_correction(
    application_id: Annotated[
        str, Path(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")
    ],
    body: Annotated[CorrectionRequest, Body(description="The scores and the reason.")],
) -> CorrectionAnswer:
    return correct_scores(_staff(), application_id, body, _request_id())
