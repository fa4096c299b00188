"""A sitting (受検): one accepted application of one person for one round, work and grade.

Results, passes and certificates will hang here. A person (by 資格仮名ID) sitting two works in
one round has two sittings; the examinee record (:mod:`kentei.roster.examinee`) is the person.
The sitting holds ids and exam facts only: the person's items (name, address...) are the
examinee's, and the My Number is the vault's alone. An exemption on evidence names its
attachment by its SHA-256 (the file name, the applicant's own text, stays on the application).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from kentei.exemptions.model import ExemptionDecision
from kentei.fees.assessment import FeeAssessment
from kentei.records import items
from kentei.records.codes import ApplicantKind
from kentei.roster.parts import PARTS_OF, ExamRound, Part

__all__ = [
    "APPLICATION_ID_PATTERN",
    "PARTS_OF",
    "ExamRound",
    "Part",
    "Sitting",
    "SittingStatus",
]

APPLICATION_ID_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$"


class SittingStatus(StrEnum):
    REGISTERED = "registered"
    """On the roster, with an exam number."""
    DELETED = "deleted"
    """Removed from the roster (R10): its ticket void, a deletion record kept."""


class Sitting(BaseModel):
    """One sitting of one person (受検), keyed by the application it was accepted from.

    The sitting lists the 別添1 items it holds as :mod:`kentei.records.items` declares them
    (English field names, the Japanese item name as alias, as a
    :class:`~kentei.records.base.Record` does); what 別添1 has no item for (the round, the
    parts sat, sessions, exemption decisions, acceptance, status) is the roster's own.
    Stored as JSON under the English names (``model_dump_json()``); input takes either
    name. Every item added since the first sittings were stored is optional, so a stored
    sitting without it still loads.
    """

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True
    )

    application_id: items.ApplicationReceiptId
    """申請受付ID: the application id (``PP-<ULID>``, :data:`APPLICATION_ID_PATTERN`)."""
    prefecture_code: items.PrefectureCode
    qualification_pseudonym_id: items.QualificationPseudonymId
    exam_round: ExamRound
    trade_code: items.TradeCode
    work_code: items.WorkCode
    grade: items.Grade
    elective: str | None = Field(
        None, max_length=64, description="選択科目, where the work has one"
    )
    parts: tuple[Part, ...] = Field(min_length=1, description="the parts sat")
    exemption_claimed: items.CourseOrExemptionOpt = None
    """コース/免除 as applied (the decision: ``exemptions``)."""
    exam_number: items.ExamNumber
    status: SittingStatus = SittingStatus.REGISTERED
    accepted_at: AwareDatetime
    accepted_by: str = Field(description="the staff id who accepted the application")
    sessions: dict[Part, str] = Field(
        default_factory=dict, description="the exam session assigned for each part"
    )
    exemptions: tuple[ExemptionDecision, ...] = Field(
        (),
        description="免除: the decision for each part not sat, with its basis, made at "
        "registration (:func:`kentei.exemptions.decide_exemptions`)",
    )
    fees: FeeAssessment | None = Field(
        None,
        description="受検手数料: each part sat at its fee, assessed at registration "
        "(:func:`kentei.fees.assessment.assess`); None for a sitting registered before",
    )
    group_or_individual: items.GroupOrIndividualOpt = None
    """団体・個人の別 of the application (None: stored before applications carried it)."""
    applying_group_code: items.ApplyingGroupCodeOpt = None
    """受検申請団体コード of a group application (団体申込); None for an individual one."""
    written_fee_status: items.WrittenFeeStatusOpt = None
    written_fee_method: items.WrittenFeeMethodOpt = None
    written_fee_paid_date: items.WrittenFeePaidDateOpt = None
    practical_fee_status: items.PracticalFeeStatusOpt = None
    practical_fee_method: items.PracticalFeeMethodOpt = None
    practical_fee_paid_date: items.PracticalFeePaidDateOpt = None

    @field_validator("application_id")
    @classmethod
    def _application_id(cls, value: str) -> str:
        if not re.fullmatch(APPLICATION_ID_PATTERN, value):
            raise ValueError("an application id is PP-<ULID>")
        return value

    @property
    def group(self) -> str | None:
        """The group application (団体申込) this sitting came with: its 受検申請団体コード
        when its 団体・個人の別 is 団体, else None (an individual application)."""
        if self.group_or_individual is ApplicantKind.GROUP:
            return self.applying_group_code
        return None
