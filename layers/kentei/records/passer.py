"""Passers as exchanged with the national qualifications system."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict

from kentei.records import items
from kentei.records.base import Record


class Passer(Record):
    """A passer (合格者データ), as synced with the national qualifications system (R16).

    Results and pass date (R12), certificates issued and reissued (R14), revocation (R15).
    Built on first use: few functions need it.
    """

    model_config = ConfigDict(defer_build=True)

    date_order: ClassVar[tuple[tuple[str, str], ...]] = (
        ("pass_date", "valid_until"),
        ("pass_date", "revocation_date"),
    )

    user_id: items.UserIdOpt = None
    fiscal_year: items.FiscalYearOpt = None
    exam_body_code: items.ExamBodyCodeOpt = None
    exam_number: items.ExamNumberOpt = None
    my_number: items.MyNumberOpt = None
    national_system_management_number: items.NationalSystemManagementNumberOpt = None
    written_result: items.WrittenResultOpt = None
    written_score: items.WrittenScoreOpt = None
    practical_result: items.PracticalResultOpt = None
    practical_score: items.PracticalScoreOpt = None
    score_item_count: items.ScoreItemCountOpt = None
    skilled_worker_result: items.SkilledWorkerResultOpt = None
    pass_decision: items.PassDecisionOpt = None
    pass_notice_category: items.PassNoticeCategoryOpt = None
    written_pass_notice_number: items.WrittenPassNoticeNumberOpt = None
    practical_pass_notice_number: items.PracticalPassNoticeNumberOpt = None
    written_exam_datetime: items.WrittenExamDatetimeOpt = None
    practical_exam_datetime: items.PracticalExamDatetimeOpt = None
    pass_date: items.PassDateOpt = None
    valid_until: items.ValidUntilOpt = None
    certified_skilled_worker_number: items.CertifiedSkilledWorkerNumberOpt = None
    electronic_certificate_count: items.ElectronicCertificateCountOpt = None
    paper_certificate_count: items.PaperCertificateCountOpt = None
    japanese_pass_proof_count: items.JapanesePassProofCountOpt = None
    english_pass_proof_count: items.EnglishPassProofCountOpt = None
    reissue_count: items.ReissueCountOpt = None
    revocation_date: items.RevocationDateOpt = None
    revocation_reason: items.RevocationReasonOpt = None
    reserved_text_01: items.ReservedText01Opt = None
    reserved_text_02: items.ReservedText02Opt = None
    reserved_number_01: items.ReservedNumber01Opt = None
    reserved_number_02: items.ReservedNumber02Opt = None
