"""The retention job's plan (:mod:`kentei.retention.sweep`): nothing taken before its
``deletable_from``, everything (not held, not needed) taken at or after it, holds and
``kept_while`` honoured, kinds the job does not delete never touched."""

from __future__ import annotations

import datetime as dt
import json
from datetime import UTC, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.data.partition import instant
from kentei.data.record_kinds import ITEM_KINDS, kind_of
from kentei.retention.kinds import DeletedBy, RecordKind
from kentei.retention.schedule import load_retention_schedule
from kentei.retention.sweep import (
    COMPANIONS,
    EVENTS,
    EXAMINEE_PREFIX,
    RELEASED_PREFIXES,
    UNDATED_PREFIXES,
    ApplicationDecided,
    DecidedIn,
    Hold,
    HoldRefusedError,
    HoldScope,
    LatestOf,
    SessionHeld,
    StoredItem,
    StoredObject,
    checked_hold,
    plan,
)

SCHEDULE = load_retention_schedule()
PREFECTURE = "13"
DATED = (*sorted(EVENTS), EXAMINEE_PREFIX)
"""Every prefix the job dates (the examinee's from the person's activity)."""


JST = dt.timezone(timedelta(hours=9))


def _item(prefix: str, person: str, event_at: dt.datetime, suffix: str = "1") -> StoredItem:
    """An item of the prefix whose event is ``event_at`` (as its writer stores it)."""
    at = instant(event_at)
    key = f"{prefix}{person}-{suffix}"
    attributes: dict[str, object] = {"qualification_pseudonym_id": person}
    source = EVENTS.get(prefix)
    if isinstance(source, DecidedIn):
        document = {
            "status": sorted(source.final)[0],
            "qualification_pseudonym_id": person,
            source.instants[0]: at,
        }
        attributes[source.attribute] = json.dumps(document)
    elif isinstance(source, LatestOf):
        attributes[source.attributes[0]] = at
    elif isinstance(source, SessionHeld):
        # Created at the event, for an exam day before it: the event is the last write.
        day = event_at.astimezone(JST).date() - timedelta(days=1)
        session = {"created_at": at, "exam_date": day.isoformat()}
        attributes[source.attribute] = json.dumps(session)
    elif prefix == EXAMINEE_PREFIX:
        key, attributes["updated_at"] = f"{prefix}{person}", at
    elif isinstance(source, ApplicationDecided):
        history = [{"status": "received", "at": at}, {"status": "accepted", "at": at}]
        application = {"status": "accepted", "qualification_pseudonym_id": person}
        attributes = {"application": json.dumps({**application, "history": history})}
    elif source is not None and source.field is None:
        attributes[source.attribute] = at
    elif source is not None and source.field is not None:
        attributes[source.attribute] = json.dumps({source.field: at})
    return StoredItem(key, kind_of(key), {"record_key": key, **attributes})


def _first(item: StoredItem, event_at: dt.datetime) -> dt.datetime:
    first = SCHEDULE.deletable_from(item.kind, event_at, PREFECTURE)
    assert first is not None
    return first


def test_every_prefix_the_schedule_gives_the_job_is_dated_derived_or_named_undated() -> None:
    job = {
        p for p, kind in ITEM_KINDS.items() if SCHEDULE.default[kind].deleted_by is DeletedBy.JOB
    }
    named = set(EVENTS) | set(COMPANIONS) | UNDATED_PREFIXES | RELEASED_PREFIXES | {EXAMINEE_PREFIX}
    assert named == job
    assert not (set(EVENTS) | set(COMPANIONS)) & (UNDATED_PREFIXES | RELEASED_PREFIXES)
    # Only the SYSTEM partition's heartbeat, open markers, marks, suspensions and held work stay.
    assert {
        "CHANGE_OPEN#",
        "CHANGE_OPEN_NATIONAL#",
        "NATIONAL_CONFLICT_OPEN#",
        "SUSPENSION#",
        "USE_HELD#",
        "NATIONAL_CURSOR",
        "NATIONAL_SENT#",
        "HEARTBEAT#",
    } == UNDATED_PREFIXES


