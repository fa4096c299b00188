"""Exam tickets for the exam office (role ``exam_admin``, R8): ask certify for a sitting's
ticket, and download the current one.

Asking is recorded in the audit trail and the ``ticket_due`` message goes to certify's queue;
certify issues the ticket once every part the sitting takes has a seat (else the message
ends in the DLQ naming the parts still waiting). Downloading answers the ticket's record and
a link to its PDF valid for five minutes; the download is audited before the link goes out
(the PDF holds the person's name). Both find only accepted applications of the caller's
prefecture: anything else is ``404``.
"""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.suspension_gate import refuse_while_suspended
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.tickets import DOWNLOAD_SECONDS, TicketRecord
from kentei.messages import TicketDue

_NOT_FOUND = "no accepted application with this id in the caller's prefecture"
_NO_TICKET = "the sitting has no exam ticket yet"


class TicketRequested(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    queued: bool = Field(description="certify issues the ticket once every part is seated")


class TicketDownload(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    ticket_id: str
    status: str
    issued_at: AwareDatetime
    sha256: str
    superseded: tuple[str, ...]
    download_url: str = Field(description="a link to the PDF, valid for a few minutes")
    expires_in_s: int

    @classmethod
    def of(cls, record: TicketRecord, url: str) -> Self:
        return cls(
            application_id=record.application_id,
            ticket_id=record.ticket_id,
            status=record.status,
            issued_at=record.issued_at,
            sha256=record.sha256,
            superseded=record.superseded,
            download_url=url,
            expires_in_s=DOWNLOAD_SECONDS,
        )


def request_ticket(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> TicketRequested:
    deps = deps or dependencies()
    prefecture, person = _accepted(staff, application_id, deps)
    refuse_while_suspended(deps, prefecture, person, "an exam ticket")
    deps.audit.record(
        _event(
            staff,
            AuditAction.TICKET_REQUESTED,
            ("sitting", application_id),
            person,
            request_id=request_id,
            deps=deps,
        )
    )
    deps.certify_queue.send(TicketDue(application_id=application_id, prefecture_code=prefecture))
    return TicketRequested(application_id=application_id, queued=True)


def download_ticket(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> TicketDownload:
    deps = deps or dependencies()
    prefecture, person = _accepted(staff, application_id, deps)
    tickets = deps.tickets(prefecture)
    record = tickets.current(application_id)
    if record is None:
        raise NotFoundError(_NO_TICKET)
    deps.audit.record(
        _event(
            staff,
            AuditAction.TICKET_DOWNLOADED,
            ("ticket", record.ticket_id),
            person,
            request_id=request_id,
            deps=deps,
        )
    )
    return TicketDownload.of(record, tickets.download_url(record))


def _accepted(staff: Caller, application_id: str, deps: Dependencies) -> tuple[str, str | None]:
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise ValueError("a staff caller has a prefecture")
    stored = deps.applications(prefecture).get(application_id)
    if stored is None or stored.application.status is not Status.ACCEPTED:
        raise NotFoundError(_NOT_FOUND)
    return prefecture, stored.application.qualification_pseudonym_id


def _event(
    staff: Caller,
    action: AuditAction,
    record: tuple[str, str],
    person: str | None,
    *,
    request_id: str,
    deps: Dependencies,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type=record[0],
        record_id=record[1],
        prefecture_code=str(staff.prefecture_code),
        request_id=request_id,
        at=deps.clock(),
        outcome=AuditOutcome.ALLOWED,
        person_id=person,
    )
