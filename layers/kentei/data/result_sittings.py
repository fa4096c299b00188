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
roster, never with the file. It is compact: the sittings are read one at a
time as the query's pages come (:meth:`~kentei.data.roster.PrefectureRoster.each_registered_in`),
and most sittings of a round share their facts (work, grade, parts, exemptions, components),
so each distinct :class:`SittingFacts` is kept once and an exam number keeps only its
application id and a reference to its facts: about 230 bytes a sitting (22 MiB for 100,000,
``tests/unit/results/imports/test_roster_sittings.py``), where the whole round parsed at once
with each sitting's own facts took ~6 KiB a sitting (600 MB for 100,000). Reading a sitting per
number instead (the claim, then the application, then the sitting: three round trips) made a
300,000-row file take hours against the local backend and about 25 minutes of sequential
reads against DynamoDB.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import Catalogue
from kentei.results.imports.directory import SittingFacts, facts_of
from kentei.roster.sitting import Sitting


class RoundSittings(Protocol):
    """Where the directory reads a round's registered sittings (the prefecture's roster)."""

    def each_registered_in(self, round_key: str) -> Iterable[Sitting]: ...


class RosterSittings:
    """A prefecture's registered sittings by round and exam number, read once per round."""

    def __init__(
        self,
        prefecture_code: str,
        catalogue: Catalogue,
        *,
        roster: RoundSittings | None = None,
    ) -> None:
        self.prefecture_code = prefecture_code
        self._catalogue = catalogue
        self._roster: RoundSittings = roster or PrefectureRoster(prefecture_code)
        self._rounds: dict[str, dict[str, tuple[str, SittingFacts]]] = {}
        self._facts: dict[SittingFacts, SittingFacts] = {}
        """Each distinct facts value, once (interned)."""

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None:
        found = self._round(round_key).get(exam_number)
        return None if found is None else found[1]

    def application_of(self, round_key: str, exam_number: str) -> str | None:
        """The application whose sitting holds ``exam_number`` in the round, if registered."""
        found = self._round(round_key).get(exam_number)
        return None if found is None else found[0]

    def _round(self, round_key: str) -> dict[str, tuple[str, SittingFacts]]:
        if round_key not in self._rounds:
            found: dict[str, tuple[str, SittingFacts]] = {}
            for sitting in self._roster.each_registered_in(round_key):
                facts = facts_of(sitting, self._catalogue)
                if facts is not None:
                    shared = self._facts.setdefault(facts, facts)
                    found[sitting.exam_number] = (sitting.application_id, shared)
            self._rounds[round_key] = found
        return self._rounds[round_key]
