"""Pass and part-pass notices (合格通知, 一部合格通知; R13) for a ``passes_announced`` message.

For each application of the announcement page: its pass record (read by the person's
資格仮名ID and the application id) gives the notice's content: the kind, the round, trade,
work and grade, the pass date and the numbers (passer and certificate numbers of a pass, the
notice number of a part pass). Never a name, never the My Number.

Where it goes (:mod:`certify.recipients`): online through the Mynaportal notice port to the
person's latest Mynaportal pseudonym; without one (a paper applicant, or an e-Gov applicant
never linked to Mynaportal: e-Gov's contract carries completion notices only), or when
Mynaportal does not know the pseudonym, on the results group's post list
(:mod:`kentei.notice_records`), printed by staff.

Each notice is recorded (``NOTICE#<notice id>``) under an id derived from its kind and
application: a final record is never sent again, and a retried send carries the same id, which
Mynaportal answers with the same receipt. A transient failure (Mynaportal unavailable or
throttling) is recorded as a failed attempt, the page's other notices still go, and then the
message raises so SQS delivers it again; a notice Mynaportal refuses as outside the contract
raises too, and keeps failing into the DLQ with its error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from certify.dependencies import NoticeDependencies, NoticeRecords
from certify.recipients import mynaportal_recipient
from certify.suspension import hold_for_later
from kentei.applications.model import Application
from kentei.exams.catalogue import Catalogue
from kentei.exemptions.model import PassKind, PassRecord
from kentei.messages import PassesAnnounced
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    PostReason,
    RecordedKind,
    notice_id,
)
from kentei.notices.model import Notice, NoticeKind
from kentei.notices.port import NoticeError, UnknownRecipientError
from kentei.tickets.wareki import fiscal_year_label

logger = logging.getLogger(__name__)

_KINDS = {
    PassKind.PASS: (RecordedKind.PASS, NoticeKind.PASS),
    PassKind.PART_PASS: (RecordedKind.PART_PASS, NoticeKind.PART_PASS),
}
_PART_LABELS = {"written": "学科試験", "practical": "実技試験"}


class NoticesIncompleteError(RuntimeError):
    """Some notices of the page failed (their records say which and why): the message is
    delivered again, and the notices already sent are not sent twice."""


@dataclass
class PageNotices:
    """What became of an announcement page's notices: counts by outcome, ids only."""

    sent: int = 0
    post_list: int = 0
    already: int = 0
    skipped: list[str] = field(default_factory=list)
    """Applications without an announced pass record (revoked, or not a pass)."""
    suspended: int = 0
    """Notices held: the person's use is suspended (:mod:`certify.suspension`)."""
    failed: list[str] = field(default_factory=list)
    """Notice ids whose send failed this time."""


def send_pass_notices(message: PassesAnnounced, deps: NoticeDependencies) -> PageNotices:
    prefecture = message.prefecture_code
    applications = deps.applications(prefecture)
    passes = deps.passes(prefecture)
    records = deps.records(prefecture)
    catalogue = deps.catalogue()
    page = PageNotices()
    errors: list[NoticeError] = []
    suspensions = deps.suspensions(prefecture)
    suspended = suspensions.suspended_persons()
    for application_id in message.application_ids:
        application = applications.application(application_id)
        person = None if application is None else application.qualification_pseudonym_id
        if person is not None and person in suspended:
            hold_for_later(suspensions, message, application_id, person, deps.clock())
            page.suspended += 1
            continue
        # A pass revoked since its announcement gets no pass notice any more.
        record = None if person is None else passes.announced_pass_of(person, application_id)
        if application is None or record is None:
            page.skipped.append(application_id)
            continue
        recorded_kind, _ = _KINDS[record.kind]
        the_id = notice_id(recorded_kind, application_id)
        stored = records.get(the_id)
        if stored is not None and stored.final:
            page.already += 1
            continue
        _, notice_kind = _KINDS[record.kind]
        try:
            outcome = deliver(
                message.group_key,
                application,
                record=record,
                stored=stored,
                recorded_kind=recorded_kind,
                compose=_composer(notice_kind, record, catalogue),
                deps=deps,
            )
        except NoticeError as exc:
            page.failed.append(the_id)
            errors.append(exc)
            continue
        if outcome is NoticeOutcome.SENT:
            page.sent += 1
        else:
            page.post_list += 1
    if errors:
        kinds = ", ".join(sorted({type(exc).__name__ for exc in errors}))
        raise NoticesIncompleteError(
            f"{len(errors)} notice(s) of the page failed ({kinds}): {', '.join(page.failed)}"
        )
    return page


Compose = Callable[[str, str, datetime], Notice]
"""A notice's text from its id, its recipient and when it was first sent."""


def _composer(kind: NoticeKind, record: PassRecord, catalogue: Catalogue) -> Compose:
    def compose(the_id: str, recipient: str, sent_at: datetime) -> Notice:
        return pass_notice(
            the_id, kind, recipient, record=record, catalogue=catalogue, sent_at=sent_at
        )

    return compose