def test_given_items_of_every_kind_long_past_then_only_job_deleted_kinds_are_planned() -> None:
    event = dt.datetime(2000, 5, 1, tzinfo=UTC)
    items = [
        StoredItem(f"{p}x", kind, {"record_key": f"{p}x", "created_at": instant(event)})
        for p, kind in ITEM_KINDS.items()
    ]
    items += [_item(p, f"p{i}", event) for i, p in enumerate(DATED)]
    result = plan(PREFECTURE, items, (), SCHEDULE, dt.datetime(2090, 1, 1, tzinfo=UTC))
    assert {d.kind for d in result.doomed} == {kind_of(p) for p in DATED}
    for doomed in result.doomed:
        assert SCHEDULE.default[doomed.kind].deleted_by is DeletedBy.JOB
    untouched = {RecordKind.PASS, RecordKind.CERTIFICATE, RecordKind.NUMBER_CLAIM}
    assert not untouched & {d.kind for d in result.doomed}


offsets = st.sampled_from(
    [
        timedelta(days=-1),
        timedelta(microseconds=-1),
        timedelta(0),
        timedelta(microseconds=1),
        timedelta(days=1),
    ]
)
events = st.datetimes(
    min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2080, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=None)
@given(
    cases=st.lists(st.tuples(st.sampled_from(DATED), events, offsets), min_size=1, max_size=8),
    held_persons=st.sets(st.integers(0, 7), max_size=3),
    held_kinds=st.sets(st.sampled_from([kind_of(p) for p in DATED]), max_size=2),
    held_records=st.sets(st.integers(0, 7), max_size=2),
)
def test_given_a_clock_at_each_boundary_then_nothing_goes_early_and_all_unheld_go_at_it(
    cases: list[tuple[str, dt.datetime, timedelta]],
    held_persons: set[int],
    held_kinds: set[RecordKind],
    held_records: set[int],
) -> None:
    items = [_item(prefix, f"p{i}", event) for i, (prefix, event, _) in enumerate(cases)]
    holds = {
        *(Hold(HoldScope.PERSON, f"p{i}") for i in held_persons),
        *(Hold(HoldScope.KIND, kind.value) for kind in held_kinds),
        *(Hold(HoldScope.RECORD, items[i].record_key) for i in held_records if i < len(items)),
    }
    # The clock at each item's boundary in turn (a microsecond or a day before, or on it).
    for clock_item, (_, clock_event, clock_offset) in zip(items, cases, strict=True):
        now = _first(clock_item, clock_event) + clock_offset
        result = plan(PREFECTURE, items, holds, SCHEDULE, now)
        doomed = {d.record_key: d for d in result.doomed}
        for i, (item, (_, item_event, _)) in enumerate(zip(items, cases, strict=True)):
            first = _first(item, item_event)
            is_held = SCHEDULE.default[item.kind].hold and (
                i in held_persons or item.kind in held_kinds or i in held_records
            )
            expected = now >= first and not is_held
            assert (item.record_key in doomed) is expected, (item.record_key, now, first)
            if expected:
                assert doomed[item.record_key].deletable_from == first <= now
                assert doomed[item.record_key].event_at == item_event


def test_given_an_examinee_past_its_period_with_a_sitting_not_then_both_are_kept() -> None:
    old = dt.datetime(2010, 4, 1, tzinfo=UTC)
    recent = dt.datetime(2024, 4, 1, tzinfo=UTC)
    items = [_item(EXAMINEE_PREFIX, "p", old), _item("SITTING#", "p", recent)]
    result = plan(PREFECTURE, items, (), SCHEDULE, dt.datetime(2026, 12, 7, tzinfo=UTC))
    # The examinee's last activity is the sitting's, and it is kept while the sitting is.
    assert result.doomed == ()
    later = plan(PREFECTURE, items, (), SCHEDULE, dt.datetime(2031, 4, 1, tzinfo=UTC))
    assert [d.kind for d in later.doomed] == [RecordKind.EXAMINEE, RecordKind.SITTING]
    assert [r.qualification_pseudonym_id for r in later.releases] == ["p"]
    assert later.releases[0].last_activity == recent


