"""The HTTPS registry adapter against the local fake link server, over real mutual TLS.

A throwaway PKI is made in ``tmp_path``: a CA for the server, one for the clients, a server
certificate for 127.0.0.1 and a client certificate; a second, unrelated CA plays the wrong one.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from tests.integration.mtls_helpers import (
    post_without_client_certificate,
    wait_for_handshake_failure,
)

from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry import (
    RegistryProtocolError,
    RegistryStatus,
    RegistryUnavailableError,
    contract,
    registry_from_environment,
)
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker, CircuitState
from kentei.registry.fake import SeededRegistry
from kentei.registry.https import HttpsRegistry, RegistryLinkSettings
from kentei_local.fake_registry_server import DEMO_SEED, FakeRegistryServer, Fault

PRESENT = MyNumber("900000000010")
MOVED = MyNumber("900000000052")
ABSENT = MyNumber("900000000079")


@dataclass(frozen=True)
class Issued:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    server_ca: Path
    client_ca: Path
    other_ca: Path
    server: Issued
    client: Issued
    stranger: Issued
    """A client certificate from a CA the server does not trust."""
    wrong_host: Issued
    """A server certificate from the right CA for another host name."""


class _Authority:
    def __init__(self, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            _builder(self.name, self.name, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    def issue(
        self, folder: Path, name: str, usage: x509.ObjectIdentifier, san: x509.GeneralName
    ) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        cert = (
            _builder(subject, self.name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectAlternativeName([san]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        issued = Issued(folder / f"{name}.crt", folder / f"{name}.key")
        issued.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        issued.key.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return issued

    def write(self, path: Path) -> Path:
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey) -> Any:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    server_ca, client_ca, other_ca = (
        _Authority("Test registry link CA"),
        _Authority("Test verify client CA"),
        _Authority("Unrelated CA"),
    )
    loopback = x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))
    return Pki(
        server_ca=server_ca.write(folder / "server-ca.pem"),
        client_ca=client_ca.write(folder / "client-ca.pem"),
        other_ca=other_ca.write(folder / "other-ca.pem"),
        server=server_ca.issue(folder, "link-server", ExtendedKeyUsageOID.SERVER_AUTH, loopback),
        client=client_ca.issue(
            folder, "verify", ExtendedKeyUsageOID.CLIENT_AUTH, x509.DNSName("verify.kentei.test")
        ),
        stranger=other_ca.issue(
            folder, "stranger", ExtendedKeyUsageOID.CLIENT_AUTH, x509.DNSName("stranger.test")
        ),
        wrong_host=server_ca.issue(
            folder, "elsewhere", ExtendedKeyUsageOID.SERVER_AUTH, x509.DNSName("elsewhere.test")
        ),
    )


@pytest.fixture
def server(pki: Pki) -> Iterator[FakeRegistryServer]:
    with FakeRegistryServer(
        SeededRegistry.from_file(DEMO_SEED),
        certfile=pki.server.cert,
        keyfile=pki.server.key,
        client_ca=pki.client_ca,
        lifetime_s=60,
    ) as running:
        yield running


def state_of(breaker: CircuitBreaker) -> CircuitState:
    """The state now (a function call, so the type checker does not pin an earlier reading)."""
    return breaker.state


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings_for(url: str, pki: Pki, **overrides: object) -> RegistryLinkSettings:
    values: dict[str, object] = {
        "url": url,
        "client_cert": pki.client.cert,
        "client_key": pki.client.key,
        "ca_bundle": pki.server_ca,
        "connect_timeout_s": 2,
        "read_timeout_s": 2,
    }
    return RegistryLinkSettings.model_validate(values | overrides)


def no_sleep_backoff(attempts: int = 3) -> tuple[Backoff, list[float]]:
    slept: list[float] = []
    return Backoff(attempts, 0.2, 2.0, sleep=slept.append, uniform=lambda a, b: b), slept


def adapter(
    url: str,
    pki: Pki,
    *,
    attempts: int = 3,
    breaker: CircuitBreaker | None = None,
    **overrides: object,
) -> HttpsRegistry:
    backoff, _ = no_sleep_backoff(attempts)
    return HttpsRegistry(settings_for(url, pki, **overrides), backoff=backoff, breaker=breaker)


def test_given_a_seeded_person_when_looked_up_by_number_then_the_current_items_come_back(
    server: FakeRegistryServer, pki: Pki
) -> None:
    record = adapter(server.url, pki).by_my_number(PRESENT)

    assert record.status is RegistryStatus.CURRENT
    assert record.person is not None
    assert record.person.name == "見本 太郎"
    assert record.person.birth_date == dt.date(1990, 4, 1)
    assert record.person.sex is Sex.MALE
    assert server.received[-1].client_subject == "verify"
    assert server.received[-1].request_id


def test_given_statuses_then_moved_and_unknown_come_back_as_answers(
    server: FakeRegistryServer, pki: Pki
) -> None:
    registry = adapter(server.url, pki)

    assert registry.by_my_number(MOVED).status is RegistryStatus.MOVED
    assert registry.by_my_number(ABSENT).status is RegistryStatus.UNKNOWN
    assert registry.by_my_number(ABSENT).person is None


def test_given_four_items_written_differently_then_the_candidate_comes_back_with_its_number(
    server: FakeRegistryServer, pki: Pki
) -> None:
    candidates = adapter(server.url, pki).by_four_items(
        "見本　太郎", dt.date(1990, 4, 1), Sex.MALE, "東京都千代田区見本町1-2-3"
    )

    assert [c.my_number for c in candidates] == [PRESENT]
    assert "900000000010" not in repr(candidates)


def test_given_no_match_then_no_candidates(server: FakeRegistryServer, pki: Pki) -> None:
    assert (
        adapter(server.url, pki).by_four_items(
            "見本 太郎", dt.date(1990, 4, 2), Sex.MALE, "東京都千代田区見本町1-2-3"
        )
        == ()
    )


def test_given_no_client_certificate_then_the_server_refuses_the_connection(
    server: FakeRegistryServer, pki: Pki
) -> None:
    with pytest.raises((ssl.SSLError, ConnectionError)):
        post_without_client_certificate(server, pki.server_ca, contract.BY_MY_NUMBER)
    assert server.received == []
    assert wait_for_handshake_failure(server) == 1


def test_given_a_client_certificate_from_an_untrusted_ca_then_the_lookup_is_refused(
    server: FakeRegistryServer, pki: Pki
) -> None:
    registry = adapter(
        server.url, pki, attempts=1, client_cert=pki.stranger.cert, client_key=pki.stranger.key
    )

    with pytest.raises(RegistryUnavailableError) as raised:
        registry.by_my_number(PRESENT)
    assert "TLS" in str(raised.value)
    assert server.received == []
    assert wait_for_handshake_failure(server) == 1


def test_given_the_wrong_server_ca_then_the_client_refuses_the_server(
    server: FakeRegistryServer, pki: Pki
) -> None:
    backoff, slept = no_sleep_backoff()
    registry = HttpsRegistry(settings_for(server.url, pki, ca_bundle=pki.other_ca), backoff=backoff)

    with pytest.raises(RegistryUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
        registry.by_my_number(PRESENT)
    assert slept == []  # a refused certificate is not retried
    assert server.received == []


def test_given_a_server_certificate_for_another_host_then_the_client_refuses_it(
    pki: Pki,
) -> None:
    with (
        FakeRegistryServer(
            SeededRegistry.from_file(DEMO_SEED),
            certfile=pki.wrong_host.cert,
            keyfile=pki.wrong_host.key,
            client_ca=pki.client_ca,
        ) as elsewhere,
        pytest.raises(RegistryUnavailableError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        adapter(elsewhere.url, pki).by_my_number(PRESENT)


def test_given_a_slow_server_then_the_read_times_out_and_each_attempt_is_retried(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault.slow(1.0), Fault.slow(1.0))
    registry = adapter(server.url, pki, attempts=2, read_timeout_s=0.2)

    with pytest.raises(RegistryUnavailableError, match="ReadTimeoutError"):
        registry.by_my_number(PRESENT)
    assert len(server.received) == 2


def test_given_a_lookup_budget_then_no_retry_starts_past_it(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault.slow(1.0), Fault.slow(1.0), Fault.slow(1.0))
    registry = adapter(server.url, pki, read_timeout_s=0.5, budget_s=0.6)
    started = time.monotonic()

    with pytest.raises(RegistryUnavailableError, match="attempt 1"):
        registry.by_my_number(PRESENT)

    assert time.monotonic() - started < 1.0
    assert len(server.received) == 1


def test_given_a_closed_port_then_connecting_fails_as_unavailable(pki: Pki) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RegistryUnavailableError, match="NewConnectionError"):
        adapter(f"https://127.0.0.1:{port}", pki).by_my_number(PRESENT)


def test_given_503_twice_then_the_third_attempt_succeeds_after_backoff(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(503), Fault.unavailable(429))
    backoff, slept = no_sleep_backoff()
    registry = HttpsRegistry(settings_for(server.url, pki), backoff=backoff)

    assert registry.by_my_number(PRESENT).status is RegistryStatus.CURRENT
    assert slept == [0.2, 0.4]  # exponential bounds (the test's jitter takes the maximum)
    request_ids = {r.request_id for r in server.received}
    assert len(server.received) == 3
    assert len(request_ids) == 1  # one lookup, one request id across its retries


def test_given_retry_after_within_the_cap_then_it_is_honoured(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(503, retry_after="1"))
    backoff, slept = no_sleep_backoff()

    HttpsRegistry(settings_for(server.url, pki), backoff=backoff).by_my_number(PRESENT)

    assert slept == [1.0]


def test_given_retry_after_beyond_the_cap_then_the_lookup_gives_up_at_once(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault.unavailable(503, retry_after="120"))
    backoff, slept = no_sleep_backoff()

    with pytest.raises(RegistryUnavailableError, match="HTTP 503"):
        HttpsRegistry(settings_for(server.url, pki), backoff=backoff).by_my_number(PRESENT)
    assert slept == []


def test_given_a_client_error_then_it_is_a_protocol_error_and_not_retried(
    server: FakeRegistryServer, pki: Pki
) -> None:
    server.inject(Fault(status=403))
    backoff, slept = no_sleep_backoff()

    with pytest.raises(RegistryProtocolError, match="HTTP 403"):
        HttpsRegistry(settings_for(server.url, pki), backoff=backoff).by_my_number(PRESENT)
    assert slept == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault.malformed(),
        Fault.malformed(b'{"status": "current", "person": null}'),
        Fault.malformed(b'{"status": "current", "person": null, "extra": 1}'),
        Fault(body=b'{"status": "unknown", "person": null}', content_type="text/html"),
    ],
    ids=["truncated", "person-missing", "unknown-field", "not-json-content-type"],
)
def test_given_a_reply_outside_the_contract_then_a_protocol_error(
    server: FakeRegistryServer, pki: Pki, fault: Fault
) -> None:
    server.inject(fault)

    with pytest.raises(RegistryProtocolError):
        adapter(server.url, pki).by_my_number(PRESENT)


def test_given_a_malformed_candidate_number_then_the_error_names_the_field_not_the_value(
    server: FakeRegistryServer, pki: Pki
) -> None:
    person = '{"name":"見本 太郎","birth_date":"1990-04-01","sex":"1","address":"東京都"}'
    server.inject(
        Fault.malformed(
            f'{{"candidates":[{{"my_number":"900000000011","status":"current","person":{person}}}]}}'.encode()
        )
    )

    with pytest.raises(RegistryProtocolError, match=r"candidates\.0\.my_number") as raised:
        adapter(server.url, pki).by_four_items("見本 太郎", dt.date(1990, 4, 1), Sex.MALE, "東京都")
    assert "900000000011" not in str(raised.value)
    assert "見本" not in str(raised.value)


def test_given_repeated_failures_then_the_circuit_opens_refuses_fast_and_half_opens(
    server: FakeRegistryServer, pki: Pki
) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down_s=30, clock=clock)
    registry = adapter(server.url, pki, attempts=1, breaker=breaker)
    server.inject(Fault.unavailable(502), Fault.unavailable(504))

    for _ in range(2):
        with pytest.raises(RegistryUnavailableError):
            registry.by_my_number(PRESENT)
    assert state_of(breaker) is CircuitState.OPEN

    with pytest.raises(RegistryUnavailableError, match="circuit is open"):
        registry.by_my_number(PRESENT)
    assert len(server.received) == 2  # refused without a request

    clock.now += 30
    assert state_of(breaker) is CircuitState.HALF_OPEN
    assert registry.by_my_number(PRESENT).status is RegistryStatus.CURRENT
    assert state_of(breaker) is CircuitState.CLOSED


def test_given_a_half_open_circuit_when_the_trial_fails_then_it_opens_again(
    server: FakeRegistryServer, pki: Pki
) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down_s=10, clock=clock)
    registry = adapter(server.url, pki, attempts=1, breaker=breaker)
    server.inject(Fault.unavailable(503), Fault.unavailable(503))
    with pytest.raises(RegistryUnavailableError):
        registry.by_my_number(PRESENT)

    clock.now += 10
    with pytest.raises(RegistryUnavailableError, match="HTTP 503"):
        registry.by_my_number(PRESENT)

    assert state_of(breaker) is CircuitState.OPEN
    with pytest.raises(RegistryUnavailableError, match="circuit is open"):
        registry.by_my_number(PRESENT)


def test_given_a_lookup_then_log_lines_hold_ids_and_outcomes_but_no_personal_values(
    server: FakeRegistryServer, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    server.inject(Fault.unavailable(503))
    registry = adapter(server.url, pki)

    with caplog.at_level(logging.INFO, logger="kentei.registry"):
        registry.by_my_number(PRESENT)
        registry.by_four_items(
            "見本 太郎", dt.date(1990, 4, 1), Sex.MALE, "東京都千代田区見本町1-2-3"
        )

    rendered = [
        f"{r.getMessage()} {r.__dict__}" for r in caplog.records if r.name.startswith("kentei")
    ]
    assert len(rendered) == 3
    assert all("registry_request_id" in line for line in rendered)
    for secret in ("900000000010", "見本", "1990", "千代田"):
        assert not any(secret in line for line in rendered)


def test_given_the_link_environment_then_the_factory_makes_the_https_adapter(
    server: FakeRegistryServer, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KENTEI_REGISTRY_SEED", raising=False)
    for name, value in {
        "KENTEI_REGISTRY_URL": server.url,
        "KENTEI_REGISTRY_CLIENT_CERT": str(pki.client.cert),
        "KENTEI_REGISTRY_CLIENT_KEY": str(pki.client.key),
        "KENTEI_REGISTRY_CA_BUNDLE": str(pki.server_ca),
    }.items():
        monkeypatch.setenv(name, value)

    registry = registry_from_environment()

    assert isinstance(registry, HttpsRegistry)
    assert registry.by_my_number(PRESENT).status is RegistryStatus.CURRENT
