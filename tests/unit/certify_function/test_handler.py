"""Certify's consumer: importing the handler (a cold start) imports neither the modules of its
rare message kinds (reissues, revocations, the daily re-signing) nor a PDF, image, crypto or
JOSE library; a kind of two steps (a revoked pass: its certificates, then the person's
notice) attempts each whatever became of the other, logs each that went, and the first
failure fails the message; a route refuses a message of another model."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from tests.unit.cold_start import loaded_by
from tests.unit.notice_dispatch.test_certify_handler import batch, failures
from tests.unit.person_requests.fakes import FakeSuspensions

from certify import handler, revocation_notices, status_changes
from certify.certificates import CertificateRefusedError, IssueReport
from certify.pass_notices import PageNotices
from certify.revocation_notices import RevocationNoticeRefusedError
from certify.status_changes import RevocationOutcome
from kentei import messages
from kentei.consumer import UnroutedMessageError
from kentei.person_requests.suspension import HeldWork
from kentei_local.context import LocalContext

RARE = ("certify.status_changes", "certify.revocation_notices", "certify.status_renewal")
HEAVY = (
    *("cryptography", "pyhanko", "pyhanko_certvalidator", "asn1crypto", "jwt"),
    *("fpdf", "fontTools", "PIL", "cbor2", "segno"),
)
REVOKED = messages.PassRevoked(
    application_id="13-01J0000000000000000000000A",
    prefecture_code="13",
    qualification_pseudonym_id="p-000001",
)


def test_given_a_cold_start_then_no_rare_kind_s_module_nor_heavy_library_is_imported() -> None:
    assert loaded_by(["certify.handler"], (*RARE, *HEAVY)) == []


def _revocation(
    monkeypatch: pytest.MonkeyPatch, *, certificates: Exception | None, notice: Exception | None
) -> list[str]:
    """The revoked pass's two steps, each failing with its error if given; the steps run."""
    ran: list[str] = []

    def revoke(message: messages.PassRevoked, deps: Any) -> RevocationOutcome:
        ran.append("certificates")
        if certificates is not None:
            raise certificates
        return RevocationOutcome(revoked=["C13G262-00001-1"], published=[1])

    def notify(message: messages.PassRevoked, deps: Any) -> str:
        ran.append("notice")
        if notice is not None:
            raise notice
        return "sent"

    monkeypatch.setattr(handler, "dependencies", lambda: None)
    monkeypatch.setattr(handler, "notice_dependencies", lambda: None)
    monkeypatch.setattr(status_changes, "revoke_certificates", revoke)
    monkeypatch.setattr(revocation_notices, "send_revocation_notice", notify)
    return ran


def _handle(caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[str], list[Any]]:
    """The batch of the revoked pass: its failures, the log lines, and the errors logged."""
    caplog.set_level(logging.INFO)
    answer = handler.handler(batch(messages.encode(REVOKED)), LocalContext.for_function("certify"))
    lines = [r.getMessage() for r in caplog.records]
    errors = [
        getattr(r, "error", None) for r in caplog.records if r.getMessage() == "message failed"
    ]
    return failures(answer), lines, errors


@pytest.mark.usefixtures("lambda_environment")
def test_given_a_revoked_pass_then_its_certificates_are_revoked_and_then_the_notice_goes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ran = _revocation(monkeypatch, certificates=None, notice=None)

    failed, lines, _ = _handle(caplog)

    assert failed == []
    assert ran == ["certificates", "notice"]
    assert lines.index("pass revocation: certificates") < lines.index("pass revocation: notice")


@pytest.mark.usefixtures("lambda_environment")
def test_given_the_certificates_fail_then_the_notice_goes_all_the_same_and_the_message_fails(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ran = _revocation(monkeypatch, certificates=CertificateRefusedError("no"), notice=None)

    failed, lines, errors = _handle(caplog)

    assert failed == ["m-0"]  # retried, then the DLQ
    assert ran == ["certificates", "notice"]
    assert "pass revocation: notice" in lines
    assert "pass revocation: certificates" not in lines
    assert errors == ["CertificateRefusedError"]


@pytest.mark.usefixtures("lambda_environment")
def test_given_both_steps_fail_then_the_first_failure_fails_the_message(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ran = _revocation(
        monkeypatch,
        certificates=CertificateRefusedError("no"),
        notice=RevocationNoticeRefusedError("no"),
    )

    failed, lines, errors = _handle(caplog)

    assert failed == ["m-0"]
    assert ran == ["certificates", "notice"]
    assert not {"pass revocation: certificates", "pass revocation: notice"} & set(lines)
    assert errors == ["CertificateRefusedError"]


def test_given_a_message_of_another_model_then_the_route_refuses_it() -> None:
    void = messages.TicketVoid(application_id=REVOKED.application_id, prefecture_code="13")
    with pytest.raises(UnroutedMessageError, match="TicketDue"):
        handler.ROUTES["ticket_due"](void)


@pytest.mark.usefixtures("lambda_environment")
def test_given_use_resumed_then_each_held_pass_is_announced_again_and_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P10: the ``use_resumed`` route runs the announced page's two steps (certificate, then
    notice) for each pass held while the person's use was suspended, then forgets it."""
    held = FakeSuspensions()
    person = "p-000001-suspended"
    for n in (1, 2):
        held.hold_work(
            HeldWork(
                prefecture_code="13",
                qualification_pseudonym_id=person,
                application_id=f"13-01J000000000000000000000{n:02d}",
                group_key="2026-前期#13#070101#2",
                held_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
            )
        )
    ran: list[tuple[str, tuple[str, ...]]] = []

    def certificates(message: messages.PassesAnnounced, deps: Any) -> IssueReport:
        ran.append(("certificates", message.application_ids))
        return IssueReport()

    def notices(message: messages.PassesAnnounced, deps: Any) -> PageNotices:
        ran.append(("notices", message.application_ids))
        return PageNotices()

    monkeypatch.setattr(
        handler, "dependencies", lambda: SimpleNamespace(suspensions=lambda _p: held)
    )
    monkeypatch.setattr(handler, "notice_dependencies", lambda: None)
    monkeypatch.setattr(handler, "issue_certificates", certificates)
    monkeypatch.setattr(handler, "send_pass_notices", notices)
    resumed = messages.UseResumed(prefecture_code="13", qualification_pseudonym_id=person)

    answer = handler.handler(batch(messages.encode(resumed)), LocalContext.for_function("certify"))

    assert failures(answer) == []
    first, second = "13-01J00000000000000000000001", "13-01J00000000000000000000002"
    assert ran == [
        ("certificates", (first,)),
        ("notices", (first,)),
        ("certificates", (second,)),
        ("notices", (second,)),
    ]
    assert held.held == {}
