"""Registration (R7): what an accepted application puts on the roster.

Staff accept an application after review and verification; the acceptance registers, in the
same transaction, the person (the examinee: the form's items without the My Number, under
the 資格仮名ID verification found) and one sitting of this round, work and grade, with its
exam number. The sitting keeps the application's 団体・個人の別 and, for a group application
(団体申込), its 受検申請団体コード (the group's name stays on the application), so that seating
keeps the group together, and its fees (受検手数料, :mod:`kentei.fees`): each part sat at the
prefecture's fee, less a reduction that applies, its payment 未納. A returned or rejected
application registers nothing.

Pure: the exam number's sequence is drawn by the caller (``kentei.data.roster``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kentei.applications.model import Application, Channel
from kentei.exemptions.decision import (
    NO_PASS_RECORDS,
    Candidate,
    Evidence,
    PassRecords,
    decide_exemptions,
)
from kentei.exemptions.model import ExemptionDecision, PassRecord
from kentei.exemptions.rules import ExemptionRules, load_exemption_rules
from kentei.fees.assessment import FeeAssessment, assess
from kentei.fees.payments import unpaid_items
from kentei.fees.schedule import FeeSchedule, load_fee_schedule
from kentei.records.applicant import Applicant
from kentei.records.codes import ApplicantKind, ExamCategory, Grade
from kentei.records.examinee import Examinee
from kentei.records.fields import JST
from kentei.roster.exam_numbers import DRAWS, LooksLikeMyNumberError, Scheme
from kentei.roster.sitting import PARTS_OF, ExamRound, Sitting

REQUIRED = ("fiscal_year", "term", "trade_code", "work_code", "grade", "exam_category")
"""The form items a sitting cannot be registered without (review flags them as blocking)."""


class NotRegistrableError(ValueError):
    """The application cannot become a sitting; ``missing`` names the form items (never a
    value) or ``qualification_pseudonym_id`` when verification has not identified the person."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"a sitting needs {', '.join(missing)}")
        self.missing = missing


@dataclass(frozen=True)
class Registration:
    """What an acceptance puts on the roster, before its exam number is known."""

    application_id: str
    prefecture_code: str
    qualification_pseudonym_id: str
    exam_round: ExamRound
    trade_code: str
    work_code: str
    grade: Grade
    exam_category: ExamCategory
    exemption_claimed: str | None
    examinee: Examinee
    evidence: Evidence = field(default_factory=Evidence)
    """The claim and the attachments named as its evidence (:func:`evidence_of`)."""
    passes: tuple[PassRecord, ...] = ()
    """The person's pass records when the application was accepted."""
    rules: ExemptionRules = field(default_factory=load_exemption_rules)
    applying_group_code: str | None = None
    """受検申請団体コード of a group application (団体申込); None for an individual one."""
    fee_schedule: FeeSchedule = field(default_factory=load_fee_schedule)

    def fees(self) -> FeeAssessment:
        """The sitting's fees: each part sat, by the prefecture's schedule, less a reduction
        whose conditions the person meets (their age at the fiscal year's start, employed:
        the form names an employer). Only the amounts are kept, never the birth date."""
        examinee = self.examinee
        return assess(
            self.fee_schedule,
            prefecture_code=self.prefecture_code,
            grade=self.grade,
            parts=PARTS_OF[self.exam_category],
            fiscal_year=self.exam_round.fiscal_year,
            birth_date=examinee.birth_date,
            employed=examinee.employer_name is not None or examinee.employer_code is not None,
        )

    @property
    def group_or_individual(self) -> ApplicantKind:
        """団体・個人の別: 団体 when the application came with its applying group."""
        return ApplicantKind.INDIVIDUAL if self.applying_group_code is None else ApplicantKind.GROUP

    def exemptions(self, at: datetime) -> tuple[ExemptionDecision, ...]:
        """The decision for each part not sat, judged on ``at``'s date in Japan."""
        candidate = Candidate(
            qualification_pseudonym_id=self.qualification_pseudonym_id,
            exam_round=self.exam_round,
            trade_code=self.trade_code,
            work_code=self.work_code,
            grade=self.grade,
            parts=PARTS_OF[self.exam_category],
        )
        on = at.astimezone(JST).date()
        return decide_exemptions(candidate, self.passes, self.evidence, self.rules, on=on)

    def counter(self, scheme: Scheme) -> str:
        return scheme.counter(self.exam_round, self.work_code, self.grade)

    def drawn_sitting(
        self, scheme: Scheme, draw: Callable[[str], int], *, at: datetime, by: str
    ) -> Sitting:
        """The sitting with the first sequence ``draw`` gives whose exam number does not read
        as a My Number (:class:`~kentei.roster.exam_numbers.LooksLikeMyNumberError`)."""
        counter = self.counter(scheme)
        for _ in range(DRAWS - 1):
            try:
                return self.sitting(scheme, draw(counter), at=at, by=by)
            except LooksLikeMyNumberError:
                continue
        return self.sitting(scheme, draw(counter), at=at, by=by)

    def sitting(self, scheme: Scheme, seq: int, *, at: datetime, by: str) -> Sitting:
        fees = self.fees()
        return Sitting(
            application_id=self.application_id,
            prefecture_code=self.prefecture_code,
            qualification_pseudonym_id=self.qualification_pseudonym_id,
            exam_round=self.exam_round,
            trade_code=self.trade_code,
            work_code=self.work_code,
            grade=self.grade,
            parts=PARTS_OF[self.exam_category],
            exemption_claimed=self.exemption_claimed,
            exam_number=scheme.number(
                self.exam_round, self.trade_code, self.work_code, self.grade, seq
            ),
            accepted_at=at,
            accepted_by=by,
            exemptions=self.exemptions(at),
            group_or_individual=self.group_or_individual,
            applying_group_code=self.applying_group_code,
            fees=fees,
            **unpaid_items(fees),
        )


