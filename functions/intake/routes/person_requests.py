"""A person's requests about their own data (P10: 開示・訂正・利用停止), for the prefecture's
information-disclosure office (role ``privacy``, own prefecture)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.disclosures import DisclosureView, PassphraseView, read_disclosure, take_passphrase
from intake.person_requests import (
    PSEUDONYM_PATTERN,
    Extension,
    Lift,
    NewRequest,
    RequestDecision,
    RequestList,
    RequestView,
    decide_request,
    extend_request,
    lift_suspension,
    list_requests,
    read_request,
    receive_request,
    withdraw_request,
)
from intake.responses import documented
from kentei.callers import Caller
from kentei.person_requests.model import REQUEST_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]

_REQUEST_ID = Path(pattern=REQUEST_ID_PATTERN, description="The request's id.")
_TAGS = ["person requests"]


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


def _id() -> str:
    return request_id(router.current_event.raw_event)


@router.post(
    paths.PERSON_REQUESTS,
    summary="Record a person's request about their own data",
    description="A disclosure (開示), correction (訂正) or suspension of use (利用停止) request as "
    "it arrived: the person on the prefecture's roster by 資格仮名ID, the channel (which the "
    "prefecture's procedure must offer: otherwise 422 `channel-not-offered`) and how their "
    "identity was confirmed. Answers the request with the instant by which it must be decided "
    "(the procedure's days, from the day after it arrived, in Japan). Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The request", 400, 401, 403, 404, 415, 422),
)
def post_request(body: Annotated[NewRequest, Body(description="The request.")]) -> RequestView:
    return receive_request(_staff(), body, _id())


@router.get(
    paths.PERSON_REQUESTS,
    summary="Open person requests",
    description="The prefecture's open requests, soonest due first, each saying whether the "
    "person's use is suspended now. Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The open requests", 401, 403),
)
def get_requests() -> RequestList:
    return list_requests(_staff(), _id())


@router.get(
    paths.PERSON_REQUEST,
    summary="One person request",
    description="Role `privacy`, of the request's prefecture (others: 404); audited.",
    tags=_TAGS,
    responses=documented(200, "The request", 401, 403, 404, 422),
)
def get_request(person_request_id: Annotated[str, _REQUEST_ID]) -> RequestView:
    return read_request(_staff(), person_request_id, _id())


@router.post(
    paths.PERSON_REQUEST_EXTENSION,
    summary="Extend a request's period once",
    description="The period as far as the procedure allows, with the reason told to the "
    "person; a request extended, decided or withdrawn already is a 409. Role `privacy`.",
    tags=_TAGS,
    responses=documented(200, "The request", 400, 401, 403, 404, 409, 415, 422),
)
def post_extension(
    person_request_id: Annotated[str, _REQUEST_ID],
    body: Annotated[Extension, Body(description="Why.")],
) -> RequestView:
    return extend_request(_staff(), person_request_id, body, _id())


@router.post(
    paths.PERSON_REQUEST_DECISION,
    summary="Decide a request",
    description="`granted`, `partly_granted` or `refused`, with the reasons. Granting a "
    "suspension request suspends every process of the person's data in the prefecture (only "
    "keeping it) until lifted, in the same transaction. A decided or withdrawn request is a 409. "
    "A correction request's decision follows its proposal's (`/correction`, decided at review): "
    "accepted, `granted` or `partly_granted`; rejected, `refused`; none recorded, `refused` "
    "only; otherwise a 409 (`correction-open`, `correction-disagrees`). Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The request", 400, 401, 403, 404, 409, 415, 422),
)
def post_decision(
    person_request_id: Annotated[str, _REQUEST_ID],
    body: Annotated[RequestDecision, Body(description="The decision.")],
) -> RequestView:
    return decide_request(_staff(), person_request_id, body, _id())


@router.post(
    paths.PERSON_REQUEST_WITHDRAWAL,
    summary="Record a request's withdrawal",
    description="The person withdrew it; a decided or withdrawn request is a 409, and so is a "
    "correction request whose proposal is open at review (`correction-open`: review rejects it "
    "first). Role `privacy`.",
    tags=_TAGS,
    responses=documented(200, "The request", 401, 403, 404, 409),
)
def post_withdrawal(person_request_id: Annotated[str, _REQUEST_ID]) -> RequestView:
    return withdraw_request(_staff(), person_request_id, _id())


@router.get(
    paths.PERSON_REQUEST_DISCLOSURE,
    summary="A granted disclosure's sealed copy",
    description="The copy's state (`pending` until verify has sealed it, `ready`, `delivered` "
    "once its passphrase was picked up, `expired` once the bucket deleted it), its SHA-256 "
    "and counts by section, and while it is kept a presigned GET of the sealed file (valid "
    "five minutes). The copy holds everything the prefecture holds about the person and who "
    "accessed it, and their My Number only when it is for the person themselves; it is "
    "AES-256-GCM under a key derived (scrypt) from a one-time passphrase. A request that is not "
    "a granted disclosure of the caller's prefecture is a 404. Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The copy's state", 401, 403, 404, 422),
)
def get_disclosure(person_request_id: Annotated[str, _REQUEST_ID]) -> DisclosureView:
    return read_disclosure(_staff(), person_request_id, _id())


@router.post(
    paths.PERSON_REQUEST_PASSPHRASE,
    summary="Pick up a disclosure copy's passphrase, once",
    description="The one-time passphrase that opens the sealed copy (four groups of five "
    "characters), answered once and erased in the same transaction that records who took it. "
    "Send it to the requester in a sealed letter of its own, apart from the copy; they open "
    "the copy with `python -m kentei.disclosures open FILE`. Picked up already, not sealed yet "
    "or expired: 409. Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The passphrase", 401, 403, 404, 409, 422),
)
def post_passphrase(person_request_id: Annotated[str, _REQUEST_ID]) -> PassphraseView:
    return take_passphrase(_staff(), person_request_id, _id())


@router.post(
    paths.PERSON_SUSPENSION_LIFT,
    summary="Lift a person's suspension of use",
    description="The person's data is processed again in the prefecture. Answers the request "
    "that had started the suspension. Role `privacy`; audited.",
    tags=_TAGS,
    responses=documented(200, "The request that started it", 400, 401, 403, 404, 409, 415, 422),
)
def post_lift(
    qualification_pseudonym_id: Annotated[
        str, Path(pattern=PSEUDONYM_PATTERN, description="The person.")
    ],
    body: Annotated[Lift, Body(description="Why.")],
) -> RequestView:
    return lift_suspension(_staff(), qualification_pseudonym_id, body, _id())
