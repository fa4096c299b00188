"""A person's request about their own data (P10), as the prefecture's office records it: which
kind, through which channel, how the requester's identity was confirmed, when it arrived and
by when it must be decided (:func:`kentei.person_requests.procedures.decision_due`), and what
was decided. The person is named by their 資格仮名ID only; the request never holds the My
Number, nor the data asked about.

Lifecycle: ``received`` → (``extended``, with a reason and a new due instant within the
procedure's extension) → ``decided`` (``granted``, ``partly_granted`` or ``refused``, with a
reason) or ``withdrawn``. A correction request keeps the id of the change proposal it became
(``proposal_id``; :mod:`kentei.person_requests.correction`). A granted suspension of use
(利用停止) holds every process of the person's data until it is lifted (:class:`Suspension`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.applications.model import IdentityConfirmation
from kentei.person_requests.procedures import (
    Channel,
    Procedure,
    RequestKind,
    decision_due,
)
from kentei.person_requests.suspension import PERSON_REQUEST_ID_PATTERN
from kentei.roster.changes import PROPOSAL_ID_PATTERN
from kentei.sortable_ids import sortable_id

REQUEST_ID_PATTERN: Final = PERSON_REQUEST_ID_PATTERN
PREFECTURE_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"


class RequestStatus(StrEnum):
    RECEIVED = "received"
    EXTENDED = "extended"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class Decision(StrEnum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


class Requester(StrEnum):
    """Who asked, and so whom a disclosure copy is for: the person themselves, or their
    representative (代理人: a legal or appointed agent). Only the person's own copy holds the
    My Number."""

    PERSON = "person"
    REPRESENTATIVE = "representative"


class RequestStateError(ValueError):
    """What the request's state or its procedure does not allow (the API: 409)."""


class ConcurrentRequestChangeError(RuntimeError):
    """The request was decided, extended or withdrawn meanwhile (or the person's suspension
    changed): read again (the API: 409)."""


class ChannelNotOfferedError(ValueError):
    """The prefecture's procedure takes this kind of request through other channels (422)."""


class PersonRequest(BaseModel):
    """``PERSON_REQUEST#<request id>`` under the prefecture."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    request_id: str = Field(pattern=REQUEST_ID_PATTERN)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    qualification_pseudonym_id: str = Field(min_length=8, max_length=128)
    kind: RequestKind
    channel: Channel
    identity_confirmation: IdentityConfirmation
    requester: Requester = Requester.PERSON
    entered_by: str = Field(min_length=1, max_length=128)
    received_at: AwareDatetime
    due_at: AwareDatetime
    status: RequestStatus = RequestStatus.RECEIVED
    extension_reason: str | None = Field(None, max_length=500, repr=False)
    decision: Decision | None = None
    decided_by: str | None = None
    decided_at: AwareDatetime | None = None
    reason: str | None = Field(None, max_length=1000, repr=False)
    proposal_id: str | None = Field(
        None,
        pattern=PROPOSAL_ID_PATTERN,
        description="a correction request's change proposal (the latest recorded)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.proposal_id is not None and self.kind is not RequestKind.CORRECTION:
            raise ValueError("only a correction request becomes a change proposal")
        decided = self.status is RequestStatus.DECIDED
        if decided != (self.decision is not None):
            raise ValueError("a request has a decision exactly when it is decided")
        closed = self.status in (RequestStatus.DECIDED, RequestStatus.WITHDRAWN)
        if closed != (self.decided_at is not None):
            raise ValueError("a closed request says when it was closed")
        if (self.status is RequestStatus.EXTENDED) and self.extension_reason is None:
            raise ValueError("an extension gives its reason")
        if self.due_at < self.received_at:
            raise ValueError("due before it was received")
        return self

    @property
    def discloses(self) -> bool:
        """A disclosure request decided to be answered (wholly or in part): a copy is due."""
        return (
            self.kind is RequestKind.DISCLOSURE
            and self.status is RequestStatus.DECIDED
            and self.decision in (Decision.GRANTED, Decision.PARTLY_GRANTED)
        )

    @property
    def open(self) -> bool:
        return self.status in (RequestStatus.RECEIVED, RequestStatus.EXTENDED)

    def extended(self, procedure: Procedure, reason: str) -> PersonRequest:
        """The request with its period extended once, as far as the procedure allows."""
        if self.status is not RequestStatus.RECEIVED:
            raise RequestStateError(f"a {self.status.value} request cannot be extended")
        if procedure.extension_days == 0:
            raise RequestStateError("the procedure allows no extension")
        due = decision_due(self.received_at, procedure.decision_days + procedure.extension_days)
        return self.model_copy(
            update={"status": RequestStatus.EXTENDED, "due_at": due, "extension_reason": reason}
        )

    def decided(self, decision: Decision, by: str, at: dt.datetime, reason: str) -> PersonRequest:
        if not self.open:
            raise RequestStateError(f"the request is {self.status.value}")
        return self.model_copy(
            update={
                "status": RequestStatus.DECIDED,
                "decision": decision,
                "decided_by": by,
                "decided_at": at,
                "reason": reason,
            }
        )

    def withdrawn(self, by: str, at: dt.datetime) -> PersonRequest:
        if not self.open:
            raise RequestStateError(f"the request is {self.status.value}")
        return self.model_copy(
            update={"status": RequestStatus.WITHDRAWN, "decided_by": by, "decided_at": at}
        )


def disclosed(requests: Sequence[PersonRequest]) -> bool:
    """Whether one of the person's requests is a disclosure granted (wholly or in part): what
    a correction or suspension request follows where the procedure says ``after_disclosure``
    (個人情報の保護に関する法律 第90条, 第98条). The law's ninety days run from the day the
    person received the disclosure, which the office knows and judges; this checks only that
    there was one."""
    return any(
        r.kind is RequestKind.DISCLOSURE
        and r.decision in (Decision.GRANTED, Decision.PARTLY_GRANTED)
        for r in requests
    )


def received(
    *,
    prefecture_code: str,
    person: str,
    kind: RequestKind,
    channel: Channel,
    identity_confirmation: IdentityConfirmation,
    entered_by: str,
    at: dt.datetime,
    procedure: Procedure,
    requester: Requester = Requester.PERSON,
) -> PersonRequest:
    """A new request, due as the prefecture's procedure says; refused when it arrived through a
    channel the procedure does not offer."""
    if channel not in procedure.channels:
        raise ChannelNotOfferedError(f"a {kind.value} request does not come by {channel.value}")
    return PersonRequest(
        request_id=sortable_id("prq-", at),
        prefecture_code=prefecture_code,
        qualification_pseudonym_id=person,
        kind=kind,
        channel=channel,
        identity_confirmation=identity_confirmation,
        requester=requester,
        entered_by=entered_by,
        received_at=at,
        due_at=decision_due(at, procedure.decision_days),
    )
