"""The HTTPS notice adapter against the local fake Mynaportal server, over real mutual TLS.

The PKI is the ``pki`` fixture's (``tests/integration/conftest.py``): the local runtime's link
PKI, a CA, a server certificate for 127.0.0.1 and certify's client certificate; a second CA
plays a stranger.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.mtls_helpers import (
    Pki,
    link_settings,
    post_as_another_client,
    post_without_client_certificate,
    recorded_backoff,
    wait_for_handshake_failure,
)

from kentei.notices import (
    Attachment,
    DeliveryState,
    Notice,
    NoticeConflictError,
    NoticeKind,
    NoticeRejectedError,
    NoticeThrottledError,
    NoticeUnavailableError,
    UnknownRecipientError,
    contract,
    notices_from_environment,
)
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.https import HttpsMynaportal, MynaportalSettings
from kentei.registry.circuit import CircuitBreaker, CircuitState
from kentei_local.fake_mynaportal_server import FakeMynaportalServer, Fault, FaultRates

RECIPIENT = "mp_pseudonym-0001"
NAME = "見本 花子"
SENT_AT = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def server(pki: Pki) -> Iterator[FakeMynaportalServer]:
    with FakeMynaportalServer(
        InMemoryMynaportal(known_recipients=[RECIPIENT]), **pki.server_files(), lifetime_s=60
    ) as running:
        yield running


def ticket(**overrides: Any) -> Notice:
    values: dict[str, Any] = {
        "notice_id": "ticket-2026-001",
        "recipient": RECIPIENT,
        "kind": NoticeKind.EXAM_TICKET,
        "title": "受検票のお知らせ",
        "body": f"{NAME} 様\n令和8年度 技能検定の受検票をお送りします。",
        "attachment": Attachment(file_name="jukenhyo.pdf", content=b"%PDF-1.7 " + NAME.encode()),
        "sent_at": SENT_AT,
    }
    return Notice.model_validate(values | overrides)


def port(
    server: FakeMynaportalServer,
    pki: Pki,
    *,
    attempts: int = 3,
    breaker: CircuitBreaker | None = None,
    **overrides: object,
) -> tuple[HttpsMynaportal, list[float]]:
    backoff, slept = recorded_backoff(attempts)
    settings = MynaportalSettings.model_validate(link_settings(server, pki, **overrides))
    return HttpsMynaportal(settings, backoff=backoff, breaker=breaker), slept


def test_given_a_ticket_then_mynaportal_holds_it_and_answers_a_receipt(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki)

    receipt = notices.send(ticket())

    assert receipt.notice_id == "ticket-2026-001"
    assert server.mynaportal.notices_of(RECIPIENT) == (ticket(),)
    held = server.mynaportal.notices_of(RECIPIENT)[0]
    assert held.attachment is not None
    assert held.attachment.content.endswith(NAME.encode())
    assert server.received[-1].client_subject == "certify"


def test_given_the_same_notice_again_then_the_same_receipt_and_one_notice_held(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki)

    assert notices.send(ticket()) == notices.send(ticket())
    assert len(server.mynaportal.notices_of(RECIPIENT)) == 1


def test_given_an_id_reused_for_other_content_then_a_conflict(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, slept = port(server, pki)
    notices.send(ticket())

    with pytest.raises(NoticeConflictError, match="ticket-2026-001"):
        notices.send(ticket(body="別の本文"))
    assert slept == []


def test_given_an_unknown_recipient_then_refused_without_retrying(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, slept = port(server, pki)

    with pytest.raises(UnknownRecipientError):
        notices.send(ticket(recipient="mp_pseudonym-9999"))
    assert slept == []
    assert server.mynaportal.notices_of("mp_pseudonym-9999") == ()


def test_given_a_superseding_ticket_and_a_void_notice_then_the_statuses_travel(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki)
    notices.send(ticket())
    notices.send(ticket(notice_id="ticket-2026-002", supersedes="ticket-2026-001"))
    notices.send(
        ticket(
            notice_id="void-2026-002",
            kind=NoticeKind.TICKET_VOID,
            attachment=None,
            supersedes="ticket-2026-002",
        )
    )

    held = server.mynaportal.notices_of(RECIPIENT)
    assert [n.kind.ticket_status.value for n in held] == ["issued", "issued", "void"]
    assert [n.supersedes for n in held] == [None, "ticket-2026-001", "ticket-2026-002"]


def test_given_a_sent_notice_then_its_status_is_delivered_then_read(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki)
    receipt = notices.send(ticket())

    delivered = notices.status(receipt.notice_id)
    assert delivered is not None
    assert (delivered.state, delivered.receipt_id) == (DeliveryState.DELIVERED, receipt.receipt_id)

    server.mynaportal.mark_read(receipt.notice_id)
    read = notices.status(receipt.notice_id)
    assert read is not None
    assert read.state is DeliveryState.READ
    assert notices.status("never-sent") is None


def test_given_429_with_retry_after_then_it_is_honoured_and_the_resend_succeeds(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(429, retry_after="1"))
    notices, slept = port(server, pki)

    receipt = notices.send(ticket())

    assert slept == [1.0]
    assert receipt.notice_id == "ticket-2026-001"
    assert len({r.request_id for r in server.received}) == 1  # one call, retried
    assert len(server.mynaportal.notices_of(RECIPIENT)) == 1


def test_given_a_throttle_longer_than_the_cap_then_throttled_with_its_retry_after(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(429, retry_after="120"))
    notices, slept = port(server, pki)

    with pytest.raises(NoticeThrottledError) as raised:
        notices.send(ticket())
    assert raised.value.retry_after_s == 120.0
    assert slept == []


def test_given_5xx_on_every_attempt_then_unavailable_after_bounded_retries(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(503), Fault.unavailable(502), Fault.unavailable(500))
    notices, slept = port(server, pki)

    with pytest.raises(NoticeUnavailableError, match="attempt 3") as raised:
        notices.send(ticket())
    assert not isinstance(raised.value, NoticeThrottledError)
    assert slept == [0.2, 0.4]
    assert len(server.received) == 3
    assert server.mynaportal.notices_of(RECIPIENT) == ()


def test_given_a_lost_reply_then_the_retry_is_answered_the_same_receipt(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki, read_timeout_s=0.3)
    first = notices.send(ticket())
    server.inject(Fault.slow(1.0))  # answered after the client gave up on the attempt

    assert notices.send(ticket()) == first
    assert len(server.mynaportal.notices_of(RECIPIENT)) == 1


def test_given_repeated_unavailability_then_the_circuit_opens_and_refuses_fast(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cool_down_s=60)
    notices, _ = port(server, pki, attempts=1, breaker=breaker)
    server.inject(Fault.unavailable(503), Fault.unavailable(503))
    for _ in range(2):
        with pytest.raises(NoticeUnavailableError):
            notices.send(ticket())

    with pytest.raises(NoticeUnavailableError, match="circuit is open"):
        notices.send(ticket())
    assert breaker.state is CircuitState.OPEN
    assert len(server.received) == 2


def test_given_a_share_of_faults_then_retries_still_deliver_each_notice_once(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    server.set_rates(FaultRates(unavailable=0.3, throttled=0.2, retry_after="0", seed=7))
    notices, _ = port(server, pki, attempts=5)

    sent = 0
    for n in range(10):
        try:
            notices.send(ticket(notice_id=f"ticket-{n:03d}"))
            sent += 1
        except NoticeUnavailableError:
            pass
    server.set_rates(FaultRates())
    for n in range(10):
        notices.send(ticket(notice_id=f"ticket-{n:03d}"))

    assert sent >= 5
    assert len(server.mynaportal.notices_of(RECIPIENT)) == 10


def test_given_no_client_certificate_then_the_server_refuses_the_connection(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    with pytest.raises((ssl.SSLError, ConnectionError)):
        post_without_client_certificate(server, pki.ours.ca_file, contract.NOTICES)
    assert server.received == []
    assert wait_for_handshake_failure(server) == 1
    assert server.mynaportal.notices_of(RECIPIENT) == ()


def test_given_a_certificate_from_another_ca_then_refused_and_not_retried(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, slept = port(
        server, pki, client_cert=pki.stranger.client.cert, client_key=pki.stranger.client.key
    )

    with pytest.raises(NoticeUnavailableError, match="TLS"):
        notices.send(ticket())
    assert slept == []
    assert server.received == []


def test_given_the_wrong_server_ca_then_the_client_refuses_the_server(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    notices, _ = port(server, pki, ca_bundle=pki.stranger.ca_file)

    with pytest.raises(NoticeUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
        notices.send(ticket())


def raw_post(server: FakeMynaportalServer, pki: Pki, body: bytes) -> tuple[int, dict[str, Any]]:
    """A request as another client would send it, past our models."""
    status, content_type, problem = post_as_another_client(server, pki, contract.NOTICES, body)
    assert content_type == contract.PROBLEM_JSON
    return status, problem


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"my_number": "123456789018"}, "body"),
        ({"recipient": "short"}, "recipient"),
        ({"kind": "pass_notice"}, "kind"),
        ({"sent_at": "2026-12-06 09:00"}, "sent_at"),
        ({"kind": "ticket_void", "attachment": None}, "supersedes"),
    ],
    ids=[
        "unknown-field",
        "bad-recipient",
        "unknown-kind",
        "bad-instant",
        "void-without-supersedes",
    ],
)
def test_given_a_request_outside_the_schema_then_the_fake_answers_422_naming_where(
    server: FakeMynaportalServer, pki: Pki, change: dict[str, Any], where: str
) -> None:
    document = json.loads(contract.notice_body(ticket())) | change

    status, problem = raw_post(server, pki, json.dumps(document).encode())

    assert (status, problem["type"]) == (422, "urn:kentei:mynaportal:invalid")
    assert where in problem["title"]
    assert "123456789018" not in problem["title"]
    assert NAME not in problem["title"]
    assert server.mynaportal.notices_of(RECIPIENT) == ()


def test_given_a_body_that_is_not_json_or_a_wrong_digest_then_400_or_422(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    assert raw_post(server, pki, b"{not json")[0] == 400
    document = json.loads(contract.notice_body(ticket()))
    document["attachment"]["sha256"] = "0" * 64
    status, problem = raw_post(server, pki, json.dumps(document).encode())
    assert status == 422
    assert "sha256" in problem["title"]


def test_given_sends_and_failures_then_logs_hold_ids_and_kinds_never_the_text(
    server: FakeMynaportalServer, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    notices, _ = port(server, pki)
    server.inject(Fault.unavailable(503))

    with caplog.at_level(logging.DEBUG):
        notices.send(ticket())
        notices.status("ticket-2026-001")
        for refused in (ticket(body=f"{NAME} 様 別の本文"), ticket(recipient="mp_pseudonym-9999")):
            with pytest.raises((NoticeConflictError, UnknownRecipientError)) as raised:
                notices.send(refused.model_copy(update={"notice_id": "ticket-2026-001"}))
            assert NAME not in str(raised.value)

    lines = [f"{r.getMessage()} {r.__dict__}" for r in caplog.records]
    kentei_lines = [
        line for line, r in zip(lines, caplog.records, strict=False) if r.name.startswith("kentei")
    ]
    assert len(kentei_lines) == 5
    assert all(
        "ticket-2026-001" in line and "mynaportal_request_id" in line for line in kentei_lines
    )
    assert any("exam_ticket" in line for line in kentei_lines)
    for secret in (NAME, "見本", "受検票", "JVBER"):
        assert not any(secret in line for line in lines)


def test_given_the_environment_then_the_factory_makes_the_https_adapter(
    server: FakeMynaportalServer, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "KENTEI_MYNAPORTAL_URL": server.url,
        "KENTEI_MYNAPORTAL_CLIENT_CERT": str(pki.ours.client.cert),
        "KENTEI_MYNAPORTAL_CLIENT_KEY": str(pki.ours.client.key),
        "KENTEI_MYNAPORTAL_CA_BUNDLE": str(pki.ours.ca_file),
    }.items():
        monkeypatch.setenv(name, value)

    notices = notices_from_environment()

    assert isinstance(notices, HttpsMynaportal)
    assert notices.send(ticket()).notice_id == "ticket-2026-001"


def test_given_a_reply_outside_the_contract_then_rejected(
    server: FakeMynaportalServer, pki: Pki
) -> None:
    server.inject(Fault.malformed(b'{"notice_id":"ticket-2026-001"}'))
    notices, _ = port(server, pki)

    with pytest.raises(NoticeRejectedError, match="malformed receipt"):
        notices.send(ticket())
