"""The build-time check of the exam data: both files, then the checks across them.

Each file's own rules live in its models (read with :func:`parse_catalogue`,
:func:`parse_rounds`); across the files, every grade a round holds must be offered by some
work or trade of the catalogue. :func:`first_problem` names the first problem found, or None.
"""

from __future__ import annotations

from importlib import resources

from pydantic import ValidationError

from kentei.exams.catalogue import CATALOGUE_FILE, Catalogue, parse_catalogue
from kentei.exams.grades import content_grade
from kentei.exams.rounds import ROUNDS_FILE, Rounds, parse_rounds


def shipped_text(name: str) -> str:
    """The text of a data file shipped with this package."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def across(catalogue: Catalogue, rounds: Rounds) -> list[str]:
    """Problems between the files: a round holding a grade no work or trade offers."""
    offered = {offer.grade for _, _, offer in catalogue.offers()}
    return [
        f"{one.label}: {grade.value} is held but no work of the catalogue offers it"
        for one in rounds.all()
        for grade in one.grades
        if content_grade(grade) not in offered
    ]


def describe(error: ValidationError, file: str) -> str:
    """The first error of a validation, as ``file: location: message``."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"{file}: {location}: {first['msg']}"


def first_problem(catalogue_text: str | bytes, rounds_text: str | bytes) -> str | None:
    """The first problem of the two files, or None when both hold."""
    try:
        catalogue = parse_catalogue(catalogue_text)
    except ValidationError as error:
        return describe(error, CATALOGUE_FILE)
    try:
        rounds = parse_rounds(rounds_text)
    except ValidationError as error:
        return describe(error, ROUNDS_FILE)
    problems = across(catalogue, rounds)
    return f"{ROUNDS_FILE}: {problems[0]}" if problems else None
