"""What an accepted application registers: the examinee without the My Number, one sitting
with the exam facts; what it cannot register without; and intake's lack of a read path into
the inbox."""

from __future__ import annotations

from pathlib import Path

from tests.unit.review.factory import RECEIVED_AT, application, form
from tests.unit.verification.conftest import TARO

from kentei.applications.model import ApplyingGroup
from kentei.records.applicant import Applicant
from kentei.records.codes import ApplicantKind
from kentei.records.examinee import Examinee
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import examinee_of, registration_of
from kentei.submissions import ApplicationForm

INTAKE = Path(__file__).resolve().parents[3] / "functions" / "intake"


def test_the_examinee_has_the_applicants_items_without_the_my_number() -> None:
    form = ApplicationForm.model_validate(
        TARO.form(residence_card_number="AB12345678CD", nationality="ベトナム")
    )
    applicant = form.to_applicant("13-00000000000000000000000001", keep_my_number=True)

    examinee = examinee_of(applicant)

    assert isinstance(examinee, Examinee)
    assert examinee.my_number is None
    assert examinee.application_receipt_id == "13-00000000000000000000000001"
    assert examinee.residence_card_number == applicant.residence_card_number
    for name in set(Applicant.model_fields) - {"my_number"}:
        assert getattr(examinee, name) == getattr(applicant, name), name


def test_intake_has_no_read_path_into_the_inbox() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in INTAKE.rglob("*.py"))

    assert "InboxReader" not in source
    assert "get_object" not in source


def test_a_group_application_gives_its_sitting_the_group_code_and_an_individual_none() -> None:
    individual = application()
    company = ApplyingGroup.model_validate(
        {"受検申請団体コード": "G0001", "name": "株式会社 試験製作所", "type": "事業主"}
    )
    grouped = individual.model_copy(update={"group": company})
    scheme = schemes().of("13")
    at = individual.received_at

    alone = registration_of(individual).sitting(scheme, 1, at=at, by="staff:13:reviewer")
    member = registration_of(grouped).sitting(scheme, 2, at=at, by="staff:13:reviewer")

    assert (alone.group_or_individual, alone.applying_group_code) == (
        ApplicantKind.INDIVIDUAL,
        None,
    )
    assert alone.group is None
    assert (member.group_or_individual, member.applying_group_code) == (
        ApplicantKind.GROUP,
        "G0001",
    )
    assert member.group == "G0001"
    assert "株式会社" not in member.model_dump_json()  # the sitting keeps the code only


def test_a_sitting_is_registered_with_its_fees_unpaid_and_the_young_employee_reduction() -> None:
    scheme = schemes().of("13")
    at = RECEIVED_AT
    older = application(
        form(
            grade="2級",
            exam_category="学科+実技",
            birth_date="1980-05-05",
            employer_name="株式会社 試験",
        )
    )
    young = application(
        form(
            grade="2級",
            exam_category="実技のみ",
            birth_date="2000-05-05",
            employer_name="株式会社 試験",
        )
    )
    unemployed = application(
        form(
            grade="2級",
            exam_category="実技のみ",
            birth_date="2000-05-05",
            employer_name=None,
            employer_code=None,
        )
    )

    full = registration_of(older).sitting(scheme, 1, at=at, by="staff:13:reviewer")
    reduced = registration_of(young).sitting(scheme, 2, at=at, by="staff:13:reviewer")
    not_employed = registration_of(unemployed).sitting(scheme, 3, at=at, by="staff:13:reviewer")

    assert full.fees is not None
    assert {f.part: f.amount for f in full.fees.parts} == {
        Part.WRITTEN: 3100,
        Part.PRACTICAL: 17900,
    }
    assert (full.written_fee_status, full.practical_fee_status) == ("未納", "未納")
    assert reduced.fees is not None
    (fee,) = reduced.fees.parts
    assert (fee.part, fee.amount, fee.full_amount, fee.reduction) == (
        Part.PRACTICAL,
        8900,
        17900,
        "young_employee",
    )
    assert (reduced.written_fee_status, reduced.practical_fee_status) == (None, "未納")
    assert not_employed.fees is not None
    assert not_employed.fees.total == 17900
    assert "2000-05-05" not in reduced.model_dump_json()  # the amounts, never the birth date
