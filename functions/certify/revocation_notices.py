"""The notice that a pass is revoked (合格取消通知, R15) for a ``pass_revoked`` message.

Like a pass notice (:func:`certify.pass_notices.deliver`): to the person's latest Mynaportal
pseudonym, else on the post list of the pass's results group, recorded once
(``NOTICE#<application id>-revoked``), retried on a transient failure. Its text: the round,
trade, work and grade, the certificate number, the day the revocation takes effect, and that
the printed certificate is to be returned (返納); never a name, never the reason (staff's
text stays with the association and reaches the person by letter).
"""

from __future__ import annotations

from datetime import datetime

from certify.dependencies import NoticeDependencies
from certify.pass_notices import deliver
from kentei.exams.catalogue import Catalogue
from kentei.exemptions.model import PassRecord
from kentei.messages import PassRevoked
from kentei.notice_records import NoticeOutcome, RecordedKind, notice_id
from kentei.notices.model import Notice, NoticeKind
from kentei.results.groups import group_of
from kentei.results.revocations import PassRevocationRecord
from kentei.tickets.wareki import fiscal_year_label


class RevocationNoticeRefusedError(RuntimeError):
    """The revocation or the pass it names is missing (ids only)."""


def send_revocation_notice(message: PassRevoked, deps: NoticeDependencies) -> str:
    """``sent``, ``post_list`` or ``already``."""
    prefecture = message.prefecture_code
    application = deps.applications(prefecture).application(message.application_id)
    revocation = deps.revocations(prefecture).revocation(
        message.qualification_pseudonym_id, message.application_id
    )
    record = deps.passes(prefecture).pass_of(
        message.qualification_pseudonym_id, message.application_id
    )
    if application is None or revocation is None or record is None:
        raise RevocationNoticeRefusedError(
            f"no revoked pass of {message.application_id} to give notice of"
        )
    the_id = notice_id(RecordedKind.PASS_REVOCATION, message.application_id)
    stored = deps.records(prefecture).get(the_id)
    if stored is not None and stored.final:
        return "already"
    catalogue = deps.catalogue()
    group = group_of(record.exam_round, record.trade_code, record.work_code, record.grade)

    def compose(notice: str, recipient: str, sent_at: datetime) -> Notice:
        return revocation_notice(
            notice, recipient, record=record, revocation=revocation, catalogue=catalogue,
            sent_at=sent_at,
        )  # fmt: skip

    outcome = deliver(
        group.key,
        application,
        record=record,
        stored=stored,
        recorded_kind=RecordedKind.PASS_REVOCATION,
        compose=compose,
        deps=deps,
    )
    return "sent" if outcome is NoticeOutcome.SENT else "post_list"


def revocation_notice(
    the_id: str,
    recipient: str,
    *,
    record: PassRecord,
    revocation: PassRevocationRecord,
    catalogue: Catalogue,
    sent_at: datetime,
) -> Notice:
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
    day = revocation.effective_on
    body = (
        f"{round_label} 技能検定 {subject} の合格は、{day.year}年{day.month}月{day.day}日付けで"
        "取り消されました。\n"
        f"合格証書番号 {record.certificate_number or '-'}\n"
        + (
            "交付された合格証書は、都道府県職業能力開発協会へ返納してください。\n"
            if revocation.return_asked
            else ""
        )
        + "詳しくは、お送りする書面をご覧ください。"
    )
    return Notice(
        notice_id=the_id,
        recipient=recipient,
        kind=NoticeKind.PASS_REVOCATION,
        title=f"合格取消通知 {subject}"[:100],
        body=body,
        sent_at=sent_at,
    )
