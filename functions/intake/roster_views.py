"""What staff see of the roster: an examinee's items (without the My Number) and sittings."""

from __future__ import annotations

from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.data.roster import StoredExaminee
from kentei.exemptions.model import ExemptionDecision
from kentei.records.codes import ApplicantKind
from kentei.records.sensitive import REVEAL
from kentei.roster.sitting import Part, Sitting, SittingStatus


class SittingView(BaseModel):
    """One sitting (受検): the round, work and grade, the parts sat, the exam number."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    application_id: str
    fiscal_year: int
    term: str
    trade_code: str
    work_code: str
    grade: str
    parts: tuple[Part, ...]
    exemption_claimed: str | None
    exemptions: tuple[ExemptionDecision, ...] = Field(
        description="免除: the decision for each part not sat, with its basis (a pass record, or "
        "evidence to be confirmed by staff) or the reason it is not exempt"
    )
    exam_number: str = Field(description="受検番号")
    status: SittingStatus
    accepted_at: AwareDatetime
    sessions: dict[Part, str]
    group_or_individual: ApplicantKind | None = Field(
        description="団体・個人の別 (null for a sitting registered before it was kept)"
    )
    applying_group_code: str | None = Field(
        description="受検申請団体コード of a group application (団体申込); "
        "null for an individual one"
    )

    @classmethod
    def of(cls, sitting: Sitting) -> Self:
        return cls(
            application_id=sitting.application_id,
            fiscal_year=sitting.exam_round.fiscal_year,
            term=sitting.exam_round.term.value,
            trade_code=sitting.trade_code,
            work_code=sitting.work_code,
            grade=sitting.grade.value,
            parts=sitting.parts,
            exemption_claimed=sitting.exemption_claimed,
            exemptions=sitting.exemptions,
            exam_number=sitting.exam_number,
            status=sitting.status,
            accepted_at=sitting.accepted_at,
            sessions=dict(sitting.sessions),
            group_or_individual=sitting.group_or_individual,
            applying_group_code=sitting.applying_group_code,
        )


class RosterExaminee(BaseModel):
    """A person on the prefecture's roster (受検者), by 資格仮名ID, with every sitting."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    qualification_pseudonym_id: str
    examinee: dict[str, Any] = Field(
        description="the examinee's items (English names), without the My Number"
    )
    registered_at: AwareDatetime
    updated_at: AwareDatetime
    sittings: tuple[SittingView, ...]

    @classmethod
    def of(cls, stored: StoredExaminee, sittings: list[Sitting]) -> Self:
        items = stored.examinee.model_dump(mode="json", context={REVEAL: True}, exclude_none=True)
        items.pop("my_number", None)
        ordered = sorted(sittings, key=lambda s: (s.accepted_at, s.application_id))
        return cls(
            qualification_pseudonym_id=stored.qualification_pseudonym_id,
            examinee=items,
            registered_at=stored.registered_at,
            updated_at=stored.updated_at,
            sittings=tuple(SittingView.of(s) for s in ordered),
        )
