"""An in-memory e-Gov completion-notice endpoint: the port for tests and the local runtime,
and the store of the local fake server.

It applies the contract's rules: the same notice again answers the same receipt, the same id
for other content is a conflict, an application it does not know is refused (every
application is known unless a set of known ones is given).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable

from kentei.egov_notices.model import CompletionNotice, CompletionReceipt
from kentei.egov_notices.port import EgovConflictError, EgovUnknownApplicationError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class InMemoryEgov:
    """The :class:`~kentei.egov_notices.port.CompletionNoticePort` in memory; thread-safe."""

    def __init__(
        self,
        known_applications: Iterable[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._known = None if known_applications is None else set(known_applications)
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[CompletionNotice, CompletionReceipt]] = {}
        self._serial = itertools.count(1)

    def register(self, application_id: str) -> None:
        """Make ``application_id`` known (no effect when every application is)."""
        with self._lock:
            if self._known is not None:
                self._known.add(application_id)

    def send(self, notice: CompletionNotice) -> CompletionReceipt:
        with self._lock:
            held = self._held.get(notice.notice_id)
            if held is not None:
                if held[0] != notice:
                    raise EgovConflictError(
                        f"completion notice {notice.notice_id} was sent before with other content"
                    )
                return held[1]
            if self._known is not None and notice.application_id not in self._known:
                raise EgovUnknownApplicationError(
                    f"completion notice {notice.notice_id}: unknown application"
                )
            receipt = CompletionReceipt(
                notice_id=notice.notice_id,
                receipt_id=f"eg-{next(self._serial):08d}",
                accepted_at=self._clock(),
            )
            self._held[notice.notice_id] = (notice, receipt)
            return receipt

    def notices_for(self, application_id: str) -> tuple[CompletionNotice, ...]:
        """The completion notices e-Gov holds for ``application_id``, in arrival order."""
        with self._lock:
            return tuple(n for n, _ in self._held.values() if n.application_id == application_id)

    def all_notices(self) -> tuple[CompletionNotice, ...]:
        with self._lock:
            return tuple(n for n, _ in self._held.values())
