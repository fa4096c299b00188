"""Initial registration: people who passed before the system existed register their pass."""

from __future__ import annotations

from pydantic import Field

from kentei.records.base import Record
from kentei.records.codes import ExamCategory, Grade, Sex, Term
from kentei.records.fields import (
    Code,
    Date,
    FiscalYear,
    Identifier,
    PhoneNumber,
    PostalCode,
    PrefectureCode,
    ShortText,
    Text,
)
from kentei.records.sensitive import MyNumberField


class InitialRegistration(Record):
    """An initial registration applicant (初期登録申請者テーブル, R17).

    An existing certified skilled worker registering a past pass; prefecture and the four
    identity items are required.
    """

    prefecture_code: PrefectureCode = Field(
        alias="都道府県コード", description="JIS X 0401 two-digit prefecture code."
    )
    pass_fiscal_year: FiscalYear | None = Field(
        None, alias="合格年度", description="Fiscal year of passing."
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
    my_number: MyNumberField | None = Field(
        None,
        alias="個人番号",
        description="My Number: 12 digits with check digit; masked unless revealed.",
    )
    certified_skilled_worker_number: Identifier | None = Field(
        None, alias="技能士番号", description="Certified skilled worker number."
    )
