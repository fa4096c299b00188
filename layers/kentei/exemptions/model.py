"""What an exemption decision is about and what it records: pass records, evidence, and the
decision kept on the sitting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.records.codes import Grade
from kentei.records.fields import Code
from kentei.roster.parts import ExamRound, Part


class PassKind(StrEnum):
    PASS = "pass"  # noqa: S105 (not a secret)
    """合格: every part of the test passed."""
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    """一部合格: only 学科 or only 実技 passed, kept with a notice number."""


class PassRecord(BaseModel):
    """A pass or part pass of one person, as the results will record it (ids and facts)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    record_id: str = Field(min_length=1, max_length=64)
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    kind: PassKind
    parts: tuple[Part, ...] = Field(min_length=1, description="the parts passed")
    exam_round: ExamRound
    trade_code: Code
    work_code: Code
    grade: Grade
    elective: str | None = Field(None, max_length=64)
    passed_on: dt.date = Field(description="the pass date (合格日)")
    announced_on: dt.date | None = Field(None, description="the announcement (合格発表) date")
    notice_number: str | None = Field(None, max_length=32, description="一部合格 notice number")
    passer_number: str | None = Field(None, max_length=32, description="技能士番号 (a pass)")
    certificate_number: str | None = Field(None, max_length=32, description="合格証書番号 (a pass)")

    @model_validator(mode="after")
    def _parts_of_kind(self) -> Self:
        if self.kind is PassKind.PASS and set(self.parts) != set(Part):
            raise ValueError("a pass passes every part")
        if self.kind is PassKind.PART_PASS and len(set(self.parts)) != 1:
            raise ValueError("a part pass passes exactly one part")
        if self.kind is PassKind.PART_PASS and (self.passer_number or self.certificate_number):
            raise ValueError("a part pass has a notice number, no passer or certificate number")
        if self.kind is PassKind.PASS and self.notice_number is not None:
            raise ValueError("a pass has no part-pass notice number")
        return self


@dataclass(frozen=True)
class PassRevocation:
    """A pass record to revoke (kept, marked revoked): whose, which, why."""

    qualification_pseudonym_id: str
    record_id: str
    reason: str


class Outcome(StrEnum):
    EXEMPT = "exempt"
    NOT_EXEMPT = "not_exempt"


class Basis(StrEnum):
    PASS_RECORD = "pass_record"  # noqa: S105 (not a secret)
    """One of our own pass records (``record_id``)."""
    EVIDENCE = "evidence"
    """The claim on the form and an attachment named as evidence: staff confirm it."""


class NotExemptReason(StrEnum):
    NO_PASS_FOUND = "no_pass_found"  # noqa: S105 (not a secret)
    """No pass record of this person, and no attachment named as evidence."""
    PART_NOT_PASSED = "part_not_passed"
    """A record of the work and grade, but of the other part."""
    DIFFERENT_TRADE = "different_trade"
    DIFFERENT_WORK = "different_work"
    DIFFERENT_ELECTIVE = "different_elective"
    LOWER_GRADE = "lower_grade"
    """A record of a grade that does not exempt this grade's part (lower, or not comparable)."""
    NOT_EARLIER = "not_earlier"
    """A record of this round or a later one: an exemption comes from an earlier sitting."""
    EXPIRED = "expired"
    """The record would exempt, but its validity (特級: five years) has ended."""
    PASS_REVOKED = "pass_revoked"  # noqa: S105 (not a secret)
    """The record exempted the part until the pass was revoked (合格の取消し): the exemption
    is withdrawn (:func:`kentei.results.revocations.withdraw_exemptions`)."""


class ExemptionDecision(BaseModel):
    """The decision for one part a sitting does not sit, and its basis or reason."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    part: Part
    outcome: Outcome
    basis: Basis | None = None
    rule: str | None = Field(None, description="the rule's code (basis pass_record)")
    record_id: str | None = Field(None, description="the pass record (basis pass_record)")
    attachment_sha256: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="the SHA-256 of the attachment named as evidence (basis evidence): it finds "
        "the document among the application's attachments; its file name, the applicant's own "
        "text, stays on the application",
    )
    on_paper: bool = Field(
        False, description="evidence enclosed with a paper application (no attachment)"
    )
    to_be_confirmed: bool = Field(
        False, description="evidence only: to be confirmed by staff against the document"
    )
    reason: NotExemptReason | None = None
    considered: tuple[str, ...] = Field(
        (), description="ids of the pass records examined for this part"
    )
    rules_version: str = Field(min_length=1)
    decided_on: dt.date = Field(description="the date validity was judged at")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.outcome is Outcome.EXEMPT:
            if self.reason is not None or self.basis is None:
                raise ValueError("an exemption has a basis, and no reason")
            if self.basis is Basis.PASS_RECORD:
                if self.record_id is None or self.rule is None:
                    raise ValueError("a pass_record basis names the record and the rule")
                if self.attachment_sha256 or self.on_paper or self.to_be_confirmed:
                    raise ValueError("a pass_record basis names no evidence")
            elif self.record_id is not None or self.rule is not None:
                raise ValueError("an evidence basis names no record or rule")
            elif (self.attachment_sha256 is None) != self.on_paper or not self.to_be_confirmed:
                raise ValueError(
                    "an evidence basis names the attachment (or the paper form) and is to be "
                    "confirmed by staff"
                )
        elif self.reason is None or self.basis is not None or self.rule is not None:
            raise ValueError("a part not exempt has a reason, and no basis")
        elif self.record_id or self.attachment_sha256 or self.on_paper or self.to_be_confirmed:
            raise ValueError("a part not exempt names no record or evidence")
        return self
