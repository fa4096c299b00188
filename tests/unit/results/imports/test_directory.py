"""The facts the result checks see of a roster sitting, and the in-memory directory."""

from __future__ import annotations

from datetime import date

from tests.unit.sessions.factory import ROUND, sitting

from kentei.exams.catalogue import load_catalogue
from kentei.exams.parts import ComponentKind
from kentei.exemptions.model import Basis, ExemptionDecision, Outcome
from kentei.records.codes import Grade
from kentei.results.imports.directory import InMemorySittings, facts_of
from kentei.roster.parts import Part
from kentei.roster.sitting import SittingStatus


def test_the_facts_of_a_sitting_come_from_the_roster_and_the_catalogue() -> None:
    exempt = ExemptionDecision(
        part=Part.WRITTEN,
        outcome=Outcome.EXEMPT,
        basis=Basis.PASS_RECORD,
        rule="same-grade-pass",
        record_id="r-1",
        rules_version="2026-12",
        decided_on=date(2026, 4, 10),
    )
    one = sitting(parts=(Part.PRACTICAL,), exemptions=(exempt,))
    found = facts_of(one, load_catalogue())
    assert found is not None
    offer = load_catalogue().offer("0101", "010101", Grade.SECOND)
    assert found.components == {component.kind for component in offer.practical}
    assert ComponentKind.PRODUCTION in found.components
    assert (found.prefecture_code, found.exam_round, found.work_code, found.grade) == (
        "13",
        ROUND,
        "010101",
        Grade.SECOND,
    )
    assert found.parts == {Part.PRACTICAL}
    assert found.exempt == {Part.WRITTEN}


def test_a_deleted_sitting_has_no_facts() -> None:
    assert facts_of(sitting(status=SittingStatus.DELETED), load_catalogue()) is None


def test_the_in_memory_directory_finds_by_round_and_number() -> None:
    one = sitting()
    found = facts_of(one, load_catalogue())
    assert found is not None
    directory = InMemorySittings([(one.exam_number, found)])
    assert directory.find(ROUND.key, one.exam_number) is found
    assert directory.find("2027-前期", one.exam_number) is None
    assert directory.find(ROUND.key, "other") is None
