"""The exams: the national catalogue and the rounds (public: the ministry publishes them),
and the prefecture's roster (staff who work with it)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from intake import paths
from intake.access import request_id, require_caller
from intake.responses import documented
from intake.roster_reading import open_examinee
from intake.roster_views import RosterExaminee
from intake.tickets import TicketDownload, TicketRequested, download_ticket, request_ticket
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    paths.EXAM_CATALOGUE,
    summary="The national exam catalogue",
    description="Trades (職種) → works (作業) → grades, with each grade's written format and "
    "practical components, as the repository's data holds them (read-only: nobody edits the "
    "national catalogue through the API). Entries marked `confirmed: false` await a source.",
    tags=["exams"],
    responses=documented(200, "The catalogue"),
)
def get_catalogue() -> dict[str, Any]:
    return load_catalogue().model_dump(mode="json")


@router.get(
    paths.EXAM_ROUNDS,
    summary="The exam rounds",
    description="Each round (年度 × 前期/後期, and the on-demand rounds): its application "
    "window, practical period, written dates and announcements per grade.",
    tags=["exams"],
    responses=documented(200, "The rounds"),
)
def get_rounds() -> dict[str, Any]:
    return load_rounds().model_dump(mode="json")


@router.get(
    paths.ROSTER_EXAMINEE,
    summary="Open an examinee on the roster",
    description="The person (受検者) registered under this 資格仮名ID in the caller's "
    "prefecture: their items without the My Number, and every sitting with its exam number. "
    "Written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "The examinee", 401, 403, 404),
)
def get_roster_examinee(
    qualification_pseudonym_id: Annotated[
        str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    ],
) -> RosterExaminee:
    event = router.current_event.raw_event
    return open_examinee(require_caller(event), qualification_pseudonym_id, request_id(event))


_APPLICATION_ID = Path(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")


@router.post(
    paths.SITTING_TICKET,
    summary="Ask for a sitting's exam ticket",
    description="Queues the exam ticket (受検票) of an accepted application's sitting: certify "
    "renders it (PDF, Japanese font embedded), stores it, and sends it to a Mynaportal "
    "applicant through the notice port. It is issued once every part is seated. Audited.",
    tags=["roster"],
    responses=documented(202, "Queued", 401, 403, 404),
)
def post_sitting_ticket(
    application_id: Annotated[str, _APPLICATION_ID],
) -> tuple[TicketRequested, int]:
    event = router.current_event.raw_event
    return request_ticket(require_caller(event), application_id, request_id(event)), 202


@router.get(
    paths.SITTING_TICKET,
    summary="Download a sitting's exam ticket",
    description="The sitting's current exam ticket (its id, status, digest, the tickets it "
    "superseded) and a link to its PDF valid for five minutes. Audited before the link goes out.",
    tags=["roster"],
    responses=documented(200, "The ticket", 401, 403, 404),
)
def get_sitting_ticket(application_id: Annotated[str, _APPLICATION_ID]) -> TicketDownload:
    event = router.current_event.raw_event
    return download_ticket(require_caller(event), application_id, request_id(event))
