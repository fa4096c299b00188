"""What staff see of the roster: an examinee's items (without the My Number) and sittings."""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.data.roster import StoredExaminee
from kentei.exemptions.model import ExemptionDecision
from kentei.fees import payments
from kentei.records.codes import ApplicantKind
from kentei.records.sensitive import REVEAL
from kentei.roster.sitting import Part, Sitting, SittingStatus


class PartFeeView(BaseModel):
    """One part's fee (受検手数料) and its payment."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    part: Part
    amount: int = Field(description="due, in yen, after any reduction")
    full_amount: int = Field(description="the schedule's amount, in yen")
    reduction: str | None = Field(description="the code of the reduction applied, if any")
    status: str | None = Field(description="支払状況: 未納, 納付済 or 納付不要")
    method: str | None = Field(description="支払方法, once paid")
    paid_on: date | None = Field(description="支払日, once paid")


class SittingFeesView(BaseModel):
    """A sitting's fees: each part sat, what is due and whether it is paid. Empty for a
    sitting registered before fees were kept."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    schedule_version: str | None = Field(description="the fee schedule's version applied")
    total: int = Field(description="due for the sitting, in yen")
    parts: tuple[PartFeeView, ...]

    @classmethod
    def of(cls, sitting: Sitting) -> Self:
        fees = sitting.fees
        if fees is None:
            return cls(schedule_version=None, total=0, parts=())
        return cls(
            schedule_version=fees.schedule_version,
            total=fees.total,
            parts=tuple(
                PartFeeView(
                    part=fee.part,
                    amount=fee.amount,
                    full_amount=fee.full_amount,
                    reduction=fee.reduction,
                    status=payments.status_of(sitting, fee.part),
                    method=payments.method_of(sitting, fee.part),
                    paid_on=payments.paid_date_of(sitting, fee.part),
                )
                for fee in fees.parts
            ),
        )


class SittingView(BaseModel):
    """One sitting (受検): the round, work and grade, the parts sat, the exam number."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
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
    fees: SittingFeesView = Field(description="受検手数料 of each part sat, and its payment")
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
            fees=SittingFeesView.of(sitting),
        )


class RosterExaminee(BaseModel):
    """A person on the prefecture's roster (受検者), by 資格仮名ID, with every sitting."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    qualification_pseudonym_id: str
    examinee: dict[str, Any] = Field(
        description="the examinee's items (English names), without the My Number"
    )
    registered_at: AwareDatetime
    updated_at: AwareDatetime
    sittings: tuple[SittingView, ...]
    use_suspended: bool = Field(
        description="The person's use of their data is suspended at their request (利用停止): "
        "it is kept, and nothing is done with it until the suspension is lifted."
    )

    @classmethod
    def of(cls, stored: StoredExaminee, sittings: list[Sitting], *, use_suspended: bool) -> Self:
        items = stored.examinee.model_dump(mode="json", context={REVEAL: True}, exclude_none=True)
        items.pop("my_number", None)
        ordered = sorted(sittings, key=lambda s: (s.accepted_at, s.application_id))
        return cls(
            qualification_pseudonym_id=stored.qualification_pseudonym_id,
            examinee=items,
            registered_at=stored.registered_at,
            updated_at=stored.updated_at,
            sittings=tuple(SittingView.of(s) for s in ordered),
            use_suspended=use_suspended,
        )
