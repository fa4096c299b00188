"""The in-memory Mynaportal: the contract's rules without the wire."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.notices.conftest import RECIPIENT, SENT_AT, notice

from kentei.notices import DeliveryState, NoticeConflictError, UnknownRecipientError
from kentei.notices.fake import InMemoryMynaportal

LATER = SENT_AT + dt.timedelta(minutes=5)


def test_given_the_same_notice_twice_then_the_same_receipt() -> None:
    mynaportal = InMemoryMynaportal(clock=lambda: SENT_AT)

    first = mynaportal.send(notice())
    again = mynaportal.send(notice())

    assert first == again
    assert first.accepted_at == SENT_AT
    assert mynaportal.notices_of(RECIPIENT) == (notice(),)


def test_given_an_id_reused_for_other_content_then_a_conflict_naming_the_id_only() -> None:
    mynaportal = InMemoryMynaportal()
    mynaportal.send(notice())

    with pytest.raises(NoticeConflictError, match="ticket-2026-001") as raised:
        mynaportal.send(notice(body="別の本文"))
    assert "別の本文" not in str(raised.value)
    assert len(mynaportal.notices_of(RECIPIENT)) == 1


def test_given_known_recipients_then_others_are_refused_until_registered() -> None:
    mynaportal = InMemoryMynaportal(known_recipients=["someone-else"])

    with pytest.raises(UnknownRecipientError) as raised:
        mynaportal.send(notice())
    assert RECIPIENT not in str(raised.value)

    mynaportal.register(RECIPIENT)
    assert mynaportal.send(notice()).notice_id == "ticket-2026-001"


def test_given_a_notice_then_its_status_is_delivered_until_read() -> None:
    times = iter([SENT_AT, LATER])
    mynaportal = InMemoryMynaportal(clock=lambda: next(times))
    receipt = mynaportal.send(notice())

    delivered = mynaportal.status(receipt.notice_id)
    assert delivered is not None
    assert (delivered.state, delivered.receipt_id) == (DeliveryState.DELIVERED, receipt.receipt_id)

    read = mynaportal.mark_read(receipt.notice_id)
    assert (read.state, read.read_at) == (DeliveryState.READ, LATER)
    assert mynaportal.status("never-sent") is None
