"""Registration at acceptance (R7, R8) over the fakes: an accepted application puts the person
and one sitting with an exam number on the roster, in the acceptance's transaction; a
returned one puts nothing; one the roster cannot take is refused and left as it was."""

from __future__ import annotations

import pytest
from tests.unit.review.factory import application, form

from intake.errors import ConflictError
from intake.reviewing import decide_application
from intake.views import DecisionRequest
from kentei.applications.model import Application, Reason, Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.person_requests.suspension import Suspension

from .events import event, invoke
from .fakes import Fakes
from .test_receive import STAFF

PERSON = "person-0000-abcdef"
ACCEPT = DecisionRequest(decision="accept", reasons=[])
FIX = Reason(code="fix.name_kana", field="name_kana", message="ふりがな is missing.")


def _under_review(fakes: Fakes, pseudonym: str | None = PERSON, **changes: object) -> str:
    reviewed: Application = application(form(**changes), status=Status.UNDER_REVIEW)
    reviewed = reviewed.model_copy(update={"qualification_pseudonym_id": pseudonym})
    fakes.records.applications[reviewed.application_id] = StoredApplication(reviewed, 3, "fp")
    return reviewed.application_id


def test_two_works_in_one_round_are_two_sittings_of_one_person_with_two_numbers() -> None:
    fakes = Fakes()
    lathe = _under_review(fakes, work_code="070101")
    milling = _under_review(fakes, work_code="070102")

    for application_id in (lathe, milling):
        answer = decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())
        assert answer.status == "accepted"

    sittings = fakes.records.sittings
    assert set(sittings) == {lathe, milling}
    assert {s.qualification_pseudonym_id for s in sittings.values()} == {PERSON}
    assert len({s.exam_number for s in sittings.values()}) == 2
    assert list(fakes.records.examinees) == [("13", PERSON)]
    (examinee,) = fakes.records.examinees.values()
    assert examinee.my_number is None
    registered = [e for e in fakes.records.audit if e.action is AuditAction.EXAMINEE_REGISTERED]
    assert [(e.record_type, e.record_id, e.person_id) for e in registered] == [
        ("sitting", lathe, PERSON),
        ("sitting", milling, PERSON),
    ]


def test_a_returned_application_leaves_no_roster_entry() -> None:
    fakes = Fakes()
    application_id = _under_review(fakes)
    request = DecisionRequest(decision="return", reasons=[FIX])

    decide_application(STAFF, application_id, request, "r-1", fakes.dependencies())

    assert fakes.records.sittings == {}
    assert fakes.records.examinees == {}


@pytest.mark.parametrize("missing", ["fiscal_year", "term", "work_code", "grade"])
def test_an_application_the_roster_cannot_take_is_refused_and_left_as_it_was(missing: str) -> None:
    fakes = Fakes()
    application_id = _under_review(fakes, **{missing: None})
    before = fakes.records.applications[application_id]

    with pytest.raises(ConflictError, match=missing) as refused:
        decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    assert refused.value.slug == "not-registrable"
    assert fakes.records.applications[application_id] == before
    assert fakes.records.sittings == {}
    assert fakes.records.audit == []


def test_accepting_the_same_application_again_registers_nothing_more() -> None:
    fakes = Fakes()
    application_id = _under_review(fakes)
    decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())
    sitting = fakes.records.sittings[application_id]

    again = decide_application(STAFF, application_id, ACCEPT, "r-2", fakes.dependencies())

    assert again.status == "accepted"
    assert fakes.records.sittings == {application_id: sitting}


