"""What an incident trace reads of the records, against moto: the applications' persons (more
than one batch read), every score an import wrote (a score a later file replaced included,
another source's left out), a results group's notices; each in the prefecture's partition
only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit
from tests.unit.review.factory import application

from kentei.data.applications import PrefectureApplications
from kentei.data.incidents import PrefectureIncidentRecords
from kentei.data.notices import PrefectureNotices
from kentei.data.results import PrefectureScores, ScoreRow
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    RecordedKind,
    notice_id,
)
from kentei.results.decision import ScoreEntry
from kentei.roster.parts import Part

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
GROUP = "2026-前期#0101#010101#2級"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _stored(prefecture: str, person: str | None) -> str:
    made = application(prefecture_code=prefecture).model_copy(
        update={"qualification_pseudonym_id": person}
    )
    PrefectureApplications(prefecture).create(made, "fp")
    return made.application_id


def _written(application_id: str, score: int) -> ScoreRow:
    return ScoreRow(application_id, ScoreEntry(part=Part.WRITTEN, score=score), 2)


@pytest.mark.usefixtures("moto")
def test_given_applications_when_their_persons_are_read_then_each_with_one_is_named() -> None:
    people = {
        _stored("13", f"person-{n:04d}-batched"): f"person-{n:04d}-batched" for n in range(105)
    }
    unverified = _stored("13", None)
    osaka = _stored("27", "person-osaka-batched")

    found = PrefectureIncidentRecords("13").persons_of([*people, unverified, osaka])

    assert found == people


@pytest.mark.usefixtures("moto")
def test_given_two_imports_when_one_is_traced_then_every_score_it_wrote_is_found() -> None:
    scores = PrefectureScores("13")
    first, second = "13-RI-FIRST", "13-RI-SECOND"
    applications = [f"13-{n:026d}" for n in range(3)]
    scores.record_many([_written(a, 70) for a in applications], source=first, at=AT, by="sync")
    later = AT + dt.timedelta(days=1)
    scores.record_many([_written(applications[0], 64)], source=second, at=later, by="sync")
    PrefectureScores("27").record_many(
        [_written("27-00000000000000000000000009", 50)], source=first, at=AT, by="sync"
    )

    by_first = PrefectureIncidentRecords("13").scores_written_by(first)
    by_second = PrefectureIncidentRecords("13").scores_written_by(second)

    assert sorted(w.application_id for w in by_first) == applications
    assert {(w.score, w.replaced) for w in by_first} == {("written#-", False)}
    assert [(w.application_id, w.replaced, w.at) for w in by_second] == [
        (applications[0], True, later)
    ]


@pytest.mark.usefixtures("moto")
def test_given_notices_of_two_groups_when_one_is_traced_then_only_its_notices_are_found() -> None:
    mine = [_notice(f"13-{n:026d}", GROUP) for n in range(2)]
    other = _notice("13-00000000000000000000000099", "2026-前期#0101#010101#1級")
    for record in (*mine, other):
        PrefectureNotices("13").save(record)
    PrefectureNotices("27").save(_notice("27-00000000000000000000000001", GROUP))

    found = PrefectureIncidentRecords("13").notices_of_group(GROUP)

    assert found == mine


def _notice(application_id: str, group: str) -> NoticeRecord:
    return NoticeRecord(
        notice_id=notice_id(RecordedKind.PASS, application_id),
        kind=RecordedKind.PASS,
        application_id=application_id,
        qualification_pseudonym_id="p-000001",
        group_key=group,
        channel=NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.SENT,
        receipt_id="mp-00000001",
        created_at=AT,
        updated_at=AT,
    )
