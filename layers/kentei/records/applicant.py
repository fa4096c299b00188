"""The applicant: person data as applied, before review and registration."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from kentei.records.base import Record
from kentei.records.codes import ExamCategory, Grade, Sex, Term
from kentei.records.fields import (
    Code,
    Date,
    FiscalYear,
    Identifier,
    Kana,
    PhoneNumber,
    PostalCode,
    PrefectureCode,
    ShortText,
    Text,
    Years,
)
from kentei.records.sensitive import MyNumberField, ResidenceCardNumber


class Applicant(Record):
    """An applicant as applied (受検申請者テーブル), online (R1, R2) or on paper (R3).

    Prefecture and the four identity items (name, birth date, sex, address) are required:
    review (R4) and the registry checks (R5, R6) need them.
    """

    date_order: ClassVar[tuple[tuple[str, str], ...]] = (
        ("birth_date", "entry_date"),
        ("entry_date", "residence_expiry_date"),
    )

    prefecture_code: PrefectureCode = Field(
        alias="都道府県コード", description="JIS X 0401 two-digit prefecture code."
    )
    fiscal_year: FiscalYear | None = Field(
        None, alias="年度", description="Fiscal year of the exam."
    )
    term: Term | None = Field(
        None, alias="期別", description="Exam term: first half, second half, or any time."
    )
    grade: Grade | None = Field(None, alias="級", description="Grade of the test.")
    trade_code: Code | None = Field(None, alias="職種コード", description="Skill trade code.")
    work_code: Code | None = Field(
        None, alias="作業コード", description="Work (specialty) code within the trade."
    )
    exam_category: ExamCategory | None = Field(
        None,
        alias="受検区分",
        description="Exam category: written and practical, written only, or practical only.",
    )
    application_receipt_id: Identifier | None = Field(
        None, alias="申請受付ID", description="ID given when the application was received."
    )
    my_number: MyNumberField | None = Field(
        None,
        alias="個人番号",
        description="My Number: 12 digits with check digit; masked unless revealed.",
    )
    name: ShortText = Field(alias="氏名", description="Full name.")
    birth_date: Date = Field(alias="生年月日", description="Date of birth.")
    sex: Sex = Field(alias="性別", description="Sex, as an ISO/IEC 5218 code.")
    postal_code: PostalCode | None = Field(
        None, alias="郵便番号", description="Postal code, seven digits without hyphen."
    )
    address: Text = Field(alias="住所", description="Address.")
    address_line2: Text | None = Field(
        None, alias="方書", description="Building and room part of the address."
    )
    phone: PhoneNumber | None = Field(None, alias="電話番号", description="Telephone number.")
    employer_code: Code | None = Field(None, alias="事業所コード", description="Employer code.")
    employer_name: Text | None = Field(None, alias="事業所名", description="Employer name.")
    employer_postal_code: PostalCode | None = Field(
        None,
        alias="事業所郵便番号",
        description="Employer postal code, seven digits without hyphen.",
    )
    employer_address: Text | None = Field(None, alias="事業所住所", description="Employer address.")
    employer_address_line2: Text | None = Field(
        None, alias="事業所方書", description="Building and room part of the employer address."
    )
    employer_phone: PhoneNumber | None = Field(
        None, alias="事業所電話番号", description="Employer telephone number."
    )
    course_or_exemption: ShortText | None = Field(
        None, alias="コース/免除", description="Course or exemption."
    )
    name_kana: Kana | None = Field(
        None, alias="ふりがな", description="Reading of the name in kana."
    )
    years_of_experience: Years | None = Field(
        None, alias="経験年数", description="Years of practical experience."
    )
    nationality: ShortText | None = Field(
        None, alias="国籍", description="Nationality or region, as on the residence card."
    )
    entry_date: Date | None = Field(None, alias="入国日", description="Date of entry to Japan.")
    residence_expiry_date: Date | None = Field(
        None, alias="在留期限日", description="Expiry of the period of stay."
    )
    residence_card_number: ResidenceCardNumber | None = Field(
        None, alias="在留カード番号", description="Residence card number; masked unless revealed."
    )
    trainee_exam_category: ShortText | None = Field(
        None, alias="試験実習の区分", description="Technical intern training exam category."
    )
    training_plan_approval_number: Identifier | None = Field(
        None, alias="計画認定番号", description="Approved technical intern training plan number."
    )
    training_implementer_name: Text | None = Field(
        None,
        alias="実習実施者名",
        description="Name of the organisation implementing the training.",
    )
    training_site_name: Text | None = Field(
        None, alias="実習事業所名", description="Name of the training site."
    )
