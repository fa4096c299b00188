"""The local registry: a fake of the resident registry, seeded from a JSON file.

The seed (named by ``KENTEI_REGISTRY_SEED`` in the local runtime) is a list of persons::

    [{"my_number": "123456789018", "name": "見本 太郎", "name_kana": "みほん たろう",
      "birth_date": "1990-04-01", "sex": "1", "address": "東京都千代田区九段南1-2-3",
      "status": "current"}]

with dates in ISO 8601, sex as ISO/IEC 5218 digits and status ``current``, ``moved`` or
``deceased`` (a number not in the seed is ``unknown``). The seed is validated when loaded; an
error names the entry's index and the field, never a value. A search by the four items
compares the comparison keys of :mod:`kentei.registry.normalise`, as the registry's own
search is assumed to.

:class:`SeedFileRegistry` (what ``registry_from_environment`` gives locally) reads the file
again when its modification time or size changes, so a test can move a person between two
lookups by rewriting the seed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry.model import NOT_FOUND, Candidate, Person, RegistryRecord, RegistryStatus
from kentei.registry.normalise import normalise_address, normalise_name


class RegistrySeedError(ValueError):
    """The seed file is missing or invalid; the message says where, never what."""


class SeedEntry(Person):
    """One person of the seed: the four items, the reading, the number and the status."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    my_number: MyNumber = Field(repr=False)
    status: Literal[RegistryStatus.CURRENT, RegistryStatus.MOVED, RegistryStatus.DECEASED]

    def person(self) -> Person:
        return Person.model_validate(self.model_dump(include=set(Person.model_fields)))


_SEED: TypeAdapter[list[SeedEntry]] = TypeAdapter(list[SeedEntry])


def load_seed(path: Path) -> tuple[SeedEntry, ...]:
    """The entries of the seed file at ``path``, validated."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistrySeedError(
            f"the registry seed {path} cannot be read: {exc.strerror}"
        ) from None
    return parse_seed(raw, source=str(path))


def parse_seed(raw: bytes | str, source: str = "the registry seed") -> tuple[SeedEntry, ...]:
    try:
        entries = tuple(_SEED.validate_json(raw))
    except ValidationError as exc:
        raise RegistrySeedError(f"{source} is invalid: {_describe(exc)}") from None
    seen: dict[MyNumber, int] = {}
    for index, entry in enumerate(entries):
        if entry.my_number in seen:
            raise RegistrySeedError(
                f"{source} is invalid: entry {index} has the my_number of entry "
                f"{seen[entry.my_number]}"
            )
        seen[entry.my_number] = index
    return entries


def _describe(exc: ValidationError) -> str:
    """Each error as ``entry N, field F: message``; pydantic's ``input`` is left out."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        location = list(error["loc"])
        where = []
        if location and isinstance(location[0], int):
            where.append(f"entry {location.pop(0)}")
        if location:
            where.append("field " + ".".join(str(part) for part in location))
        prefix = ", ".join(where) or "the document"
        parts.append(f"{prefix}: {error['msg']}")
    return "; ".join(parts)


@dataclass(frozen=True)
class _Indexed:
    candidate: Candidate
    name: str
    birth_date: date
    sex: Sex
    address: str


class SeededRegistry:
    """The :class:`~kentei.registry.port.Registry` port over seed entries, in memory."""

    def __init__(self, entries: Iterable[SeedEntry]) -> None:
        self._by_number: dict[MyNumber, RegistryRecord] = {}
        self._indexed: list[_Indexed] = []
        for entry in entries:
            person = entry.person()
            self._by_number[entry.my_number] = RegistryRecord(status=entry.status, person=person)
            self._indexed.append(
                _Indexed(
                    candidate=Candidate(
                        my_number=entry.my_number, status=entry.status, person=person
                    ),
                    name=normalise_name(person.name),
                    birth_date=person.birth_date,
                    sex=person.sex,
                    address=normalise_address(person.address),
                )
            )

    @classmethod
    def from_file(cls, path: Path) -> SeededRegistry:
        return cls(load_seed(path))

    def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
        return self._by_number.get(my_number, NOT_FOUND)

    def by_four_items(
        self, name: str, birth_date: date, sex: Sex, address: str
    ) -> tuple[Candidate, ...]:
        name_key, address_key = normalise_name(name), normalise_address(address)
        return tuple(
            entry.candidate
            for entry in self._indexed
            if entry.name == name_key
            and entry.birth_date == birth_date
            and entry.sex == sex
            and entry.address == address_key
        )


class SeedFileRegistry:
    """The :class:`~kentei.registry.port.Registry` port over a seed file, read again when the
    file changes (its ``st_mtime_ns`` or ``st_size``): local runtime and tests only."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._registry = self._current()

    def _current(self) -> SeededRegistry:
        try:
            stat = self._path.stat()
        except OSError as exc:
            raise RegistrySeedError(
                f"the registry seed {self._path} cannot be read: {exc.strerror}"
            ) from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._registry = SeededRegistry.from_file(self._path)
                self._stamp = stamp
            return self._registry

    def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
        return self._current().by_my_number(my_number)

    def by_four_items(
        self, name: str, birth_date: date, sex: Sex, address: str
    ) -> tuple[Candidate, ...]:
        return self._current().by_four_items(name, birth_date, sex, address)
