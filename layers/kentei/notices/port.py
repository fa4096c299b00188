"""The Mynaportal notice port (マイナポータル お知らせ): what certify needs from Mynaportal.

Two adapters implement it: :class:`kentei.notices.fake.InMemoryMynaportal` (tests and the
local fake server's store) and :class:`kentei.notices.https.HttpsMynaportal` (the production
link, contract :mod:`kentei.notices.contract`). Pick one with
:func:`kentei.notices.notices_from_environment`.

Errors are plain exceptions naming the notice id and the rule, never the person, the text or
an HTTP status.
"""

from __future__ import annotations

from typing import Protocol

from kentei import settings
from kentei.notices.model import Delivery, Notice, Receipt


class NoticeError(RuntimeError):
    """A notice was not accepted. Messages hold notice ids and kinds, never the content."""


class UnknownRecipientError(NoticeError):
    """Mynaportal does not know the pseudonym (the person left Mynaportal or the link is
    stale): retrying will not help; the person needs another way to get the notice."""


class NoticeConflictError(NoticeError):
    """The notice id was used before for other content: a defect, never retried."""


class NoticeRejectedError(NoticeError):
    """Mynaportal refused the notice as outside the contract (malformed, or the client is not
    admitted), or answered outside it: retrying will not help."""


class NoticeUnavailableError(NoticeError):
    """Mynaportal could not be reached or was down: retry later with the same notice.
    ``retry_after_s`` is the pause it asked for, if it did."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NoticeThrottledError(NoticeUnavailableError):
    """Mynaportal asked us to slow down (rate limit): retry after ``retry_after_s``."""


class NoticeConfigurationError(settings.MissingSettingError):
    """The notice adapter is not configured, or configured wrongly: a deployment mistake."""


class NoticePort(Protocol):
    def send(self, notice: Notice) -> Receipt:
        """Deliver ``notice``; the same notice again answers the same receipt."""
        ...

    def status(self, notice_id: str) -> Delivery | None:
        """Where a sent notice stands; ``None`` when Mynaportal never accepted it."""
        ...
