"""What the checks of a result file need to know of a sitting, and the port that finds it.

The pure checks ask :class:`SittingDirectory` for a sitting by its round and exam number and
get :class:`SittingFacts`: ids and exam facts only, nothing of the person. The production
adapter (next: the sync function, over the roster) answers from the importing prefecture's
roster of the round; :class:`InMemorySittings` answers from a dict, for tests and the local
runtime. :func:`facts_of` builds the facts of a roster sitting with the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kentei.exams.catalogue import Catalogue
from kentei.exams.grades import TRADE_WIDE_GRADES, content_grade
from kentei.exams.parts import ComponentKind
from kentei.exemptions.model import Outcome
from kentei.records.codes import Grade
from kentei.roster.parts import ExamRound, Part
from kentei.roster.sitting import Sitting, SittingStatus


@dataclass(frozen=True, slots=True)
class SittingFacts:
    """A registered sitting as the result checks see it."""

    prefecture_code: str
    exam_round: ExamRound
    work_code: str
    grade: Grade
    parts: frozenset[Part]
    """The parts sat."""
    exempt: frozenset[Part]
    """The parts the sitting is exempt from (a decision of :mod:`kentei.exemptions`)."""
    components: frozenset[ComponentKind]
    """The practical components the catalogue requires of the work and grade."""


class SittingDirectory(Protocol):
    """Finds a registered sitting by its round (:attr:`ExamRound.key`) and exam number."""

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None: ...


class InMemorySittings:
    """A :class:`SittingDirectory` over a dict: for tests and the local runtime."""

    def __init__(self, facts: Iterable[tuple[str, SittingFacts]] = ()) -> None:
        self._facts: dict[str, dict[str, SittingFacts]] = {}
        for exam_number, one in facts:
            self.add(exam_number, one)

    def add(self, exam_number: str, facts: SittingFacts) -> None:
        self._facts.setdefault(facts.exam_round.key, {})[exam_number] = facts

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None:
        in_round = self._facts.get(round_key)
        return None if in_round is None else in_round.get(exam_number)


def facts_of(sitting: Sitting, catalogue: Catalogue) -> SittingFacts | None:
    """The facts of a roster sitting (None when it was deleted from the roster)."""
    if sitting.status is not SittingStatus.REGISTERED:
        return None
    work = None if content_grade(sitting.grade) in TRADE_WIDE_GRADES else sitting.work_code
    offer = catalogue.offer(sitting.trade_code, work, sitting.grade)
    return SittingFacts(
        prefecture_code=sitting.prefecture_code,
        exam_round=sitting.exam_round,
        work_code=sitting.work_code,
        grade=sitting.grade,
        parts=frozenset(sitting.parts),
        exempt=frozenset(
            decision.part for decision in sitting.exemptions if decision.outcome is Outcome.EXEMPT
        ),
        components=frozenset(component.kind for component in offer.practical),
    )
