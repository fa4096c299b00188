"""The national outbox in sync: stream records become keyed messages in order, and each
message sends the record as it is now to the national system (fake port)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.unit.exemptions.factory import record as pass_record
from tests.unit.national import items
from tests.unit.sync_function.national_fakes import NationalWorld

from kentei import catalog, messages, my_number
from kentei.messages import NationalRecordDue
from kentei.national.model import RecordKind
from kentei.national.port import (
    NationalRefusedError,
    NationalSystemError,
    NationalThrottledError,
)
from kentei_local.context import LocalContext
from sync import dependencies, handler
from sync.national import Outcome, due_of, forward_changes, send_due

FIRST = 1100000000017454423009
OTHER_PERSON = "pseudonym-0002-ghijkl"


def change(
    item: dict[str, Any], sequence: int, event: str = "MODIFY", old: dict[str, Any] | None = None
) -> dict[str, Any]:
    keys = {"prefecture_code": item["prefecture_code"], "record_key": item["record_key"]}
    image: dict[str, Any] = {"Keys": keys, "SequenceNumber": str(sequence)}
    if event == "REMOVE":
        image["OldImage"] = item
    else:
        image["NewImage"] = item
        if old is not None:
            image["OldImage"] = old
    return {
        "eventID": str(sequence),
        "eventName": event,
        "eventSource": "aws:dynamodb",
        "awsRegion": "ap-northeast-1",
        "dynamodb": image,
        "eventSourceARN": "arn:aws:dynamodb:ap-northeast-1:123456789012:table/records/stream/x",
    }


def due(item: dict[str, Any], version: int, *, removed: bool = False) -> NationalRecordDue:
    message = due_of(change(item, version, "REMOVE" if removed else "MODIFY"))
    assert message is not None
    return message


# From the stream to the queue


def test_changes_become_keyed_messages_in_order_with_no_data() -> None:
    world = NationalWorld()
    examinee = items.examinee()
    records = [
        change(examinee, FIRST, "INSERT"),
        change({**items.key("EXAMNUMBER#2026-前期#1"), "x": {"S": "y"}}, FIRST + 1, "INSERT"),
        change(items.sitting(), FIRST + 2, "INSERT"),
        change(items.certificate(), FIRST + 3, "REMOVE"),
    ]
    done = forward_changes(records, world.ports())
    assert done.failed is None
    assert done.counts == {"forwarded": 3, "not_synced": 1}
    kinds = [(m.record_kind, m.version, m.removed) for m in world.due.sent]
    assert kinds == [
        ("examinee", FIRST, False),
        ("sitting", FIRST + 2, False),
        ("certificate", FIRST + 3, True),
    ]
    assert {m.group_id for m in world.due.sent} == {items.PERSON}
    assert len({m.dedup_id for m in world.due.sent}) == 3
    person = json.loads(examinee["examinee"]["S"])
    for message in world.due.sent:
        body = messages.encode(message)
        assert person["name"] not in body
        assert person["address"] not in body
        assert not my_number.contains(body)
        assert len(message.dedup_id) <= 128


def test_the_stream_stops_at_the_first_change_it_cannot_forward() -> None:
    world = NationalWorld()
    world.due.fail_at = 1
    records = [change(items.sitting(), FIRST + n) for n in range(4)]
    done = forward_changes(records, world.ports())
    assert done.failed == str(FIRST + 1)
    assert done.error == "RuntimeError"
    assert done.counts["forwarded"] == 1
    assert [m.version for m in world.due.sent] == [FIRST]


def test_an_examinee_item_with_a_my_number_stops_at_the_stream() -> None:
    world = NationalWorld()
    examinee = items.examinee()
    stored = json.loads(examinee["examinee"]["S"])
    stored["my_number"] = "123456789018"
    examinee["examinee"] = {"S": json.dumps(stored, ensure_ascii=False)}
    done = forward_changes(
        [change(items.sitting(), FIRST), change(examinee, FIRST + 1)], world.ports()
    )
    assert done.failed == str(FIRST + 1)
    assert done.error is not None
    assert done.error.startswith("MyNumberInItemError")
    assert "123456789018" not in done.error
    assert [m.record_kind for m in world.due.sent] == ["sitting"]


def test_the_stream_handler_reports_the_failed_sequence_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = NationalWorld()
    world.due.fail_at = 1
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    event = {"Records": [change(items.sitting(), FIRST + n) for n in range(3)]}
    response = handler.handler(event, LocalContext(catalog.function("sync")))
    assert response == {"batchItemFailures": [{"itemIdentifier": str(FIRST + 1)}]}


# From the queue to the national side


def test_the_record_is_sent_as_it_is_now_and_marked_sent() -> None:
    world = NationalWorld()
    world.items.put(items.examinee())
    message = due(items.examinee(), FIRST)
    assert send_due(message, world.ports(), lambda: items.AT) is Outcome.APPLIED
    (record,) = world.national.received
    assert record.kind is RecordKind.EXAMINEE
    assert record.version == FIRST
    assert record.data is not None
    assert "name" in record.data
    mark = world.items.marks[("examinee", items.EXAMINEE_ID)]
    assert (mark.version, mark.held_version, mark.outcome) == (FIRST, FIRST, "applied")
    # Delivered again: nothing is sent again.
    assert send_due(message, world.ports(), lambda: items.AT) is Outcome.ALREADY_SENT
    assert len(world.national.received) == 1


def test_a_version_the_national_side_holds_already_is_stale_and_ends() -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    newer = due(items.sitting(), FIRST + 5)
    assert send_due(newer, world.ports(), lambda: items.AT) is Outcome.APPLIED
    world.items.marks.clear()  # as if the mark were lost: the national side still knows
    older = due(items.sitting(), FIRST + 1)
    assert send_due(older, world.ports(), lambda: items.AT) is Outcome.STALE
    mark = world.items.marks[("sitting", items.APPLICATION)]
    assert (mark.version, mark.held_version, mark.outcome) == (FIRST + 1, FIRST + 5, "stale")


def test_a_removed_item_is_sent_deleted() -> None:
    world = NationalWorld()
    message = due(items.certificate(), FIRST, removed=True)
    assert send_due(message, world.ports(), lambda: items.AT) is Outcome.APPLIED
    (record,) = world.national.received
    assert record.deleted
    assert record.data is None
    assert record.kind is RecordKind.CERTIFICATE


def test_an_older_change_followed_in_its_batch_is_superseded() -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    message = due(items.sitting(), FIRST)
    outcome = send_due(message, world.ports(), lambda: items.AT, newest=FIRST + 1)
    assert outcome is Outcome.SUPERSEDED
    assert world.national.received == []


@pytest.mark.parametrize(
    "fault",
    [NationalThrottledError("slow down", retry_after_s=2.0), NationalSystemError("down")],
    ids=["throttled", "unreachable"],
)
def test_a_throttled_or_unreachable_national_side_raises_and_marks_nothing(
    fault: Exception,
) -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    world.national.faults = [fault]
    with pytest.raises(NationalSystemError):
        send_due(due(items.sitting(), FIRST), world.ports(), lambda: items.AT)
    assert world.items.marks == {}
    assert world.refused.set_aside == []


def test_a_refused_record_goes_to_the_dlq_with_its_error() -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    world.national.faults = [NationalRefusedError("sitting.parts: outside the contract")]
    message = due(items.sitting(), FIRST)
    assert send_due(message, world.ports(), lambda: items.AT) is Outcome.REFUSED
    ((aside, error),) = world.refused.set_aside
    assert aside == message
    assert error == "NationalRefusedError: sitting.parts: outside the contract"
    assert world.items.marks == {}


# The FIFO batch: in order per person


def fifo_batch(*messages_: NationalRecordDue) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m{n}",
                "receiptHandle": f"rh{n}",
                "body": messages.encode(message),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "MessageGroupId": message.group_id,
                    "MessageDeduplicationId": message.dedup_id,
                    "SequenceNumber": str(n),
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-national.fifo",
                "awsRegion": "ap-northeast-1",
            }
            for n, message in enumerate(messages_)
        ]
    }


def test_a_failure_holds_back_the_rest_of_its_person_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = NationalWorld()
    other_examinee = items.examinee(pseudonym=OTHER_PERSON)
    for item in (items.examinee(), items.sitting(), other_examinee):
        world.items.put(item)
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    world.national.faults = [NationalThrottledError("slow down", retry_after_s=1.0)]
    event = fifo_batch(
        due(items.examinee(), FIRST),
        due(items.sitting(), FIRST + 1),
        due(other_examinee, FIRST + 2),
    )
    response = handler.handler(event, LocalContext(catalog.function("sync")))
    failed = [f["itemIdentifier"] for f in response["batchItemFailures"]]
    assert failed == ["m0", "m1"]
    assert [(r.qualification_pseudonym_id, r.version) for r in world.national.received] == [
        (OTHER_PERSON, FIRST + 2)
    ]
    # Redelivered, in order: the person's records arrive in their order.
    response = handler.handler(
        fifo_batch(due(items.examinee(), FIRST), due(items.sitting(), FIRST + 1)),
        LocalContext(catalog.function("sync")),
    )
    assert response["batchItemFailures"] == []
    assert [(r.kind.value, r.version) for r in world.national.received[1:]] == [
        ("examinee", FIRST),
        ("sitting", FIRST + 1),
    ]


def test_a_batch_sends_each_record_once_at_its_newest_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    event = fifo_batch(*(due(items.sitting(), FIRST + n) for n in range(3)))
    response = handler.handler(event, LocalContext(catalog.function("sync")))
    assert response["batchItemFailures"] == []
    assert [r.version for r in world.national.received] == [FIRST + 2]


def test_an_invalid_body_on_the_national_queue_fails_and_is_not_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = NationalWorld()
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    event = fifo_batch(due(items.sitting(), FIRST))
    event["Records"][0]["body"] = json.dumps({"kind": "national_record_due", "data": "x"})
    response = handler.handler(event, LocalContext(catalog.function("sync")))
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == ["m0"]


def test_a_heartbeat_through_the_national_queue_is_acknowledged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acknowledged: list[messages.Envelope] = []
    monkeypatch.setattr(handler.national, "_heartbeat", acknowledged.append)
    event = fifo_batch(due(items.sitting(), FIRST))
    beat = messages.heartbeat()
    event["Records"][0]["body"] = messages.encode(beat)
    response = handler.handler(event, LocalContext(catalog.function("sync")))
    assert response["batchItemFailures"] == []
    assert acknowledged == [beat]


@pytest.mark.parametrize(("retry_after", "seconds"), [(2.2, 3), (0.1, 1), (86400.0, 900)])
def test_a_throttled_record_is_received_again_when_the_national_side_said(
    monkeypatch: pytest.MonkeyPatch, retry_after: float, seconds: int
) -> None:
    world = NationalWorld()
    world.items.put(items.sitting())
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    world.national.faults = [NationalThrottledError("slow down", retry_after_s=retry_after)]
    response = handler.handler(
        fifo_batch(due(items.sitting(), FIRST)), LocalContext(catalog.function("sync"))
    )
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == ["m0"]
    assert world.backoff.later == [("rh0", seconds)]


# A correction that changes a pass record's kind (the same PASS# key)


def _part_and_full() -> tuple[dict[str, Any], dict[str, Any]]:
    part = pass_record(qualification_pseudonym_id=items.PERSON)
    full = items.as_full_pass(part, 2)
    return items.passed(part), items.passed(full)


def test_a_part_pass_corrected_into_a_pass_removes_the_part_pass_first() -> None:
    world = NationalWorld()
    part, full = _part_and_full()
    done = forward_changes([change(full, FIRST, "MODIFY", old=part)], world.ports())
    assert done.failed is None
    assert done.counts == {"forwarded": 1, "not_synced": 0}
    sent = [(m.record_kind, m.record_id, m.version, m.removed) for m in world.due.sent]
    assert sent == [("part_pass", "pass-1", FIRST, True), ("pass", "pass-1", FIRST, False)]
    assert {m.group_id for m in world.due.sent} == {items.PERSON}
    assert len({m.dedup_id for m in world.due.sent}) == 2


def test_a_change_that_keeps_the_record_sends_one_message() -> None:
    world = NationalWorld()
    part, _ = _part_and_full()
    revoked = {**part, "revoked_at": {"S": "2026-10-01T00:00:00.000000Z"}}
    forward_changes([change(revoked, FIRST, "MODIFY", old=part)], world.ports())
    assert [(m.record_kind, m.removed) for m in world.due.sent] == [("part_pass", False)]


def test_the_record_an_item_no_longer_is_is_sent_deleted() -> None:
    world = NationalWorld()
    part, full = _part_and_full()
    world.items.put(part)
    ports = world.ports()
    (first,) = forward_and_collect(change(part, FIRST, "INSERT"), world)
    assert send_due(first, ports, lambda: items.AT) is Outcome.APPLIED
    world.items.put(full)
    removal, replacement = forward_and_collect(change(full, FIRST + 1, "MODIFY", old=part), world)

    assert send_due(removal, ports, lambda: items.AT) is Outcome.APPLIED
    assert send_due(replacement, ports, lambda: items.AT) is Outcome.APPLIED

    gone = world.national.get(RecordKind.PART_PASS, "pass-1")
    assert gone is not None
    assert gone.deleted
    assert gone.version == FIRST + 1
    now = world.national.get(RecordKind.PASS, "pass-1")
    assert now is not None
    assert now.data is not None
    assert now.data["passer_number"] == "13G26-000002"


def forward_and_collect(record: dict[str, Any], world: NationalWorld) -> list[NationalRecordDue]:
    before = len(world.due.sent)
    assert forward_changes([record], world.ports()).failed is None
    return world.due.sent[before:]


def test_a_suspended_persons_records_are_not_provided_but_a_deletion_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P10: while the person's use is suspended (利用停止), the outbox does not provide their
    records to the national side (the message ends, nothing marked: reconciliation sends it
    once lifted); a deletion still goes, and other persons' records go on."""
    world = NationalWorld()
    other_examinee = items.examinee(pseudonym=OTHER_PERSON)
    for item in (items.examinee(), items.sitting(), other_examinee):
        world.items.put(item)
    world.items.suspended.add(items.PERSON)
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    event = fifo_batch(
        due(items.examinee(), FIRST),
        due(items.certificate(), FIRST + 1, removed=True),
        due(other_examinee, FIRST + 2),
    )

    response = handler.handler(event, LocalContext(catalog.function("sync")))

    assert response["batchItemFailures"] == []
    assert [
        (r.kind.value, r.qualification_pseudonym_id, r.deleted) for r in world.national.received
    ] == [
        ("certificate", items.PERSON, True),
        ("examinee", OTHER_PERSON, False),
    ]
    assert ("examinee", items.EXAMINEE_ID) not in world.items.marks
    message = due(items.sitting(), FIRST + 3)
    suspended = frozenset({items.PERSON})
    assert send_due(message, world.ports(), lambda: items.AT, suspended=suspended) is (
        Outcome.SUSPENDED
    )
    world.items.suspended.clear()
    assert send_due(message, world.ports(), lambda: items.AT) is Outcome.APPLIED
