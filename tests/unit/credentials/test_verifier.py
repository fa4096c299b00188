"""Our verifier: the verdict on either form from the JWK Set and the status lists alone."""

from __future__ import annotations

import datetime as dt
import json
import zlib

import base45
import cbor2
import jwt
import pytest
from tests.unit.credentials.samples import ISSUER, NOW, Issuing, sample_pass

from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jose import parse_compact, sign_compact
from kentei.credentials.status import STATUS_LIST_VALIDITY, CertificateStatus, StatusSlot
from kentei.credentials.verifier import CLOCK_SKEW, Form, Outcome, verify
from kentei.signing.ecdsa import thumbprint
from kentei.signing.keyring import RetiredKey
from kentei.signing.memory import InMemorySigningKey

SLOT = StatusSlot(1, 31_337)
DAY = dt.date(2026, 5, 20)
FORMS = ("vc", "code")


def presented(issuing: Issuing, form: str, slot: StatusSlot = SLOT, **changes: object) -> str:
    certified = sample_pass(**changes)
    return issuing.vc(certified, slot) if form == "vc" else issuing.code(certified, slot)


def verdict_of(issuing: Issuing, text: str, **options: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "jwks": issuing.jwks(),
        "status_lists": issuing.status_lists(),
        "issuer": ISSUER,
        "now": NOW,
    }
    arguments.update(options)
    return verify(text, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("form", FORMS)
def test_a_fresh_certificate_is_valid_and_shows_what_it_says(form: str) -> None:
    issuing = Issuing()
    verdict = verdict_of(issuing, presented(issuing, form))
    assert verdict.outcome is Outcome.VALID
    assert verdict.valid
    assert verdict.form is (Form.VC_JWT if form == "vc" else Form.PAPER_CODE)
    assert verdict.kid == "kentei-cert-1"
    assert verdict.claims == sample_pass()


@pytest.mark.parametrize("form", FORMS)
def test_after_a_revocation_the_same_certificate_is_revoked_on_that_day(form: str) -> None:
    issuing = Issuing()
    text = presented(issuing, form)
    issuing.statuses.change(SLOT.index, CertificateStatus.REVOKED, DAY)
    verdict = verdict_of(issuing, text)
    assert verdict.outcome is Outcome.REVOKED
    assert verdict.changed_on == DAY
    assert verdict.claims == sample_pass()


@pytest.mark.parametrize("form", FORMS)
def test_after_a_reissue_the_old_is_superseded_and_the_new_one_valid(form: str) -> None:
    issuing = Issuing()
    old = presented(issuing, form)
    new_slot = StatusSlot(1, 99)
    new = presented(issuing, form, new_slot, certificate_number="13-1-2026-000999")
    issuing.statuses.change(SLOT.index, CertificateStatus.SUPERSEDED, DAY)
    assert verdict_of(issuing, old).outcome is Outcome.SUPERSEDED
    assert verdict_of(issuing, old).changed_on == DAY
    assert verdict_of(issuing, new).outcome is Outcome.VALID
    # A pass revoked after its reissue: every certificate of it flips to revoked.
    issuing.statuses.change(SLOT.index, CertificateStatus.REVOKED, DAY)
    issuing.statuses.change(new_slot.index, CertificateStatus.REVOKED, DAY)
    assert verdict_of(issuing, old).outcome is Outcome.REVOKED
    assert verdict_of(issuing, new).outcome is Outcome.REVOKED


@pytest.mark.parametrize("form", FORMS)
def test_a_certificate_of_another_key_is_unknown_and_a_forgery_fails(form: str) -> None:
    issuing = Issuing()
    stranger = Issuing(key=InMemorySigningKey("kentei-cert-9"))
    verdict = verdict_of(issuing, presented(stranger, form))
    assert verdict.outcome is Outcome.UNKNOWN_KEY
    assert verdict.claims is None
    impostor = Issuing(key=InMemorySigningKey("kentei-cert-1"))
    verdict = verdict_of(issuing, presented(impostor, form))
    assert verdict.outcome is Outcome.INVALID_SIGNATURE
    assert verdict.claims is None


def test_a_changed_vc_payload_fails_the_signature() -> None:
    issuing = Issuing()
    header, payload, signature = presented(issuing, "vc").split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["credentialSubject"]["grade"] = "特級"
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    verdict = verdict_of(issuing, f"{header}.{forged}.{signature}")
    assert verdict.outcome is Outcome.INVALID_SIGNATURE


def test_a_changed_2d_code_fails_the_signature() -> None:
    issuing = Issuing()
    message = cbor2.loads(zlib.decompress(base45.b45decode(presented(issuing, "code")[4:])))
    protected, unprotected, payload, signature = message.value
    claims = cbor2.loads(payload)
    claims[8] = "2020-01-01"
    forged = cbor2.dumps(
        cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature])
    )
    verdict = verdict_of(issuing, "KT1:" + base45.b45encode(zlib.compress(forged)).decode())
    assert verdict.outcome is Outcome.INVALID_SIGNATURE


