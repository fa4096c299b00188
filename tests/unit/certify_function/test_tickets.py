"""Issuing an exam ticket over in-memory ports: the content from the roster and the seats, the
PDF stored as the sitting's current ticket, the person notified through the Mynaportal port
by their pseudonym; a redelivered message issues nothing new; a moved seat supersedes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time

import pytest
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import WRITTEN_2, session, sitting

from certify.dependencies import Dependencies
from certify.tickets import TicketRefusedError, issue_ticket
from kentei.applications.model import Application, Channel, Status
from kentei.data.deletions import VoidedTicket
from kentei.data.roster import StoredExaminee
from kentei.data.tickets import TicketRecord
from kentei.exams.catalogue import load_catalogue
from kentei.messages import TicketDue
from kentei.notices.fake import InMemoryMynaportal
from kentei.roster.registration import examinee_of
from kentei.sessions.model import ExamSession, SessionPart
from kentei.sessions.seating import SeatedSitting, needed_parts
from kentei.tickets.content import TicketContent
from kentei.tickets.issue import TicketNotReadyError

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MYNAPORTAL = "mp-taro-0001"


@dataclass
class World:
    application: Application
    seated: SeatedSitting
    sessions: dict[str, ExamSession]
    tickets: dict[str, TicketRecord] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    rendered: list[TicketContent] = field(default_factory=list)
    notices: InMemoryMynaportal = field(default_factory=InMemoryMynaportal)
    voided_at: dict[str, datetime] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    """資格仮名ID → the Mynaportal pseudonym linked last."""

    # the ports, as one object per prefecture
    def app(self, application_id: str) -> Application | None:
        return self.application if application_id == self.application.application_id else None

    def examinee(self, person: str) -> StoredExaminee | None:
        return StoredExaminee(person, examinee_of(self.application.form), frozenset(), AT, AT)

    def seated_sitting(self, person: str, application_id: str) -> SeatedSitting | None:
        return self.seated

    def session(self, round_key: str, session_id: str) -> ExamSession | None:
        return self.sessions.get(session_id)

    def current(self, application_id: str) -> TicketRecord | None:
        return self.tickets.get(application_id)

    def issue(
        self, application_id: str, ticket_id: str, pdf: bytes, at: datetime
    ) -> tuple[TicketRecord, bool]:
        current = self.tickets.get(application_id)
        if current is not None and current.ticket_id == ticket_id:
            return current, False
        old = () if current is None else (*current.superseded, current.ticket_id)
        record = TicketRecord(application_id, ticket_id, "issued", f"k/{ticket_id}", "h", at, old)
        self.tickets[application_id] = record
        self.pdfs[ticket_id] = pdf
        return record, True

    def mynaportal_for(self, person: str) -> str | None:
        return self.links.get(person)

    def void(self, application_id: str, at: datetime) -> VoidedTicket | None:
        current = self.tickets.get(application_id)
        if current is None:
            return None
        if current.status == "void":
            return VoidedTicket(current, self.voided_at[application_id], False)
        self.tickets[application_id] = replace(current, status="void")
        self.voided_at[application_id] = at
        return VoidedTicket(self.tickets[application_id], at, True)

    def deps(self) -> Dependencies:
        def render(content: TicketContent) -> bytes:
            self.rendered.append(content)
            return f"%PDF-1.7 {content.ticket_id}".encode()

        return Dependencies(
            applications=lambda _p: _Applications(self),
            roster=lambda _p: self,
            seats=lambda _p: self,
            tickets=lambda _p: self,
            notices=self.notices,
            catalogue=load_catalogue,
            render=render,
            clock=lambda: AT,
            voids=lambda _p: self,
            addresses=self,
        )


@dataclass
class _Applications:
    world: World

    def application(self, application_id: str) -> Application | None:
        return self.world.app(application_id)


def _world(channel: Channel = Channel.MYNAPORTAL, seat_all: bool = True) -> World:
    accepted = application(
        form(trade_code="0101", work_code="010101", grade="2級", fiscal_year=2026, term="前期"),
        status=Status.ACCEPTED,
        channel=channel,
        pseudonym=MYNAPORTAL,
    )
    registered = sitting(application_id=accepted.application_id)
    parts = needed_parts(registered, load_catalogue())
    sessions: dict[str, ExamSession] = {}
    seats: dict[SessionPart, str] = {}
    for index, part in enumerate(parts):
        if not seat_all and index:
            continue
        made = (
            session(part=part, exam_date=WRITTEN_2, starts_at=time(10), ends_at=time(11, 40))
            if part is SessionPart.WRITTEN
            else session(part=part)
        )
        sessions[made.session_id] = made
        seats[part] = made.session_id
    return World(accepted, SeatedSitting(registered, seats), sessions)


def _due(world: World) -> TicketDue:
    return TicketDue(application_id=world.application.application_id, prefecture_code="13")


def test_a_seated_sitting_gets_its_ticket_stored_and_sent_by_its_mynaportal_pseudonym() -> None:
    world = _world()

    issued = issue_ticket(_due(world), world.deps())

    assert issued.new
    assert issued.notified
    assert issued.superseded is None
    (content,) = world.rendered
    assert content.exam_number == world.seated.sitting.exam_number
    assert content.name.kanji == world.application.form.name
    assert content.association == "東京都職業能力開発協会"
    assert {p.kind.value for p in content.parts} >= {"学科試験"}
    assert all(not p.exempt for p in content.parts)
    (notice,) = world.notices.notices_of(MYNAPORTAL)
    assert notice.notice_id == issued.ticket_id
    assert notice.attachment is not None
    assert notice.attachment.content == world.pdfs[issued.ticket_id]


def test_a_redelivered_message_issues_nothing_new_and_the_notice_is_the_same() -> None:
    world = _world()
    first = issue_ticket(_due(world), world.deps())

    again = issue_ticket(_due(world), world.deps())

    assert (again.ticket_id, again.new) == (first.ticket_id, False)
    assert len(world.pdfs) == 1
    assert len(world.notices.notices_of(MYNAPORTAL)) == 1


def test_a_moved_seat_gives_a_new_ticket_that_supersedes_the_old() -> None:
    world = _world()
    first = issue_ticket(_due(world), world.deps())
    part, old = next(iter(world.seated.seats.items()))
    moved = session(
        part=part, exam_date=world.sessions[old].exam_date, starts_at=time(13), ends_at=time(16, 30)
    )
    world.sessions[moved.session_id] = moved
    world.seated = SeatedSitting(
        world.seated.sitting, {**world.seated.seats, part: moved.session_id}
    )

    second = issue_ticket(_due(world), world.deps())

    assert second.new
    assert second.ticket_id != first.ticket_id
    assert second.superseded == first.ticket_id
    assert world.tickets[world.application.application_id].superseded == (first.ticket_id,)
    latest = world.notices.notices_of(MYNAPORTAL)[-1]
    assert latest.supersedes == first.ticket_id


def test_a_paper_applicant_gets_a_stored_ticket_and_no_notice() -> None:
    world = _world(channel=Channel.PAPER)

    issued = issue_ticket(_due(world), world.deps())

    assert issued.new
    assert not issued.notified
    assert world.notices.notices_of(MYNAPORTAL) == ()


def test_the_notice_goes_to_the_mynaportal_account_the_person_linked_last() -> None:
    world = _world()
    person = world.application.qualification_pseudonym_id
    assert person is not None
    world.links[person] = "mp-taro-0002"  # the person came back through a new account

    issued = issue_ticket(_due(world), world.deps())

    assert issued.notified
    assert world.notices.notices_of(MYNAPORTAL) == ()
    (notice,) = world.notices.notices_of("mp-taro-0002")
    assert notice.notice_id == issued.ticket_id


def test_a_paper_applicant_with_a_mynaportal_account_gets_the_notice_there_too() -> None:
    world = _world(channel=Channel.PAPER)
    person = world.application.qualification_pseudonym_id
    assert person is not None
    world.links[person] = MYNAPORTAL

    issued = issue_ticket(_due(world), world.deps())

    assert issued.notified
    assert len(world.notices.notices_of(MYNAPORTAL)) == 1


def test_a_part_without_a_seat_is_not_ready_and_nothing_is_stored() -> None:
    world = _world(seat_all=False)
    assert len(needed_parts(world.seated.sitting, load_catalogue())) >= 2, "学科 and 実技"

    with pytest.raises(TicketNotReadyError):
        issue_ticket(_due(world), world.deps())

    assert world.tickets == {}


def test_an_application_not_accepted_is_refused() -> None:
    world = _world()
    world.application = world.application.model_copy(update={"status": Status.UNDER_REVIEW})

    with pytest.raises(TicketRefusedError):
        issue_ticket(_due(world), world.deps())
