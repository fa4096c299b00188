"""A sitting (受検): one accepted application of one person for one round, work and grade.

Results, passes and certificates will hang here. A person (by 資格仮名ID) sitting two works in
one round has two sittings; the examinee record (:mod:`kentei.roster.examinee`) is the person.
The sitting holds ids and exam facts only: the person's items (name, address...) are the
examinee's, and the My Number is the vault's alone. An exemption on evidence names its
attachment by its SHA-256 (the file name, the applicant's own text, stays on the application).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.exemptions.model import ExemptionDecision
from kentei.records.codes import Grade
from kentei.records.fields import Code, PrefectureCode
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
    """One sitting of one person (受検), keyed by the application it was accepted from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    application_id: str = Field(pattern=APPLICATION_ID_PATTERN)
    prefecture_code: PrefectureCode
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    exam_round: ExamRound
    trade_code: Code
    work_code: Code
    grade: Grade
    elective: str | None = Field(
        None, max_length=64, description="選択科目, where the work has one"
    )
    parts: tuple[Part, ...] = Field(min_length=1, description="the parts sat")
    exemption_claimed: str | None = Field(
        None, max_length=200, description="コース/免除 as applied (the decision: ``exemptions``)"
    )
    exam_number: str = Field(min_length=1, max_length=32, description="受検番号")
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
