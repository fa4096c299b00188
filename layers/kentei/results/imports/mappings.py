"""Column mappings per source (``mappings.json``): which header carries which field, which
fields a file must have, and how each source spells its values.

A mapping names its columns by the header text of the source's export. Headers and values are
compared after NFKC and stripping white space (full-width ``１級`` is ``1級``), case-folded for
letters. A field is *required* when the file must have its column; the value rules (a score
only when present, a component only for 実技) are the row parser's
(:mod:`kentei.results.imports.rows`). Every mapping must map :data:`MANDATORY` as required
columns; :data:`OPTIONAL` fields may be mapped, required or not.

Value vocabularies: the canonical spelling of each enumeration (``前期``, ``1級``, ``学科`` is
``written`` ...) is always accepted; a source adds its own spellings (``1`` for 前期, ``実技``
for practical). Yes/no columns (欠席, 問題別基準未達) list their spellings of yes and of no; an
empty cell is no unless listed as yes. ``score_absent`` lists what a source writes in the score
column for an examinee who did not sit (``欠``).

The shipped file is validated when read and at build time (``python -m kentei.results.imports
check``, run by ``make lint``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kentei import my_number
from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade, Term
from kentei.roster.parts import Part

MAPPINGS_FILE: Final = "mappings.json"


class ResultField(StrEnum):
    """A field of a result row, as a mapping names it."""

    FISCAL_YEAR = "fiscal_year"
    """年度: the western year the fiscal year starts in (``2026``), or 令和 (``R8``, ``令和8``)."""
    TERM = "term"
    """期: 前期, 後期, 随時 (and the source's spellings)."""
    WORK_CODE = "work_code"
    """作業コード: the catalogue's work code."""
    GRADE = "grade"
    """等級: 1級, 2級 ... (and the source's spellings)."""
    EXAM_NUMBER = "exam_number"
    """受検番号."""
    PART = "part"
    """試験区分: 学科 or 実技."""
    COMPONENT = "component"
    """実技区分: the practical component's kind; empty for 学科."""
    SCORE = "score"
    """得点: an integer 0-100; empty (or a ``score_absent`` spelling) for an absentee."""
    ABSENT = "absent"
    """欠席: yes/no."""
    BELOW_MINIMUM = "below_minimum"
    """問題別基準未達: a question's own minimum was not reached (yes/no)."""
    NAME = "name"
    """氏名: kept for the staff's cross-check; never in a problem or a log."""


MANDATORY: Final = frozenset(
    {
        ResultField.FISCAL_YEAR,
        ResultField.TERM,
        ResultField.WORK_CODE,
        ResultField.GRADE,
        ResultField.EXAM_NUMBER,
        ResultField.PART,
        ResultField.COMPONENT,
        ResultField.SCORE,
    }
)
"""Fields every mapping maps as a required column."""
OPTIONAL: Final = frozenset(ResultField) - MANDATORY

Header = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Spelling = Annotated[str, StringConstraints(max_length=30)]


def fold(text: str) -> str:
    """How headers and values are compared: NFKC, stripped, case-folded."""
    if text.isascii():
        return text.strip().casefold()
    return unicodedata.normalize("NFKC", text).strip().casefold()


class Column(BaseModel):
    """One column of a source's export."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    header: Header
    field: ResultField
    required: bool = Field(description="the file must have this column")


class YesNo(BaseModel):
    """The spellings of yes and of no in a yes/no column; an empty cell is no."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    yes: tuple[Spelling, ...] = Field(min_length=1)
    no: tuple[Spelling, ...] = ()

    @model_validator(mode="after")
    def _disjoint(self) -> Self:
        yes = {fold(spelling) for spelling in self.yes}
        no = {fold(spelling) for spelling in self.no} | {""}
        if "" in yes:
            raise ValueError("an empty cell means no, it cannot be a spelling of yes")
        if yes & no:
            raise ValueError(f"spelt as both yes and no: {', '.join(sorted(yes & no))}")
        return self

    def read(self, cell: str) -> bool | None:
        """True, False, or None when the cell is neither spelling."""
        if not cell:
            return False
        folded = fold(cell)
        if folded in self._yes:
            return True
        if folded in self._no:
            return False
        return None

    @functools.cached_property
    def _yes(self) -> frozenset[str]:
        return frozenset(fold(spelling) for spelling in self.yes)

    @functools.cached_property
    def _no(self) -> frozenset[str]:
        return frozenset(fold(spelling) for spelling in self.no) | {""}


class Values(BaseModel):
    """A source's own spellings, beyond the canonical ones."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    term: dict[Spelling, Term] = Field(default_factory=dict)
    grade: dict[Spelling, Grade] = Field(default_factory=dict)
    part: dict[Spelling, Part] = Field(default_factory=dict)
    component: dict[Spelling, ComponentKind] = Field(default_factory=dict)
    absent: YesNo = YesNo(yes=("1",), no=("0",))
    below_minimum: YesNo = YesNo(yes=("1",), no=("0",))
    score_absent: tuple[Spelling, ...] = ()

    @model_validator(mode="after")
    def _unambiguous(self) -> Self:
        for name, table, canonical in (
            ("term", self.term, Term),
            ("grade", self.grade, Grade),
            ("part", self.part, Part),
            ("component", self.component, ComponentKind),
        ):
            _vocabulary(name, table, canonical)
        if any(fold(spelling) == "" for spelling in self.score_absent):
            raise ValueError("score_absent: an empty score is already absent")
        return self


def _vocabulary(
    name: str, table: Mapping[str, StrEnum], canonical: Iterable[StrEnum]
) -> dict[str, StrEnum]:
    """Folded spelling → value: the canonical spellings, then the source's. A spelling that
    folds to the same text as another with a different value is an error."""
    found: dict[str, StrEnum] = {}
    for value in canonical:
        found[fold(value.value)] = value
    for spelling, value in table.items():
        key = fold(spelling)
        if not key:
            raise ValueError(f"{name}: an empty spelling")
        if found.get(key, value) is not value:
            raise ValueError(f"{name}: {spelling!r} already spells {found[key].value}")
        found[key] = value
    return found


def _check_columns(
    source: str, columns: list[tuple[str, StrEnum, bool]], mandatory: frozenset[StrEnum]
) -> None:
    """A mapping's columns: each header and field once, the mandatory fields required, no
    header holding a My Number."""
    headers = Counter(fold(header) for header, _, _ in columns)
    repeated = sorted(header for header, n in headers.items() if n > 1)
    if repeated:
        raise ValueError(f"{source}: duplicate header {', '.join(repeated)}")
    fields = Counter(field for _, field, _ in columns)
    twice = sorted(field.value for field, n in fields.items() if n > 1)
    if twice:
        raise ValueError(f"{source}: field mapped twice: {', '.join(twice)}")
    required = {field for _, field, is_required in columns if is_required}
    missing = sorted(field.value for field in mandatory - required)
    if missing:
        raise ValueError(f"{source}: mandatory field(s) not required: {missing}")
    for header, _, _ in columns:
        if my_number.contains_personal(header):
            raise ValueError(f"{source}: a header holds a My Number")


class _Source(BaseModel):
    """What every source's mapping has: its name and what it is."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    source: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]


def _check_sources(kind: str, names: Iterable[str], default: str) -> None:
    counted = Counter(names)
    repeated = sorted(name for name, n in counted.items() if n > 1)
    if repeated:
        raise ValueError(f"duplicate {kind}source {', '.join(repeated)}")
    if default not in counted:
        raise ValueError(f"the default {kind}source {default!r} is not mapped")


class SourceMapping(_Source):
    """How one source's export names its columns and spells its values."""

    columns: tuple[Column, ...] = Field(min_length=1)
    values: Values = Values()

    @model_validator(mode="after")
    def _columns_fit(self) -> Self:
        _check_columns(
            self.source, [(c.header, c.field, c.required) for c in self.columns], MANDATORY
        )
        return self

    def column(self, field: ResultField) -> Column | None:
        return next((column for column in self.columns if column.field is field), None)

    def lookup(self, field: ResultField) -> dict[str, StrEnum]:
        """Folded spelling → value, for an enumerated field (term, grade, part, component)."""
        return dict(self._lookups[field])

    @functools.cached_property
    def _lookups(self) -> dict[ResultField, dict[str, StrEnum]]:
        values = self.values
        return {
            ResultField.TERM: _vocabulary("term", values.term, Term),
            ResultField.GRADE: _vocabulary("grade", values.grade, Grade),
            ResultField.PART: _vocabulary("part", values.part, Part),
            ResultField.COMPONENT: _vocabulary("component", values.component, ComponentKind),
        }


class HistoricalField(StrEnum):
    """A field of a historical passer row (past passers, R17)."""

    PASSER_NUMBER = "passer_number"
    """技能士番号: the record's key."""
    CERTIFICATE_NUMBER = "certificate_number"
    """合格証書番号, if the association has it."""
    GRADE = "grade"
    TRADE_CODE = "trade_code"
    WORK_CODE = "work_code"
    PASS_FISCAL_YEAR = "pass_fiscal_year"  # noqa: S105 (not a secret)
    """合格年度: 2001, 平成13, H13, 令和3 ..."""
    TERM = "term"
    PASSED_ON = "passed_on"
    """合格日."""
    NAME = "name"
    NAME_KANA = "name_kana"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    ADDRESS = "address"


HISTORICAL_MANDATORY: Final = frozenset(
    {
        HistoricalField.PASSER_NUMBER,
        HistoricalField.GRADE,
        HistoricalField.TRADE_CODE,
        HistoricalField.WORK_CODE,
        HistoricalField.PASS_FISCAL_YEAR,
        HistoricalField.TERM,
        HistoricalField.PASSED_ON,
        HistoricalField.NAME,
        HistoricalField.BIRTH_DATE,
    }
)
"""Fields every historical mapping maps as a required column."""


class HistoricalColumn(BaseModel):
    """One column of a historical passer export."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    header: Header
    field: HistoricalField
    required: bool


class HistoricalValues(BaseModel):
    """A source's own spellings of 期, 等級 and 性別 in its historical export."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    term: dict[Spelling, Term] = Field(default_factory=dict)
    grade: dict[Spelling, Grade] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unambiguous(self) -> Self:
        _vocabulary("term", self.term, Term)
        _vocabulary("grade", self.grade, Grade)
        return self


class HistoricalSourceMapping(_Source):
    """How one source's historical passer export names its columns."""

    columns: tuple[HistoricalColumn, ...] = Field(min_length=1)
    values: HistoricalValues = HistoricalValues()

    @model_validator(mode="after")
    def _columns_fit(self) -> Self:
        _check_columns(
            self.source,
            [(c.header, c.field, c.required) for c in self.columns],
            HISTORICAL_MANDATORY,
        )
        return self

    def lookup(self, field: HistoricalField) -> dict[str, StrEnum]:
        """Folded spelling → value, for 期 and 等級."""
        if field is HistoricalField.TERM:
            return _vocabulary("term", self.values.term, Term)
        if field is HistoricalField.GRADE:
            return _vocabulary("grade", self.values.grade, Grade)
        raise ValueError(f"{field.value} is not enumerated")


class HistoricalMappings(BaseModel):
    """The historical passer exports' mappings, and the default one."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    default: str
    sources: tuple[HistoricalSourceMapping, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_default(self) -> Self:
        _check_sources("historical ", (mapping.source for mapping in self.sources), self.default)
        return self

    def source(self, name: str | None = None) -> HistoricalSourceMapping:
        wanted = self.default if name is None else name
        found = next((mapping for mapping in self.sources if mapping.source == wanted), None)
        if found is None:
            raise LookupError(f"no historical mapping for source {wanted!r}")
        return found


class Mappings(BaseModel):
    """Every source's mapping, and the default one; the historical passer exports' too."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    note: str
    default: str
    sources: tuple[SourceMapping, ...] = Field(min_length=1)
    historical: HistoricalMappings | None = None

    @model_validator(mode="after")
    def _known_default(self) -> Self:
        _check_sources("", (mapping.source for mapping in self.sources), self.default)
        return self

    def source(self, name: str | None = None) -> SourceMapping:
        """The mapping of a source (the default without a name); LookupError if unknown."""
        wanted = self.default if name is None else name
        found = next((mapping for mapping in self.sources if mapping.source == wanted), None)
        if found is None:
            raise LookupError(f"no mapping for source {wanted!r}")
        return found


def parse_mappings(text: str | bytes) -> Mappings:
    """Mappings from their JSON text, validated (a ``pydantic.ValidationError`` otherwise)."""
    return Mappings.model_validate_json(text)


def shipped_text() -> str:
    return resources.files(__package__).joinpath(MAPPINGS_FILE).read_text(encoding="utf-8")


@functools.cache
def load_mappings() -> Mappings:
    """The shipped mappings, read and validated once."""
    return parse_mappings(shipped_text())
