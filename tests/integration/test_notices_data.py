"""Notice records and post lists against moto: a record is kept per notice id, a final one is
never overwritten (a second writer gets the stored record), a post-list outcome writes its
entry in the same transaction, an application's notices are one query, and every read stays
in the prefecture's partition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei.data.notices import PrefectureNotices
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    PostReason,
    RecordedKind,
    notice_id,
)

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
APPLICATION = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9N"
OTHER = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9M"
GROUP = "2026-前期#0101#010101#2級"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def pending(
    application_id: str = APPLICATION, kind: RecordedKind = RecordedKind.PASS
) -> NoticeRecord:
    return NoticeRecord(
        notice_id=notice_id(kind, application_id),
        kind=kind,
        application_id=application_id,
        qualification_pseudonym_id="p-000001",
        group_key=GROUP,
        channel=NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.RETRYING,
        created_at=AT,
        updated_at=AT,
    )


def entry(record: NoticeRecord) -> PostListEntry:
    return PostListEntry(
        group_key=GROUP,
        application_id=record.application_id,
        qualification_pseudonym_id="p-000001",
        notice_id=record.notice_id,
        kind=record.kind,
        reason=PostReason.NO_ONLINE_CHANNEL,
        added_at=AT,
    )


def test_a_failed_attempt_then_sent_and_a_final_record_is_never_overwritten(moto: None) -> None:
    store = PrefectureNotices("13")
    failed = pending().failed(AT, NoticeChannel.MYNAPORTAL, "NoticeUnavailableError")
    store.save(failed)
    sent = failed.model_copy(update={"outcome": NoticeOutcome.SENT, "receipt_id": "mp-1"})

    assert store.save(sent) == sent
    late = failed.failed(AT, NoticeChannel.MYNAPORTAL, "NoticeUnavailableError")
    assert store.save(late) == sent
    assert store.get(sent.notice_id) == sent


def test_the_post_list_outcome_writes_its_entry_once(moto: None) -> None:
    store = PrefectureNotices("13")
    record = pending()
    posted = record.model_copy(
        update={
            "channel": NoticeChannel.POST,
            "outcome": NoticeOutcome.POST_LIST,
            "post_reason": PostReason.NO_ONLINE_CHANNEL,
        }
    )

    assert store.save(posted, entry(record)) == posted
    again = posted.model_copy(update={"updated_at": AT + dt.timedelta(hours=1)})
    assert store.save(again, entry(record)) == posted
    assert store.post_list(GROUP) == [entry(record)]


def test_an_applications_notices_are_one_query_in_its_prefecture(moto: None) -> None:
    store = PrefectureNotices("13")
    store.save(pending())
    store.save(pending(kind=RecordedKind.COMPLETION))
    store.save(pending(OTHER))

    assert {r.kind for r in store.of_application(APPLICATION)} == {
        RecordedKind.PASS,
        RecordedKind.COMPLETION,
    }
    assert PrefectureNotices("27").of_application(APPLICATION) == []
    assert PrefectureNotices("27").post_list(GROUP) == []
    with pytest.raises(ValueError, match="another prefecture"):
        PrefectureNotices("27").save(pending())
