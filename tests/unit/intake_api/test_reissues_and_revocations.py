"""The certificates office reissues a printed certificate (再交付) and revokes a pass
(合格の取消し), through the real handler over in-memory fakes: the reissue queued with the
schedule's fee and audited, never a name in the answer or the log, and each refusal; a
revocation revoking the certificates, dropping the pass from the person's passes, withdrawing
the exemptions that rested on it and telling certify; the revocations listed and one read;
the certificate's return (返納) recorded once."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from tests.unit.review.factory import QUALIFICATION_PSEUDONYM, application, form

from kentei import my_number
from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.certificates import CertificateKind, CertificateRecord, CertificateState
from kentei.exemptions.model import (
    Basis,
    ExemptionDecision,
    NotExemptReason,
    Outcome,
    PassKind,
    PassRecord,
)
from kentei.fees.payments import PaymentMethod
from kentei.messages import PassRevoked, ReissueRequested
from kentei.results.revocations import ReturnStatus
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting

from .events import event, invoke
from .fakes import Fakes

OFFICE = "staff:13:cert1:certificates"
OSAKA = "staff:27:cert2:certificates"
RESULTS = "staff:13:results1:results"
PERSON = QUALIFICATION_PSEUDONYM
NAME = "見本 太郎"
UNPRINTABLE = "\U00020bb7田 太郎"
"""𠮷 (the "tsuchi-yoshi" variant) is outside the certificate font."""
SPELLING = "吉田 太郎"
NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
"""10:00 on 2 November 2026 in Japan."""
TODAY = "2026-11-02"
TOMORROW = "2026-11-03"
MY_NUMBER = f"12345678901{my_number.check_digit('12345678901')}"
FEE = {"method": PaymentMethod.CASH.value, "paid_on": "2026-11-01"}


@pytest.fixture(autouse=True)
def _now(fakes: Fakes) -> None:
    fakes.clock.now = NOW


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Intake's log lines as its own formatter writes them (as in ``test_screening``)."""
    from intake.telemetry import instruments

    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(instruments.logger.registered_formatter)
    logger = logging.getLogger("intake")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def _registered(fakes: Fakes, name: str = NAME, **changes: Any) -> Sitting:
    """An accepted application of the person, its sitting on the roster (with ``changes``)."""
    accepted = application(form(name=name), status=Status.ACCEPTED)
    fakes.records.applications[accepted.application_id] = StoredApplication(accepted, 4, "fp")
    registration = registration_of(accepted)
    sitting = registration.sitting(
        schemes().of("13"),
        len(fakes.records.sittings) + 1,
        at=accepted.history[-1].at,
        by="staff:13:reviewer1",
    ).model_copy(update=changes)
    fakes.records.sittings[sitting.application_id] = sitting
    fakes.records.examinees[("13", PERSON)] = registration.examinee
    return sitting


def _pass(fakes: Fakes, sitting: Sitting) -> PassRecord:
    """The sitting's announced pass (record id: its application id)."""
    n = len(fakes.records.passes) + 1
    record = PassRecord(
        record_id=sitting.application_id,
        qualification_pseudonym_id=PERSON,
        kind=PassKind.PASS,
        parts=tuple(Part),
        exam_round=sitting.exam_round,
        trade_code=sitting.trade_code,
        work_code=sitting.work_code,
        grade=sitting.grade,
        passed_on=date(2025, 9, 30),
        announced_on=date(2025, 9, 30),
        passer_number=f"13G25-{n:06d}",
        certificate_number=f"C13G252-{n:05d}",
    )
    fakes.records.passes.append(record)
    return record