def registration_of(
    application: Application,
    pass_records: PassRecords = NO_PASS_RECORDS,
    rules: ExemptionRules | None = None,
) -> Registration:
    """The registration ``application`` makes when accepted; ``NotRegistrableError`` naming
    every missing item otherwise. Its sitting's exemptions are decided on the person's
    ``pass_records`` (none until the results issue builds them) and the application's
    evidence, by ``rules`` (the shipped table by default)."""
    form = application.form
    missing = tuple(name for name in REQUIRED if getattr(form, name) is None)
    if application.qualification_pseudonym_id is None:
        missing += ("qualification_pseudonym_id",)
    fiscal_year, term, grade, category = form.fiscal_year, form.term, form.grade, form.exam_category
    trade, work, person = form.trade_code, form.work_code, application.qualification_pseudonym_id
    if fiscal_year is None or term is None or grade is None or category is None:
        raise NotRegistrableError(missing)
    if trade is None or work is None or person is None:
        raise NotRegistrableError(missing)
    if rules is None:
        rules = load_exemption_rules()
    return Registration(
        application_id=application.application_id,
        prefecture_code=application.prefecture_code,
        qualification_pseudonym_id=person,
        exam_round=ExamRound(fiscal_year=fiscal_year, term=term),
        trade_code=trade,
        work_code=work,
        grade=grade,
        exam_category=category,
        exemption_claimed=form.course_or_exemption,
        examinee=examinee_of(form),
        evidence=evidence_of(application, rules),
        passes=tuple(pass_records.passes_of(person)),
        rules=rules,
        applying_group_code=None if application.group is None else application.group.code,
    )


def evidence_of(application: Application, rules: ExemptionRules) -> Evidence:
    """The form's claim and the attachments whose names show them as exemption evidence;
    a paper application's documents are enclosed with the form."""
    # Found by name; kept by digest: the file name is the applicant's text (it may hold a
    # name), and the sitting holds ids and exam facts only.
    named = tuple(a.sha256 for a in application.attachments if rules.evidence.names(a.name))
    return Evidence(
        claim=application.form.course_or_exemption,
        attachments=named,
        on_paper=application.channel is Channel.PAPER,
    )


def examinee_of(form: Applicant) -> Examinee:
    """The 受検者テーブル record of an application's form, without the My Number."""
    items = {name: getattr(form, name) for name in Applicant.model_fields}
    items["my_number"] = None
    return Examinee.model_validate(items)
