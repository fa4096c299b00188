"""The e-Gov completion-notice port (e-Gov 処理完了通知): what certify needs from e-Gov (R2).

Two adapters implement it: :class:`kentei.egov_notices.fake.InMemoryEgov` (tests, the local
runtime and the local fake server's store) and :class:`kentei.egov_notices.https.HttpsEgov`
(the production link, contract :mod:`kentei.egov_notices.contract`). Pick one with
:func:`kentei.egov_notices.egov_notices_from_environment`.

Errors are plain exceptions naming the notice id and the rule, never an HTTP status.
"""

from __future__ import annotations

from typing import Protocol

from kentei import settings
from kentei.egov_notices.model import CompletionNotice, CompletionReceipt


class EgovNoticeError(RuntimeError):
    """A completion notice was not accepted. Messages hold ids, never content."""


class EgovUnknownApplicationError(EgovNoticeError):
    """e-Gov does not know the application id (it never came from e-Gov, or e-Gov dropped
    it): retrying will not help; staff must tell the applicant another way."""


class EgovConflictError(EgovNoticeError):
    """The notice id was used before for other content: a defect, never retried."""


class EgovRejectedError(EgovNoticeError):
    """e-Gov refused the notice as outside the contract, or answered outside it."""


class EgovUnavailableError(EgovNoticeError):
    """e-Gov could not be reached or was down: retry later with the same notice.
    ``retry_after_s`` is the pause it asked for, if it did."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EgovThrottledError(EgovUnavailableError):
    """e-Gov asked us to slow down: retry after ``retry_after_s``."""


class EgovConfigurationError(settings.MissingSettingError):
    """The e-Gov adapter is not configured, or configured wrongly: a deployment mistake."""


class CompletionNoticePort(Protocol):
    def send(self, notice: CompletionNotice) -> CompletionReceipt:
        """Deliver ``notice``; the same notice again answers the same receipt."""
        ...
