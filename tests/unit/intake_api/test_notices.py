"""Staff read notice records and download a results group's post list: their prefecture
only, the roles of the rule, each read audited, the post list's names and addresses read from
the roster at download, and nothing personal in the stored records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from tests.unit.review.factory import application, form

from intake.reviewing import decide_application
from intake.views import DecisionRequest
from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    PostReason,
    RecordedKind,
    notice_id,
)

from .events import event, invoke
from .fakes import Fakes
from .test_receive import STAFF

CERTIFICATES = "staff:13:cert1:certificates"
AUDITOR = "staff:13:audit1:auditor"
OSAKA_CERTIFICATES = "staff:27:cert9:certificates"
CLERK = "staff:13:clerk1:clerk"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
GROUP_QUERY = "fiscal_year=2025&term=前期&trade_code=0101&work_code=010101&grade=2級"
GROUP = "2025-前期#0101#010101#2級"


def _registered(fakes: Fakes) -> str:
    """An accepted application: its examinee and sitting on the roster."""
    made = application(form(), status=Status.UNDER_REVIEW)
    made = made.model_copy(update={"qualification_pseudonym_id": PERSON})
    fakes.records.applications[made.application_id] = StoredApplication(made, 3, "fp")
    decide_application(
        STAFF,
        made.application_id,
        DecisionRequest(decision="accept", reasons=[]),
        "r-0",
        fakes.dependencies(),
    )
    return made.application_id


def _noticed(fakes: Fakes, application_id: str, *, posted: bool) -> NoticeRecord:
    record = NoticeRecord(
        notice_id=notice_id(RecordedKind.PASS, application_id),
        kind=RecordedKind.PASS,
        application_id=application_id,
        qualification_pseudonym_id=PERSON,
        group_key=GROUP,
        channel=NoticeChannel.POST if posted else NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.POST_LIST if posted else NoticeOutcome.SENT,
        post_reason=PostReason.NO_ONLINE_CHANNEL if posted else None,
        receipt_id=None if posted else "mp-00000001",
        created_at=AT,
        updated_at=AT,
    )
    fakes.notices.records[application_id] = [record]
    if posted:
        fakes.notices.post.setdefault(GROUP, []).append(
            PostListEntry(
                group_key=GROUP,
                application_id=application_id,
                qualification_pseudonym_id=PERSON,
                notice_id=record.notice_id,
                kind=RecordedKind.PASS,
                reason=PostReason.NO_ONLINE_CHANNEL,
                added_at=AT,
            )
        )
    return record


def _raw(path: str, caller: str) -> dict[str, Any]:
    from intake.handler import handler
    from kentei_local.context import LocalContext

    answer: dict[str, Any] = handler(
        event("GET", path, caller=caller), LocalContext.for_function("intake")
    )
    return answer


def _get(path: str, caller: str) -> tuple[int, dict[str, list[str]], Any]:
    return invoke(event("GET", path, caller=caller))


@pytest.mark.parametrize("caller", [CERTIFICATES, AUDITOR])
def test_the_notices_of_an_application_and_its_examinee_are_read_and_audited(
    fakes: Fakes, caller: str
) -> None:
    application_id = _registered(fakes)
    record = _noticed(fakes, application_id, posted=False)

    status, _, body = _get(f"/v1/notices/applications/{application_id}", caller)
    assert status == 200, body
    (notice,) = body["notices"]
    assert (notice["notice_id"], notice["channel"], notice["outcome"]) == (
        record.notice_id,
        "mynaportal",
        "sent",
    )
    status, _, by_person = _get(f"/v1/notices/examinees/{PERSON}", caller)
    assert status == 200, by_person
    assert by_person["notices"] == body["notices"]
    reads = [e for e in fakes.audit.events if e.action is AuditAction.NOTICES_READ]
    assert [(e.record_type, e.person_id) for e in reads] == [
        ("application", PERSON),
        ("examinee", PERSON),
    ]


def test_another_prefecture_finds_nothing_and_other_roles_are_refused(fakes: Fakes) -> None:
    application_id = _registered(fakes)
    _noticed(fakes, application_id, posted=False)

    assert _get(f"/v1/notices/applications/{application_id}", OSAKA_CERTIFICATES)[0] == 404
    assert _get(f"/v1/notices/examinees/{PERSON}", OSAKA_CERTIFICATES)[0] == 404
    assert _get(f"/v1/notices/applications/{application_id}", CLERK)[0] == 403
    assert _get(f"/v1/notices/post-list?{GROUP_QUERY}", AUDITOR)[0] == 403
    assert _get(f"/v1/notices/applications/{application_id}", "")[0] == 401
    assert _get("/v1/notices/applications/not-an-id", CERTIFICATES)[0] == 422
    assert _get("/v1/notices/post-list?fiscal_year=2025", CERTIFICATES)[0] == 422


def test_the_post_list_resolves_names_and_addresses_at_download_and_is_audited(
    fakes: Fakes,
) -> None:
    application_id = _registered(fakes)
    _noticed(fakes, application_id, posted=True)

    status, _, body = _get(f"/v1/notices/post-list?{GROUP_QUERY}", CERTIFICATES)
    assert status == 200, body
    (row,) = body["rows"]
    assert (row["application_id"], row["name"], row["address"]) == (
        application_id,
        "技能 花子",
        "東京都千代田区千代田1-1",
    )
    response = _raw(f"/v1/notices/post-list?{GROUP_QUERY}&format=csv", CERTIFICATES)
    assert response["statusCode"] == 200
    assert response["multiValueHeaders"]["Content-Type"][0].startswith("text/csv")
    text: str = response["body"]
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["申請ID", "通知ID", "種別", "受検番号", "氏名"]
    assert rows[1][4] == "技能 花子"
    downloads = [e for e in fakes.audit.events if e.action is AuditAction.POST_LIST_DOWNLOADED]
    assert len(downloads) == 2

    # Another prefecture's office sees an empty list of the same group.
    status, _, other = _get(f"/v1/notices/post-list?{GROUP_QUERY}", OSAKA_CERTIFICATES)
    assert (status, other["rows"]) == (200, [])


def test_stored_records_and_post_list_entries_hold_no_name_or_address(fakes: Fakes) -> None:
    application_id = _registered(fakes)
    record = _noticed(fakes, application_id, posted=True)

    stored = record.model_dump_json() + fakes.notices.post[GROUP][0].model_dump_json()
    assert "技能" not in stored
    assert "千代田" not in stored
