"""Notices through the local runtime (R13, R2): a ``passes_announced`` page reaches the real
certify, which sends a Mynaportal applicant's pass notice to the (in-process) fake Mynaportal
and puts a paper applicant's part pass on the group's post list, which the certificates office
downloads with the name and address from the roster; the page again sends nothing twice. A
reviewer returns an e-Gov application over HTTP: intake owes certify its completion notice,
which lands in the fake e-Gov once. No record or message holds a name."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.unit.exemptions.factory import record
from tests.unit.review.factory import application, form

from certify.dependencies import notice_dependencies
from kentei import aws, messages
from kentei.applications.model import Application, Channel, Status
from kentei.data.applications import PrefectureApplications
from kentei.data.notices import PrefectureNotices
from kentei.data.passes import PrefecturePasses
from kentei.egov_notices.fake import InMemoryEgov
from kentei.egov_notices.model import CompletionOutcome
from kentei.exemptions.model import PassKind
from kentei.notice_records import NoticeOutcome, RecordedKind, notice_id
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import NoticeKind
from kentei.notices.port import NoticeUnavailableError
from kentei.records.codes import Term
from kentei.roster.parts import ExamRound, Part
from kentei_local.probes import wait_until

WAIT_S = 60.0
AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
MYNAPORTAL = "mp-notices-0001"
GROUP = "2026-前期#0101#010101#2級"
GROUP_QUERY = {
    "fiscal_year": "2026",
    "term": "前期",
    "trade_code": "0101",
    "work_code": "010101",
    "grade": "2級",
}
CERTIFICATES = f"staff:{TOKYO}:certificates-{TOKYO}:certificates"
REVIEWER = f"staff:{TOKYO}:reviewer1"
NAME = "技能 花子"


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("certify").start()
        yield started


def _passed(channel: Channel, kind: PassKind) -> Application:
    """An accepted application with an announced pass record (and, for the post list, the
    person on the roster through a registration)."""
    made = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101", grade="2級"),
        status=Status.ACCEPTED,
        channel=channel,
        pseudonym=MYNAPORTAL,
    )
    PrefectureApplications(TOKYO).create(made, f"fp-{made.application_id}")
    person = made.qualification_pseudonym_id
    assert person is not None
    numbers: dict[str, Any] = (
        {
            "parts": (Part.WRITTEN, Part.PRACTICAL),
            "passer_number": "P13-0001",
            "certificate_number": "C13-0001",
        }
        if kind is PassKind.PASS
        else {"parts": (Part.PRACTICAL,), "notice_number": "N13-0001"}
    )
    passes = PrefecturePasses(TOKYO)
    aws.dynamodb().transact_write_items(
        TransactItems=[
            passes.pass_put(
                record(
                    made.application_id,
                    qualification_pseudonym_id=person,
                    kind=kind,
                    exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
                    passed_on=dt.date(2026, 8, 28),
                    **numbers,
                ),
                AT,
            )
        ]
    )
    return made


def _send(system: IntakeSystem, message: messages.Envelope) -> None:
    queue = system.runtime.resources.queues["certify"].url
    system.runtime.sqs().send_message(QueueUrl=queue, MessageBody=messages.encode(message))


def _final(store: PrefectureNotices, the_id: str) -> bool:
    found = store.get(the_id)
    return found is not None and found.final


def _drained(system: IntakeSystem) -> bool:
    attributes = system.runtime.sqs().get_queue_attributes(
        QueueUrl=system.runtime.resources.queues["certify"].url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(value == "0" for value in attributes.values())


def test_an_announced_page_sends_the_pass_notice_and_posts_the_part_pass(
    system: IntakeSystem,
) -> None:
    online = _passed(Channel.MYNAPORTAL, PassKind.PASS)
    posted = _passed(Channel.PAPER, PassKind.PART_PASS)
    page = messages.PassesAnnounced(
        prefecture_code=TOKYO,
        group_key=GROUP,
        application_ids=(online.application_id, posted.application_id),
    )
    store = PrefectureNotices(TOKYO)
    online_id = notice_id(RecordedKind.PASS, online.application_id)
    posted_id = notice_id(RecordedKind.PART_PASS, posted.application_id)

    _send(system, page)
    wait_until(
        lambda: True if all(_final(store, i) for i in (online_id, posted_id)) else None,
        WAIT_S,
        "certify never recorded both notices",
    )

    mynaportal = notice_dependencies().mynaportal  # the runtime's: in memory, in this process
    assert isinstance(mynaportal, InMemoryMynaportal)
    (notice,) = [n for n in mynaportal.notices_of(MYNAPORTAL) if n.notice_id == online_id]
    assert notice.kind is NoticeKind.PASS
    assert "P13-0001" in notice.body
    assert NAME not in notice.body
    sent = store.get(online_id)
    assert sent is not None
    assert sent.outcome is NoticeOutcome.SENT
    on_list = store.get(posted_id)
    assert on_list is not None
    assert on_list.outcome is NoticeOutcome.POST_LIST
    assert [e.application_id for e in store.post_list(GROUP)] == [posted.application_id]

    # The page again (a redelivery): nothing is sent twice.
    _send(system, page)
    wait_until(lambda: True if _drained(system) else None, WAIT_S, "certify never took it")
    assert len([n for n in mynaportal.notices_of(MYNAPORTAL) if n.notice_id == online_id]) == 1
    assert store.get(online_id) == sent, "a final record is neither sent nor written again"

    records = json.dumps(
        [r.model_dump(mode="json") for r in store.of_application(posted.application_id)],
        ensure_ascii=False,
    )
    assert NAME not in records


def test_returning_an_egov_application_sends_its_completion_notice_to_egov(
    system: IntakeSystem,
) -> None:
    made = application(form(), status=Status.UNDER_REVIEW, channel=Channel.EGOV)
    PrefectureApplications(TOKYO).create(made, f"fp-{made.application_id}")
    # Taken before certify runs: the cached ports are made once per container, and a first
    # call here racing certify's first call (another thread) would make a second e-Gov.
    egov = notice_dependencies().egov
    assert isinstance(egov, InMemoryEgov)
    body = {
        "decision": "return",
        "reasons": [{"code": "fix.name_kana", "field": "name_kana", "message": "ふりがなを記入"}],
    }

    decided = system.client.request(
        "POST",
        f"/v1/review/applications/{made.application_id}/decision",
        REVIEWER,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert decided.status_code == 200, decided.text

    (notice,) = wait_until(
        lambda: egov.notices_for(made.application_id) or None,
        WAIT_S,
        "certify never sent the completion notice",
    )
    assert (notice.outcome, notice.reason_codes) == (CompletionOutcome.RETURNED, ("fix.name_kana",))
    wait_until(
        lambda: True if _final(PrefectureNotices(TOKYO), notice.notice_id) else None,
        WAIT_S,
        "certify never recorded the completion notice",
    )
    stored = PrefectureNotices(TOKYO).get(notice.notice_id)
    assert stored is not None
    assert stored.receipt_id is not None


@pytest.mark.slow
def test_a_notice_that_keeps_failing_leaves_its_page_in_the_dlq_with_each_attempt_recorded(
    system: IntakeSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = _passed(Channel.MYNAPORTAL, PassKind.PASS)
    mynaportal = notice_dependencies().mynaportal
    assert isinstance(mynaportal, InMemoryMynaportal)

    def down(notice: object) -> object:
        raise NoticeUnavailableError("the Mynaportal notice port is down")

    monkeypatch.setattr(mynaportal, "send", down)
    page = messages.PassesAnnounced(
        prefecture_code=TOKYO, group_key=GROUP, application_ids=(online.application_id,)
    )
    _send(system, page)

    dlq = system.runtime.resources.queues["certify"].dlq_url
    sqs = system.runtime.sqs()

    # Other tests' pages may be there too: their passes have no decision, so certify refuses
    # their certificates (their notices are sent all the same).
    def this_page() -> list[messages.Envelope] | None:
        got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)
        bodies = [messages.decode(m["Body"]) for m in got.get("Messages", [])]
        return bodies if page in bodies else None

    dead = wait_until(this_page, WAIT_S, "the failing page never reached the DLQ")
    assert dead.count(page) == 1
    stored = PrefectureNotices(TOKYO).get(notice_id(RecordedKind.PASS, online.application_id))
    assert stored is not None
    assert stored.outcome is NoticeOutcome.RETRYING
    assert [a.error for a in stored.attempts] == ["NoticeUnavailableError"] * 3
