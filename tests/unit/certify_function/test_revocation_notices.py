"""The notice that a pass is revoked (合格取消通知, R15) over the in-memory ports of the pass
notice tests: to the person's latest Mynaportal pseudonym, on the results group's post list
without one, recorded once apart from the pass notice, retried after a transient failure; its
text names the day and asks the certificate back (返納) only when one was issued, and never
holds the name, the reason or the legal basis."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.unit.notice_dispatch.fakes import Failing, World
from tests.unit.notice_dispatch.test_pass_notices import GROUP, LINKED, NAME, accepted, add, page
from tests.unit.review.factory import QUALIFICATION_PSEUDONYM

from certify.pass_notices import send_pass_notices
from certify.revocation_notices import RevocationNoticeRefusedError, send_revocation_notice
from kentei.applications.model import Application, Channel
from kentei.exemptions.model import PassKind
from kentei.messages import PassRevoked, decode, encode
from kentei.notice_records import NoticeChannel, NoticeOutcome, PostReason, RecordedKind
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import Notice, NoticeKind
from kentei.notices.port import NoticeUnavailableError
from kentei.records.fields import JST
from kentei.results.revocations import PassRevocationRecord

REASON = "受検資格の虚偽申告が判明したため"
BASIS = "職業能力開発促進法施行規則（条項は確認中）"
CERTIFICATE = "C-13-000001-1"


def revoked(
    channel: Channel = Channel.MYNAPORTAL,
    *,
    certificates: tuple[str, ...] = (CERTIFICATE,),
    kind: PassKind = PassKind.PASS,
) -> tuple[World, Application]:
    """A world with the application's pass, revoked from 1 November 2026."""
    app = accepted(channel)
    world = World()
    add(world, app, kind)
    world.revocations[(QUALIFICATION_PSEUDONYM, app.application_id)] = PassRevocationRecord(
        qualification_pseudonym_id=QUALIFICATION_PSEUDONYM,
        application_id=app.application_id,
        record_id=app.application_id,
        effective_on=dt.date(2026, 11, 1),
        reason=REASON,
        legal_basis=BASIS,
        revoked_by="staff:13:cert1",
        revoked_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=JST),
        certificates=certificates,
    )
    return world, app


def message(app: Application) -> PassRevoked:
    return PassRevoked(
        application_id=app.application_id,
        prefecture_code="13",
        qualification_pseudonym_id=QUALIFICATION_PSEUDONYM,
    )


def only_notice(world: World, recipient: str) -> Notice:
    assert isinstance(world.mynaportal, InMemoryMynaportal)
    (notice,) = world.mynaportal.notices_of(recipient)
    return notice


def test_the_notice_goes_to_the_latest_mynaportal_pseudonym_and_asks_the_return() -> None:
    world, app = revoked()
    world.links[QUALIFICATION_PSEUDONYM] = LINKED

    outcome = send_revocation_notice(message(app), world.deps())

    assert outcome == "sent"
    notice = only_notice(world, LINKED)
    assert isinstance(world.mynaportal, InMemoryMynaportal)
    assert world.mynaportal.notices_of(str(app.mynaportal_pseudonym_id)) == ()
    assert notice.notice_id == f"{app.application_id}-revoked"
    assert notice.kind is NoticeKind.PASS_REVOCATION
    assert notice.title.startswith("合格取消通知")
    assert "2級" in notice.title
    assert "2026年11月1日付けで取り消されました" in notice.body
    assert "合格証書番号 C-13-000001" in notice.body
    assert "返納" in notice.body
    stored = world.records[notice.notice_id]
    assert stored.kind is RecordedKind.PASS_REVOCATION
    assert (stored.channel, stored.outcome) == (NoticeChannel.MYNAPORTAL, NoticeOutcome.SENT)
    assert stored.receipt_id is not None
    assert stored.group_key == GROUP
    assert stored.qualification_pseudonym_id == QUALIFICATION_PSEUDONYM


def test_without_a_link_the_applications_own_mynaportal_pseudonym_gets_it() -> None:
    world, app = revoked()

    assert send_revocation_notice(message(app), world.deps()) == "sent"

    notice = only_notice(world, str(app.mynaportal_pseudonym_id))
    assert notice.kind is NoticeKind.PASS_REVOCATION


def test_no_return_is_asked_when_no_certificate_was_issued() -> None:
    world, app = revoked(certificates=())

    send_revocation_notice(message(app), world.deps())

    notice = only_notice(world, str(app.mynaportal_pseudonym_id))
    assert "返納" not in notice.body
    assert "2026年11月1日付けで取り消されました" in notice.body


