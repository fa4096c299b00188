"""Registration keeps the exemption decision on the sitting: made from the application's
claim and evidence and the person's pass records, stored with the sitting's JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tests.unit.exemptions.factory import record
from tests.unit.review.factory import application, attachment, form

from kentei.applications.model import Application, Channel
from kentei.exemptions.decision import NO_PASS_RECORDS
from kentei.exemptions.model import Basis, NotExemptReason, Outcome, PassRecord
from kentei.records.codes import Grade
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting

AT = dt.datetime(2026, 5, 31, 16, 0, tzinfo=dt.UTC)
"""2026-06-01 01:00 in Japan: the decision is dated in Japan."""
PERSON = "pseudonym-0001-abcdef"


class Passes:
    def __init__(self, *records: PassRecord) -> None:
        self.records = records
        self.asked: list[str] = []

    def passes_of(self, qualification_pseudonym_id: str) -> Sequence[PassRecord]:
        self.asked.append(qualification_pseudonym_id)
        return self.records


def _written_only(*names: str, channel: Channel = Channel.MYNAPORTAL) -> Application:
    applicant = form(exam_category="学科のみ", course_or_exemption="実技免除")
    accepted = application(
        applicant, attachments=tuple(attachment(n) for n in names), channel=channel
    )
    return accepted.model_copy(update={"qualification_pseudonym_id": PERSON})


def _sitting(accepted: Application, passes: Passes | None = None) -> Sitting:
    registration = registration_of(accepted, passes or NO_PASS_RECORDS)
    return registration.drawn_sitting(schemes().of("13"), lambda _: 7, at=AT, by="staff:13:r")


def test_a_part_not_sat_is_exempt_on_the_attached_evidence_to_be_confirmed() -> None:
    accepted = _written_only("写真.jpg", "合格証書_実技.pdf")
    sitting = _sitting(accepted)

    (decision,) = sitting.exemptions
    assert decision.part is Part.PRACTICAL
    assert decision.outcome is Outcome.EXEMPT
    assert decision.basis is Basis.EVIDENCE
    # Kept by digest: the file name (the applicant's text) stays on the application.
    (evidence,) = [a for a in accepted.attachments if a.name == "合格証書_実技.pdf"]
    assert decision.attachment_sha256 == evidence.sha256
    assert decision.to_be_confirmed
    assert decision.decided_on == dt.date(2026, 6, 1)
    assert sitting.exemption_claimed == "実技免除"


def test_a_pass_record_of_the_person_is_the_basis_when_there_is_one() -> None:
    practical = record(
        "pass-9", parts=(Part.PRACTICAL,), trade_code="0101", work_code="010101", grade=Grade.SECOND
    )
    passes = Passes(practical)

    sitting = _sitting(_written_only("合格証書.pdf"), passes)

    (decision,) = sitting.exemptions
    assert (decision.basis, decision.record_id) == (Basis.PASS_RECORD, "pass-9")
    assert passes.asked == [PERSON]


def test_without_a_record_or_evidence_the_part_is_not_exempt() -> None:
    (decision,) = _sitting(_written_only("写真.jpg")).exemptions

    assert (decision.outcome, decision.reason) == (
        Outcome.NOT_EXEMPT,
        NotExemptReason.NO_PASS_FOUND,
    )


def test_a_paper_application_is_exempt_on_its_enclosure() -> None:
    (decision,) = _sitting(_written_only(channel=Channel.PAPER)).exemptions

    assert (decision.basis, decision.on_paper) == (Basis.EVIDENCE, True)


def test_sitting_both_parts_needs_no_decision() -> None:
    accepted = application(form(), attachments=(attachment("合格証書.pdf"),))
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": PERSON})

    assert _sitting(accepted).exemptions == ()


def test_the_decision_is_kept_in_the_sittings_json_and_old_sittings_still_load() -> None:
    sitting = _sitting(_written_only("合格証書.pdf"))

    assert Sitting.model_validate_json(sitting.model_dump_json()) == sitting
    old = sitting.model_dump(mode="json")
    del old["exemptions"]
    assert Sitting.model_validate(old).exemptions == ()
