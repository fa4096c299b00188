"""The Mynaportal notice port (マイナポータル お知らせ): certify sends each person their exam
ticket (受検票) and later their pass notice, named by their latest Mynaportal pseudonym, never
the My Number.

``notices_from_environment()`` gives the HTTPS adapter when ``KENTEI_MYNAPORTAL_URL`` is set,
and in the local runtime without it an in-memory Mynaportal that knows every recipient.
The HTTPS adapter is imported on first use: it pulls in ``ssl`` and ``urllib3``.
"""

from __future__ import annotations

import os
from typing import Final

from kentei import settings
from kentei.notices.model import (
    Attachment,
    Delivery,
    DeliveryState,
    Notice,
    NoticeKind,
    Receipt,
    TicketStatus,
)
from kentei.notices.port import (
    NoticeConfigurationError,
    NoticeConflictError,
    NoticeError,
    NoticePort,
    NoticeRejectedError,
    NoticeThrottledError,
    NoticeUnavailableError,
    UnknownRecipientError,
)

URL_ENV: Final = "KENTEI_MYNAPORTAL_URL"

__all__ = [
    "URL_ENV",
    "Attachment",
    "Delivery",
    "DeliveryState",
    "Notice",
    "NoticeConfigurationError",
    "NoticeConflictError",
    "NoticeError",
    "NoticeKind",
    "NoticePort",
    "NoticeRejectedError",
    "NoticeThrottledError",
    "NoticeUnavailableError",
    "Receipt",
    "TicketStatus",
    "UnknownRecipientError",
    "notices_from_environment",
]


def notices_from_environment() -> NoticePort:
    """The notice adapter the environment configures, read from it on each call.

    Keep the instance for the container's life: the HTTPS adapter's connection pool and
    circuit breaker are only worth something across invocations.
    """
    if os.environ.get(URL_ENV, "").strip():
        from kentei.notices.https import HttpsMynaportal

        return HttpsMynaportal.from_environ()
    if settings.environment() == "local":
        from kentei.notices.fake import InMemoryMynaportal

        return InMemoryMynaportal()
    raise NoticeConfigurationError(
        f"the Mynaportal notice port is not configured (environment variable {URL_ENV})"
    )
