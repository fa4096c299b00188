"""The daily re-signing of the status lists and the JWKS (``status_lists_due``) over in-memory
ports: every list is signed again as of the schedule's instant (valid for a week), a second
run of the instant signs nothing, a rotated key ring's JWKS is published before the lists it
signs, a late message never shortens a list's validity, and a flip during the run is
published all the same. Certify's consumer routes the message and sends a bad one to the
DLQ."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jwt
import pytest
from tests.unit.certify_function.fakes import ISSUER, JWKS, RENEWAL_KEY, Issuer
from tests.unit.credentials.samples import sample_pass
from tests.unit.notice_dispatch.test_certify_handler import batch, failures

from certify import handler
from certify.status_renewal import RenewalRaceError, renew_status_lists
from kentei import messages
from kentei.credentials.jwks import jwks_digest
from kentei.credentials.status import STATUS_LIST_VALIDITY, CertificateStatus, StatusSlot
from kentei.credentials.vc import issue_vc_jwt
from kentei.credentials.verifier import Outcome, verify
from kentei.data.published_jwks import JwksPublication
from kentei.data.status_lists import StoredStatusList
from kentei.signing.ecdsa import thumbprint
from kentei.signing.keyring import KeyRing, RetiredKey
from kentei.signing.memory import InMemorySigningKey
from kentei_local.context import LocalContext

AT = dt.datetime(2026, 12, 8, 18, 15, tzinfo=dt.UTC)  # 03:15 JST on the 9th
FIRST = RENEWAL_KEY
SECOND = InMemorySigningKey("kentei-cert-2")


def _due(at: dt.datetime = AT) -> messages.StatusListsDue:
    return messages.StatusListsDue(scheduled_at=at)


def _claims(issuer: Issuer, number: int, purpose: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The published list's header and claims."""
    token = issuer.body(f"published/status/{number}/{purpose}.jwt").decode()
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def _retired(key: InMemorySigningKey) -> RetiredKey:
    jwk = key.public_jwk()
    return RetiredKey(kid=key.kid, jwk=jwk, thumbprint=thumbprint(jwk), retired_on=AT.date())


def test_every_list_is_re_signed_for_a_week_from_the_instant_with_the_jwks_first() -> None:
    issuer = Issuer()
    issuer.add(1, signed_kid=FIRST.kid, signed_at=AT - dt.timedelta(days=1))
    issuer.lists[1] = StoredStatusList(
        issuer.lists[1].statuses, 10, 1, 1, FIRST.kid, AT - dt.timedelta(days=1)
    )
    issuer.add(2)  # never recorded as signed (published before the record existed)
    renewal = renew_status_lists(_due(), issuer.ports())
    assert renewal.resigned == [1, 2]
    assert renewal.current == []
    assert renewal.rotated == []
    assert renewal.jwks_published
    assert issuer.puts[0] == JWKS, "the keys go out before anything they sign"
    for number in (1, 2):
        for purpose in ("revocation", "message"):
            header, claims = _claims(issuer, number, purpose)
            assert header["kid"] == FIRST.kid
            assert claims["validFrom"] == "2026-12-08T18:15:00Z"
            assert claims["validUntil"] == "2026-12-15T18:15:00Z"
        stored = issuer.lists[number]
        assert (stored.published_version, stored.signed_kid, stored.signed_at) == (
            stored.version,
            FIRST.kid,
            AT,
        )
    assert issuer.publication == JwksPublication(jwks_digest(issuer.body(JWKS)), AT)

    vc = issue_vc_jwt(sample_pass(), StatusSlot(2, 777), ISSUER, FIRST, AT)
    jwks, lists = issuer.published()
    for now, outcome in (
        (AT + STATUS_LIST_VALIDITY - dt.timedelta(seconds=1), Outcome.VALID),
        (AT + STATUS_LIST_VALIDITY, Outcome.STATUS_UNAVAILABLE),
    ):
        verdict = verify(vc, jwks=jwks, status_lists=lists, issuer=ISSUER, now=now)
        assert verdict.outcome is outcome, verdict.detail


def test_a_second_run_of_the_same_instant_signs_and_puts_nothing() -> None:
    issuer = Issuer()
    issuer.add(1)
    first = renew_status_lists(_due(), issuer.ports())
    assert first.resigned == [1]
    published = dict(issuer.files)
    puts = len(issuer.puts)
    again = renew_status_lists(_due(), issuer.ports())
    assert (again.resigned, again.current, again.jwks_published) == ([], [1], False)
    assert len(issuer.puts) == puts
    assert issuer.files == published
    # The next day's run signs them again, a day later.
    next_day = renew_status_lists(_due(AT + dt.timedelta(days=1)), issuer.ports())
    assert next_day.resigned == [1]
    assert next_day.jwks_published
    assert _claims(issuer, 1, "message")[1]["validUntil"] == "2026-12-16T18:15:00Z"


