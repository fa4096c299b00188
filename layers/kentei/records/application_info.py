"""The full application record: exam, eligibility, fees, tickets, notices and certificates."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict

from kentei.records import items
from kentei.records.base import Record


class ApplicationInfo(Record):
    """The full application record of one applicant (受検申請者情報).

    Exam and eligibility, fees, exam guide and ticket, and who receives the invoice, exam
    ticket, pass notice and certificate, and how. Built on first use: few functions need it.
    """

    model_config = ConfigDict(defer_build=True)

    date_order: ClassVar[tuple[tuple[str, str], ...]] = (
        ("preferred_exam_start_date", "preferred_exam_end_date"),
    )

    user_id: items.UserIdOpt = None
    fiscal_year: items.FiscalYearOpt = None
    term: items.TermKiOpt = None
    exam_number: items.ExamNumberOpt = None
    my_number: items.MyNumberOpt = None
    trade_code: items.TradeCodeOpt = None
    trade_name: items.TradeNameOpt = None
    work_code: items.WorkCodeOpt = None
    work_name: items.WorkNameOpt = None
    grade_code: items.GradeCodeOpt = None
    grade_name: items.GradeNameOpt = None
    regular_or_anytime: items.RegularOrAnytimeOpt = None
    exam_body_code: items.ExamBodyCodeOpt = None
    group_or_individual: items.GroupOrIndividualOpt = None
    trade_work_order: items.TradeWorkOrderOpt = None
    application_system_number: items.ApplicationSystemNumberOpt = None
    receipt_number: items.ReceiptNumberOpt = None
    written_exam_code: items.WrittenExamCodeOpt = None
    task_exam_code: items.TaskExamCodeOpt = None
    element_exam_code: items.ElementExamCodeOpt = None
    paper_exam_code: items.PaperExamCodeOpt = None
    applying_group_type: items.ApplyingGroupTypeOpt = None
    applying_group_code: items.ApplyingGroupCodeOpt = None
    applying_group_contact_user_id: items.ApplyingGroupContactUserIdOpt = None
    applying_group_name: items.ApplyingGroupNameOpt = None
    preferred_exam_start_date: items.PreferredExamStartDateOpt = None
    preferred_exam_end_date: items.PreferredExamEndDateOpt = None
    written_or_practical: items.WrittenOrPracticalOpt = None
    years_of_practical_experience: items.YearsOfPracticalExperienceOpt = None
    eligibility_code: items.EligibilityCodeOpt = None
    eligible: items.EligibleOpt = None
    education_history_count: items.EducationHistoryCountOpt = None
    training_history_count: items.TrainingHistoryCountOpt = None
    work_history_count: items.WorkHistoryCountOpt = None
    pass_history_count: items.PassHistoryCountOpt = None
    exemption_class_symbol: items.ExemptionClassSymbolOpt = None
    written_exemption_code: items.WrittenExemptionCodeOpt = None
    practical_exemption_code: items.PracticalExemptionCodeOpt = None
    written_partial_exemption: items.WrittenPartialExemptionOpt = None
    attached_certificate_count: items.AttachedCertificateCountOpt = None
    exemption_target_code: items.ExemptionTargetCodeOpt = None
    application_completed_date: items.ApplicationCompletedDateOpt = None
    written_fee_status: items.WrittenFeeStatusOpt = None
    written_fee_method: items.WrittenFeeMethodOpt = None
    written_fee_paid_date: items.WrittenFeePaidDateOpt = None
    practical_fee_status: items.PracticalFeeStatusOpt = None
    practical_fee_method: items.PracticalFeeMethodOpt = None
    practical_fee_paid_date: items.PracticalFeePaidDateOpt = None
    exam_guide_issued_date: items.ExamGuideIssuedDateOpt = None
    payment_slip_issued_date: items.PaymentSlipIssuedDateOpt = None
    exam_ticket_issued_date: items.ExamTicketIssuedDateOpt = None
    practical_number: items.PracticalNumberOpt = None
    seat_number: items.SeatNumberOpt = None
    eligibility_reviewer_name: items.EligibilityReviewerNameOpt = None
    application_remarks: items.ApplicationRemarksOpt = None
    application_forwarded_date: items.ApplicationForwardedDateOpt = None
    coordinator_user_id: items.CoordinatorUserIdOpt = None
    invoice_recipient: items.InvoiceRecipientOpt = None
    invoice_group_type: items.InvoiceGroupTypeOpt = None
    invoice_group_code: items.InvoiceGroupCodeOpt = None
    invoice_group_contact_user_id: items.InvoiceGroupContactUserIdOpt = None
    invoice_delivery_method: items.InvoiceDeliveryMethodOpt = None
    exam_ticket_recipient: items.ExamTicketRecipientOpt = None
    exam_ticket_recipient_group_type: items.ExamTicketRecipientGroupTypeOpt = None
    exam_ticket_group_code: items.ExamTicketGroupCodeOpt = None
    exam_ticket_group_contact_user_id: items.ExamTicketGroupContactUserIdOpt = None
    exam_ticket_delivery_method: items.ExamTicketDeliveryMethodOpt = None
    pass_notice_recipient: items.PassNoticeRecipientOpt = None
    pass_notice_group_type: items.PassNoticeGroupTypeOpt = None
    pass_notice_group_code: items.PassNoticeGroupCodeOpt = None
    pass_notice_group_contact_user_id: items.PassNoticeGroupContactUserIdOpt = None
    pass_notice_delivery_method: items.PassNoticeDeliveryMethodOpt = None
    pass_notice_issued_date: items.PassNoticeIssuedDateOpt = None
    certificate_recipient: items.CertificateRecipientOpt = None
    certificate_recipient_group_type: items.CertificateRecipientGroupTypeOpt = None
    certificate_group_code: items.CertificateGroupCodeOpt = None
    certificate_group_contact_user_id: items.CertificateGroupContactUserIdOpt = None
    certificate_delivery_method: items.CertificateDeliveryMethodOpt = None
    certificate_serial_number: items.CertificateSerialNumberOpt = None
    employer_code: items.EmployerCodeOpt = None
