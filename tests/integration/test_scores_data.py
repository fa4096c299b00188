"""Scores against moto: rows applied in batches, the same rows from the same source change
nothing, a later source replaces a value with its history, unprocessed writes are retried."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei.data.results import PrefectureScores, ScoreRow
from kentei.exams.parts import ComponentKind
from kentei.results.decision import ScoreEntry
from kentei.roster.parts import Part

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
BY = "staff:13:results-13"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _rows(n: int, written: int = 70) -> list[ScoreRow]:
    rows = []
    for i in range(n):
        application = f"13-{i:026d}"
        rows.append(ScoreRow(application, ScoreEntry(part=Part.WRITTEN, score=written), 2 * i))
        rows.append(
            ScoreRow(
                application,
                ScoreEntry(
                    part=Part.PRACTICAL, component=ComponentKind.PRODUCTION, score=None, absent=True
                ),
                2 * i + 1,
            )
        )
    return rows


@pytest.mark.usefixtures("moto")
def test_an_import_applied_twice_writes_once() -> None:
    scores = PrefectureScores("13")
    first = scores.record_many(_rows(60), source="imp-1", at=AT, by=BY)
    assert (first.written, first.unchanged, first.replaced) == (120, 0, 0)
    again = scores.record_many(_rows(60), source="imp-1", at=AT, by=BY)
    assert (again.written, again.unchanged) == (0, 120)
    stored = {s.entry.part: s for s in scores.scores_of("13-" + "0" * 26)}
    assert stored[Part.WRITTEN].entry.score == 70
    assert stored[Part.WRITTEN].source == "imp-1"
    assert stored[Part.WRITTEN].row == 0
    assert stored[Part.PRACTICAL].entry.absent
    assert len(scores.history_of("13-" + "0" * 26)) == 2


@pytest.mark.usefixtures("moto")
def test_a_corrected_file_replaces_a_value_and_the_history_shows_both() -> None:
    scores = PrefectureScores("13")
    scores.record_many(_rows(3), source="imp-1", at=AT, by=BY)
    later = AT + dt.timedelta(hours=1)
    corrected = scores.record_many(_rows(3, written=64), source="imp-2", at=later, by=BY)
    assert (corrected.written, corrected.replaced, corrected.unchanged) == (3, 3, 3)
    application = "13-" + "0" * 25 + "1"
    (written,) = [s for s in scores.scores_of(application) if s.entry.part is Part.WRITTEN]
    assert (written.entry.score, written.source) == (64, "imp-2")
    changes = [c for c in scores.history_of(application) if c.after.part is Part.WRITTEN]
    assert [(c.before_source, c.after_source) for c in changes] == [
        (None, "imp-1"),
        ("imp-1", "imp-2"),
    ]
    assert changes[1].before is not None
    assert changes[1].before.score == 70


@pytest.mark.usefixtures("moto")
def test_unprocessed_writes_are_sent_again(monkeypatch: pytest.MonkeyPatch) -> None:
    scores = PrefectureScores("13")
    client = scores._dynamodb
    original = client.batch_write_item
    calls: list[int] = []

    def throttled(**kwargs: Any) -> Any:
        requests = kwargs["RequestItems"]
        (table,) = requests
        calls.append(len(requests[table]))
        if len(calls) == 1:  # DynamoDB takes half, hands back the rest
            half = len(requests[table]) // 2
            original(RequestItems={table: requests[table][:half]})
            return {"UnprocessedItems": {table: requests[table][half:]}}
        return original(**kwargs)

    monkeypatch.setattr(client, "batch_write_item", throttled)
    applied = scores.record_many(_rows(5), source="imp-1", at=AT, by=BY)
    assert applied.written == 10
    assert len(calls) >= 2
    assert all(len(scores.scores_of(f"13-{i:026d}")) == 2 for i in range(5))
