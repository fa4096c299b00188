"""Accounts: the consumer of the accounts queue, into which the staff-accounts schedule
sends ``staff_accounts_due`` every hour (``kentei.catalog.SCHEDULES``).

Each message runs the review (:func:`accounts.review.review_accounts`) as of the message's
scheduled instant. Logs and metrics carry counts and prefecture codes, never a user name.
"""

from __future__ import annotations

from accounts.dependencies import dependencies
from accounts.review import review_accounts
from kentei import messages
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

FUNCTION = "accounts"


def _review(message: messages.Envelope) -> None:
    assert isinstance(message, messages.StaffAccountsDue)
    request_id = f"schedule:{message.scheduled_at.isoformat()}"
    outcome = review_accounts(dependencies(), message.scheduled_at, request_id)
    instruments = consumer.instruments
    instruments.logger.info(
        "staff accounts reviewed",
        extra={
            "scheduled_at": message.scheduled_at.isoformat(),
            "prefectures": outcome.prefectures,
            "failures_recorded": outcome.failures_recorded,
            "warned": outcome.warned,
            "disabled": outcome.disabled,
        },
    )
    for prefecture, (warned, disabled) in outcome.by_prefecture.items():
        if warned:
            instruments.count("StaffAccountsWarned", warned, prefecture_code=prefecture)
        if disabled:
            instruments.count("StaffAccountsDisabled", disabled, prefecture_code=prefecture)


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "staff_accounts_due": _review,
    },
)
handler = consumer.handler