@pytest.mark.parametrize(
    "text",
    ["", "hello", "a.b", "a.b.c", "KT1:", "KT1:%%%%", "eyJhbGciOiJub25lIn0.e30.sig"],
)
def test_what_is_not_a_certificate_is_malformed(text: str) -> None:
    assert verdict_of(Issuing(), text).outcome is Outcome.MALFORMED


def test_a_jwt_of_ours_that_is_not_a_vc_jwt_is_malformed() -> None:
    issuing = Issuing()
    status_list = next(iter(issuing.status_lists().values()))
    assert verdict_of(issuing, status_list).outcome is Outcome.MALFORMED
    other_issuer = IssuerProfile("https://other.example.jp", "other")
    verdict = verdict_of(issuing, presented(issuing, "vc"), issuer=other_issuer)
    assert verdict.outcome is Outcome.MALFORMED


@pytest.mark.parametrize("form", FORMS)
def test_without_a_trustworthy_status_list_the_verdict_is_never_valid(form: str) -> None:
    issuing = Issuing()
    text = presented(issuing, form)
    assert verdict_of(issuing, text, status_lists={}).outcome is Outcome.STATUS_UNAVAILABLE
    forged_lists = Issuing(key=InMemorySigningKey("kentei-cert-1")).status_lists()
    verdict = verdict_of(issuing, text, status_lists=forged_lists)
    assert verdict.outcome is Outcome.STATUS_UNAVAILABLE
    assert verdict.claims == sample_pass()  # the certificate itself did verify
    lists = issuing.status_lists()
    swapped = dict(zip(lists, reversed(lists.values()), strict=True))
    assert verdict_of(issuing, text, status_lists=swapped).outcome is Outcome.STATUS_UNAVAILABLE


def test_a_revocation_bit_without_its_message_list_is_still_revoked() -> None:
    issuing = Issuing()
    text = presented(issuing, "vc")
    issuing.statuses.change(SLOT.index, CertificateStatus.SUPERSEDED, DAY)
    only_revocation = {
        url: token for url, token in issuing.status_lists().items() if url.endswith("revocation")
    }
    verdict = verdict_of(issuing, text, status_lists=only_revocation)
    assert verdict.outcome is Outcome.REVOKED
    assert verdict.changed_on is None


@pytest.mark.parametrize("form", FORMS)
def test_a_certificate_signed_before_a_rotation_still_verifies_with_the_retired_key(
    form: str,
) -> None:
    before = Issuing()
    text = presented(before, form)
    jwk = before.key.public_jwk()
    retired = RetiredKey(kid="kentei-cert-1", jwk=jwk, thumbprint=thumbprint(jwk), retired_on=DAY)
    after = Issuing(key=InMemorySigningKey("kentei-cert-2"), retired=(retired,))
    verdict = verdict_of(after, text)
    assert verdict.outcome is Outcome.VALID
    assert verdict.kid == "kentei-cert-1"