def test_a_rotation_publishes_every_key_then_re_signs_the_lists_with_the_new_one() -> None:
    issuer = Issuer()
    issuer.add(1)
    issuer.add(2)
    old_vc = issue_vc_jwt(sample_pass(), StatusSlot(1, 4242), ISSUER, FIRST, AT)
    renew_status_lists(_due(), issuer.ports())
    # Rotation (a deploy between the run and its redelivery): kentei-cert-2 signs now.
    issuer.ring = KeyRing(SECOND, (_retired(FIRST),))
    issuer.puts.clear()
    renewal = renew_status_lists(_due(), issuer.ports())
    assert renewal.rotated == [1, 2]
    assert renewal.resigned == [1, 2]
    assert renewal.jwks_published
    assert issuer.puts[0] == JWKS
    jwks, lists = issuer.published()
    assert [key["kid"] for key in jwks["keys"]] == [SECOND.kid, FIRST.kid]
    assert all("d" not in key for key in jwks["keys"])
    for number in (1, 2):
        assert _claims(issuer, number, "revocation")[0]["kid"] == SECOND.kid
        assert issuer.lists[number].signed_kid == SECOND.kid
    # A certificate signed by the retired key still verifies, over lists of the new one.
    verdict = verify(old_vc, jwks=jwks, status_lists=lists, issuer=ISSUER, now=AT)
    assert verdict.outcome is Outcome.VALID, verdict.detail
    assert verdict.kid == FIRST.kid
    again = renew_status_lists(_due(), issuer.ports())
    assert (again.resigned, again.rotated, again.jwks_published) == ([], [], False)


def test_a_late_message_never_publishes_a_list_that_expires_sooner() -> None:
    issuer = Issuer()
    issuer.add(1)
    renew_status_lists(_due(), issuer.ports())
    # Its publication failed: version 2 waits.
    issuer.flip(1, 99, CertificateStatus.REVOKED, AT.date())
    issuer.puts.clear()
    late = renew_status_lists(_due(AT - dt.timedelta(days=3)), issuer.ports())  # a redrive
    assert late.resigned == [1]
    assert not late.jwks_published  # published at AT already, the same keys
    claims = _claims(issuer, 1, "message")[1]
    assert claims["validFrom"] == "2026-12-08T18:15:00Z"  # as of its last signing, not earlier
    assert claims["credentialSubject"]["statusChangedOn"] == {"2026-12-08": [99]}
    assert issuer.lists[1].published_version == 2
    # Nothing pending: a late message does nothing at all.
    assert renew_status_lists(_due(AT - dt.timedelta(days=2)), issuer.ports()).resigned == []


def test_a_flip_while_a_list_is_re_signed_is_published_all_the_same() -> None:
    issuer = Issuer()
    issuer.add(1)
    flipped: list[str] = []

    def revoke_once(key: str) -> None:
        # A revocation lands after this run read version 1 and signed its bits.
        if key.endswith("1/message.jwt") and not flipped:
            flipped.append(key)
            issuer.flip(1, 31337, CertificateStatus.REVOKED, AT.date())

    issuer.on_put = revoke_once
    renewal = renew_status_lists(_due(), issuer.ports())
    assert renewal.resigned == [1]
    assert flipped
    vc = issue_vc_jwt(sample_pass(), StatusSlot(1, 31337), ISSUER, FIRST, AT)
    jwks, lists = issuer.published()
    verdict = verify(vc, jwks=jwks, status_lists=lists, issuer=ISSUER, now=AT)
    assert verdict.outcome is Outcome.REVOKED
    assert issuer.lists[1].published_version == 2


def test_a_list_that_keeps_changing_fails_the_message_for_a_retry() -> None:
    issuer = Issuer()
    issuer.add(1)
    index = iter(range(100, 200))

    def revoke_always(key: str) -> None:
        if key.endswith("/message.jwt"):
            issuer.flip(1, next(index), CertificateStatus.REVOKED, AT.date())

    issuer.on_put = revoke_always
    with pytest.raises(RenewalRaceError, match=r"\[1\]"):
        renew_status_lists(_due(), issuer.ports())


@pytest.mark.usefixtures("lambda_environment")
def test_certify_routes_the_schedule_s_message_and_refuses_a_bad_one_for_the_dlq(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuer = Issuer()
    issuer.add(1)
    monkeypatch.setattr(handler, "renewal_dependencies", issuer.ports)
    answer = handler.handler(
        batch(
            # As EventBridge Scheduler sends it (kentei_infra.schedules.schedule_input).
            json.dumps({"kind": "status_lists_due", "scheduled_at": "2026-12-08T18:15:00Z"}),
            json.dumps({"kind": "status_lists_due"}),
            json.dumps({"kind": "status_lists_due", "scheduled_at": "2026-12-08T18:15:00"}),
            json.dumps(
                {"kind": "status_lists_due", "scheduled_at": "2026-12-08T18:15:00Z", "n": 1}
            ),
        ),
        LocalContext.for_function("certify"),
    )
    assert failures(answer) == ["m-1", "m-2", "m-3"]
    assert issuer.lists[1].signed_at == AT
