"""Voiding a deleted sitting's exam ticket over in-memory ports: the ticket marked void, the
Mynaportal applicant told by a ``ticket_void`` notice superseding the ticket's; a redelivered
message changes nothing and sends the same notice; a registered sitting is refused, and a
deleted sitting gets no new ticket."""

from __future__ import annotations

import pytest
from tests.unit.certify_function.fakes import MYNAPORTAL, TicketWorld, ticket_due, ticket_world

from certify.tickets import TicketRefusedError, issue_ticket
from certify.voids import VoidRefusedError, notice_id, void_ticket
from kentei.applications.model import Channel
from kentei.messages import TicketVoid
from kentei.notices.model import NoticeKind
from kentei.roster.deletion import deleted_sitting
from kentei.sessions.seating import SeatedSitting


def _void(world: TicketWorld) -> TicketVoid:
    return TicketVoid(application_id=world.application.application_id, prefecture_code="13")


def _delete(world: TicketWorld) -> None:
    """As the roster keeps a deleted sitting: status deleted, its seats released."""
    world.seated = SeatedSitting(deleted_sitting(world.seated.sitting), {})


def test_the_ticket_of_a_deleted_sitting_becomes_void_and_the_person_is_told() -> None:
    world = ticket_world()
    issued = issue_ticket(ticket_due(world), world.deps())
    _delete(world)

    voided = void_ticket(_void(world), world.deps())

    assert (voided.ticket_id, voided.new, voided.notified) == (issued.ticket_id, True, True)
    assert world.tickets[world.application.application_id].status == "void"
    ticket_notice, void_notice = world.notices.notices_of(MYNAPORTAL)
    assert void_notice.kind is NoticeKind.TICKET_VOID
    assert void_notice.supersedes == issued.ticket_id == ticket_notice.notice_id
    assert void_notice.notice_id == notice_id(issued.ticket_id)
    assert void_notice.attachment is None
    assert world.application.form.name not in void_notice.title + void_notice.body


def test_a_redelivered_void_changes_nothing_and_sends_the_same_notice() -> None:
    world = ticket_world()
    issue_ticket(ticket_due(world), world.deps())
    _delete(world)
    first = void_ticket(_void(world), world.deps())

    again = void_ticket(_void(world), world.deps())

    assert (again.ticket_id, again.new, again.notified) == (first.ticket_id, False, True)
    assert len(world.notices.notices_of(MYNAPORTAL)) == 2, "the ticket's and one void"


def test_a_sitting_without_a_ticket_or_a_paper_applicant_gets_no_notice() -> None:
    without = ticket_world()
    _delete(without)
    assert void_ticket(_void(without), without.deps()).ticket_id is None
    paper = ticket_world(channel=Channel.PAPER)
    issue_ticket(ticket_due(paper), paper.deps())
    _delete(paper)

    voided = void_ticket(_void(paper), paper.deps())

    assert (voided.new, voided.notified) == (True, False)
    assert without.notices.notices_of(MYNAPORTAL) == ()


def test_a_registered_sitting_is_not_voided() -> None:
    world = ticket_world()
    issue_ticket(ticket_due(world), world.deps())

    with pytest.raises(VoidRefusedError):
        void_ticket(_void(world), world.deps())

    assert world.tickets[world.application.application_id].status == "issued"


def test_a_deleted_sitting_gets_no_new_ticket() -> None:
    world = ticket_world()
    _delete(world)

    with pytest.raises(TicketRefusedError):
        issue_ticket(ticket_due(world), world.deps())

    assert world.tickets == {}


def test_a_sitting_deleted_while_its_ticket_is_made_gets_it_void_and_unsent() -> None:
    world = ticket_world()
    registered = world.seated
    reads = iter([registered, SeatedSitting(deleted_sitting(registered.sitting), {})])
    world.seated_sitting = lambda person, application_id: next(reads)  # type: ignore[method-assign]

    issued = issue_ticket(ticket_due(world), world.deps())

    assert not issued.notified
    assert world.tickets[world.application.application_id].status == "void"
    assert world.notices.notices_of(MYNAPORTAL) == ()
