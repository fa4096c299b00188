"""The production :class:`~kentei.results.imports.directory.SittingDirectory`: one prefecture's
roster, as a result import asks it.

An exam number is found by its claim (``EXAMNUMBER#<round>#<number>`` → the application), the
application gives the person's 資格仮名ID, and the sitting (``SITTING#<資格仮名ID>#<application
id>``) its facts (:func:`~kentei.results.imports.directory.facts_of`). Exam numbers are unique
per round *and prefecture*, so only the importing prefecture's roster is asked: a number of
another prefecture's sitting reads as unknown here (``unknown-exam-number``).

Each answer is cached for the import (one instance per import): a file names a sitting once
per part and component, so the roster is read once per sitting, and the cache is bounded by
the roster, not by the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from kentei.data.applications import PrefectureApplications
from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import Catalogue
from kentei.results.imports.directory import SittingFacts, facts_of


@dataclass(frozen=True, slots=True)
class _Found:
    application_id: str
    facts: SittingFacts


class RosterSittings:
    """A prefecture's registered sittings by round and exam number, cached per instance."""

    def __init__(
        self,
        prefecture_code: str,
        catalogue: Catalogue,
        *,
        roster: PrefectureRoster | None = None,
        applications: PrefectureApplications | None = None,
    ) -> None:
        self.prefecture_code = prefecture_code
        self._catalogue = catalogue
        self._roster = roster or PrefectureRoster(prefecture_code)
        self._applications = applications or PrefectureApplications(prefecture_code)
        self._cache: dict[tuple[str, str], _Found | None] = {}

    def find(self, round_key: str, exam_number: str) -> SittingFacts | None:
        found = self._lookup(round_key, exam_number)
        return None if found is None else found.facts

    def application_of(self, round_key: str, exam_number: str) -> str | None:
        """The application whose sitting holds ``exam_number`` in the round, if registered."""
        found = self._lookup(round_key, exam_number)
        return None if found is None else found.application_id

    def _lookup(self, round_key: str, exam_number: str) -> _Found | None:
        key = (round_key, exam_number)
        if key not in self._cache:
            self._cache[key] = self._read(round_key, exam_number)
        return self._cache[key]

    def _read(self, round_key: str, exam_number: str) -> _Found | None:
        application_id = self._roster.claimed_by(round_key, exam_number)
        if application_id is None:
            return None
        stored = self._applications.get(application_id)
        person = None if stored is None else stored.application.qualification_pseudonym_id
        if person is None:
            return None
        sitting = self._roster.sitting(person, application_id)
        facts = None if sitting is None else facts_of(sitting, self._catalogue)
        return None if facts is None else _Found(application_id, facts)
