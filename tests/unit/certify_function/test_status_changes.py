"""Reissues (再交付) and revocations (合格の取消し) in certify, on the in-memory world of
:mod:`tests.unit.certify_function.fakes`: the new certificate, the old one superseded, every
certificate of a revoked pass revoked, each as our verifier reads the published lists;
redelivered messages change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.certify_function.fakes import AT, ISSUER, CertificateWorld, announced

from certify.certificates import CertificateRefusedError, issue_certificates
from certify.status_changes import issue_reissue, revoke_certificates
from kentei.credentials.status import CertificateStatus
from kentei.credentials.verifier import Outcome, verify
from kentei.data.audit import AuditAction
from kentei.data.certificates import (
    CertificateRecord,
    CertificateState,
    ReissueFee,
    ReissueReason,
    ReissueRequest,
)
from kentei.fees.payments import PaymentMethod
from kentei.messages import PassRevoked, ReissueRequested
from kentei.results.revocations import PassRevocationRecord

REISSUE_ID = "00112233aabbccdd"


def _issued(world: CertificateWorld) -> CertificateRecord:
    one = world.add(1)
    issue_certificates(announced(one), world.deps())
    (record,) = world.certificates.values()
    return record


def _request(world: CertificateWorld, old: CertificateRecord) -> ReissueRequested:
    world.reissues[REISSUE_ID] = ReissueRequest(
        reissue_id=REISSUE_ID,
        certificate_id=old.certificate_id,
        qualification_pseudonym_id=old.qualification_pseudonym_id,
        application_id=old.application_id,
        reason=ReissueReason.LOSS,
        fee=ReissueFee(
            amount=2000,
            schedule="default@2026-01",
            method=PaymentMethod.CASH,
            paid_on=dt.date(2026, 10, 1),
        ),
        requested_by="staff:13:certs-13",
        requested_at=AT,
    )
    return ReissueRequested(
        application_id=old.application_id, prefecture_code="13", reissue_id=REISSUE_ID
    )


def _verdict(world: CertificateWorld, record: CertificateRecord) -> Outcome:
    assert record.vc_key is not None
    jwks, lists = world.published()
    token = world.files[record.vc_key][0].decode()
    return verify(token, jwks=jwks, status_lists=lists, issuer=ISSUER, now=AT).outcome


def test_a_reissue_is_a_new_certificate_and_the_old_one_is_superseded() -> None:
    world = CertificateWorld()
    old = _issued(world)
    message = _request(world, old)

    reissued = issue_reissue(message, world.deps())

    assert reissued.outcome == "issued"
    new = world.certificates[f"{old.certificate_number}-2"]
    assert reissued.certificate_id == new.certificate_id
    assert new.reissue_of == old.certificate_id
    assert (new.list_number, new.index) != (old.list_number, old.index)
    assert world.certificates[old.certificate_id].status is CertificateState.SUPERSEDED
    assert world.certificates[old.certificate_id].superseded_by == new.certificate_id
    assert world.reissues[REISSUE_ID].new_certificate_id == new.certificate_id
    assert world.audit[-1].action is AuditAction.CERTIFICATE_REISSUED
    assert _verdict(world, old) is Outcome.SUPERSEDED
    assert _verdict(world, new) is Outcome.VALID

    again = issue_reissue(message, world.deps())
    assert again.outcome == "already"
    assert len(world.certificates) == 2


def test_a_reissue_of_a_revoked_certificate_issues_nothing() -> None:
    world = CertificateWorld()
    old = _issued(world)
    message = _request(world, old)
    world.certificates[old.certificate_id] = old.model_copy(
        update={"status": CertificateState.REVOKED}
    )
    assert issue_reissue(message, world.deps()).outcome == "revoked"
    assert len(world.certificates) == 1


def test_a_revocation_revokes_every_certificate_of_the_pass_once() -> None:
    world = CertificateWorld()
    old = _issued(world)
    issue_reissue(_request(world, old), world.deps())
    new = world.certificates[f"{old.certificate_number}-2"]
    world.revoked[old.application_id] = PassRevocationRecord(
        qualification_pseudonym_id=old.qualification_pseudonym_id,
        application_id=old.application_id,
        record_id=old.application_id,
        effective_on=dt.date(2026, 11, 2),
        reason="不正受検",
        legal_basis="規程 第3条",
        revoked_by="staff:13:certs-13",
        revoked_at=AT,
        certificates=(old.certificate_id, new.certificate_id),
    )
    message = PassRevoked(
        application_id=old.application_id,
        prefecture_code="13",
        qualification_pseudonym_id=old.qualification_pseudonym_id,
    )

    outcome = revoke_certificates(message, world.deps())

    assert sorted(outcome.revoked) == sorted([old.certificate_id, new.certificate_id])
    assert outcome.published
    for record in (old, new):
        assert _verdict(world, record) is Outcome.REVOKED
        stored = world.lists.lists[record.list_number].statuses
        assert stored.status(record.index) is CertificateStatus.REVOKED
        assert stored.changed_on[record.index] == dt.date(2026, 11, 2)
    again = revoke_certificates(message, world.deps())
    assert (again.revoked, again.already, again.published) == ([], 2, [])


def test_a_revocation_that_is_not_kept_is_refused_for_the_dlq() -> None:
    world = CertificateWorld()
    old = _issued(world)
    message = PassRevoked(
        application_id=old.application_id,
        prefecture_code="13",
        qualification_pseudonym_id=old.qualification_pseudonym_id,
    )
    with pytest.raises(CertificateRefusedError):
        revoke_certificates(message, world.deps())
