"""Exam management: attendance, scores and results of each examinee."""

from __future__ import annotations

from pydantic import Field

from kentei.records.base import Record
from kentei.records.codes import Attendance, ExamCategory, PassFail
from kentei.records.fields import Code, Date, FiscalYear, Identifier, PrefectureCode, Score, YesNo


class ExamManagement(Record):
    """Attendance, scores and results of one examinee (受検管理テーブル).

    Imported in bulk from the associations (R11), completed by the pass decision and its
    numbers (R12). Scores are 0-100; attendance and results are enums with Japanese labels.
    """

    prefecture_code: PrefectureCode = Field(
        alias="都道府県コード", description="JIS X 0401 two-digit prefecture code."
    )
    fiscal_year: FiscalYear | None = Field(
        None, alias="年度", description="Fiscal year of the exam."
    )
    term_code: Code | None = Field(None, alias="期別コード", description="Exam term code.")
    grade_code: Code | None = Field(None, alias="級コード", description="Grade code.")
    trade_code: Code | None = Field(None, alias="職種コード", description="Skill trade code.")
    work_code: Code | None = Field(
        None, alias="作業コード", description="Work (specialty) code within the trade."
    )
    exam_category: ExamCategory | None = Field(
        None,
        alias="受検区分",
        description="Exam category: written and practical, written only, or practical only.",
    )
    exam_number: Identifier = Field(alias="受検番号", description="Examinee number.")
    result_announcement_date: Date | None = Field(
        None, alias="合格発表日", description="Date the results are announced."
    )
    written_partial_exemption: YesNo | None = Field(
        None, alias="学科試験一部免除", description="Whether part of the written test is exempted."
    )
    written_attendance: Attendance | None = Field(
        None, alias="学科出欠", description="Attendance at the written test."
    )
    written_score: Score | None = Field(
        None, alias="学科得点", description="Written test score, 0-100."
    )
    practical_total_score: Score | None = Field(
        None, alias="実技合計得点", description="Practical test total score, 0-100."
    )
    practical_task_attendance: Attendance | None = Field(
        None, alias="実技作業出欠", description="Practical test, task part: attendance."
    )
    practical_task_score: Score | None = Field(
        None, alias="実技作業得点", description="Practical test, task part: score, 0-100."
    )
    practical_task_passed: PassFail | None = Field(
        None, alias="実技作業合否", description="Practical test, task part: result."
    )
    practical_assignment1_attendance: Attendance | None = Field(
        None, alias="実技課題1出欠", description="Practical test, assignment 1 part: attendance."
    )
    practical_assignment1_score: Score | None = Field(
        None, alias="実技課題1得点", description="Practical test, assignment 1 part: score, 0-100."
    )
    practical_assignment1_passed: PassFail | None = Field(
        None, alias="実技課題1合否", description="Practical test, assignment 1 part: result."
    )
    practical_assignment2_attendance: Attendance | None = Field(
        None, alias="実技課題2出欠", description="Practical test, assignment 2 part: attendance."
    )
    practical_assignment2_score: Score | None = Field(
        None, alias="実技課題2得点", description="Practical test, assignment 2 part: score, 0-100."
    )
    practical_assignment2_passed: PassFail | None = Field(
        None, alias="実技課題2合否", description="Practical test, assignment 2 part: result."
    )
    practical_assignment3_attendance: Attendance | None = Field(
        None, alias="実技課題3出欠", description="Practical test, assignment 3 part: attendance."
    )
    practical_assignment3_score: Score | None = Field(
        None, alias="実技課題3得点", description="Practical test, assignment 3 part: score, 0-100."
    )
    practical_assignment3_passed: PassFail | None = Field(
        None, alias="実技課題3合否", description="Practical test, assignment 3 part: result."
    )
    practical_element_attendance: Attendance | None = Field(
        None, alias="実技要素出欠", description="Practical test, element part: attendance."
    )
    practical_element_score: Score | None = Field(
        None, alias="実技要素得点", description="Practical test, element part: score, 0-100."
    )
    practical_element_passed: PassFail | None = Field(
        None, alias="実技要素合否", description="Practical test, element part: result."
    )
    practical_paper_attendance: Attendance | None = Field(
        None, alias="実技ペーパー出欠", description="Practical test, paper part: attendance."
    )
    practical_paper_score: Score | None = Field(
        None, alias="実技ペーパー得点", description="Practical test, paper part: score, 0-100."
    )
    practical_paper_passed: PassFail | None = Field(
        None, alias="実技ペーパー合否", description="Practical test, paper part: result."
    )
    passed_flag: PassFail | None = Field(None, alias="合否フラグ", description="Overall result.")
    written_passed_flag: PassFail | None = Field(
        None, alias="学科合否フラグ", description="Written test result."
    )
    practical_passed_flag: PassFail | None = Field(
        None, alias="実技合否フラグ", description="Practical test result."
    )
    certified_skilled_worker_number: Identifier | None = Field(
        None, alias="技能士番号", description="Certified skilled worker number issued on passing."
    )
    written_pass_number: Identifier | None = Field(
        None, alias="学科合格番号", description="Written test pass number."
    )
    practical_pass_number: Identifier | None = Field(
        None, alias="実技合格番号", description="Practical test pass number."
    )
    overall_pass_number: Identifier | None = Field(
        None, alias="総合合格番号", description="Overall pass number."
    )
    national_system_management_number: Identifier | None = Field(
        None,
        alias="国家資格システム管理番号",
        description="Management number in the national qualifications system.",
    )
