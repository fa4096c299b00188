"""The HTTPS e-Gov completion-notice adapter against the local fake e-Gov server, over real
mutual TLS (the ``pki`` fixture: the local runtime's link PKI; a second CA plays a
stranger). The fake validates each request against ``contract.json``."""

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

from kentei.egov_notices import (
    CompletionNotice,
    CompletionOutcome,
    EgovConflictError,
    EgovThrottledError,
    EgovUnavailableError,
    EgovUnknownApplicationError,
    contract,
    egov_notices_from_environment,
)
from kentei.egov_notices.fake import InMemoryEgov
from kentei.egov_notices.https import EgovSettings, HttpsEgov
from kentei_local.fake_egov_server import FakeEgovServer, Fault

APPLICATION = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9N"
AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def server(pki: Pki) -> Iterator[FakeEgovServer]:
    with FakeEgovServer(
        InMemoryEgov(known_applications=[APPLICATION]), **pki.server_files(), lifetime_s=60
    ) as running:
        yield running


def notice(**overrides: Any) -> CompletionNotice:
    values: dict[str, Any] = {
        "notice_id": f"{APPLICATION}-egov-done",
        "application_id": APPLICATION,
        "outcome": CompletionOutcome.RETURNED,
        "reason_codes": ("registry.not_confirmed",),
        "completed_at": AT,
        "sent_at": AT,
    }
    return CompletionNotice.model_validate(values | overrides)


def port(server: FakeEgovServer, pki: Pki, **overrides: object) -> tuple[HttpsEgov, list[float]]:
    backoff, slept = recorded_backoff()
    settings = EgovSettings.model_validate(link_settings(server, pki, **overrides))
    return HttpsEgov(settings, backoff=backoff), slept


def test_given_a_completion_notice_then_egov_holds_it_once_and_answers_the_same_receipt(
    server: FakeEgovServer, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    egov, _ = port(server, pki)

    first = egov.send(notice())
    again = egov.send(notice())

    assert first == again
    assert server.egov.notices_for(APPLICATION) == (notice(),)
    assert server.received[-1].client_subject == "certify"
    assert any(getattr(r, "notice_id", None) == notice().notice_id for r in caplog.records)


def test_given_an_accepted_application_then_no_reason_codes_travel(
    server: FakeEgovServer, pki: Pki
) -> None:
    egov, _ = port(server, pki)

    egov.send(notice(outcome=CompletionOutcome.ACCEPTED, reason_codes=()))

    (held,) = server.egov.notices_for(APPLICATION)
    assert (held.outcome, held.reason_codes) == (CompletionOutcome.ACCEPTED, ())


def test_given_an_id_reused_for_other_content_then_a_conflict_without_retrying(
    server: FakeEgovServer, pki: Pki
) -> None:
    egov, slept = port(server, pki)
    egov.send(notice())

    with pytest.raises(EgovConflictError):
        egov.send(notice(outcome=CompletionOutcome.REJECTED))
    assert slept == []


def test_given_an_application_egov_does_not_know_then_refused(
    server: FakeEgovServer, pki: Pki
) -> None:
    egov, slept = port(server, pki)
    other = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9M"

    with pytest.raises(EgovUnknownApplicationError):
        egov.send(notice(notice_id=f"{other}-egov-done", application_id=other))
    assert slept == []


def test_given_503_then_429_then_retried_with_one_request_id_and_delivered(
    server: FakeEgovServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(503), Fault.unavailable(429, retry_after="1"))
    egov, slept = port(server, pki)

    egov.send(notice())

    assert slept == [0.2, 1.0]
    assert len({r.request_id for r in server.received}) == 1
    assert len(server.egov.notices_for(APPLICATION)) == 1


def test_given_a_long_throttle_then_throttled_with_its_retry_after(
    server: FakeEgovServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(429, retry_after="120"))
    egov, _ = port(server, pki)

    with pytest.raises(EgovThrottledError) as raised:
        egov.send(notice())
    assert raised.value.retry_after_s == 120.0


def test_given_5xx_on_every_attempt_then_unavailable(server: FakeEgovServer, pki: Pki) -> None:
    server.inject(*[Fault.unavailable(503)] * 3)
    egov, _ = port(server, pki)

    with pytest.raises(EgovUnavailableError, match="attempt 3"):
        egov.send(notice())
    assert server.egov.notices_for(APPLICATION) == ()


def test_given_no_client_certificate_then_the_server_refuses_the_connection(
    server: FakeEgovServer, pki: Pki
) -> None:
    with pytest.raises((ssl.SSLError, ConnectionError)):
        post_without_client_certificate(server, pki.ours.ca_file, contract.COMPLETION_NOTICES)
    assert wait_for_handshake_failure(server) == 1
    assert server.egov.notices_for(APPLICATION) == ()


def test_given_a_certificate_from_another_ca_then_refused_over_tls(
    server: FakeEgovServer, pki: Pki
) -> None:
    egov, slept = port(
        server, pki, client_cert=pki.stranger.client.cert, client_key=pki.stranger.client.key
    )

    with pytest.raises(EgovUnavailableError, match="TLS"):
        egov.send(notice())
    assert slept == []


def raw_post(server: FakeEgovServer, pki: Pki, document: dict[str, Any]) -> tuple[int, Any]:
    body = json.dumps(document).encode()
    status, _, problem = post_as_another_client(server, pki, contract.COMPLETION_NOTICES, body)
    return status, problem


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"name": "見本 太郎"}, "body"),
        ({"outcome": "accepted"}, "reason_codes"),
        ({"reason_codes": []}, "reason_codes"),
        ({"application_id": "123456789018"}, "application_id"),
    ],
)
def test_the_fake_validates_against_the_schema_not_our_models(
    server: FakeEgovServer, pki: Pki, change: dict[str, Any], where: str
) -> None:
    document = json.loads(contract.notice_body(notice())) | change

    status, problem = raw_post(server, pki, document)

    assert status == 422
    assert problem["type"] == "urn:kentei:egov:invalid"
    assert where in problem["title"]
    assert "見本" not in problem["title"]
    assert "123456789018" not in problem["title"]


def test_given_the_url_set_then_the_factory_gives_the_https_adapter(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENTEI_EGOV_URL", "https://127.0.0.1:1")
    monkeypatch.setenv("KENTEI_EGOV_CLIENT_CERT", str(pki.ours.client.cert))
    monkeypatch.setenv("KENTEI_EGOV_CLIENT_KEY", str(pki.ours.client.key))
    monkeypatch.setenv("KENTEI_EGOV_CA_BUNDLE", str(pki.ours.ca_file))

    assert isinstance(egov_notices_from_environment(), HttpsEgov)
