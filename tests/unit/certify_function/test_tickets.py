"""Issuing an exam ticket over in-memory ports: the content from the roster and the seats, the
PDF stored as the sitting's current ticket, the person notified through the Mynaportal port
by their pseudonym; a redelivered message issues nothing new; a moved seat supersedes."""

from __future__ import annotations

from datetime import time

import pytest
from tests.unit.certify_function.fakes import MYNAPORTAL, ticket_due, ticket_world
from tests.unit.sessions.factory import session

from certify.tickets import TicketRefusedError, issue_ticket
from kentei.applications.model import Channel, Status
from kentei.exams.catalogue import load_catalogue
from kentei.sessions.seating import SeatedSitting, needed_parts
from kentei.tickets.issue import TicketNotReadyError


def test_a_seated_sitting_gets_its_ticket_stored_and_sent_by_its_mynaportal_pseudonym() -> None:
    world = ticket_world()

    issued = issue_ticket(ticket_due(world), world.deps())

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
    world = ticket_world()
    first = issue_ticket(ticket_due(world), world.deps())

    again = issue_ticket(ticket_due(world), world.deps())

    assert (again.ticket_id, again.new) == (first.ticket_id, False)
    assert len(world.pdfs) == 1
    assert len(world.notices.notices_of(MYNAPORTAL)) == 1


def test_a_moved_seat_gives_a_new_ticket_that_supersedes_the_old() -> None:
    world = ticket_world()
    first = issue_ticket(ticket_due(world), world.deps())
    part, old = next(iter(world.seated.seats.items()))
    moved = session(
        part=part, exam_date=world.sessions[old].exam_date, starts_at=time(13), ends_at=time(16, 30)
    )
    world.sessions[moved.session_id] = moved
    world.seated = SeatedSitting(
        world.seated.sitting, {**world.seated.seats, part: moved.session_id}
    )

    second = issue_ticket(ticket_due(world), world.deps())

    assert second.new
    assert second.ticket_id != first.ticket_id
    assert second.superseded == first.ticket_id
    assert world.tickets[world.application.application_id].superseded == (first.ticket_id,)
    latest = world.notices.notices_of(MYNAPORTAL)[-1]
    assert latest.supersedes == first.ticket_id


def test_a_paper_applicant_gets_a_stored_ticket_and_no_notice() -> None:
    world = ticket_world(channel=Channel.PAPER)

    issued = issue_ticket(ticket_due(world), world.deps())

    assert issued.new
    assert not issued.notified
    assert world.notices.notices_of(MYNAPORTAL) == ()


def test_the_notice_goes_to_the_mynaportal_account_the_person_linked_last() -> None:
    world = ticket_world()
    person = world.application.qualification_pseudonym_id
    assert person is not None
    world.links[person] = "mp-taro-0002"  # the person came back through a new account

    issued = issue_ticket(ticket_due(world), world.deps())

    assert issued.notified
    assert world.notices.notices_of(MYNAPORTAL) == ()
    (notice,) = world.notices.notices_of("mp-taro-0002")
    assert notice.notice_id == issued.ticket_id


def test_a_paper_applicant_with_a_mynaportal_account_gets_the_notice_there_too() -> None:
    world = ticket_world(channel=Channel.PAPER)
    person = world.application.qualification_pseudonym_id
    assert person is not None
    world.links[person] = MYNAPORTAL

    issued = issue_ticket(ticket_due(world), world.deps())

    assert issued.notified
    assert len(world.notices.notices_of(MYNAPORTAL)) == 1


def test_a_part_without_a_seat_is_not_ready_and_nothing_is_stored() -> None:
    world = ticket_world(seat_all=False)
    assert len(needed_parts(world.seated.sitting, load_catalogue())) >= 2, "学科 and 実技"

    with pytest.raises(TicketNotReadyError):
        issue_ticket(ticket_due(world), world.deps())

    assert world.tickets == {}


def test_an_application_not_accepted_is_refused() -> None:
    world = ticket_world()
    world.application = world.application.model_copy(update={"status": Status.UNDER_REVIEW})

    with pytest.raises(TicketRefusedError):
        issue_ticket(ticket_due(world), world.deps())
