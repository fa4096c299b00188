"""The retention plan in pages (:func:`kentei.retention.sweep.plan_page`): the index of the
pages, merged in any order, settles the same persons as the whole partition's, so the pages'
plans together are the plan of the partition as one page; and the derived items the new
owners name go with their records."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.retention.test_sweep import DATED, PREFECTURE, SCHEDULE, _item

from kentei.data.partition import instant
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import (
    Hold,
    HoldScope,
    Index,
    Plan,
    Resolved,
    StoredItem,
    index_of,
    plan,
    plan_page,
    resolve,
)


def _paged(items: list[StoredItem], holds: set[Hold], at: dt.datetime, size: int) -> Plan:
    """The plan as the job makes it: pages indexed one by one (through their JSON, merged in
    reverse order), settled once, sliced by the pages' ranges, and each page planned alone
    against its slice (through its JSON)."""
    pages = [items[i : i + size] for i in range(0, len(items), size)]
    index = Index()
    applications: list[list[str]] = []
    for page in reversed(pages):
        one = Index.from_json(index_of(PREFECTURE, page, holds, SCHEDULE, at).to_json())
        applications.insert(0, [ref[2:] for ref in one.facts if ref.startswith("a:")])
        index.merge(one)
    resolved = resolve(PREFECTURE, index, holds, SCHEDULE, at)
    ranges = [
        (None if n == 0 else pages[n - 1][-1].record_key, page[-1].record_key, applications[n])
        for n, page in enumerate(pages)
    ]
    slices = [Resolved.from_json(one.to_json()) for one in resolved.slices(ranges)]
    plans = [
        plan_page(PREFECTURE, page, sliced, holds=holds, schedule=SCHEDULE, at=at)
        for page, sliced in zip(pages, slices, strict=True)
    ]

    def together(name: str) -> dict[RecordKind, tuple[str, ...]]:
        grouped: dict[RecordKind, list[str]] = defaultdict(list)
        for one in plans:
            for kind, keys in getattr(one, name).items():
                grouped[kind] += keys
        return {kind: tuple(sorted(keys)) for kind, keys in sorted(grouped.items())}

    return Plan(
        prefecture_code=PREFECTURE,
        at=at,
        doomed=tuple(sorted((d for p in plans for d in p.doomed), key=lambda d: d.record_key)),
        held=together("held"),
        kept_while=together("kept_while"),
        undated=together("undated"),
        releases=resolved.releases,
    )


events = st.datetimes(
    min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2040, 12, 31), timezones=st.just(UTC)
)


@dataclass(frozen=True)
class Partition:
    """A drawn partition: its items in key order, the holds, the page size and the clock."""

    items: list[StoredItem]
    holds: set[Hold]
    size: int
    now: dt.datetime


@st.composite
def partitions(draw: st.DrawFn) -> Partition:
    """Several records per person (the examinee's activity and kept_while span pages), some
    persons with a pass (kept for good) or a hold, cut in pages of 1 to 4."""
    cases = draw(
        st.lists(
            st.tuples(st.sampled_from(DATED), st.integers(0, 3), events), min_size=1, max_size=14
        )
    )
    passes = draw(st.sets(st.integers(0, 3), max_size=2))
    held_persons = draw(st.sets(st.integers(0, 3), max_size=1))
    now = draw(events)
    items = [
        _item(prefix, f"p{who}", at, suffix=str(i)) for i, (prefix, who, at) in enumerate(cases)
    ]
    items = list({item.record_key: item for item in items}.values())
    items += [
        StoredItem(
            f"PASS#p{who}-1",
            RecordKind.PASS,
            {"qualification_pseudonym_id": f"p{who}", "recorded_at": instant(now)},
        )
        for who in passes
    ]
    items.sort(key=lambda item: item.record_key)
    holds = {Hold(HoldScope.PERSON, f"p{who}") for who in held_persons}
    return Partition(items, holds, draw(st.integers(1, 4)), now)


@settings(max_examples=60, deadline=None)
@given(drawn=partitions())
def test_given_any_page_size_then_the_pages_plan_what_one_page_plans(drawn: Partition) -> None:
    paged = _paged(drawn.items, drawn.holds, drawn.now, drawn.size)
    assert paged == plan(PREFECTURE, drawn.items, drawn.holds, SCHEDULE, drawn.now)


AT = dt.datetime(2040, 1, 1, tzinfo=UTC)
OLD = instant(dt.datetime(2015, 6, 1, tzinfo=UTC))


def test_given_a_decided_proposal_then_its_request_and_the_request_claim_go_with_it() -> None:
    proposal = StoredItem(
        "CHANGE#13-X",
        RecordKind.CHANGE_PROPOSAL,
        {"qualification_pseudonym_id": "p", "proposal": json.dumps({"decided_at": OLD})},
    )
    request = StoredItem(
        "CHANGE_REQUEST#13-CR-A",
        RecordKind.CHANGE_PROPOSAL,
        {"request": json.dumps({"status": "proposed", "proposal_id": "13-X", "verified_at": OLD})},
    )
    claim = StoredItem(
        "SIGNED#v1:ab", RecordKind.APPLICATION, {"application_id": "13-CR-A", "claimed_at": OLD}
    )
    other = StoredItem(
        "SIGNED#v1:cd", RecordKind.APPLICATION, {"application_id": "13-OTHER", "claimed_at": OLD}
    )
    for size in (1, 2, 4):
        result = _paged([proposal, request, claim, other], set(), AT, size)
        (doomed,) = result.doomed
        assert doomed.record_key == proposal.record_key
        assert doomed.companions == (request.record_key, claim.record_key)
        assert result.undated == {}


def test_given_a_refused_or_received_change_request_then_it_is_dated_by_its_refusal_or_kept() -> (
    None
):
    refused = StoredItem(
        "CHANGE_REQUEST#13-CR-R",
        RecordKind.CHANGE_PROPOSAL,
        {"request": json.dumps({"status": "refused", "verified_at": OLD})},
    )
    received = StoredItem(
        "CHANGE_REQUEST#13-CR-Q",
        RecordKind.CHANGE_PROPOSAL,
        {"request": json.dumps({"status": "received", "received_at": OLD})},
    )
    result = plan(PREFECTURE, [refused, received], (), SCHEDULE, AT)
    assert [d.record_key for d in result.doomed] == [refused.record_key]
    assert result.undated == {RecordKind.CHANGE_PROPOSAL: (received.record_key,)}


def test_given_a_session_then_its_seats_go_with_it_and_not_before_its_exam_day() -> None:
    created = dt.datetime(2024, 5, 1, tzinfo=UTC)  # fiscal 2024
    session = StoredItem(
        "SESSION#2025-1#S1",
        RecordKind.EXAM_SESSION,
        {"session": json.dumps({"created_at": instant(created), "exam_date": "2025-06-01"})},
    )
    seat = StoredItem(
        "SEAT#S1#13-A",
        RecordKind.EXAM_SESSION,
        {"session_id": "S1", "round": "2025-1", "qualification_pseudonym_id": "p"},
    )
    # Created in fiscal 2024, its exam day in fiscal 2025: one year from the day, not creation.
    first = dt.datetime(2027, 4, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    early = plan(PREFECTURE, [session, seat], (), SCHEDULE, first - dt.timedelta(microseconds=1))
    assert early.doomed == ()
    (doomed,) = plan(PREFECTURE, [session, seat], (), SCHEDULE, first).doomed
    assert (doomed.record_key, doomed.companions) == (session.record_key, (seat.record_key,))


def test_given_registrations_and_imports_in_progress_then_they_are_kept_undated() -> None:
    in_review = StoredItem(
        "INITIAL_REGISTRATION#13-IR-A",
        RecordKind.INITIAL_REGISTRATION,
        {"registration": json.dumps({"status": "in_review", "verified_at": OLD})},
    )
    rejected = StoredItem(
        "INITIAL_REGISTRATION#13-IR-B",
        RecordKind.INITIAL_REGISTRATION,
        {
            "registration": json.dumps(
                {"status": "rejected", "verified_at": OLD, "review": {"at": OLD}}
            )
        },
    )
    validated = StoredItem(
        "IMPORT#I1",
        RecordKind.RESULT_IMPORT,
        {"import": json.dumps({"status": "validated", "updated_at": OLD})},
    )
    batch = StoredItem("RECHECK_BATCH#20150601T000000Z#000001", RecordKind.JOB_RUN, {})
    run = StoredItem("RECHECK_RUN#20150601T000000Z", RecordKind.JOB_RUN, {"finished_at": OLD})
    result = plan(PREFECTURE, [in_review, rejected, validated, batch, run], (), SCHEDULE, AT)
    assert {d.record_key: d.companions for d in result.doomed} == {
        rejected.record_key: (),
        run.record_key: (batch.record_key,),
    }
    assert result.undated == {
        RecordKind.INITIAL_REGISTRATION: (in_review.record_key,),
        RecordKind.RESULT_IMPORT: (validated.record_key,),
    }


def _reference(items: list[StoredItem], holds: set[Hold], at: dt.datetime) -> set[str]:
    """The doomed keys as the single-pass plan read them before pages (an independent
    oracle: the whole partition in memory, the kept_while fixpoint over every item)."""
    from kentei.retention import sweep

    by_app = {a: p for i in items if (a := sweep._application_of(i)) and (p := sweep.person_of(i))}

    def person(item: StoredItem) -> str | None:
        app = sweep._application_of(item)
        return sweep.person_of(item) or (by_app.get(app) if app else None)

    activity: dict[str, dt.datetime] = {}
    for item in items:
        who, instant_ = person(item), sweep._activity(item)
        if who and instant_ and item.kind in sweep.ACTIVITY | {RecordKind.EXAMINEE}:
            activity[who] = max(instant_, activity.get(who, instant_))
    due: dict[str, StoredItem] = {}
    for item in items:
        entry = SCHEDULE.default[item.kind]
        if entry.deleted_by.value != "job" or sweep.owner_of(item) is not None:
            continue
        who = person(item)
        if item.record_key.startswith(sweep.EXAMINEE_PREFIX):
            event = activity.get(who) if who else None
        else:
            event = sweep._event(item)
        if event is None or not SCHEDULE.due(item.kind, event, PREFECTURE, at):
            continue
        if entry.hold and sweep.held(holds, item.kind, who, item.record_key):
            continue
        due[item.record_key] = item
    going = set(due)
    changed = True
    while changed:
        changed = False
        staying: dict[str, set[RecordKind]] = defaultdict(set)
        for item in items:
            who = person(item)
            if who and item.record_key not in going and sweep.owner_of(item) is None:
                staying[who].add(item.kind)
        for key, item in due.items():
            who = person(item)
            needs = set(SCHEDULE.default[item.kind].kept_while)
            if key in going and who and staying[who] & needs:
                going.discard(key)
                changed = True
    return going


@settings(max_examples=80, deadline=None)
@given(drawn=partitions())
def test_given_any_page_size_then_the_pages_doom_what_the_single_pass_oracle_dooms(
    drawn: Partition,
) -> None:
    paged = _paged(drawn.items, drawn.holds, drawn.now, drawn.size)
    expected = _reference(drawn.items, drawn.holds, drawn.now)
    assert {d.record_key for d in paged.doomed} == expected
