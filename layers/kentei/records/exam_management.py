"""Exam management: attendance, scores and results of each examinee."""

from __future__ import annotations

from kentei.records import items
from kentei.records.base import Record


class ExamManagement(Record):
    """Attendance, scores and results of one examinee (受検管理テーブル).

    Imported in bulk from the associations (R11), completed by the pass decision and its
    numbers (R12). Scores are 0-100; attendance and results are enums with Japanese labels.
    """

    prefecture_code: items.PrefectureCode
    fiscal_year: items.FiscalYearOpt = None
    term_code: items.TermCodeOpt = None
    grade_code: items.GradeCodeOpt = None
    trade_code: items.TradeCodeOpt = None
    work_code: items.WorkCodeOpt = None
    exam_category: items.ExamCategoryOpt = None
    exam_number: items.ExamNumber
    result_announcement_date: items.ResultAnnouncementDateOpt = None
    written_partial_exemption: items.WrittenExamPartialExemptionOpt = None
    written_attendance: items.WrittenAttendanceOpt = None
    written_score: items.WrittenScoreOpt = None
    practical_total_score: items.PracticalTotalScoreOpt = None
    practical_task_attendance: items.PracticalTaskAttendanceOpt = None
    practical_task_score: items.PracticalTaskScoreOpt = None
    practical_task_passed: items.PracticalTaskPassedOpt = None
    practical_assignment1_attendance: items.PracticalAssignment1AttendanceOpt = None
    practical_assignment1_score: items.PracticalAssignment1ScoreOpt = None
    practical_assignment1_passed: items.PracticalAssignment1PassedOpt = None
    practical_assignment2_attendance: items.PracticalAssignment2AttendanceOpt = None
    practical_assignment2_score: items.PracticalAssignment2ScoreOpt = None
    practical_assignment2_passed: items.PracticalAssignment2PassedOpt = None
    practical_assignment3_attendance: items.PracticalAssignment3AttendanceOpt = None
    practical_assignment3_score: items.PracticalAssignment3ScoreOpt = None
    practical_assignment3_passed: items.PracticalAssignment3PassedOpt = None
    practical_element_attendance: items.PracticalElementAttendanceOpt = None
    practical_element_score: items.PracticalElementScoreOpt = None
    practical_element_passed: items.PracticalElementPassedOpt = None
    practical_paper_attendance: items.PracticalPaperAttendanceOpt = None
    practical_paper_score: items.PracticalPaperScoreOpt = None
    practical_paper_passed: items.PracticalPaperPassedOpt = None
    passed_flag: items.PassedFlagOpt = None
    written_passed_flag: items.WrittenPassedFlagOpt = None
    practical_passed_flag: items.PracticalPassedFlagOpt = None
    certified_skilled_worker_number: items.CertifiedSkilledWorkerNumberOpt = None
    written_pass_number: items.WrittenPassNumberOpt = None
    practical_pass_number: items.PracticalPassNumberOpt = None
    overall_pass_number: items.OverallPassNumberOpt = None
    national_system_management_number: items.NationalSystemManagementNumberOpt = None
