"""e-Gov completion notices (処理完了通知, R2) for a ``completion_notice_due`` message.

An application that came from e-Gov and ended its processing (accepted: the person is
registered; rejected; returned for correction, by verify's refusal or by staff) gets one
completion notice to e-Gov, by our application id, with the outcome, its reason codes and the
instant it ended. Codes and ids only: never a form value, a name or the My Number.

The notice is recorded (``NOTICE#<application id>-egov-done``): once sent it is never sent
again, and a retried send carries the same id, which e-Gov answers with the same receipt. A
failed attempt is recorded and raises, so SQS delivers the message again and, when it keeps
failing, keeps it in the DLQ with its error. A message about an application that is not an
e-Gov one, or has not ended, is refused (DLQ): the sender is at fault.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from certify.dependencies import NoticeDependencies
from kentei.applications.model import Application, Channel, Status
from kentei.egov_notices.model import MAX_REASONS, CompletionNotice, CompletionOutcome
from kentei.egov_notices.port import EgovNoticeError
from kentei.messages import CompletionNoticeDue
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    RecordedKind,
    notice_id,
)

logger = logging.getLogger(__name__)

ENDED: Final = {
    Status.ACCEPTED: CompletionOutcome.ACCEPTED,
    Status.REJECTED: CompletionOutcome.REJECTED,
    Status.RETURNED: CompletionOutcome.RETURNED,
}
"""Where an application's processing ends, and what e-Gov is told."""


class CompletionRefusedError(RuntimeError):
    """No completion notice is owed (the message goes to the DLQ with this reason)."""


@dataclass(frozen=True)
class Completed:
    notice_id: str
    outcome: CompletionOutcome
    new: bool
    """Whether this message sent it (False: recorded as sent before)."""


def send_completion_notice(message: CompletionNoticeDue, deps: NoticeDependencies) -> Completed:
    application = deps.applications(message.prefecture_code).application(message.application_id)
    if application is None:
        raise CompletionRefusedError("no application of this prefecture has this id")
    if application.channel is not Channel.EGOV:
        raise CompletionRefusedError("the application did not come from e-Gov")
    outcome = ENDED.get(application.status)
    if outcome is None:
        raise CompletionRefusedError("the application's processing has not ended")
    records = deps.records(message.prefecture_code)
    the_id = notice_id(RecordedKind.COMPLETION, application.application_id)
    stored = records.get(the_id)
    if stored is not None and stored.final:
        return Completed(the_id, outcome, new=False)
    at = deps.clock()
    base = stored or NoticeRecord(
        notice_id=the_id,
        kind=RecordedKind.COMPLETION,
        application_id=application.application_id,
        qualification_pseudonym_id=application.qualification_pseudonym_id,
        channel=NoticeChannel.EGOV,
        outcome=NoticeOutcome.RETRYING,
        created_at=at,
        updated_at=at,
    )
    notice = completion_notice(the_id, application, outcome, sent_at=base.created_at)
    try:
        receipt = deps.egov.send(notice)
    except EgovNoticeError as exc:
        records.save(base.failed(at, NoticeChannel.EGOV, type(exc).__name__))
        logger.warning(
            "completion notice attempt failed",
            extra={"notice_id": the_id, "error": type(exc).__name__},
        )
        raise
    records.save(
        base.model_copy(
            update={
                "outcome": NoticeOutcome.SENT,
                "receipt_id": receipt.receipt_id,
                "updated_at": at,
            }
        )
    )
    return Completed(the_id, outcome, new=True)


def completion_notice(
    the_id: str, application: Application, outcome: CompletionOutcome, *, sent_at: datetime
) -> CompletionNotice:
    """The notice: the outcome, the reason codes of a refusal or return, and when the
    application reached its final status (its last status change)."""
    ended = next(
        (
            change.at
            for change in reversed(application.history)
            if change.status is application.status
        ),
        None,
    )
    return CompletionNotice.model_validate(
        {
            "notice_id": the_id,
            "application_id": application.application_id,
            "outcome": outcome,
            "reason_codes": () if outcome is CompletionOutcome.ACCEPTED else _codes(application),
            "completed_at": ended or application.received_at,
            "sent_at": sent_at,
        }
    )


def _codes(application: Application) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(reason.code for reason in application.reasons))
    return codes[:MAX_REASONS] or ("unspecified",)
