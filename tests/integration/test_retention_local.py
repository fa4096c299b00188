"""The retention job over the local runtime (P8, issue 13): a person's records in Tokyo past
their periods, at a scheduled instant years on (the job's clock), are deleted everywhere: the
application with its status index and every version of its attachments, the examinee, the
sitting, the ticket with every version of its PDF, the vault entry and the pseudonym links
(nothing else needs them), while another person's vault entry stays because Osaka still holds
an application of theirs. The dry run listed exactly what the run deleted, the run left
deletion records, and the outbox sent the deletions to the national side (the records stream's
REMOVE → ``national_record_due`` removed=True), which no longer holds the records; only the
outbox's sent marks stay, as its tombstones."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Final

import pytest
from tests.integration.national_helpers import AT, national_runtime, register
from tests.unit.review.factory import application

from kentei import aws, messages, settings
from kentei.applications.model import Status
from kentei.data.inbox import attachment_key
from kentei.data.queues import send
from kentei.data.record_kinds import kind_of
from kentei.data.retention import (
    DELETION_PREFIX,
    DRY_RUN_PREFIX,
    KindReport,
    PrefectureRetention,
)
from kentei.data.tickets import PrefectureTickets
from kentei.my_number import MyNumber
from kentei.national.memory import InMemoryNational
from kentei.national.model import RecordKind
from kentei.vault import UnknownPseudonymError, vault_from_environment
from kentei.vault.links import DynamoPseudonymLinks
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime
from sync.retention import run_id

WAIT_S: Final = 60.0
SCHEDULED: Final = dt.datetime(2033, 4, 1, 16, 20, tzinfo=dt.UTC)
"""01:20 JST on 2 April 2033: past fiscal 2026's five years (deletable from 2032-04-01)."""
ONE: Final = "900000000010"
TWO: Final = "900000000028"
MYNAPORTAL: Final = "mp" + "a" * 30

_STORE: list[InMemoryNational] = []


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    with national_runtime(tmp_path_factory.mktemp("state")) as started:
        _STORE[:] = [started.national.national]
        yield started


def _national() -> InMemoryNational:
    return _STORE[0]


def _versions(bucket: str, prefix: str) -> list[str]:
    answer = aws.s3().list_object_versions(Bucket=settings.bucket_name(bucket), Prefix=prefix)
    return [v["VersionId"] for v in (*answer.get("Versions", ()), *answer.get("DeleteMarkers", ()))]


def _gone_at_national(kind: RecordKind, record_id: str) -> bool:
    held = _national().get(kind, record_id)
    return held is None or held.data is None


def _settled(store: PrefectureRetention, prefix: str, identity: str, what: str) -> list[KindReport]:
    """The run's reports once written whole: a run writes one per kind, one after another, so
    the first read may come between two of them; the same reads twice, half a second apart."""
    seen: list[list[KindReport]] = []

    def same_twice() -> list[KindReport] | None:
        now = store.reports(prefix, identity)
        settled = bool(now) and bool(seen) and now == seen[-1]
        seen.append(now)
        if not settled:
            time.sleep(0.5)
        return now if settled else None

    return wait_until(same_twice, WAIT_S, what)


def _application(person: str) -> str:
    """An accepted application of the person with an attachment written twice."""
    from kentei.data.applications import PrefectureApplications

    accepted = application(status=Status.ACCEPTED, received_at=AT)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": person})
    PrefectureApplications("13").create(accepted, "fingerprint")
    key = attachment_key(accepted.application_id, "ab" * 32)
    for body in (b"first", b"second"):
        aws.s3().put_object(Bucket=settings.bucket_name("attachments"), Key=key, Body=body)
    return accepted.application_id


def test_a_persons_records_past_their_periods_go_everywhere_and_leave_a_record(
    runtime: LocalRuntime,
) -> None:
    vault = vault_from_environment()
    person = vault.enrol(MyNumber(ONE)).qualification_pseudonym_id
    other = vault.enrol(MyNumber(TWO)).qualification_pseudonym_id
    links = DynamoPseudonymLinks()
    links.link_mynaportal(person, MYNAPORTAL)
    sitting = register(person, "1011")
    register(other, "1012")
    # The other person has also applied in Osaka: their vault entry is still needed there.
    aws.dynamodb().put_item(
        TableName=settings.table_name("records"),
        Item={
            "prefecture_code": {"S": "27"},
            "record_key": {"S": "APPLICATION#27-X"},
            "application": {"S": json.dumps({"qualification_pseudonym_id": other})},
        },
    )
    application_id = _application(person)
    tickets = PrefectureTickets("13")
    tickets.issue(sitting, "t1", b"%PDF-1.7 one", AT)
    ticket_key = f"tickets/13/{sitting}/t1.pdf"
    aws.s3().put_object(Bucket=tickets.bucket, Key=ticket_key, Body=b"%PDF-1.7 again")
    wait_until(lambda: _national().get(RecordKind.SITTING, sitting), WAIT_S, "the sitting synced")
    wait_until(
        lambda: _national().get(RecordKind.EXAMINEE, f"13-{person}"), WAIT_S, "the examinee synced"
    )
    store = PrefectureRetention("13")
    identity = run_id(SCHEDULED)

    send(
        "sync",
        messages.RetentionPrefecture(prefecture_code="13", scheduled_at=SCHEDULED, dry_run=True),
    )
    dry = _settled(store, DRY_RUN_PREFIX, identity, "the dry-run report")
    assert PrefectureRetention("13")._get(f"EXAMINEE#{person}") is not None
    listed = {r.kind.value: r.record_keys for r in dry}

    send("sync", messages.RetentionPrefecture(prefecture_code="13", scheduled_at=SCHEDULED))
    wait_until(
        lambda: _gone_at_national(RecordKind.EXAMINEE, f"13-{person}") or None,
        WAIT_S,
        "the examinee's deletion at the national side",
    )
    wait_until(
        lambda: _gone_at_national(RecordKind.SITTING, sitting) or None,
        WAIT_S,
        "the sitting's deletion at the national side",
    )
    deleted = {
        r.kind.value: r.record_keys
        for r in _settled(store, DELETION_PREFIX, identity, "the deletion record")
    }
    assert deleted == listed
    assert f"EXAMINEE#{person}" in deleted["examinee"]
    assert f"APPLICATION#{application_id}" in deleted["application"]
    assert f"TICKET#{sitting}" in deleted["exam_ticket"]
    remaining = [item.record_key for item in store.items(kind_of)]
    # Only the outbox's tombstones stay: the sent marks of the deleted records.
    mine = (person, application_id, sitting)
    assert {key for key in remaining if any(one in key for one in mine)} == {
        f"NATIONAL_SENT#examinee#13-{person}",
        f"NATIONAL_SENT#sitting#{sitting}",
    }
    assert _versions("attachments", f"applications/{application_id}/") == []
    assert _versions("certificates", ticket_key) == []

    def released() -> bool | None:
        try:
            vault.reveal(person)
        except UnknownPseudonymError:
            return True
        return None

    wait_until(released, WAIT_S, "the person's vault entry released")
    assert links.mynaportal_for(person) is None
    assert links.qualification_for(MYNAPORTAL) is None
    assert vault.reveal(other).reveal() == TWO
