"""Passers as exchanged with the national qualifications system."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from kentei.records.base import Record
from kentei.records.codes import PassFail
from kentei.records.fields import (
    Code,
    Count,
    Date,
    DateTime,
    FiscalYear,
    Identifier,
    Integer,
    LongText,
    Score,
    ShortText,
    Text,
)
from kentei.records.sensitive import MyNumberField


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

    user_id: Identifier | None = Field(
        None, alias="ユーザID", description="User ID in the national qualifications system."
    )
    fiscal_year: FiscalYear | None = Field(
        None, alias="年度", description="Fiscal year of the exam."
    )
    exam_body_code: Code | None = Field(
        None, alias="試験実施機関コード", description="Code of the exam-conducting body."
    )
    exam_number: Identifier | None = Field(None, alias="受検番号", description="Examinee number.")
    my_number: MyNumberField | None = Field(
        None,
        alias="個人番号",
        description="My Number; specific personal information, masked unless revealed.",
    )
    national_system_management_number: Identifier | None = Field(
        None,
        alias="国家資格システム管理番号",
        description="Management number in the national qualifications system.",
    )
    written_result: ShortText | None = Field(
        None, alias="学科合否区分", description="Written test result category."
    )
    written_score: Score | None = Field(
        None, alias="学科得点", description="Written test score, 0-100."
    )
    practical_result: ShortText | None = Field(
        None, alias="実技合否区分", description="Practical test result category."
    )
    practical_score: Score | None = Field(
        None, alias="実技得点", description="Practical test score, 0-100."
    )
    score_item_count: Count | None = Field(
        None, alias="得点情報数", description="Number of score items."
    )
    skilled_worker_result: ShortText | None = Field(
        None, alias="技能士合否区分", description="Certified skilled worker result category."
    )
    pass_decision: PassFail | None = Field(None, alias="合否判定", description="Pass decision.")
    pass_notice_category: ShortText | None = Field(
        None, alias="合格通知区分", description="Pass notice category."
    )
    written_pass_notice_number: Identifier | None = Field(
        None, alias="学科合格通知番号", description="Written test pass notice number."
    )
    practical_pass_notice_number: Identifier | None = Field(
        None, alias="実技合格通知番号", description="Practical test pass notice number."
    )
    written_exam_datetime: DateTime | None = Field(
        None, alias="学科試験日時", description="Date and time of the written test."
    )
    practical_exam_datetime: DateTime | None = Field(
        None, alias="実技試験日時", description="Date and time of the practical test."
    )
    pass_date: Date | None = Field(None, alias="合格日付", description="Date of passing.")
    valid_until: Date | None = Field(None, alias="有効期限", description="Last day of validity.")
    certified_skilled_worker_number: Identifier | None = Field(
        None, alias="技能士番号", description="Certified skilled worker number."
    )
    electronic_certificate_count: Count | None = Field(
        None, alias="電子合格証書回数", description="Electronic pass certificates issued."
    )
    paper_certificate_count: Count | None = Field(
        None, alias="紙合格証書回数", description="Paper pass certificates issued."
    )
    japanese_pass_proof_count: Count | None = Field(
        None, alias="日本語合格証明回数", description="Japanese certificates of pass issued."
    )
    english_pass_proof_count: Count | None = Field(
        None, alias="英文合格証明回数", description="English certificates of pass issued."
    )
    reissue_count: Count | None = Field(
        None, alias="再交付回数", description="Certificate reissues."
    )
    revocation_date: Date | None = Field(
        None, alias="合格取消日", description="Date the pass was revoked."
    )
    revocation_reason: LongText | None = Field(
        None, alias="合格取消理由", description="Reason the pass was revoked."
    )
    reserved_text_01: Text | None = Field(
        None, alias="合否文字予備01", description="Reserved text 01."
    )
    reserved_text_02: Text | None = Field(
        None, alias="合否文字予備02", description="Reserved text 02."
    )
    reserved_number_01: Integer | None = Field(
        None, alias="合否数値予備01", description="Reserved number 01."
    )
    reserved_number_02: Integer | None = Field(
        None, alias="合否数値予備02", description="Reserved number 02."
    )
