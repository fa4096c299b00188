"""Attachments (添付書類) an application needs, from a data table of documents per case.

The table (``documents.json``, kept by the association) says which document each case needs
(an exemption claim, technical intern training, a grade reached by a prior pass) and the
words by which an attachment's file name shows it is that document. Attachments are named
freely by applicants, so a needed document with no attachment named for it is a warning
while enough other attachments remain, and blocking once there are too few. Paper
applications carry their documents on paper: staff confirm them.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kentei.applications.model import Application, Channel
from kentei.records.applicant import Applicant
from kentei.records.codes import ExamCategory, Grade
from kentei.review.findings import Finding, Severity

TABLE_FILE: Final = "documents.json"


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _known_items(items: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [name for name in items if name not in Applicant.model_fields]
    if unknown:
        raise ValueError(f"not items of the application form: {', '.join(unknown)}")
    return items


_Items = Annotated[tuple[str, ...], AfterValidator(_known_items)]
_Words = tuple[Annotated[str, Field(min_length=1), AfterValidator(_normal)], ...]


class Mention(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    item: str
    words: _Words = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> Self:
        _known_items((self.item,))
        return self


class Condition(BaseModel):
    """Holds when every test it gives holds; each test is met by any of its values."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    grades: tuple[Grade, ...] = ()
    exam_categories: tuple[ExamCategory, ...] = ()
    any_item_given: _Items = ()
    mentions: Mention | None = Field(None, description="an item whose text has one of words")

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not (self.grades or self.exam_categories or self.any_item_given or self.mentions):
            raise ValueError("a condition needs at least one test")
        return self

    def holds(self, form: Applicant) -> bool:
        tests = []
        if self.grades:
            tests.append(form.grade in self.grades)
        if self.exam_categories:
            tests.append(form.exam_category in self.exam_categories)
        if self.any_item_given:
            tests.append(any(getattr(form, name) is not None for name in self.any_item_given))
        if self.mentions:
            value = getattr(form, self.mentions.item)
            text = _normal(value) if isinstance(value, str) else ""
            tests.append(any(word in text for word in self.mentions.words))
        return all(tests)


class DocumentRule(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
    document: str = Field(min_length=1, max_length=200, description="the document, as named")
    when: tuple[Condition, ...] = Field(min_length=1, description="needed if any holds")
    name_hints: _Words = Field(min_length=1, description="words in a file name that show it")
    note: str | None = None

    def needed_by(self, form: Applicant) -> bool:
        return any(condition.holds(form) for condition in self.when)


class DocumentTable(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: str = Field(min_length=1)
    maintained_by: str = Field(min_length=1)
    note: str
    documents: tuple[DocumentRule, ...]

    @model_validator(mode="after")
    def _unique_codes(self) -> Self:
        codes = [rule.code for rule in self.documents]
        if len(codes) != len(set(codes)):
            raise ValueError("each document code may appear only once")
        return self


@functools.cache
def load_document_table() -> DocumentTable:
    """The shipped table, read and validated once."""
    text = resources.files(__package__).joinpath(TABLE_FILE).read_text(encoding="utf-8")
    return DocumentTable.model_validate_json(text)


def check_attachments(application: Application, table: DocumentTable) -> list[Finding]:
    needed = [rule for rule in table.documents if rule.needed_by(application.form)]
    names = [_normal(attachment.name) for attachment in application.attachments]
    spare = list(range(len(names)))
    unnamed = []
    for rule in needed:
        hit = next((i for i in spare if any(w in names[i] for w in rule.name_hints)), None)
        if hit is None:
            unnamed.append(rule)
        else:
            spare.remove(hit)
    if application.channel is Channel.PAPER:
        return [_finding(rule, "confirm_paper", Severity.WARNING) for rule in unnamed]
    if len(spare) >= len(unnamed):
        return [_finding(rule, "unidentified", Severity.WARNING) for rule in unnamed]
    return [_finding(rule, "missing", Severity.BLOCKING) for rule in unnamed]


_MESSAGES: Final = {
    "confirm_paper": "The application needs {doc}: confirm it is enclosed with the paper form.",
    "unidentified": "The application needs {doc}: no attachment is named for it; confirm "
    "which attachment it is.",
    "missing": "The application needs {doc}, and it is not among the attachments.",
}


def _finding(rule: DocumentRule, kind: str, severity: Severity) -> Finding:
    return Finding(
        check=f"attachment.{kind}.{rule.code}",
        severity=severity,
        field=None,
        message=_MESSAGES[kind].format(doc=rule.document),
    )
