"""The production :class:`~kentei.results.imports.directory.SittingDirectory`: one prefecture's
roster, as a result import asks it.

A round's registered sittings are read at once, the first time the import asks about the
round: one paged query of the prefecture's ``SITTING#`` items
(:meth:`kentei.data.roster.PrefectureRoster.registered_in`), each sitting keyed by its exam
number with its facts (:func:`~kentei.results.imports.directory.facts_of`) and its
application. Exam numbers are unique per round *and prefecture*, so only the importing
prefecture's roster is asked: a number of another prefecture's sitting reads as unknown here
(``unknown-exam-number``).

The directory is kept for the import (one instance per import): it grows with the round's
roster, never with the file. Reading a sitting per number instead (the claim, then the
application, then the sitting: three round trips) made a 300,000-row file take hours against
the local backend and about 25 minutes of sequential reads against DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass

from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import Catalogue
from kentei.results.imports.directory import SittingFacts, facts_of


@dataclass(frozen=True, slots=True)
class _Found:
    application_id: str
    facts: SittingFacts


class RosterSittings:
    """A prefecture's registered sittings by round and exam number, read once per round."""

    def __init__(
        self,
        prefecture_code: str,
        catalogue: Catalogue,
        *,
        roster: PrefectureRoster | None = None,
    ) -> None:
        self.prefecture_code = prefecture_code
        self._catalogue = catalogue
        self._roster = roster or PrefectureRoster(prefecture_code)
        self._rounds: dict[str, dict[str, _Found]] = {}

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None:
        found = self._round(round_key).get(exam_number)
        return None if found is None else found.facts

    def application_of(self, round_key: str, exam_number: str) -> str | None:
        """The application whose sitting holds ``exam_number`` in the round, if registered."""
        found = self._round(round_key).get(exam_number)
        return None if found is None else found.application_id

    def _round(self, round_key: str) -> dict[str, _Found]:
        if round_key not in self._rounds:
            found: dict[str, _Found] = {}
            for sitting in self._roster.registered_in(round_key):
                facts = facts_of(sitting, self._catalogue)
                if facts is not None:
                    found[sitting.exam_number] = _Found(sitting.application_id, facts)
            self._rounds[round_key] = found
        return self._rounds[round_key]
