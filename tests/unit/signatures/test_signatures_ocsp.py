"""OCSP: a local responder over HTTP, and what a response must prove to be believed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from kentei.signatures import (
    FirstAnswer,
    NotRevoked,
    OcspEvidence,
    RevocationUnknown,
    Revoked,
    revocation_from_environment,
)
from kentei.signatures.crl import CrlDirectory
from kentei.signatures.ocsp import OcspResponder, UrllibTransport
from kentei_local.testpki import CaKind, CertificateAuthority, Issued, TestPki

from .builders import issue_custom
from .ocsp_responder import Answer, OcspResponderFake, serving

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def fake(pki: TestPki) -> OcspResponderFake:
    return OcspResponderFake(pki.signing_ca)


@pytest.fixture
def url(fake: OcspResponderFake) -> Iterator[str]:
    with serving(fake) as served:
        yield served


def ask(url: str, card: Issued, pki: TestPki, at: dt.datetime = NOW) -> object:
    return OcspResponder(url).status(card.certificate, pki.signing_ca.certificate, at)


def test_given_a_good_answer_over_http_then_not_revoked_with_the_response_kept(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    answer = ask(url, card, pki)

    assert isinstance(answer, NotRevoked)
    evidence = answer.evidence
    assert isinstance(evidence, OcspEvidence)
    assert evidence.cert_status == "good"
    assert evidence.responder_url == url
    parsed = ocsp.load_der_ocsp_response(evidence.response)
    assert parsed.serial_number == card.serial_number
    assert evidence.produced_at == parsed.produced_at_utc
    assert len(fake.requests) == 1
    assert evidence.as_record()["response"]


def test_given_revoked_before_arrival_then_revoked(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.answers[card.serial_number] = Answer(
        ocsp.OCSPCertStatus.REVOKED, NOW - dt.timedelta(days=1), x509.ReasonFlags.superseded
    )
    answer = ask(url, card, pki)
    assert isinstance(answer, Revoked)
    assert answer.reason is x509.ReasonFlags.superseded


def test_given_revoked_after_arrival_then_it_was_valid_on_arrival(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.answers[card.serial_number] = Answer(
        ocsp.OCSPCertStatus.REVOKED, NOW - dt.timedelta(minutes=1)
    )
    answer = ask(url, card, pki, at=NOW - dt.timedelta(days=2))
    assert isinstance(answer, NotRevoked)
    assert isinstance(answer.evidence, OcspEvidence)
    assert answer.evidence.cert_status == "revoked"


def test_given_an_unknown_answer_then_unknown_with_evidence(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.answers[card.serial_number] = Answer(ocsp.OCSPCertStatus.UNKNOWN)
    answer = ask(url, card, pki)
    assert isinstance(answer, RevocationUnknown)
    assert answer.evidence is not None


def test_given_a_delegated_responder_of_the_ca_then_believed(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.delegate = issue_custom(
        pki.signing_ca,
        [(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False)],
    )
    assert isinstance(ask(url, card, pki), NotRevoked)


def test_given_a_delegate_without_ocsp_signing_then_not_believed(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.delegate = issue_custom(pki.signing_ca, [])
    assert isinstance(ask(url, card, pki), RevocationUnknown)


def test_given_a_response_signed_by_another_ca_then_not_believed(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.ca = CertificateAuthority.create(CaKind.SIGNATURE, label="other")
    assert isinstance(ask(url, card, pki), RevocationUnknown)


def test_given_a_stale_response_then_unknown(
    url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    fake.this_update = NOW - dt.timedelta(days=3)
    fake.next_update = NOW - dt.timedelta(days=2)
    assert isinstance(ask(url, card, pki), RevocationUnknown)


@pytest.mark.parametrize(
    "setup",
    [
        {"unsuccessful": ocsp.OCSPResponseStatus.TRY_LATER},
        {"garbage": b"not der"},
        {"garbage": b""},
    ],
)
def test_given_an_error_or_garbage_then_unknown(
    setup: dict[str, object], url: str, fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    for name, value in setup.items():
        setattr(fake, name, value)
    assert isinstance(ask(url, card, pki), RevocationUnknown)


def test_given_a_responder_that_is_down_then_unknown(card: Issued, pki: TestPki) -> None:
    responder = OcspResponder("http://127.0.0.1:9/ocsp", UrllibTransport(timeout_s=1))
    answer = responder.status(card.certificate, pki.signing_ca.certificate, NOW)
    assert isinstance(answer, RevocationUnknown)
    assert "unavailable" in answer.detail


def test_given_a_non_http_url_then_unknown(card: Issued, pki: TestPki) -> None:
    answer = OcspResponder("file:///etc/passwd").status(
        card.certificate, pki.signing_ca.certificate, NOW
    )
    assert isinstance(answer, RevocationUnknown)


class Transport:
    """A fake transport returning what the fake responder would, without a socket."""

    def __init__(self, fake: OcspResponderFake) -> None:
        self.fake = fake

    def post(self, url: str, request: bytes) -> bytes:
        return self.fake.respond(request)


def test_given_a_response_for_another_certificate_then_unknown(
    fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    other = issue_custom(pki.signing_ca, [])

    class Swapping(Transport):
        def post(self, url: str, request: bytes) -> bytes:
            swapped = (
                ocsp.OCSPRequestBuilder()
                .add_certificate(other.certificate, pki.signing_ca.certificate, hashes.SHA1())
                .build()
            )
            return self.fake.respond(swapped.public_bytes(Encoding.DER))

    responder = OcspResponder("http://unused", Swapping(fake))
    answer = responder.status(card.certificate, pki.signing_ca.certificate, NOW)
    assert isinstance(answer, RevocationUnknown)


def test_given_crl_and_ocsp_configured_then_the_first_that_knows_answers(
    fake: OcspResponderFake, card: Issued, pki: TestPki
) -> None:
    source = revocation_from_environment(
        {"KENTEI_JPKI_CRL_DIR": "/nonexistent", "KENTEI_JPKI_OCSP_URL": "http://unused"}
    )
    assert isinstance(source, FirstAnswer)
    assert isinstance(source.sources[0], CrlDirectory)
    combined = FirstAnswer(
        [CrlDirectory(pki.crl_dir / "absent"), OcspResponder("x", Transport(fake))]
    )
    assert isinstance(
        combined.status(card.certificate, pki.signing_ca.certificate, NOW), NotRevoked
    )