def test_staff_open_the_person_on_the_roster_with_their_sittings_and_it_is_audited(
    fakes: Fakes,
) -> None:
    lathe = _under_review(fakes, work_code="070101")
    milling = _under_review(fakes, work_code="070102")
    for application_id in (lathe, milling):
        decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    status, _, body = invoke(
        event("GET", f"/v1/roster/examinees/{PERSON}", caller="staff:13:exam1:exam_admin")
    )

    assert status == 200, body
    assert body["qualification_pseudonym_id"] == PERSON
    assert "my_number" not in body["examinee"]
    assert [s["application_id"] for s in body["sittings"]] == sorted(
        [lathe, milling], key=lambda a: (fakes.records.sittings[a].accepted_at, a)
    )
    assert len({s["exam_number"] for s in body["sittings"]}) == 2
    assert body["use_suspended"] is False
    (opened,) = [e for e in fakes.audit.events if e.action is AuditAction.EXAMINEE_OPENED]
    assert (opened.person_id, opened.actor) == (PERSON, "staff:13:exam1")
    fakes.records.suspensions[("13", PERSON)] = Suspension(
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        request_id="prq-" + "0" * 26,
        since=fakes.records.sittings[lathe].accepted_at,
        by="staff:13:privacy1",
    )
    _, _, body = invoke(
        event("GET", f"/v1/roster/examinees/{PERSON}", caller="staff:13:exam1:exam_admin")
    )
    assert body["use_suspended"] is True, "staff are told the person's use is suspended"


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("staff:27:exam9:exam_admin", 404),  # another prefecture's roster has no such person
        ("staff:13:clerk1:clerk", 403),
        ("bridge:mynaportal", 403),
    ],
)
def test_the_roster_is_the_callers_prefectures_and_roles(
    fakes: Fakes, caller: str, expected: int
) -> None:
    application_id = _under_review(fakes)
    decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    status, _, body = invoke(event("GET", f"/v1/roster/examinees/{PERSON}", caller=caller))

    assert status == expected, body


def test_the_catalogue_and_the_rounds_are_public() -> None:
    for path in ("/v1/exams/catalogue", "/v1/exams/rounds"):
        status, _, body = invoke(event("GET", path))
        assert status == 200, body
    status, _, body = invoke(event("GET", "/v1/exams/catalogue"))
    assert body["trades"]


def test_the_roster_shows_each_part_not_sat_with_its_exemption_decision(fakes: Fakes) -> None:
    written_only = _under_review(fakes, exam_category="学科のみ")
    decide_application(STAFF, written_only, ACCEPT, "r-1", fakes.dependencies())

    status, _, body = invoke(
        event("GET", f"/v1/roster/examinees/{PERSON}", caller="staff:13:exam1:exam_admin")
    )

    assert status == 200, body
    (sitting,) = body["sittings"]
    assert sitting["parts"] == ["written"]
    (decision,) = sitting["exemptions"]
    assert decision["part"] == "practical"
    # No pass records exist yet and this online application attached no evidence.
    assert (decision["outcome"], decision["reason"]) == ("not_exempt", "no_pass_found")


def test_a_part_pass_on_record_exempts_the_part_at_acceptance() -> None:
    from datetime import date

    from kentei.exemptions.model import Basis, Outcome, PassKind, PassRecord
    from kentei.records.codes import Grade, Term
    from kentei.roster.parts import ExamRound, Part

    fakes = Fakes()
    application_id = _under_review(fakes, exam_category="実技のみ")
    reviewed = fakes.records.applications[application_id].application
    fakes.records.passes.append(
        PassRecord(
            record_id="13-01J00000000000000000000AB",
            qualification_pseudonym_id=PERSON,
            kind=PassKind.PART_PASS,
            parts=(Part.WRITTEN,),
            exam_round=ExamRound(fiscal_year=2024, term=Term.SECOND),
            trade_code=reviewed.form.trade_code or "",
            work_code=reviewed.form.work_code or "",
            grade=reviewed.form.grade or Grade.SECOND,
            passed_on=date(2025, 3, 14),
            notice_number="P13G24-000001",
        )
    )

    decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    (decision,) = fakes.records.sittings[application_id].exemptions
    assert (decision.part, decision.outcome, decision.basis) == (
        Part.WRITTEN,
        Outcome.EXEMPT,
        Basis.PASS_RECORD,
    )
    assert decision.record_id == "13-01J00000000000000000000AB"


def test_a_suspended_persons_application_is_not_accepted_until_the_suspension_is_lifted() -> None:
    """P10: while the person's use of their data is suspended (利用停止), staff cannot accept
    (register) their application; they are told why, and nothing is written. A suspension
    granted after the read fails the acceptance's own write."""
    fakes = Fakes()
    application_id = _under_review(fakes)
    fakes.records.suspensions[("13", PERSON)] = Suspension(
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        request_id="prq-" + "0" * 26,
        since=application(form()).received_at,
        by="staff:13:privacy1",
    )
    before = fakes.records.applications[application_id]

    with pytest.raises(ConflictError) as refused:
        decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    assert refused.value.slug == "use-suspended"
    assert "利用停止" in str(refused.value)
    assert fakes.records.applications[application_id] == before
    assert fakes.records.sittings == {}
    del fakes.records.suspensions[("13", PERSON)]
    answer = decide_application(STAFF, application_id, ACCEPT, "r-2", fakes.dependencies())
    assert answer.status == "accepted"
