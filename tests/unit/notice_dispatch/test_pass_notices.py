"""Pass and part-pass notices over in-memory ports: online to the latest Mynaportal pseudonym,
the post list without one or when Mynaportal does not know it, once per notice id however
often the page comes, failures recorded and retried, and no name or My Number anywhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.unit.exemptions.factory import record
from tests.unit.notice_dispatch.fakes import Failing, World
from tests.unit.review.factory import QUALIFICATION_PSEUDONYM, application, form

from certify.pass_notices import NoticesIncompleteError, send_pass_notices
from kentei.applications.model import Application, Channel, Status
from kentei.exemptions.model import PassKind
from kentei.messages import PassesAnnounced, decode, encode
from kentei.notice_records import NoticeChannel, NoticeOutcome, PostReason
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import NoticeKind
from kentei.notices.port import NoticeRejectedError, NoticeUnavailableError
from kentei.records.codes import Term
from kentei.roster.parts import ExamRound, Part

GROUP = "2026-前期#0101#010101#2級"
LINKED = "mp-linked-pseudonym-0001"
MY_NUMBER = "123456789018"
NAME = "見本 太郎"


def accepted(channel: Channel = Channel.MYNAPORTAL) -> Application:
    return application(form(name=NAME), status=Status.ACCEPTED, channel=channel)


def a_pass(app: Application, kind: PassKind = PassKind.PASS) -> World:
    world = World()
    add(world, app, kind)
    return world


def add(world: World, app: Application, kind: PassKind = PassKind.PASS) -> None:
    person = app.qualification_pseudonym_id
    assert person is not None
    extra = (
        {
            "parts": (Part.WRITTEN, Part.PRACTICAL),
            "passer_number": "P-13-000001",
            "certificate_number": "C-13-000001",
        }
        if kind is PassKind.PASS
        else {"parts": (Part.WRITTEN,), "notice_number": "N-13-000001"}
    )
    world.applications[app.application_id] = app
    world.passes[(person, app.application_id)] = record(
        app.application_id,
        qualification_pseudonym_id=person,
        kind=kind,
        exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
        passed_on=dt.date(2026, 6, 30),
        **extra,
    )


def page(*apps: Application) -> PassesAnnounced:
    return PassesAnnounced(
        prefecture_code="13",
        group_key=GROUP,
        application_ids=tuple(app.application_id for app in apps),
    )


def test_given_a_pass_then_the_notice_goes_to_the_latest_mynaportal_pseudonym() -> None:
    app = accepted()
    world = a_pass(app)
    world.links[QUALIFICATION_PSEUDONYM] = LINKED

    done = send_pass_notices(page(app), world.deps())

    assert (done.sent, done.post_list) == (1, 0)
    assert isinstance(world.mynaportal, InMemoryMynaportal)
    (notice,) = world.mynaportal.notices_of(LINKED)
    assert notice.kind is NoticeKind.PASS
    assert notice.notice_id == f"{app.application_id}-pass"
    assert "P-13-000001" in notice.body
    assert "C-13-000001" in notice.body
    assert "2級" in notice.title
    assert "2026年6月30日" in notice.body
    assert world.mynaportal.notices_of(str(app.mynaportal_pseudonym_id)) == ()
    stored = world.records[notice.notice_id]
    assert (stored.channel, stored.outcome) == (NoticeChannel.MYNAPORTAL, NoticeOutcome.SENT)
    assert stored.receipt_id is not None
    assert stored.group_key == GROUP


def test_given_no_link_then_the_applications_own_mynaportal_pseudonym_gets_a_part_pass_notice() -> (
    None
):
    app = accepted()
    world = a_pass(app, PassKind.PART_PASS)

    send_pass_notices(page(app), world.deps())

    assert isinstance(world.mynaportal, InMemoryMynaportal)
    (notice,) = world.mynaportal.notices_of(str(app.mynaportal_pseudonym_id))
    assert notice.kind is NoticeKind.PART_PASS
    assert "N-13-000001" in notice.body
    assert "学科試験" in notice.body


@pytest.mark.parametrize("channel", [Channel.PAPER, Channel.EGOV])
def test_given_no_mynaportal_pseudonym_then_the_notice_goes_on_the_groups_post_list(
    channel: Channel,
) -> None:
    app = accepted(channel)
    world = a_pass(app)

    done = send_pass_notices(page(app), world.deps())

    assert (done.sent, done.post_list) == (0, 1)
    entry = world.post[(GROUP, app.application_id)]
    assert entry.reason is PostReason.NO_ONLINE_CHANNEL
    assert entry.qualification_pseudonym_id == QUALIFICATION_PSEUDONYM
    stored = world.records[entry.notice_id]
    assert (stored.channel, stored.outcome) == (NoticeChannel.POST, NoticeOutcome.POST_LIST)
    assert world.egov.calls == 0  # e-Gov's contract carries completion notices only


def test_given_mynaportal_does_not_know_the_pseudonym_then_the_notice_goes_on_the_post_list() -> (
    None
):
    app = accepted()
    world = a_pass(app)
    world.mynaportal = InMemoryMynaportal(known_recipients=[])

    done = send_pass_notices(page(app), world.deps())

    assert done.post_list == 1
    assert world.post[(GROUP, app.application_id)].reason is PostReason.UNKNOWN_RECIPIENT


def test_given_the_page_again_then_nothing_is_sent_twice() -> None:
    app, other = accepted(), accepted(Channel.PAPER)
    world = a_pass(app)
    add(world, other)
    port = Failing(InMemoryMynaportal(), NoticeUnavailableError("down"), times=0)
    world.mynaportal = port

    first = send_pass_notices(page(app, other), world.deps())
    again = send_pass_notices(page(app, other), world.deps())

    assert (first.sent, first.post_list, first.already) == (1, 1, 0)
    assert (again.sent, again.post_list, again.already) == (0, 0, 2)
    assert port.calls == 1
    assert len(world.post) == 1


def test_given_mynaportal_unavailable_then_the_attempt_is_kept_and_the_page_raises() -> None:
    failing, fine = accepted(), accepted(Channel.PAPER)
    world = a_pass(failing)
    add(world, fine)
    port = Failing(InMemoryMynaportal(), NoticeUnavailableError("down"), times=1)
    world.mynaportal = port

    with pytest.raises(NoticesIncompleteError, match="NoticeUnavailableError"):
        send_pass_notices(page(failing, fine), world.deps())

    stored = world.records[f"{failing.application_id}-pass"]
    assert stored.outcome is NoticeOutcome.RETRYING
    assert [a.error for a in stored.attempts] == ["NoticeUnavailableError"]
    assert (GROUP, fine.application_id) in world.post

    # SQS delivers the page again: the failed notice goes, with its attempt kept.
    retried = send_pass_notices(page(failing, fine), world.deps())
    assert (retried.sent, retried.already) == (1, 1)
    stored = world.records[f"{failing.application_id}-pass"]
    assert stored.outcome is NoticeOutcome.SENT
    assert len(stored.attempts) == 1


def test_given_a_refused_notice_then_the_page_raises_each_time() -> None:
    app = accepted()
    world = a_pass(app)
    world.mynaportal = Failing(InMemoryMynaportal(), NoticeRejectedError("refused"), times=9)

    for _ in range(2):
        with pytest.raises(NoticesIncompleteError, match="NoticeRejectedError"):
            send_pass_notices(page(app), world.deps())
    assert len(world.records[f"{app.application_id}-pass"].attempts) == 2


def test_given_an_application_without_a_pass_record_then_it_is_skipped() -> None:
    app = accepted()
    world = World(applications={app.application_id: app})

    done = send_pass_notices(page(app), world.deps())

    assert done.skipped == [app.application_id]
    assert not world.records


def test_no_name_or_my_number_in_the_notice_its_record_the_post_list_or_the_message() -> None:
    online, posted = accepted(), accepted(Channel.PAPER)
    world = a_pass(online)
    add(world, posted, PassKind.PART_PASS)
    message = page(online, posted)

    send_pass_notices(decode(encode(message)), world.deps())  # type: ignore[arg-type]

    assert isinstance(world.mynaportal, InMemoryMynaportal)
    texts = [encode(message)]
    texts += [
        n.model_dump_json()
        for n in world.mynaportal.notices_of(str(online.mynaportal_pseudonym_id))
    ]
    texts += [r.model_dump_json() for r in world.records.values()]
    texts += [e.model_dump_json() for e in world.post.values()]
    for text in texts:
        loaded = json.loads(text)
        flat = json.dumps(loaded, ensure_ascii=False)
        assert MY_NUMBER not in flat
        assert "見本" not in flat
        assert "太郎" not in flat
        assert NAME not in flat


def test_given_the_pass_revoked_before_its_notice_went_then_no_pass_notice_goes() -> None:
    """A page redelivered after the pass was revoked (合格の取消し) sends no 合格通知 for it."""
    from kentei.results.revocations import PassRevocationRecord

    app = accepted()
    world = a_pass(app)
    person = app.qualification_pseudonym_id
    assert person is not None
    world.revocations[(person, app.application_id)] = PassRevocationRecord(
        qualification_pseudonym_id=person,
        application_id=app.application_id,
        record_id=app.application_id,
        effective_on=dt.date(2026, 11, 2),
        reason="不正受検",
        legal_basis="規程",
        revoked_by="staff:13:certs-13",
        revoked_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        certificates=(),
    )

    sent = send_pass_notices(page(app), world.deps())

    assert (sent.sent, sent.post_list, sent.skipped) == (0, 0, [app.application_id])
    assert world.records == {}


def test_given_the_persons_use_is_suspended_then_the_notice_waits_as_held_work() -> None:
    """P10 (利用停止): no notice is sent nor posted while it stands; the work is kept by ids
    for ``use_resumed`` (certify.suspension), and goes once lifted."""
    app = accepted()
    world = a_pass(app)
    world.links[QUALIFICATION_PSEUDONYM] = LINKED
    world.suspensions.suspend(QUALIFICATION_PSEUDONYM)

    done = send_pass_notices(page(app), world.deps())

    assert (done.sent, done.post_list, done.suspended) == (0, 0, 1)
    assert world.records == {}
    assert world.post == {}
    (work,) = world.suspensions.held.values()
    assert (work.application_id, work.group_key) == (app.application_id, GROUP)
    del world.suspensions.suspensions[QUALIFICATION_PSEUDONYM]
    assert send_pass_notices(page(app), world.deps()).sent == 1
