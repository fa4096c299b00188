"""The e-Gov completion-notice port (e-Gov 処理完了通知, R2): when an application that came
from e-Gov ends its processing, certify tells e-Gov so, by our application id.

``egov_notices_from_environment()`` gives the HTTPS adapter when ``KENTEI_EGOV_URL`` is set,
and in the local runtime without it an in-memory e-Gov that knows every application. The
HTTPS adapter is imported on first use: it pulls in ``ssl`` and ``urllib3``.
"""

from __future__ import annotations

import os
from typing import Final

from kentei import settings
from kentei.egov_notices.model import CompletionNotice, CompletionOutcome, CompletionReceipt
from kentei.egov_notices.port import (
    CompletionNoticePort,
    EgovConfigurationError,
    EgovConflictError,
    EgovNoticeError,
    EgovRejectedError,
    EgovThrottledError,
    EgovUnavailableError,
    EgovUnknownApplicationError,
)

URL_ENV: Final = "KENTEI_EGOV_URL"

__all__ = [
    "URL_ENV",
    "CompletionNotice",
    "CompletionNoticePort",
    "CompletionOutcome",
    "CompletionReceipt",
    "EgovConfigurationError",
    "EgovConflictError",
    "EgovNoticeError",
    "EgovRejectedError",
    "EgovThrottledError",
    "EgovUnavailableError",
    "EgovUnknownApplicationError",
    "egov_notices_from_environment",
]


def egov_notices_from_environment() -> CompletionNoticePort:
    """The e-Gov adapter the environment configures, read from it on each call (keep the
    instance for the container's life: its pool and circuit are worth keeping)."""
    if os.environ.get(URL_ENV, "").strip():
        from kentei.egov_notices.https import HttpsEgov

        return HttpsEgov.from_environ()
    if settings.environment() == "local":
        from kentei.egov_notices.fake import InMemoryEgov

        return InMemoryEgov()
    raise EgovConfigurationError(
        f"the e-Gov completion-notice port is not configured (environment variable {URL_ENV})"
    )
