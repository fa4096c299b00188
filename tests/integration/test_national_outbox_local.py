"""The national outbox over the local runtime: an examinee registered (the roster's own
writes) reaches the local runtime's fake national server (sync's HTTPS adapter over mutual
TLS) through the records stream, sync and the FIFO national queue, with a version that grows
with each change; the sent marks say so, and no other item travels."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from typing import TypeVar

import pytest
from tests.integration.national_helpers import register

from kentei import catalog
from kentei.data.national_sync import PrefectureNationalSync, SentMark
from kentei.national.memory import InMemoryNational
from kentei.national.model import NationalRecord, RecordKind
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

WAIT_S = 30.0
PERSON = "p-outbox-0001"


_STORE: list[InMemoryNational] = []


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings, serve_http=False) as started:
        _STORE[:] = [started.national.national]
        yield started
    national_system.cache_clear()


def _register(work_code: str, **changes: str) -> str:
    return register(PERSON, work_code, **changes)


def _national() -> InMemoryNational:
    """The fake national server's own store (what the national side holds)."""
    return _STORE[0]


def test_a_registered_examinee_reaches_the_national_side_with_growing_versions(
    runtime: LocalRuntime,
) -> None:
    assert runtime.resources.queues[catalog.NATIONAL_QUEUE].url.endswith(".fifo")
    first = _register("1011")
    wait_until(
        lambda: _national().get(RecordKind.SITTING, first),
        WAIT_S,
        "the first sitting at the national side",
    )
    # The examinee and the sitting are separate messages of one group: wait for each.
    examinee = wait_until(
        lambda: _national().get(RecordKind.EXAMINEE, f"13-{PERSON}"),
        WAIT_S,
        "the examinee at the national side",
    )
    assert examinee.data is not None
    assert examinee.data["address"] == "東京都千代田区千代田1-1"
    assert "my_number" not in examinee.data
    before = examinee.version

    # The person applies again from a new address: the examinee changes, a second sitting.
    second = _register("1012", address="東京都港区芝公園4-2-8")
    wait_until(
        lambda: _national().get(RecordKind.SITTING, second),
        WAIT_S,
        "the second sitting at the national side",
    )
    now = wait_until(
        lambda: _newer(_national().get(RecordKind.EXAMINEE, f"13-{PERSON}"), before),
        WAIT_S,
        "the examinee's newer version at the national side",
    )
    assert now.data is not None
    assert now.data["address"] == "東京都港区芝公園4-2-8"

    held = [r for r in _national().records() if r.qualification_pseudonym_id == PERSON]
    # Only the synced items travel (no exam-number claim, no history entry, no sequence).
    assert {r.kind for r in held} == {RecordKind.EXAMINEE, RecordKind.SITTING}

    marks = PrefectureNationalSync("13")
    wait_until(
        lambda: _newer(marks.sent("examinee", f"13-{PERSON}"), now.version - 1),
        WAIT_S,
        "the examinee's sent mark",
    )
    # The mark is written after the national side's receipt: wait for it too.
    mark = wait_until(lambda: marks.sent("sitting", second), WAIT_S, "the sitting's sent mark")
    assert mark.outcome == "applied"


_V = TypeVar("_V", NationalRecord, SentMark)


def _newer(found: _V | None, than: int) -> _V | None:
    return found if found is not None and found.version > than else None


def test_a_refused_record_waits_in_the_dlq_with_its_error_and_is_redriven(
    runtime: LocalRuntime,
) -> None:
    from kentei import messages
    from kentei.data.queues import ERROR_ATTRIBUTE, set_aside
    from kentei_local import redrive

    national = catalog.queue(catalog.NATIONAL_QUEUE)
    application_id = _register("1013")
    wait_until(
        lambda: _national().get(RecordKind.SITTING, application_id),
        WAIT_S,
        "the third sitting at the national side",
    )
    held = _national().get(RecordKind.SITTING, application_id)
    assert held is not None
    # As sync sets aside a record the national side refused: the message, with its error.
    due = messages.NationalRecordDue(
        prefecture_code="13",
        record_kind="sitting",
        record_id=application_id,
        qualification_pseudonym_id=PERSON,
        version=held.version + 1_000_000,
    )
    set_aside(
        national.name,
        messages.encode(due),
        "NationalRefusedError: sitting.parts: outside the contract",
        group=due.group_id,
        dedup=due.dedup_id,
    )
    sqs = runtime.sqs()
    dlq = runtime.resources.queues[national.name].dlq_url
    (waiting,) = sqs.receive_message(
        QueueUrl=dlq, MessageAttributeNames=[ERROR_ATTRIBUTE], VisibilityTimeout=0
    )["Messages"]
    assert waiting["MessageAttributes"][ERROR_ATTRIBUTE]["StringValue"].startswith(
        "NationalRefusedError"
    )

    # The operator's dry run first, through the command: it lists the message and its error
    # (never the body) and leaves it in the DLQ.
    listing = io.StringIO()
    cli = argparse.ArgumentParser()
    redrive.add_arguments(cli)
    asked = cli.parse_args([national.name, "--endpoint", runtime.moto_endpoint, "--dry-run"])
    assert redrive.main(asked, listing) == 0
    printed = listing.getvalue()
    assert f"would move {waiting['MessageId']} (NationalRefusedError" in printed
    assert "1 message(s) would move back" in printed
    assert application_id not in printed, "ids of messages and error classes only"
    (still,) = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=0)["Messages"]
    assert still["MessageId"] == waiting["MessageId"]

    moved = redrive.redrive(sqs, national, prefix=redrive.LOCAL_PREFIX)
    assert moved == 1
    now = wait_until(
        lambda: _newer(_national().get(RecordKind.SITTING, application_id), held.version),
        WAIT_S,
        "the redriven record at the national side",
    )
    assert now.version == due.version
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0)