@pytest.mark.parametrize("channel", [Channel.PAPER, Channel.EGOV])
def test_without_a_mynaportal_pseudonym_the_notice_goes_on_the_groups_post_list(
    channel: Channel,
) -> None:
    world, app = revoked(channel)

    outcome = send_revocation_notice(message(app), world.deps())

    assert outcome == "post_list"
    entry = world.post[(GROUP, app.application_id)]
    assert entry.reason is PostReason.NO_ONLINE_CHANNEL
    assert entry.kind is RecordedKind.PASS_REVOCATION
    assert entry.notice_id == f"{app.application_id}-revoked"
    assert entry.qualification_pseudonym_id == QUALIFICATION_PSEUDONYM
    stored = world.records[entry.notice_id]
    assert (stored.channel, stored.outcome) == (NoticeChannel.POST, NoticeOutcome.POST_LIST)
    assert isinstance(world.mynaportal, InMemoryMynaportal)
    assert world.mynaportal.notices_of(LINKED) == ()
    assert world.egov.calls == 0


def test_when_mynaportal_does_not_know_the_pseudonym_the_notice_goes_on_the_post_list() -> None:
    world, app = revoked()
    world.mynaportal = InMemoryMynaportal(known_recipients=[])

    assert send_revocation_notice(message(app), world.deps()) == "post_list"

    assert world.post[(GROUP, app.application_id)].reason is PostReason.UNKNOWN_RECIPIENT


def test_the_notice_is_recorded_once_and_apart_from_the_pass_notice() -> None:
    world, app = revoked()
    port = Failing(InMemoryMynaportal(), NoticeUnavailableError("down"), times=0)
    world.mynaportal = port
    kept = dict(world.revocations)
    world.revocations.clear()  # the pass notice went before the pass was revoked
    send_pass_notices(page(app), world.deps())
    world.revocations.update(kept)

    first = send_revocation_notice(message(app), world.deps())
    again = send_revocation_notice(message(app), world.deps())

    assert (first, again) == ("sent", "already")
    assert port.calls == 2, "the pass notice, then the revocation notice once"
    assert sorted(world.records) == [f"{app.application_id}-pass", f"{app.application_id}-revoked"]
    kinds = [n.kind for n in port.inner.notices_of(str(app.mynaportal_pseudonym_id))]
    assert kinds == [NoticeKind.PASS, NoticeKind.PASS_REVOCATION]


def test_a_post_list_notice_is_not_listed_twice() -> None:
    world, app = revoked(Channel.PAPER)

    first = send_revocation_notice(message(app), world.deps())
    again = send_revocation_notice(message(app), world.deps())

    assert (first, again) == ("post_list", "already")
    assert list(world.post) == [(GROUP, app.application_id)]


def test_a_transient_failure_is_kept_and_the_redelivered_message_sends_it() -> None:
    world, app = revoked()
    port = Failing(InMemoryMynaportal(), NoticeUnavailableError("down"), times=1)
    world.mynaportal = port

    with pytest.raises(NoticeUnavailableError):
        send_revocation_notice(message(app), world.deps())

    stored = world.records[f"{app.application_id}-revoked"]
    assert stored.outcome is NoticeOutcome.RETRYING
    assert [a.error for a in stored.attempts] == ["NoticeUnavailableError"]

    assert send_revocation_notice(message(app), world.deps()) == "sent"
    stored = world.records[f"{app.application_id}-revoked"]
    assert stored.outcome is NoticeOutcome.SENT
    assert len(stored.attempts) == 1
    assert port.calls == 2


@pytest.mark.parametrize("missing", ["revocation", "pass", "application"])
def test_a_revocation_notice_without_its_revocation_pass_or_application_is_refused(
    missing: str,
) -> None:
    world, app = revoked()
    key = (QUALIFICATION_PSEUDONYM, app.application_id)
    if missing == "revocation":
        del world.revocations[key]
    elif missing == "pass":
        del world.passes[key]
    else:
        del world.applications[app.application_id]

    with pytest.raises(RevocationNoticeRefusedError) as refused:
        send_revocation_notice(message(app), world.deps())

    assert app.application_id in str(refused.value)
    assert not world.records
    assert not world.post
    assert isinstance(world.mynaportal, InMemoryMynaportal)
    assert world.mynaportal.notices_of(str(app.mynaportal_pseudonym_id)) == ()


def test_no_name_reason_or_basis_in_the_notice_its_record_the_post_list_or_the_message() -> None:
    online, online_app = revoked()
    posted, posted_app = revoked(Channel.PAPER)
    sent = message(online_app)

    send_revocation_notice(decode(encode(sent)), online.deps())  # type: ignore[arg-type]
    send_revocation_notice(message(posted_app), posted.deps())

    assert isinstance(online.mynaportal, InMemoryMynaportal)
    texts = [encode(sent), encode(message(posted_app))]
    texts += [
        n.model_dump_json()
        for n in online.mynaportal.notices_of(str(online_app.mynaportal_pseudonym_id))
    ]
    texts += [r.model_dump_json() for world in (online, posted) for r in world.records.values()]
    texts += [e.model_dump_json() for e in posted.post.values()]
    assert len(texts) == 6
    for text in texts:
        flat = json.dumps(json.loads(text), ensure_ascii=False)
        for secret in (*NAME.split(), REASON, BASIS, "虚偽"):
            assert secret not in flat
