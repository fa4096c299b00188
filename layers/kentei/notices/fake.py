"""An in-memory Mynaportal: the notice port for tests, and the store of the local fake server.

It keeps each accepted notice with its receipt, per recipient, and applies the contract's
rules: the same notice again answers the same receipt, the same id for other content is a
conflict, a recipient it does not know is refused (every recipient is known unless a set of
known ones is given).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kentei.notices.model import Delivery, DeliveryState, Notice, Receipt
from kentei.notices.port import NoticeConflictError, UnknownRecipientError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Held:
    notice: Notice
    receipt: Receipt
    read_at: dt.datetime | None = None


class InMemoryMynaportal:
    """The :class:`~kentei.notices.port.NoticePort` in memory; thread-safe."""

    def __init__(
        self,
        known_recipients: Iterable[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._known = None if known_recipients is None else set(known_recipients)
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, _Held] = {}
        self._by_recipient: dict[str, list[str]] = {}
        self._serial = itertools.count(1)

    def register(self, recipient: str) -> None:
        """Make ``recipient`` known (no effect when every recipient is)."""
        with self._lock:
            if self._known is not None:
                self._known.add(recipient)

    def send(self, notice: Notice) -> Receipt:
        with self._lock:
            held = self._held.get(notice.notice_id)
            if held is not None:
                if held.notice != notice:
                    raise NoticeConflictError(
                        f"notice {notice.notice_id} was sent before with other content"
                    )
                return held.receipt
            if self._known is not None and notice.recipient not in self._known:
                raise UnknownRecipientError(f"notice {notice.notice_id}: unknown recipient")
            receipt = Receipt(
                notice_id=notice.notice_id,
                receipt_id=f"mp-{next(self._serial):08d}",
                accepted_at=self._clock(),
            )
            self._held[notice.notice_id] = _Held(notice, receipt)
            self._by_recipient.setdefault(notice.recipient, []).append(notice.notice_id)
            return receipt

    def status(self, notice_id: str) -> Delivery | None:
        with self._lock:
            held = self._held.get(notice_id)
            return None if held is None else _delivery(held)

    def mark_read(self, notice_id: str) -> Delivery:
        """The person opens the notice (for tests and the demo)."""
        with self._lock:
            held = self._held[notice_id]
            held.read_at = held.read_at or self._clock()
            return _delivery(held)

    def all_notices(self) -> tuple[Notice, ...]:
        """Every notice held, in the order they were accepted."""
        with self._lock:
            return tuple(held.notice for held in self._held.values())

    def notices_of(self, recipient: str) -> tuple[Notice, ...]:
        """The notices ``recipient`` holds, in the order they were accepted."""
        with self._lock:
            ids = self._by_recipient.get(recipient, [])
            return tuple(self._held[notice_id].notice for notice_id in ids)


def _delivery(held: _Held) -> Delivery:
    return Delivery(
        **held.receipt.model_dump(),
        state=DeliveryState.DELIVERED if held.read_at is None else DeliveryState.READ,
        read_at=held.read_at,
    )