def _certificate(
    fakes: Fakes,
    record: PassRecord,
    *,
    kind: CertificateKind = CertificateKind.PRINTED,
    status: CertificateState = CertificateState.VALID,
    serial: int = 1,
) -> CertificateRecord:
    assert record.certificate_number is not None
    certificate_id = f"{record.certificate_number}-{serial}"
    issued = CertificateRecord(
        certificate_id=certificate_id,
        kind=kind,
        language="ja",
        qualification_pseudonym_id=PERSON,
        application_id=record.record_id,
        certificate_number=record.certificate_number,
        grade=record.grade.value,
        status=status,
        list_number=1,
        index=len(fakes.certificates.records) + 10,
        pdf_key=None
        if kind is CertificateKind.ELECTRONIC
        else f"certificates/13/{certificate_id}.pdf",
        vc_key=f"certificates/13/{certificate_id}.jwt",
        issued_at=datetime(2025, 10, 10, 1, 0, tzinfo=UTC),
        issued_by="certify",
    )
    fakes.certificates.records[("13", certificate_id)] = issued
    return issued


def _passed_with_certificate(fakes: Fakes, name: str = NAME) -> CertificateRecord:
    return _certificate(fakes, _pass(fakes, _registered(fakes, name)))


def _post(path: str, body: dict[str, Any], caller: str = OFFICE) -> tuple[int, Any]:
    status, _, answer = invoke(
        event("POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body)
    )
    return status, answer


def _get(path: str, caller: str = OFFICE, **query: str) -> tuple[int, Any]:
    target = f"{path}?{urlencode(query)}" if query else path
    status, _, body = invoke(event("GET", target, caller=caller))
    return status, body


def _reissue(certificate_id: str, caller: str = OFFICE, **body: Any) -> tuple[int, Any]:
    return _post(
        f"/v1/certificates/{quote(certificate_id)}/reissue",
        {"reason": "loss", "fee": FEE} | body,
        caller,
    )


def _slug(answer: Any) -> str:
    return str(answer["type"]).removeprefix("urn:kentei:problem:")


def _fields(answer: Any) -> list[str]:
    return [e["field"] for e in answer.get("errors", [])]


def _text(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _actions(events: list[AuditEvent], action: AuditAction) -> list[AuditEvent]:
    return [e for e in events if e.action is action]


# 再交付


def test_a_reissue_is_queued_with_the_schedules_fee_and_audited_without_a_name(
    fakes: Fakes, log: io.StringIO
) -> None:
    old = _passed_with_certificate(fakes)

    status, answer = _reissue(old.certificate_id)

    assert status == 202, answer
    assert answer["certificate_id"] == old.certificate_id
    assert (answer["reason"], answer["fee_amount"], answer["queued"]) == ("loss", 2000, True)
    (request,) = fakes.certificates.reissues.values()
    assert request.reissue_id == answer["reissue_id"]
    assert (request.certificate_id, request.application_id) == (
        old.certificate_id,
        old.application_id,
    )
    assert request.qualification_pseudonym_id == PERSON
    assert (request.fee.amount, request.fee.method) == (2000, PaymentMethod.CASH)
    assert request.fee.paid_on == date(2026, 11, 1)
    assert (request.requested_by, request.requested_at) == ("staff:13:cert1", NOW)
    assert request.printed_spelling is False
    assert fakes.certify_queue.sent == [
        ReissueRequested(
            application_id=old.application_id,
            prefecture_code="13",
            reissue_id=request.reissue_id,
        )
    ]
    (entry,) = _actions(fakes.records.audit, AuditAction.CERTIFICATE_REISSUE_REQUESTED)
    assert (entry.record_id, entry.person_id) == (old.certificate_id, PERSON)
    assert entry.prefecture_code == "13"
    for text in (_text(answer), log.getvalue(), request.model_dump_json()):
        for part in NAME.split():
            assert part not in text


def test_a_second_reissue_while_one_is_pending_is_a_conflict(fakes: Fakes) -> None:
    old = _passed_with_certificate(fakes)
    assert _reissue(old.certificate_id)[0] == 202

    status, answer = _reissue(old.certificate_id, reason="damage")

    assert status == 409, answer
    assert _slug(answer) == "reissue-pending"
    assert len(fakes.certify_queue.sent) == 1
    assert len(fakes.certificates.reissues) == 1


def test_another_prefectures_certificate_or_another_role_cannot_be_reissued(
    fakes: Fakes,
) -> None:
    old = _passed_with_certificate(fakes)
    assert _reissue(old.certificate_id, OSAKA)[0] == 404
    assert _reissue("C13G252-09999-1")[0] == 404
    assert _reissue(old.certificate_id, RESULTS)[0] == 403
    assert fakes.certificates.reissues == {}
    assert fakes.certify_queue.sent == []


def test_a_certificate_of_pass_proof_is_not_reissuable(fakes: Fakes) -> None:
    record = _pass(fakes, _registered(fakes))
    proof = _certificate(fakes, record, kind=CertificateKind.PROOF)

    status, answer = _reissue(proof.certificate_id)

    assert status == 422, answer
    assert _slug(answer) == "not-reissuable"
    assert fakes.certify_queue.sent == []


@pytest.mark.parametrize("state", [CertificateState.SUPERSEDED, CertificateState.REVOKED])
def test_a_certificate_no_longer_valid_is_a_conflict(fakes: Fakes, state: CertificateState) -> None:
    record = _pass(fakes, _registered(fakes))
    old = _certificate(fakes, record, status=state)

    status, answer = _reissue(old.certificate_id)

    assert status == 409, answer
    assert _slug(answer) == "certificate-not-valid"
    assert fakes.certificates.reissues == {}
    assert fakes.certify_queue.sent == []


def test_a_certificate_of_a_revoked_pass_is_not_reissued(fakes: Fakes) -> None:
    old = _passed_with_certificate(fakes)
    assert _revoke(old.application_id)[0] == 201

    status, answer = _reissue(old.certificate_id)

    assert status == 409, answer
    assert _slug(answer) == "pass-revoked"
    assert fakes.certificates.reissues == {}


def test_a_fee_paid_after_today_is_refused(fakes: Fakes) -> None:
    old = _passed_with_certificate(fakes)

    status, answer = _reissue(
        old.certificate_id, fee={"method": PaymentMethod.CASH.value, "paid_on": TOMORROW}
    )

    assert status == 422, answer
    assert "fee.paid_on" in _fields(answer)
    assert fakes.certificates.reissues == {}
    # Today (in Japan) is not after today.
    paid_today = {"method": PaymentMethod.PAYMENT_SLIP.value, "paid_on": TODAY}
    assert _reissue(old.certificate_id, fee=paid_today)[0] == 202


def test_a_name_outside_the_font_needs_a_spelling_to_print(fakes: Fakes, log: io.StringIO) -> None:
    old = _passed_with_certificate(fakes, UNPRINTABLE)

    status, answer = _reissue(old.certificate_id)

    assert status == 422, answer
    assert _slug(answer) == "printed-name-required"
    assert _fields(answer) == ["printed_name"]
    refused = _reissue(old.certificate_id, printed_name=UNPRINTABLE)
    assert refused[0] == 422
    assert _slug(refused[1]) == "printed-name-refused"
    assert fakes.certificates.reissues == {}

    status, answer = _reissue(old.certificate_id, printed_name=SPELLING)

    assert status == 202, answer
    assert fakes.certificates.printed_names == {PERSON: SPELLING}
    (request,) = fakes.certificates.reissues.values()
    assert request.printed_spelling is True
    for text in (_text(answer), _text(refused[1]), log.getvalue(), request.model_dump_json()):
        assert "\U00020bb7" not in text
        assert "吉田" not in text
        assert "太郎" not in text


def test_a_name_change_makes_an_earlier_printed_spelling_stale(fakes: Fakes) -> None:
    old = _passed_with_certificate(fakes)
    fakes.records.printed_names[PERSON] = SPELLING  # chosen for an earlier font hold

    status, answer = _reissue(old.certificate_id, reason="name_change")

    assert status == 422, answer
    assert _slug(answer) == "printed-name-required"
    # A loss reprints the spelling kept; a name change with a new spelling goes.
    assert _reissue(old.certificate_id, reason="name_change", printed_name="新姓 太郎")[0] == 202
    assert fakes.certificates.printed_names == {PERSON: "新姓 太郎"}


def test_a_loss_prints_the_spelling_kept_again(fakes: Fakes) -> None:
    old = _passed_with_certificate(fakes, UNPRINTABLE)
    fakes.records.printed_names[PERSON] = SPELLING

    status, answer = _reissue(old.certificate_id)

    assert status == 202, answer
    assert fakes.certificates.printed_names == {PERSON: SPELLING}


def test_a_my_number_in_the_spelling_or_the_path_is_refused_before_anything(
    fakes: Fakes, log: io.StringIO
) -> None:
    old = _passed_with_certificate(fakes)

    in_body = _reissue(old.certificate_id, printed_name=f"見本 {MY_NUMBER}")
    in_path = _reissue(MY_NUMBER)

    assert in_body[0] == 422, in_body
    assert _fields(in_body[1]) == ["printed_name"]
    assert in_path[0] == 422, in_path
    assert _fields(in_path[1]) == ["path.certificate_id"]
    for text in (_text(in_body[1]), _text(in_path[1]), log.getvalue()):
        assert my_number.find(text) == []
    assert fakes.certificates.reissues == {}
    assert fakes.records.audit == []
    assert fakes.certify_queue.sent == []


# 合格の取消し


def _revoke(application_id: str, caller: str = OFFICE, **changes: Any) -> tuple[int, Any]:
    body = {
        "application_id": application_id,
        "effective_on": TODAY,
        "reason": "受検資格の虚偽申告が判明したため",
        "legal_basis": "職業能力開発促進法施行規則（条項は確認中）",
    } | changes
    return _post("/v1/certificates/revocations", body, caller)


def _exempt_on(record: PassRecord, part: Part = Part.WRITTEN) -> ExemptionDecision:
    return ExemptionDecision(
        part=part,
        outcome=Outcome.EXEMPT,
        basis=Basis.PASS_RECORD,
        rule="higher_grade_written",
        record_id=record.record_id,
        considered=(record.record_id,),
        rules_version="2026.1",
        decided_on=date(2026, 9, 1),
    )


def test_a_revocation_revokes_the_certificates_and_withdraws_the_exemptions(
    fakes: Fakes,
) -> None:
    revoked = _pass(fakes, _registered(fakes))
    printed = _certificate(fakes, revoked)
    electronic = _certificate(fakes, revoked, kind=CertificateKind.ELECTRONIC, serial=2)
    # A later sitting exempt from 学科 on the pass, not yet announced; another announced.
    later = _registered(fakes, parts=(Part.PRACTICAL,), exemptions=(_exempt_on(revoked),))
    announced = _registered(fakes, parts=(Part.PRACTICAL,), exemptions=(_exempt_on(revoked),))
    kept = _pass(fakes, announced)
    other_pass = _pass(fakes, _registered(fakes))
    on_other = _registered(fakes, parts=(Part.PRACTICAL,), exemptions=(_exempt_on(other_pass),))

    status, answer = _revoke(revoked.record_id)

    assert status == 201, answer
    assert answer["application_id"] == revoked.record_id
    assert answer["qualification_pseudonym_id"] == PERSON
    assert (answer["effective_on"], answer["revoked_by"]) == (TODAY, "staff:13:cert1")
    assert answer["certificates"] == [printed.certificate_id, electronic.certificate_id]
    assert answer["withdrawn_exemptions"] == [
        {"application_id": later.application_id, "part": "written"}
    ]
    assert answer["dependent_passes"] == [announced.application_id]
    assert (answer["return_status"], answer["return_on"]) == ("pending", None)
    # The pass is no longer the person's; the certificates are revoked.
    passes = fakes.records.results_of("13").passes_of(PERSON)
    assert revoked.record_id not in [p.record_id for p in passes]
    assert {p.record_id for p in passes} == {kept.record_id, other_pass.record_id}
    for certificate in (printed, electronic):
        stored = fakes.certificates.records[("13", certificate.certificate_id)]
        assert stored.status is CertificateState.REVOKED
    # The later sitting's 学科 is no longer exempt; the announced one and the other are kept.
    (withdrawn,) = fakes.records.sittings[later.application_id].exemptions
    assert (withdrawn.part, withdrawn.outcome, withdrawn.reason) == (
        Part.WRITTEN,
        Outcome.NOT_EXEMPT,
        NotExemptReason.PASS_REVOKED,
    )
    assert withdrawn.decided_on == date(2026, 11, 2)
    assert fakes.records.sittings[announced.application_id] == announced
    assert fakes.records.sittings[on_other.application_id] == on_other
    assert fakes.certify_queue.sent == [
        PassRevoked(
            application_id=revoked.record_id,
            prefecture_code="13",
            qualification_pseudonym_id=PERSON,
        )
    ]
    entries = _actions(fakes.records.audit, AuditAction.PASS_REVOCATION)
    assert sorted(e.record_id for e in entries) == sorted([revoked.record_id, later.application_id])
    assert {(e.person_id, e.prefecture_code, e.user_id, e.outcome) for e in entries} == {
        (PERSON, "13", "cert1", AuditOutcome.SUCCEEDED)
    }
    assert "見本" not in _text(answer)


def test_a_pass_revoked_already_is_a_conflict(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    assert _revoke(revoked.record_id)[0] == 201

    status, answer = _revoke(revoked.record_id, reason="二度目")

    assert status == 409, answer
    assert _slug(answer) == "pass-revoked"
    assert len(fakes.certify_queue.sent) == 1
    assert len(_actions(fakes.records.audit, AuditAction.PASS_REVOCATION)) == 1


def test_another_prefectures_pass_or_no_pass_or_another_role_is_refused(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    not_passed = _registered(fakes)
    assert _revoke(revoked.record_id, OSAKA)[0] == 404
    assert _revoke(not_passed.application_id)[0] == 404
    assert _revoke(revoked.record_id, RESULTS)[0] == 403
    assert fakes.revocations.kept == {}
    assert fakes.certify_queue.sent == []


def test_a_revocation_taking_effect_after_today_is_refused(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))

    status, answer = _revoke(revoked.record_id, effective_on=TOMORROW)

    assert status == 422, answer
    assert "effective_on" in _fields(answer)
    assert fakes.revocations.kept == {}
    assert fakes.certify_queue.sent == []


@pytest.mark.parametrize("field", ["reason", "legal_basis"])
def test_a_my_number_in_the_reason_or_basis_is_refused_and_nothing_kept(
    fakes: Fakes, field: str, log: io.StringIO
) -> None:
    revoked = _pass(fakes, _registered(fakes))

    status, answer = _revoke(revoked.record_id, **{field: f"番号 {MY_NUMBER} の件"})

    assert status == 422, answer
    assert _fields(answer) == [field]
    assert my_number.find(_text(answer)) == []
    assert my_number.find(log.getvalue()) == []
    assert fakes.revocations.kept == {}
    assert fakes.records.audit == []


def test_the_revocations_are_listed_by_their_return(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    _certificate(fakes, revoked)
    assert _revoke(revoked.record_id)[0] == 201

    pending = _get("/v1/certificates/revocations", return_status="pending")
    returned = _get("/v1/certificates/revocations", return_status="returned")
    every = _get("/v1/certificates/revocations")

    assert pending[0] == 200, pending
    assert [r["application_id"] for r in pending[1]["revocations"]] == [revoked.record_id]
    assert returned[1] == {"revocations": []}
    assert [r["application_id"] for r in every[1]["revocations"]] == [revoked.record_id]
    assert _get("/v1/certificates/revocations", OSAKA)[1] == {"revocations": []}
    assert _get("/v1/certificates/revocations", return_status="lost")[0] == 422
    assert _get("/v1/certificates/revocations", RESULTS)[0] == 403
    listed = _actions(fakes.audit.events, AuditAction.PASS_REVOCATIONS_LISTED)
    # Each read before its answer (a refused value is not audited: it read nothing), the
    # other role's refusal after it.
    assert [(e.record_id, e.person_id, e.outcome) for e in listed] == [
        ("13", None, AuditOutcome.ALLOWED),
        ("13", None, AuditOutcome.ALLOWED),
        ("13", None, AuditOutcome.ALLOWED),
        ("27", None, AuditOutcome.ALLOWED),
        ("-", None, AuditOutcome.DENIED),
    ]


def test_one_revocation_is_read_after_its_audit(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    not_revoked = _pass(fakes, _registered(fakes))
    assert _revoke(revoked.record_id)[0] == 201
    path = f"/v1/certificates/revocations/{revoked.record_id}"

    status, answer = _get(path)

    assert status == 200, answer
    assert answer["application_id"] == revoked.record_id
    assert answer["certificates"] == []
    (entry,) = _actions(fakes.audit.events, AuditAction.PASS_REVOCATIONS_LISTED)
    assert (entry.record_id, entry.person_id) == (revoked.record_id, PERSON)
    assert entry.outcome is AuditOutcome.ALLOWED
    assert _get(path, OSAKA)[0] == 404
    assert _get(f"/v1/certificates/revocations/{not_revoked.record_id}")[0] == 404
    assert _get(path, RESULTS)[0] == 403
    refusals = _actions(fakes.audit.events, AuditAction.PASS_REVOCATIONS_LISTED)[1:]
    assert [(e.prefecture_code, e.outcome, e.person_id) for e in refusals] == [
        ("27", AuditOutcome.NOT_FOUND, None),
        ("13", AuditOutcome.NOT_FOUND, None),
        ("13", AuditOutcome.DENIED, None),
    ]


def test_the_return_is_recorded_once(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    _certificate(fakes, revoked)
    assert _revoke(revoked.record_id)[0] == 201
    path = f"/v1/certificates/revocations/{revoked.record_id}/return"

    status, answer = _post(path, {"outcome": "returned", "on": TODAY})

    assert status == 200, answer
    assert (answer["return_status"], answer["return_on"]) == ("returned", TODAY)
    (((_, _, _), stored),) = fakes.revocations.kept.items()
    assert stored.return_status is ReturnStatus.RETURNED
    assert (stored.return_recorded_by, stored.return_recorded_at) == ("staff:13:cert1", NOW)
    (entry,) = _actions(fakes.records.audit, AuditAction.CERTIFICATE_RETURN_RECORDED)
    assert (entry.record_id, entry.person_id) == (revoked.record_id, PERSON)

    again = _post(path, {"outcome": "not_returned", "on": TODAY, "note": "紛失の申出"})

    assert again[0] == 409, again
    assert _slug(again[1]) == "return-recorded"
    assert stored == fakes.revocations.kept[("13", PERSON, revoked.record_id)]
    assert _get("/v1/certificates/revocations", return_status="pending")[1] == {"revocations": []}
    (listed,) = _get("/v1/certificates/revocations", return_status="returned")[1]["revocations"]
    assert listed["application_id"] == revoked.record_id


def test_a_return_closed_as_not_returned_needs_a_note(fakes: Fakes) -> None:
    revoked = _pass(fakes, _registered(fakes))
    _certificate(fakes, revoked)
    assert _revoke(revoked.record_id)[0] == 201
    path = f"/v1/certificates/revocations/{revoked.record_id}/return"

    without = _post(path, {"outcome": "not_returned", "on": TODAY})
    later = _post(path, {"outcome": "returned", "on": TOMORROW})
    elsewhere = _post(path, {"outcome": "returned", "on": TODAY}, OSAKA)

    assert without[0] == 422, without
    assert later[0] == 422, later
    assert "on" in _fields(later[1])
    assert elsewhere[0] == 404, elsewhere
    assert fakes.revocations.kept[("13", PERSON, revoked.record_id)].return_status is (
        ReturnStatus.PENDING
    )
    assert _actions(fakes.records.audit, AuditAction.CERTIFICATE_RETURN_RECORDED) == []

    status, answer = _post(path, {"outcome": "not_returned", "on": TODAY, "note": "所在不明"})

    assert status == 200, answer
    assert (answer["return_status"], answer["return_note"]) == ("not_returned", "所在不明")