def test_each_certificate_gets_the_day_of_its_own_change() -> None:
    issuing = Issuing()
    first, second = StatusSlot(1, 10), StatusSlot(1, 20)
    texts = {slot: presented(issuing, "code", slot) for slot in (first, second)}
    issuing.statuses.change(first.index, CertificateStatus.REVOKED, DAY)
    issuing.statuses.change(second.index, CertificateStatus.SUPERSEDED, DAY + dt.timedelta(1))
    assert verdict_of(issuing, texts[first]).changed_on == DAY
    assert verdict_of(issuing, texts[second]).changed_on == DAY + dt.timedelta(1)


SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize("form", FORMS)
def test_a_status_list_is_used_from_its_valid_from_until_its_valid_until(form: str) -> None:
    issuing = Issuing()
    text = presented(issuing, form)
    lists = issuing.status_lists(NOW)  # valid from NOW for STATUS_LIST_VALIDITY
    until = NOW + STATUS_LIST_VALIDITY
    for now in (NOW, NOW - CLOCK_SKEW, until - SECOND):
        verdict = verdict_of(issuing, text, status_lists=lists, now=now)
        assert verdict.outcome is Outcome.VALID, (now, verdict.detail)
    for now, reason in (
        (until, "expired at 2026-06-08T00:00:00+00:00"),
        (until + dt.timedelta(days=30), "expired"),
        (NOW - CLOCK_SKEW - SECOND, "valid only from 2026-06-01T00:00:00+00:00"),
    ):
        verdict = verdict_of(issuing, text, status_lists=lists, now=now)
        assert verdict.outcome is Outcome.STATUS_UNAVAILABLE, now
        assert reason in verdict.detail
        assert verdict.claims == sample_pass()  # the certificate itself did verify
    # Re-signed (the daily job), the same bits are fresh again.
    later = verdict_of(issuing, text, status_lists=issuing.status_lists(until), now=until + SECOND)
    assert later.outcome is Outcome.VALID


def _without(token: str, claim: str, issuing: Issuing) -> str:
    """``token`` re-signed by the issuer's key without ``claim``."""
    jws = parse_compact(token)
    payload = {name: value for name, value in jws.payload.items() if name != claim}
    return sign_compact({"typ": jws.header["typ"]}, payload, issuing.key)


@pytest.mark.parametrize("claim", ["validUntil", "validFrom"])
def test_a_status_list_without_its_validity_period_decides_nothing(claim: str) -> None:
    issuing = Issuing()
    text = presented(issuing, "vc")
    lists = {url: _without(token, claim, issuing) for url, token in issuing.status_lists().items()}
    verdict = verdict_of(issuing, text, status_lists=lists)
    assert verdict.outcome is Outcome.STATUS_UNAVAILABLE
    assert "states no validity period" in verdict.detail


def test_an_expired_list_still_proves_a_revocation_never_validity() -> None:
    issuing = Issuing()
    revoked_slot, valid_slot = StatusSlot(1, 5), StatusSlot(1, 6)
    revoked = presented(issuing, "code", revoked_slot)
    valid = presented(issuing, "code", valid_slot)
    issuing.statuses.change(revoked_slot.index, CertificateStatus.REVOKED, DAY)
    stale = issuing.status_lists(NOW)
    long_after = NOW + STATUS_LIST_VALIDITY + dt.timedelta(days=1)
    verdict = verdict_of(issuing, revoked, status_lists=stale, now=long_after)
    assert verdict.outcome is Outcome.REVOKED
    assert verdict.changed_on is None  # the message list is stale: its day is not used
    assert "expired" in verdict.detail
    assert verdict_of(issuing, valid, status_lists=stale, now=long_after).outcome is (
        Outcome.STATUS_UNAVAILABLE
    )
    # A stale revocation list and a fresh message list: the fresh one gives the reason.
    fresh = issuing.status_lists(long_after)
    mixed = {url: (fresh if url.endswith("message") else stale)[url] for url in stale}
    verdict = verdict_of(issuing, revoked, status_lists=mixed, now=long_after)
    assert (verdict.outcome, verdict.changed_on) == (Outcome.REVOKED, DAY)


def test_the_verifier_needs_an_instant_with_its_zone() -> None:
    issuing = Issuing()
    with pytest.raises(ValueError, match="zone"):
        verdict_of(issuing, presented(issuing, "vc"), now=NOW.replace(tzinfo=None))
