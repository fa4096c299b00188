"""The daily re-signing of the status lists through the local runtime: the schedule's message
(``status_lists_due``, as EventBridge Scheduler would send it) into certify's queue, the real
certify handler, moto's KMS signing, DynamoDB and S3. Each run re-signs every list as of its
instant (the stored objects' ``validUntil`` moves a day on each day), a second delivery of an
instant leaves the published objects as they were, and after a key rotation the JWKS with the
retired key is published and the lists are signed by the new key, while a certificate of the
old key still verifies over them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from tests.integration.intake_helpers import IntakeSystem, intake_system
from tests.published_certificates import sample_pass

from certify import certificate_ports, handler
from kentei import catalog, messages, settings
from kentei.credentials.issuer import issuer_from_environment
from kentei.credentials.status import STATUS_LIST_VALIDITY, StatusSlot
from kentei.credentials.vc import issue_vc_jwt
from kentei.credentials.verifier import Outcome, verify
from kentei.data.certificate_files import CertificateFiles
from kentei.data.published import JWKS_KEY, status_list_key
from kentei.data.published_jwks import PublishedJwks
from kentei.data.queues import send
from kentei.data.status_lists import StatusLists, StoredStatusList
from kentei.signing.ecdsa import thumbprint
from kentei.signing.keyring import KeyRing, RetiredKey, load_key_ring_data
from kentei.signing.kms import KmsSigningKey
from kentei_local.probes import wait_until

WAIT_S = 60.0
LISTS = (1, 2)
T1 = dt.datetime.now(dt.UTC).replace(microsecond=0)
T2 = T1 + dt.timedelta(days=1)
T3 = T2 + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("certify").start()
        yield started


def _run(at: dt.datetime) -> str:
    return send("certify", messages.StatusListsDue(scheduled_at=at))


def _signed(at: dt.datetime, kid: str) -> list[StoredStatusList] | None:
    stored = [StatusLists().status_list(number) for number in LISTS]
    done = [s for s in stored if s is not None and s.signed_at == at and s.signed_kid == kid]
    return done if len(done) == len(LISTS) else None


def _published(number: int, purpose: str) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    body = CertificateFiles().read(status_list_key(number, purpose))
    token = body.decode()
    return (
        body,
        jwt.get_unverified_header(token),
        jwt.decode(token, options={"verify_signature": False}),
    )


def _drained(system: IntakeSystem) -> bool | None:
    attributes = system.runtime.sqs().get_queue_attributes(
        QueueUrl=system.runtime.resources.queues["certify"].url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return True if all(v == "0" for v in attributes.values()) else None


def _stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_schedule_re_signs_every_list_daily_and_publishes_a_rotated_ring(
    system: IntakeSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert catalog.schedule("status-lists").kind == "status_lists_due"
    lists = StatusLists()
    for number in LISTS:
        lists.create(number)
    first = load_key_ring_data().active_kid

    # Day one: every list signed as of the instant, valid for a week; the JWKS published.
    _run(T1)
    wait_until(lambda: _signed(T1, first), WAIT_S, "the lists were not signed as of T1")
    for number in LISTS:
        for purpose in ("revocation", "message"):
            _, header, claims = _published(number, purpose)
            assert header["kid"] == first
            assert (claims["validFrom"], claims["validUntil"]) == (
                _stamp(T1),
                _stamp(T1 + STATUS_LIST_VALIDITY),
            )
    jwks = json.loads(CertificateFiles().read(JWKS_KEY))
    assert [key["kid"] for key in jwks["keys"]] == [first]
    recorded = PublishedJwks().last()
    assert recorded is not None
    assert recorded.published_at == T1

    # The same instant again (a retry, a redrive): the published objects stay as they were
    # (an ECDSA signature differs each time, so a re-sign would show).
    before = {n: _published(n, "message")[0] for n in LISTS}
    jwks_before = CertificateFiles().read(JWKS_KEY)
    again = _run(T1)
    pump = system.runtime.pump("certify")
    wait_until(lambda: True if pump.receive_count(again) else None, WAIT_S, "not received")
    wait_until(lambda: _drained(system), WAIT_S, "the second run was not handled")
    assert {n: _published(n, "message")[0] for n in LISTS} == before
    assert CertificateFiles().read(JWKS_KEY) == jwks_before

    # Day two: validUntil moves a day on in the stored objects.
    _run(T2)
    wait_until(lambda: _signed(T2, first), WAIT_S, "the lists were not signed as of T2")
    for number in LISTS:
        assert _published(number, "revocation")[2]["validUntil"] == _stamp(
            T2 + STATUS_LIST_VALIDITY
        )

    # A rotation: a new KMS key signs as kentei-cert-2, the old one is retired.
    old_key = KmsSigningKey(settings.key_id("certificate-signing"), first)
    old_vc = issue_vc_jwt(
        sample_pass(), StatusSlot(1, 4242), issuer_from_environment(os.environ), old_key, T1
    )
    created = system.runtime.kms().create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    new_key = KmsSigningKey(created["KeyMetadata"]["KeyId"], "kentei-cert-2")
    jwk = old_key.public_jwk()
    retired = RetiredKey(kid=first, jwk=jwk, thumbprint=thumbprint(jwk), retired_on=T3.date())
    rotated = dataclasses.replace(
        certificate_ports.deployed(), key_ring=lambda: KeyRing(new_key, (retired,))
    )
    monkeypatch.setattr(
        handler,
        "renewal_dependencies",
        lambda: certificate_ports.RenewalPorts(certificates=rotated, jwks=PublishedJwks()),
    )
    _run(T3)
    wait_until(lambda: _signed(T3, "kentei-cert-2"), WAIT_S, "the lists were not re-signed")
    jwks = json.loads(CertificateFiles().read(JWKS_KEY))
    assert [key["kid"] for key in jwks["keys"]] == ["kentei-cert-2", first]
    issuer = issuer_from_environment(os.environ)
    status_lists = {}
    for number in LISTS:
        for purpose in ("revocation", "message"):
            body, header, _ = _published(number, purpose)
            assert header["kid"] == "kentei-cert-2"
            status_lists[issuer.status_list_url(number, purpose)] = body.decode()
    verdict = verify(old_vc, jwks=jwks, status_lists=status_lists, issuer=issuer, now=T3)
    assert verdict.outcome is Outcome.VALID, verdict.detail
    assert verdict.kid == first
