"""The full application record: exam, eligibility, fees, tickets, notices and certificates."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from kentei.records.base import Record
from kentei.records.codes import ApplicantKind, ExamCategory, Schedule, Term
from kentei.records.fields import (
    Code,
    Count,
    Date,
    FiscalYear,
    Identifier,
    LongText,
    ShortText,
    Text,
    Years,
    YesNo,
)
from kentei.records.sensitive import MyNumberField


class ApplicationInfo(Record):
    """The full application record of one applicant (受検申請者情報).

    Exam and eligibility, fees, exam guide and ticket, and who receives the invoice, exam
    ticket, pass notice and certificate, and how. Built on first use: few functions need it.
    """

    model_config = ConfigDict(defer_build=True)

    date_order: ClassVar[tuple[tuple[str, str], ...]] = (
        ("preferred_exam_start_date", "preferred_exam_end_date"),
    )

    user_id: Identifier | None = Field(
        None,
        alias="ユーザID",
        description="User ID of the applicant in the national qualifications system.",
    )
    fiscal_year: FiscalYear | None = Field(
        None, alias="年度", description="Fiscal year of the exam."
    )
    term: Term | None = Field(
        None, alias="期", description="Exam term: first half, second half, or any time."
    )
    exam_number: Identifier | None = Field(None, alias="受検番号", description="Examinee number.")
    my_number: MyNumberField | None = Field(
        None,
        alias="個人番号",
        description="My Number; specific personal information, masked unless revealed.",
    )
    trade_code: Code | None = Field(None, alias="職種コード", description="Skill trade code.")
    trade_name: ShortText | None = Field(None, alias="職種名称", description="Skill trade name.")
    work_code: Code | None = Field(
        None, alias="作業コード", description="Work (specialty) code within the trade."
    )
    work_name: ShortText | None = Field(
        None, alias="作業名称", description="Work (specialty) name."
    )
    grade_code: Code | None = Field(None, alias="級コード", description="Grade code.")
    grade_name: ShortText | None = Field(None, alias="級名称", description="Grade name.")
    regular_or_anytime: Schedule | None = Field(
        None, alias="定期・随時の別", description="Regular or any-time exam."
    )
    exam_body_code: Code | None = Field(
        None, alias="試験実施機関コード", description="Code of the exam-conducting body."
    )
    group_or_individual: ApplicantKind | None = Field(
        None, alias="団体・個人の別", description="Group or individual application."
    )
    trade_work_order: Count | None = Field(
        None, alias="職種作業順序", description="Order of the trade and work in listings."
    )
    application_system_number: Identifier | None = Field(
        None,
        alias="受検申請受付システム番号",
        description="Number in the application receipt system.",
    )
    receipt_number: Identifier | None = Field(None, alias="受付番号", description="Receipt number.")
    written_exam_code: Code | None = Field(
        None, alias="学科試験コード", description="Written test code."
    )
    task_exam_code: Code | None = Field(
        None, alias="作業試験コード", description="Practical task test code."
    )
    element_exam_code: Code | None = Field(
        None, alias="要素試験コード", description="Practical element test code."
    )
    paper_exam_code: Code | None = Field(
        None, alias="ペパ試験コード", description="Practical paper test code."
    )
    applying_group_type: ShortText | None = Field(
        None, alias="受検申請団体種別", description="Type of the applying group."
    )
    applying_group_code: Code | None = Field(
        None, alias="受検申請団体コード", description="Code of the applying group."
    )
    applying_group_contact_user_id: Identifier | None = Field(
        None,
        alias="受検申請団体担当者ユーザID",
        description="User ID of the applying group's contact person.",
    )
    applying_group_name: Text | None = Field(
        None, alias="受検申請団体名", description="Name of the applying group."
    )
    preferred_exam_start_date: Date | None = Field(
        None, alias="受検開始希望日", description="First day the applicant prefers to sit the exam."
    )
    preferred_exam_end_date: Date | None = Field(
        None, alias="受検終了希望日", description="Last day the applicant prefers to sit the exam."
    )
    written_or_practical: ExamCategory | None = Field(
        None, alias="学科実技の別", description="Written, practical, or both."
    )
    years_of_practical_experience: Years | None = Field(
        None, alias="実務経験年数", description="Years of practical experience."
    )
    eligibility_code: Code | None = Field(
        None, alias="受検資格コード", description="Eligibility code."
    )
    eligible: YesNo | None = Field(
        None, alias="受検資格有無", description="Whether the applicant is eligible."
    )
    education_history_count: Count | None = Field(
        None, alias="学歴数", description="Number of education history entries."
    )
    training_history_count: Count | None = Field(
        None, alias="訓練歴数", description="Number of vocational training history entries."
    )
    work_history_count: Count | None = Field(
        None, alias="職歴数", description="Number of work history entries."
    )
    pass_history_count: Count | None = Field(
        None, alias="合格歴数", description="Number of earlier passes."
    )
    exemption_class_symbol: ShortText | None = Field(
        None, alias="試験免除分類記号", description="Exam exemption class symbol."
    )
    written_exemption_code: Code | None = Field(
        None, alias="学科免除内容コード", description="Written test exemption code."
    )
    practical_exemption_code: Code | None = Field(
        None, alias="実技免除内容コード", description="Practical test exemption code."
    )
    written_partial_exemption: YesNo | None = Field(
        None, alias="学科一部免除", description="Whether part of the written test is exempted."
    )
    attached_certificate_count: Count | None = Field(
        None, alias="添付証明書数", description="Number of attached certificates."
    )
    exemption_target_code: Code | None = Field(
        None, alias="免除対象者コード", description="Exemption target code."
    )
    application_completed_date: Date | None = Field(
        None, alias="申請入力完了日", description="Date the application input was completed."
    )
    written_fee_status: ShortText | None = Field(
        None, alias="学科手数料支払状況", description="Written test fee: payment status."
    )
    written_fee_method: ShortText | None = Field(
        None, alias="学科手数料支払方法", description="Written test fee: payment method."
    )
    written_fee_paid_date: Date | None = Field(
        None, alias="学科手数料支払日", description="Written test fee: date paid."
    )
    practical_fee_status: ShortText | None = Field(
        None, alias="実技手数料支払状況", description="Practical test fee: payment status."
    )
    practical_fee_method: ShortText | None = Field(
        None, alias="実技手数料支払方法", description="Practical test fee: payment method."
    )
    practical_fee_paid_date: Date | None = Field(
        None, alias="実技手数料支払日", description="Practical test fee: date paid."
    )
    exam_guide_issued_date: Date | None = Field(
        None, alias="受検案内発行日", description="Date the exam guide was issued."
    )
    payment_slip_issued_date: Date | None = Field(
        None, alias="納付書発行日", description="Date the payment slip was issued."
    )
    exam_ticket_issued_date: Date | None = Field(
        None, alias="受検票発行日", description="Date the exam ticket was issued."
    )
    practical_number: Identifier | None = Field(
        None, alias="実技番号", description="Practical test number."
    )
    seat_number: Identifier | None = Field(None, alias="座席番号", description="Seat number.")
    eligibility_reviewer_name: ShortText | None = Field(
        None,
        alias="受検資格審査者職員名",
        description="Name of the staff member who reviewed eligibility.",
    )
    application_remarks: LongText | None = Field(
        None, alias="受検申請備考", description="Remarks on the application."
    )
    application_forwarded_date: Date | None = Field(
        None, alias="受検申請情報取次ぎ日", description="Date the application was forwarded."
    )
    coordinator_user_id: Identifier | None = Field(
        None, alias="調整担当者ユーザID", description="User ID of the coordinator."
    )
    invoice_recipient: ShortText | None = Field(
        None, alias="請求書受取人", description="Recipient of the invoice."
    )
    invoice_group_type: ShortText | None = Field(
        None, alias="請求団体種別", description="Type of the group receiving the invoice."
    )
    invoice_group_code: Code | None = Field(
        None, alias="請求団体コード", description="Code of the group receiving the invoice."
    )
    invoice_group_contact_user_id: Identifier | None = Field(
        None,
        alias="請求団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the invoice.",
    )
    invoice_delivery_method: ShortText | None = Field(
        None, alias="請求書受取方法", description="How the invoice is delivered."
    )
    exam_ticket_recipient: ShortText | None = Field(
        None, alias="受検票受取人", description="Recipient of the exam ticket."
    )
    exam_ticket_recipient_group_type: ShortText | None = Field(
        None,
        alias="受検票受取人団体種別",
        description="Type of the group receiving the exam ticket.",
    )
    exam_ticket_group_code: Code | None = Field(
        None,
        alias="受検票受取団体コード",
        description="Code of the group receiving the exam ticket.",
    )
    exam_ticket_group_contact_user_id: Identifier | None = Field(
        None,
        alias="受検票受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the exam ticket.",
    )
    exam_ticket_delivery_method: ShortText | None = Field(
        None, alias="受検票受取方法", description="How the exam ticket is delivered."
    )
    pass_notice_recipient: ShortText | None = Field(
        None, alias="合格通知書受取人", description="Recipient of the pass notice."
    )
    pass_notice_group_type: ShortText | None = Field(
        None,
        alias="合格通知書受取団体種別",
        description="Type of the group receiving the pass notice.",
    )
    pass_notice_group_code: Code | None = Field(
        None,
        alias="合格通知書受取団体コード",
        description="Code of the group receiving the pass notice.",
    )
    pass_notice_group_contact_user_id: Identifier | None = Field(
        None,
        alias="合格通知書受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the pass notice.",
    )
    pass_notice_delivery_method: ShortText | None = Field(
        None, alias="合格通知書受取方法", description="How the pass notice is delivered."
    )
    pass_notice_issued_date: Date | None = Field(
        None, alias="合格通知書発行日", description="Date the pass notice was issued."
    )
    certificate_recipient: ShortText | None = Field(
        None, alias="合格証書受取人", description="Recipient of the pass certificate."
    )
    certificate_recipient_group_type: ShortText | None = Field(
        None,
        alias="合格証書受取団体種別",
        description="Type of the group receiving the pass certificate.",
    )
    certificate_group_code: Code | None = Field(
        None,
        alias="合格証書受取団体コード",
        description="Code of the group receiving the pass certificate.",
    )
    certificate_group_contact_user_id: Identifier | None = Field(
        None,
        alias="合格証書受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the pass certificate.",
    )
    certificate_delivery_method: ShortText | None = Field(
        None, alias="合格証書受取方法", description="How the pass certificate is delivered."
    )
    certificate_serial_number: Identifier | None = Field(
        None, alias="合格証書シリアル番号", description="Serial number of the pass certificate."
    )
    employer_code: Code | None = Field(None, alias="事業所コード", description="Employer code.")