def deliver(
    group_key: str,
    application: Application,
    *,
    record: PassRecord,
    stored: NoticeRecord | None,
    recorded_kind: RecordedKind,
    compose: Compose,
    deps: NoticeDependencies,
) -> NoticeOutcome:
    """Send one notice about ``record`` (recorded as ``recorded_kind``) to the person's latest
    Mynaportal pseudonym, or put it on the results group's post list; the record kept."""
    records = deps.records(application.prefecture_code)
    at = deps.clock()
    base = stored or NoticeRecord(
        notice_id=notice_id(recorded_kind, application.application_id),
        kind=recorded_kind,
        application_id=application.application_id,
        qualification_pseudonym_id=record.qualification_pseudonym_id,
        group_key=group_key,
        channel=NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.RETRYING,
        created_at=at,
        updated_at=at,
    )
    recipient = mynaportal_recipient(application, deps.addresses)
    if recipient is None:
        return _to_post(base, PostReason.NO_ONLINE_CHANNEL, at, records)
    notice = compose(base.notice_id, recipient, base.created_at)
    try:
        receipt = deps.mynaportal.send(notice)
    except UnknownRecipientError:
        return _to_post(base, PostReason.UNKNOWN_RECIPIENT, at, records)
    except NoticeError as exc:
        records.save(base.failed(at, NoticeChannel.MYNAPORTAL, type(exc).__name__))
        logger.warning(
            "notice attempt failed",
            extra={"notice_id": base.notice_id, "error": type(exc).__name__},
        )
        raise
    saved = records.save(
        base.model_copy(
            update={
                "channel": NoticeChannel.MYNAPORTAL,
                "outcome": NoticeOutcome.SENT,
                "receipt_id": receipt.receipt_id,
                "updated_at": at,
            }
        )
    )
    return saved.outcome


def _to_post(
    base: NoticeRecord, reason: PostReason, at: datetime, records: NoticeRecords
) -> NoticeOutcome:
    """On the group's post list, with the record saying so, in one transaction."""
    person = base.qualification_pseudonym_id
    if person is None or base.group_key is None:
        raise ValueError("a pass notice names its person and its results group")
    saved = records.save(
        base.model_copy(
            update={
                "channel": NoticeChannel.POST,
                "outcome": NoticeOutcome.POST_LIST,
                "post_reason": reason,
                "updated_at": at,
            }
        ),
        PostListEntry(
            group_key=base.group_key,
            application_id=base.application_id,
            qualification_pseudonym_id=person,
            notice_id=base.notice_id,
            kind=base.kind,
            reason=reason,
            added_at=at,
        ),
    )
    return saved.outcome


def pass_notice(
    the_id: str,
    kind: NoticeKind,
    recipient: str,
    *,
    record: PassRecord,
    catalogue: Catalogue,
    sent_at: datetime,
) -> Notice:
    """The notice's text: the round, trade, work, grade, pass date and numbers only."""
    round_label, subject = pass_subject(record, catalogue)
    passed_on = f"{record.passed_on.year}年{record.passed_on.month}月{record.passed_on.day}日"
    if kind is NoticeKind.PASS:
        title = f"合格通知 {subject}"
        body = (
            f"{round_label} 技能検定 {subject} に合格されました。\n"
            f"合格日 {passed_on}\n"
            f"技能士番号 {record.passer_number or '-'}\n"
            f"合格証書番号 {record.certificate_number or '-'}\n"
            "合格証書は都道府県職業能力開発協会からお届けします。"
        )
    else:
        parts = "・".join(_PART_LABELS.get(part.value, part.value) for part in record.parts)
        title = f"一部合格通知 {subject}"
        body = (
            f"{round_label} 技能検定 {subject} の{parts}に合格されました（一部合格）。\n"
            f"合格日 {passed_on}\n"
            f"一部合格通知番号 {record.notice_number or '-'}\n"
            "次回以降の受検では、合格した試験の免除を申請できます。"
        )
    return Notice(
        notice_id=the_id,
        recipient=recipient,
        kind=kind,
        title=title[:100],
        body=body,
        sent_at=sent_at,
    )


def pass_subject(record: PassRecord, catalogue: Catalogue) -> tuple[str, str]:
    """What a notice about ``record`` names: the round (``2026年度 前期``) and the trade, work
    and grade (``機械加工 普通旋盤作業 2級``)."""
    trade = catalogue.trade(record.trade_code)
    work = trade.work(record.work_code)
    subject = " ".join(
        part
        for part in (trade.name, None if work is None else work.name, record.grade.value)
        if part
    )
    round_label = (
        f"{fiscal_year_label(record.exam_round.fiscal_year)} {record.exam_round.term.value}"
    )
    return round_label, subject