def test_given_a_pass_of_the_person_then_the_examinee_is_kept_for_good() -> None:
    old = dt.datetime(2001, 4, 1, tzinfo=UTC)
    passed = StoredItem(
        "PASS#p-1",
        RecordKind.PASS,
        {"qualification_pseudonym_id": "p", "recorded_at": instant(old)},
    )
    items = [_item(EXAMINEE_PREFIX, "p", old), passed]
    result = plan(PREFECTURE, items, (), SCHEDULE, dt.datetime(2090, 1, 1, tzinfo=UTC))
    assert result.doomed == ()
    assert result.kept_while == {RecordKind.EXAMINEE: ("EXAMINEE#p",)}
    assert result.releases == ()


def test_given_an_application_then_its_index_and_attachments_go_with_it() -> None:
    old = dt.datetime(2015, 6, 1, tzinfo=UTC)
    application = _item("APPLICATION#", "p", old)
    application_id = application.record_key.removeprefix("APPLICATION#")
    index = StoredItem(
        f"STATUS#accepted#x#{application_id}",
        RecordKind.APPLICATION,
        {"application_id": application_id},
    )
    other = StoredItem(
        "STATUS#accepted#y#13-OTHER", RecordKind.APPLICATION, {"application_id": "13-OTHER"}
    )
    result = plan(
        PREFECTURE, [application, index, other], (), SCHEDULE, dt.datetime(2030, 1, 1, tzinfo=UTC)
    )
    (doomed,) = result.doomed
    assert doomed.companions == (index.record_key,)
    assert doomed.objects == (
        StoredObject("attachments", f"applications/{application_id}/", prefix=True),
    )


def test_given_an_open_proposal_or_an_undecided_application_then_it_is_undated_and_kept() -> None:
    undecided = StoredItem(
        "APPLICATION#13-A",
        RecordKind.APPLICATION,
        {"application": json.dumps({"status": "under_review", "history": []})},
    )
    open_proposal = StoredItem("CHANGE#x", RecordKind.CHANGE_PROPOSAL, {"proposal": "{}"})
    result = plan(
        PREFECTURE, [undecided, open_proposal], (), SCHEDULE, dt.datetime(2090, 1, 1, tzinfo=UTC)
    )
    assert result.doomed == ()
    assert result.undated == {
        RecordKind.APPLICATION: ("APPLICATION#13-A",),
        RecordKind.CHANGE_PROPOSAL: ("CHANGE#x",),
    }


def test_given_a_naive_clock_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan(PREFECTURE, [], (), SCHEDULE, dt.datetime(2030, 1, 1))


@pytest.mark.parametrize(
    ("hold", "reason", "refusal"),
    [
        (Hold(HoldScope.PERSON, "not-a-pseudonym"), "訴訟", "person: not a qualification"),
        (Hold(HoldScope.KIND, "pass"), "訴訟", "a hold does not stop pass"),
        (Hold(HoldScope.KIND, "nonsense"), "訴訟", "kind: unknown"),
        (Hold(HoldScope.RECORD, "NOWHERE#1"), "訴訟", "record: unknown"),
        (Hold(HoldScope.KIND, "examinee"), "番号 1234 5678 9018", "holds a My Number"),
        (Hold(HoldScope.KIND, "examinee"), " ", "reason: 1 to"),
    ],
)
def test_given_a_hold_naming_nothing_deletable_or_a_number_then_it_is_refused(
    hold: Hold, reason: str, refusal: str
) -> None:
    with pytest.raises(HoldRefusedError, match=refusal):
        checked_hold(hold, reason, SCHEDULE, kind_of)


def test_given_a_hold_on_a_person_a_kind_or_a_record_then_it_is_accepted() -> None:
    for hold in (
        Hold(HoldScope.PERSON, "a" * 26),
        Hold(HoldScope.KIND, "examinee"),
        Hold(HoldScope.RECORD, "SITTING#p#13-X"),
    ):
        assert checked_hold(hold, "訴訟 2033(ワ)1", SCHEDULE, kind_of) == hold
