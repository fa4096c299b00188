"""Fee payments recorded by staff on a sitting (受検手数料): the answer, the audit entry with
the write, a retry, the refusals (401, 403, 404, 409, 422); and the roster view's fees and
group."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tests.unit.review.factory import application
from tests.unit.sessions.factory import sitting

from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.fees.assessment import assess
from kentei.fees.payments import unpaid_items
from kentei.fees.schedule import load_fee_schedule
from kentei.records.codes import Grade
from kentei.roster.parts import Part
from kentei.roster.registration import examinee_of

from .events import event, invoke
from .fakes import Fakes

CLERK = "staff:13:clerk1:clerk"
EXAM_ADMIN = "staff:13:exam1:exam_admin"
PAID = {"parts": ["written", "practical"], "method": "口座振込", "paid_on": "2026-04-01"}


def _pay(
    application_id: str, body: dict[str, Any] | None = None, caller: str | None = CLERK
) -> tuple[int, Any]:
    status, _, answer = invoke(
        event(
            "POST",
            f"/v1/roster/sittings/{application_id}/payments",
            caller=caller,
            headers={"Content-Type": "application/json"},
            body=PAID if body is None else body,
        )
    )
    return status, answer


def _on_roster(
    fakes: Fakes, prefecture: str = "13", parts: tuple[Part, ...] = (Part.WRITTEN, Part.PRACTICAL)
) -> str:
    made = application(status=Status.ACCEPTED, prefecture_code=prefecture)
    person = made.qualification_pseudonym_id
    assert person is not None
    fakes.records.applications[made.application_id] = StoredApplication(made, 4, "fp")
    fees = assess(
        load_fee_schedule(),
        prefecture_code=prefecture,
        grade=Grade.SECOND,
        parts=parts,
        fiscal_year=2026,
        birth_date=None,
        employed=False,
    )
    fakes.records.sittings[made.application_id] = sitting(
        application_id=made.application_id,
        prefecture_code=prefecture,
        qualification_pseudonym_id=person,
        parts=parts,
        fees=fees.model_dump(),
        group_or_individual="団体",
        applying_group_code="G0001",
        **unpaid_items(fees),
    )
    fakes.records.examinees[(prefecture, person)] = examinee_of(made.form)
    return made.application_id


def _paid_entries(fakes: Fakes) -> list[Any]:
    return [e for e in fakes.records.audit if e.action is AuditAction.FEE_PAYMENT_RECORDED]


def test_a_payment_is_recorded_per_part_and_audited_with_the_write(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)

    status, answer = _pay(application_id, {**PAID, "parts": ["written"]})

    assert status == 200, answer
    assert answer["application_id"] == application_id
    fees = {p["part"]: p for p in answer["fees"]["parts"]}
    assert answer["fees"]["total"] == 3100 + 17900
    assert fees["written"] == {
        "part": "written",
        "amount": 3100,
        "full_amount": 3100,
        "reduction": None,
        "status": "納付済",
        "method": "口座振込",
        "paid_on": "2026-04-01",
    }
    assert (fees["practical"]["status"], fees["practical"]["method"]) == ("未納", None)
    stored = fakes.records.sittings[application_id]
    assert (stored.written_fee_status, stored.written_fee_paid_date) == ("納付済", date(2026, 4, 1))
    (entry,) = _paid_entries(fakes)
    assert (entry.record_type, entry.record_id, entry.outcome) == (
        "sitting",
        application_id,
        AuditOutcome.SUCCEEDED,
    )
    assert entry.person_id == stored.qualification_pseudonym_id
    assert entry.prefecture_code == "13"


def test_the_exam_office_may_record_a_payment_too(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    status, answer = _pay(application_id, caller=EXAM_ADMIN)
    assert status == 200, answer
    assert {p["status"] for p in answer["fees"]["parts"]} == {"納付済"}


def test_the_same_payment_again_answers_the_same_and_writes_nothing(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    first = _pay(application_id)
    writes = fakes.records.writes

    assert _pay(application_id) == first
    assert fakes.records.writes == writes
    assert len(_paid_entries(fakes)) == 1


def test_a_part_paid_by_another_payment_is_409(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    _pay(application_id)

    status, answer = _pay(application_id, {**PAID, "method": "現金"})

    assert status == 409, answer
    assert answer["type"].endswith("fee-paid")
    assert [e["field"] for e in answer["errors"]] == ["parts"]
    assert fakes.records.sittings[application_id].written_fee_method == "口座振込"


def test_a_part_not_sat_or_a_future_date_is_422_naming_the_field(fakes: Fakes) -> None:
    application_id = _on_roster(fakes, parts=(Part.PRACTICAL,))  # 学科 exempt: no fee
    status, answer = _pay(application_id, {**PAID, "parts": ["written"]})
    assert status == 422, answer
    assert answer["type"].endswith("payment-refused")
    assert [e["field"] for e in answer["errors"]] == ["parts"]

    status, answer = _pay(application_id, {**PAID, "parts": ["practical"], "paid_on": "2026-04-02"})
    assert status == 422, answer
    assert [e["field"] for e in answer["errors"]] == ["paid_on"]
    assert _paid_entries(fakes) == []
    assert fakes.records.sittings[application_id].practical_fee_status == "未納"


def test_a_malformed_payment_is_422(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    for body in (
        {**PAID, "method": "bitcoin"},
        {**PAID, "parts": []},
        {**PAID, "parts": ["oral"]},
        {**PAID, "paid_on": "yesterday"},
        {**PAID, "payer": "技能 花子"},
        {"parts": ["written"], "method": "現金"},
    ):
        status, answer = _pay(application_id, body)
        assert status == 422, (body, answer)
    assert _paid_entries(fakes) == []


def test_another_prefecture_or_an_application_not_accepted_is_404_and_audited(
    fakes: Fakes,
) -> None:
    osaka = _on_roster(fakes, "27")
    reviewed = application(status=Status.UNDER_REVIEW)
    fakes.records.applications[reviewed.application_id] = StoredApplication(reviewed, 3, "fp")

    for application_id in (osaka, reviewed.application_id, "13-01JAAAAAAAAAAAAAAAAAAAAAAA"):
        status, answer = _pay(application_id)
        assert status == 404, answer
    assert fakes.records.sittings[osaka].written_fee_status == "未納"
    refused = [e for e in fakes.audit.events if e.action is AuditAction.FEE_PAYMENT_RECORDED]
    assert {e.outcome for e in refused} == {AuditOutcome.NOT_FOUND}


def test_no_caller_is_401_and_a_reviewer_or_auditor_403(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    assert _pay(application_id, caller=None)[0] == 401
    for caller in ("staff:13:rev1:reviewer", "staff:13:aud1:auditor"):
        status, answer = _pay(application_id, caller=caller)
        assert status == 403, answer
    assert _paid_entries(fakes) == []


def test_the_roster_view_shows_each_sittings_fees_and_group(fakes: Fakes) -> None:
    application_id = _on_roster(fakes)
    _pay(application_id, {**PAID, "parts": ["practical"]})
    person = fakes.records.sittings[application_id].qualification_pseudonym_id

    status, _, answer = invoke(
        event("GET", f"/v1/roster/examinees/{person}", caller="staff:13:exam1:exam_admin")
    )

    assert status == 200, answer
    (viewed,) = answer["sittings"]
    assert (viewed["group_or_individual"], viewed["applying_group_code"]) == ("団体", "G0001")
    fees = {p["part"]: (p["amount"], p["status"]) for p in viewed["fees"]["parts"]}
    assert fees == {"written": (3100, "未納"), "practical": (17900, "納付済")}
    assert viewed["fees"]["schedule_version"] == load_fee_schedule().version
    assert "birth_date" not in json.dumps(viewed["fees"])


# A group's combined payment

GROUP_PAID = {"method": "口座振込", "paid_on": "2026-04-01"}


def _pay_group(body: dict[str, Any], caller: str | None = CLERK) -> tuple[int, Any]:
    status, _, answer = invoke(
        event(
            "POST",
            "/v1/roster/payments",
            caller=caller,
            headers={"Content-Type": "application/json"},
            body=body,
        )
    )
    return status, answer


def test_a_groups_combined_payment_pays_every_member_at_once(fakes: Fakes) -> None:
    members = [_on_roster(fakes), _on_roster(fakes, parts=(Part.PRACTICAL,))]

    status, answer = _pay_group({**GROUP_PAID, "application_ids": members})

    assert status == 200, answer
    assert [s["application_id"] for s in answer["sittings"]] == members
    assert answer["total"] == 3100 + 17900 + 17900
    for application_id in members:
        stored = fakes.records.sittings[application_id]
        for part in stored.parts:
            status_of = getattr(stored, f"{part.value}_fee_status")
            assert status_of == "納付済", (application_id, part)
    assert fakes.records.sittings[members[1]].written_fee_status is None  # not sat
    assert fakes.records.writes == 1, "one write for the group"
    assert sorted(e.record_id for e in _paid_entries(fakes)) == sorted(members)

    again = _pay_group({**GROUP_PAID, "application_ids": members})
    assert again == (status, answer)
    assert len(_paid_entries(fakes)) == 2


def test_a_combined_payment_must_name_one_groups_sittings_each_once(fakes: Fakes) -> None:
    member = _on_roster(fakes)
    alone = _on_roster(fakes)
    fakes.records.sittings[alone] = fakes.records.sittings[alone].model_copy(
        update={"group_or_individual": "個人", "applying_group_code": None}
    )

    status, answer = _pay_group({**GROUP_PAID, "application_ids": [member, alone]})
    assert status == 422, answer
    assert [e["field"] for e in answer["errors"]] == ["application_ids"]

    for ids in ([member, member], [], [f"{member}x"]):
        status, answer = _pay_group({**GROUP_PAID, "application_ids": ids})
        assert status == 422, (ids, answer)
    assert _paid_entries(fakes) == []
    assert fakes.records.sittings[member].written_fee_status == "未納"


def test_a_combined_payment_over_a_member_paid_otherwise_is_409_and_pays_nobody(
    fakes: Fakes,
) -> None:
    members = [_on_roster(fakes), _on_roster(fakes)]
    _pay(members[1], {**PAID, "method": "現金"})

    status, answer = _pay_group({**GROUP_PAID, "application_ids": members})

    assert status == 409, answer
    assert fakes.records.sittings[members[0]].written_fee_status == "未納"


def test_a_combined_payment_naming_another_prefectures_sitting_is_404(fakes: Fakes) -> None:
    ours, theirs = _on_roster(fakes), _on_roster(fakes, "27")

    status, answer = _pay_group({**GROUP_PAID, "application_ids": [ours, theirs]})

    assert status == 404, answer
    assert theirs not in json.dumps(answer)
    assert fakes.records.sittings[ours].written_fee_status == "未納"
    refused = [e for e in fakes.audit.events if e.action is AuditAction.FEE_PAYMENT_RECORDED]
    assert [e.outcome for e in refused] == [AuditOutcome.NOT_FOUND]


def test_a_combined_payment_needs_a_caller_with_a_fee_role(fakes: Fakes) -> None:
    members = [_on_roster(fakes)]
    assert _pay_group({**GROUP_PAID, "application_ids": members}, caller=None)[0] == 401
    status, answer = _pay_group(
        {**GROUP_PAID, "application_ids": members}, caller="staff:13:rev1:reviewer"
    )
    assert status == 403, answer
