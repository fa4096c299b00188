"""The registered examinee: the person and the application, after review and verification."""

from __future__ import annotations

from typing import ClassVar

from kentei.records import items
from kentei.records.base import Record


class Examinee(Record):
    """A registered examinee (受検者テーブル), one per registration (R7).

    Prefecture and the four identity items are required; the rest fills in over the life of
    the record (exam number at R8, corrections at R9).
    """

    date_order: ClassVar[tuple[tuple[str, str], ...]] = (
        ("birth_date", "entry_date"),
        ("entry_date", "residence_expiry_date"),
    )

    prefecture_code: items.PrefectureCode
    fiscal_year: items.FiscalYearOpt = None
    term: items.TermOpt = None
    grade: items.GradeOpt = None
    trade_code: items.TradeCodeOpt = None
    work_code: items.WorkCodeOpt = None
    exam_category: items.ExamCategoryOpt = None
    application_receipt_id: items.ApplicationReceiptIdOpt = None
    exam_number: items.ExamNumberOpt = None
    my_number: items.MyNumberOpt = None
    name: items.Name
    birth_date: items.BirthDate
    sex: items.Sex
    postal_code: items.PostalCodeOpt = None
    address: items.Address
    address_line2: items.AddressLine2Opt = None
    phone: items.PhoneOpt = None
    employer_code: items.EmployerCodeOpt = None
    employer_name: items.EmployerNameOpt = None
    employer_postal_code: items.EmployerPostalCodeOpt = None
    employer_address: items.EmployerAddressOpt = None
    employer_address_line2: items.EmployerAddressLine2Opt = None
    employer_phone: items.EmployerPhoneOpt = None
    course_or_exemption: items.CourseOrExemptionOpt = None
    name_kana: items.NameKanaOpt = None
    years_of_experience: items.YearsOfExperienceOpt = None
    nationality: items.NationalityOpt = None
    entry_date: items.EntryDateOpt = None
    residence_expiry_date: items.ResidenceExpiryDateOpt = None
    residence_card_number: items.ResidenceCardNumberOpt = None
    trainee_exam_category: items.TraineeExamCategoryOpt = None
    training_plan_approval_number: items.TrainingPlanApprovalNumberOpt = None
    training_implementer_name: items.TrainingImplementerNameOpt = None
    training_site_name: items.TrainingSiteNameOpt = None
