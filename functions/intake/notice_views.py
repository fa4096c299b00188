"""Notices for the certificates office (role ``certificates``; auditors read too): the notice
records of an application or of an examinee's applications (pass, part pass, e-Gov
completion: channel, outcome, receipt, failed attempts), and a results group's post list
(郵送リスト) to print.

The records hold ids only. The post list is stored as ids too; the name and postal address of
each person on it are read from the roster when staff download it (so the print follows the
roster's latest address), and the download is audited before it is returned. Everything is
within the caller's prefecture: an application or examinee of another is ``404``.
"""

from __future__ import annotations

import csv
import io
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.results_views import ResultsGroupRequest
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.notice_records import FailedAttempt, NoticeRecord, PostListEntry
from kentei.records.examinee import Examinee

_NO_APPLICATION = "no such application in the caller's prefecture"
_NO_EXAMINEE = "no such examinee in the caller's prefecture"


class NoticeView(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    notice_id: str
    kind: str = Field(description="pass, part_pass or completion (the e-Gov notice)")
    application_id: str
    channel: str = Field(description="mynaportal, egov or post")
    outcome: str = Field(description="sent, post_list, or retrying (an attempt failed)")
    post_reason: str | None = None
    receipt_id: str | None = None
    failed_attempts: tuple[FailedAttempt, ...]
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @classmethod
    def of(cls, record: NoticeRecord) -> Self:
        return cls(
            notice_id=record.notice_id,
            kind=record.kind.value,
            application_id=record.application_id,
            channel=record.channel.value,
            outcome=record.outcome.value,
            post_reason=None if record.post_reason is None else record.post_reason.value,
            receipt_id=record.receipt_id,
            failed_attempts=record.attempts,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class NoticeList(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    notices: tuple[NoticeView, ...]


class PostListRow(BaseModel):
    """One person to mail a pass notice to, with the roster's name and address now."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    notice_id: str
    kind: str
    reason: str
    exam_number: str | None
    name: str
    postal_code: str | None
    address: str
    address_line2: str | None


class PostList(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    group_key: str
    rows: tuple[PostListRow, ...]


def application_notices(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> NoticeList:
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    stored = deps.applications(prefecture).get(application_id)
    if stored is None:
        raise NotFoundError(_NO_APPLICATION)
    records = deps.notices(prefecture).of_application(application_id)
    deps.audit.record(
        _event(
            staff,
            ("application", application_id),
            request_id,
            deps,
            person=stored.application.qualification_pseudonym_id,
        )
    )
    return NoticeList(notices=tuple(NoticeView.of(record) for record in records))


def examinee_notices(
    staff: Caller,
    qualification_pseudonym_id: str,
    request_id: str,
    deps: Dependencies | None = None,
) -> NoticeList:
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    examinee = deps.roster(prefecture).examinee(qualification_pseudonym_id)
    if examinee is None:
        raise NotFoundError(_NO_EXAMINEE)
    store = deps.notices(prefecture)
    records = [
        record
        for application_id in sorted(examinee.application_ids)
        for record in store.of_application(application_id)
    ]
    deps.audit.record(
        _event(
            staff,
            ("examinee", qualification_pseudonym_id),
            request_id,
            deps,
            person=qualification_pseudonym_id,
        )
    )
    return NoticeList(notices=tuple(NoticeView.of(record) for record in records))


def post_list(
    staff: Caller, group: ResultsGroupRequest, request_id: str, deps: Dependencies | None = None
) -> PostList:
    """The group's post list with each person's name and address from the roster; audited
    (one entry for the download) before it is returned."""
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    key = group.group.key
    entries = deps.notices(prefecture).post_list(key)
    roster = deps.roster(prefecture)
    rows = []
    for entry in entries:
        stored = roster.examinee(entry.qualification_pseudonym_id)
        if stored is not None:
            rows.append(_row(entry, stored.examinee))
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.POST_LIST_DOWNLOADED,
            record_type="post_list",
            record_id=key[:64],
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return PostList(group_key=key, rows=tuple(rows))


def post_list_csv(listed: PostList) -> str:
    """The list to print (UTF-8 with BOM, so spreadsheet programs read it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["申請ID", "通知ID", "種別", "受検番号", "氏名", "郵便番号", "住所", "住所2"])
    for row in listed.rows:
        writer.writerow(
            [
                row.application_id,
                row.notice_id,
                "合格通知" if row.kind == "pass" else "一部合格通知",
                row.exam_number or "",
                row.name,
                row.postal_code or "",
                row.address,
                row.address_line2 or "",
            ]
        )
    return "\ufeff" + out.getvalue()


def _row(entry: PostListEntry, examinee: Examinee) -> PostListRow:
    return PostListRow(
        application_id=entry.application_id,
        notice_id=entry.notice_id,
        kind=entry.kind.value,
        reason=entry.reason.value,
        exam_number=examinee.exam_number,
        name=examinee.name,
        postal_code=examinee.postal_code,
        address=examinee.address,
        address_line2=examinee.address_line2,
    )


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def _event(
    staff: Caller,
    record: tuple[str, str],
    request_id: str,
    deps: Dependencies,
    *,
    person: str | None,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        AuditAction.NOTICES_READ,
        record_type=record[0],
        record_id=record[1],
        prefecture_code=_prefecture(staff),
        request_id=request_id,
        at=deps.clock(),
        outcome=AuditOutcome.ALLOWED,
        person_id=person,
    )
