"""The notice model: what a notice may say, and what it never shows."""

from __future__ import annotations

import hashlib

import pytest
from pydantic import ValidationError
from tests.unit.notices.conftest import NAME, notice

from kentei.notices import Attachment, Notice, NoticeKind, TicketStatus


def test_given_each_kind_then_it_tells_the_ticket_status() -> None:
    assert NoticeKind.EXAM_TICKET.ticket_status is TicketStatus.ISSUED
    assert NoticeKind.TICKET_SUPERSEDED.ticket_status is TicketStatus.SUPERSEDED
    assert NoticeKind.TICKET_VOID.ticket_status is TicketStatus.VOID


def test_given_an_attachment_then_its_digest_is_the_sha256_of_its_content() -> None:
    attachment = Attachment(file_name="jukenhyo.pdf", content=b"%PDF")
    assert attachment.sha256 == hashlib.sha256(b"%PDF").hexdigest()
    assert attachment.media_type == "application/pdf"
    assert "content" not in repr(attachment)


def test_given_a_notice_then_its_repr_shows_ids_not_the_text(ticket: Notice) -> None:
    shown = repr(ticket)
    assert "ticket-2026-001" in shown
    assert NAME not in shown
    assert "受検票" not in shown


@pytest.mark.parametrize("kind", [NoticeKind.TICKET_SUPERSEDED, NoticeKind.TICKET_VOID])
def test_given_a_superseded_or_void_notice_without_supersedes_then_refused(
    kind: NoticeKind,
) -> None:
    with pytest.raises(ValidationError, match="names the notice it supersedes"):
        notice(kind=kind, attachment=None)
    assert notice(kind=kind, attachment=None, supersedes="ticket-2025-009").supersedes


def test_given_an_attachment_on_a_void_notice_then_refused() -> None:
    with pytest.raises(ValidationError, match="has no attachment"):
        notice(kind=NoticeKind.TICKET_VOID, supersedes="ticket-2025-009")


def test_given_a_notice_superseding_itself_then_refused() -> None:
    with pytest.raises(ValidationError, match="cannot supersede itself"):
        notice(supersedes="ticket-2026-001")


@pytest.mark.parametrize(
    "recipient", ["short", "with space 123", "日本語の仮名ID", "a" * 129, "abc/defgh"]
)
def test_given_a_recipient_that_is_not_a_pseudonym_then_refused(recipient: str) -> None:
    with pytest.raises(ValidationError, match="recipient"):
        notice(recipient=recipient)


@pytest.mark.parametrize("field", ["body", "title", "recipient"])
def test_given_a_my_number_anywhere_then_refused_naming_the_field_not_the_value(
    field: str,
) -> None:
    spelled = {
        "body": "番号 1234 5678 9018 です",
        "title": "１２３４５６７８９０１８",
        "recipient": "123456789018",
    }
    with pytest.raises(ValidationError) as raised:
        notice(**{field: spelled[field]})
    assert f"{field} must not hold a My Number" in str(raised.value)
    assert "9018" not in str(raised.value)


def test_given_unknown_fields_or_a_naive_instant_then_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Notice.model_validate(notice().model_dump() | {"my_number": "x"})
    with pytest.raises(ValidationError, match="sent_at"):
        notice(sent_at=notice().sent_at.replace(tzinfo=None))


def test_given_a_body_over_the_limit_then_refused() -> None:
    with pytest.raises(ValidationError, match="body"):
        notice(body="あ" * 4001)
