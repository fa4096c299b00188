"""What a certificate says: typed, frozen models :func:`kentei.certificates.pdf.render` draws.

- :class:`PrintedCertificate`: the 合格証書 (law art. 49), in Japanese, in the minister's name
  (特級, 1級, 単一等級: A3 landscape) or the governor's (2級, 3級, 基礎級: A4 portrait).
- :class:`CertificateOfPass`: the 合格証明書, issued on request, in Japanese (dates in 和暦
  and ISO) or in English (ISO dates, the name in Latin letters as the person wrote it, the
  trade and work in English).

Each holds the pass as the certificate states it: the name and birth date of the person, the
trade, work and grade, the pass date, the certificate number (合格証書番号), the passer
number (技能士番号, on the certificate of pass), the issuer and the issue instant, and the
certificate id printed under the 2D code. ``kind`` (printed | proof) and ``language`` (ja |
en) are kept so that issuance can count what it issued. No My Number, no address.

Validation errors hide their input (``hide_input_in_errors``): a name never reaches a log
through one.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from kentei import prefectures
from kentei.certificates.english import EnglishText
from kentei.exams.grades import Issuer, content_grade, issuer_of
from kentei.records.codes import Grade

_CONFIG: Final = ConfigDict(
    extra="forbid", frozen=True, hide_input_in_errors=True, defer_build=True
)

JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan keeps no daylight saving time: the issue date is the date in Japan."""

NAME_MAX: Final = 40
LATIN_NAME_MAX: Final = 60
TRADE_MAX: Final = 40
CERTIFICATE_ID_MAX: Final = 20
"""Lengths in characters; the longest of each fits its place on every layout (a test renders
them)."""

MINISTER: Final = "厚生労働大臣"


class Kind(enum.StrEnum):
    """Which document: counted by issuance."""

    PRINTED = "printed"
    """合格証書, the certificate the law gives every passer."""
    PROOF = "proof"
    """合格証明書, the certificate of pass issued on request."""


class Language(enum.StrEnum):
    JA = "ja"
    EN = "en"


def _printable(value: str) -> str:
    """NFC, without control, format or line-separator characters (each value is one line)."""
    value = unicodedata.normalize("NFC", value)
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"} for char in value):
        raise ValueError("control characters are not allowed")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


LATIN_PUNCTUATION: Final = frozenset(" -'.,\u2019")
"""Besides Latin letters (and combining accents), a Latin name may hold these: space, hyphen,
apostrophes, full stop and comma. Never a digit, so never a My Number."""


def _latin_letter(char: str) -> bool:
    category = unicodedata.category(char)
    name = unicodedata.name(char, "")
    return (category.startswith("L") and name.startswith("LATIN ")) or (
        category == "Mn" and name.startswith("COMBINING ")
    )


def _latin(value: str) -> str:
    """The name in Latin letters as written: NFC; Latin letters, combining accents and
    :data:`LATIN_PUNCTUATION` only, beginning with a letter."""
    value = unicodedata.normalize("NFC", value)
    if not all(char in LATIN_PUNCTUATION or _latin_letter(char) for char in value):
        raise ValueError("only Latin letters, spaces and - ' . , are allowed")
    if not value or not _latin_letter(value[0]) or unicodedata.category(value[0]) == "Mn":
        raise ValueError("must begin with a Latin letter")
    return value


Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
"""A number or id as the numbering schemes make them (ASCII letters, digits, ``-``, ``_``)."""
CertificateId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=CERTIFICATE_ID_MAX, pattern=r"^[A-Za-z0-9_-]+$"),
]
"""The short id printed under the 2D code."""
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_printable)]
LatinName = Annotated[str, Field(min_length=1, max_length=LATIN_NAME_MAX), AfterValidator(_latin)]
TradeName = Annotated[str, Field(min_length=1, max_length=TRADE_MAX), AfterValidator(_printable)]
PrefectureCode = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")]


class _Certificate(BaseModel):
    """What both documents state about the pass."""

    model_config = _CONFIG

    certificate_id: CertificateId = Field(description="printed under the 2D code")
    name: Name = Field(description="氏名, as the roster holds it")
    birth_date: dt.date = Field(description="生年月日")
    trade: TradeName = Field(description="職種, as the catalogue names it")
    work: TradeName | None = Field(None, description="作業; none for 特級 (a trade-wide grade)")
    grade: Grade = Field(description="等級; an on-demand grade is certified as the grade it sits")
    passed_on: dt.date = Field(description="合格年月日")
    certificate_number: Code = Field(description="合格証書番号")
    passer_number: Code = Field(description="技能士番号")
    prefecture_code: PrefectureCode = Field(description="the prefecture that held the test")
    issuer: Issuer
    issued_at: AwareDatetime = Field(description="the issue instant: the PDF's dates")

    @field_validator("grade", mode="after")
    @classmethod
    def _content_grade(cls, grade: Grade) -> Grade:
        return content_grade(grade)

    @model_validator(mode="after")
    def _consistent(self) -> _Certificate:
        if self.issuer is not issuer_of(self.grade):
            raise ValueError(
                "the issuer is the minister for 特級, 1級, 単一等級, else the governor"
            )
        if not self.birth_date < self.passed_on <= self.issued_on:
            raise ValueError("born before the pass, and passed no later than the issue")
        return self

    @property
    def issued_on(self) -> dt.date:
        """The issue date: the date in Japan of the issue instant."""
        return self.issued_at.astimezone(JST).date()

    @property
    def issuer_title(self) -> str:
        """``厚生労働大臣`` or the governor of the prefecture (``東京都知事``)."""
        if self.issuer is Issuer.MINISTER:
            return MINISTER
        return f"{prefectures.NAMES[self.prefecture_code]}知事"

    @property
    def trade_line(self) -> str:
        """``機械加工（普通旋盤作業）``, or the trade alone for 特級."""
        return self.trade if self.work is None else f"{self.trade}（{self.work}）"


class PrintedCertificate(_Certificate):
    """合格証書: in Japanese, in the issuer's name."""

    kind: Literal[Kind.PRINTED] = Kind.PRINTED
    language: Literal[Language.JA] = Language.JA


class CertificateOfPass(_Certificate):
    """合格証明書, in Japanese or English. The English one carries the name in Latin letters
    as the person wrote it and the trade and work in English (:mod:`kentei.certificates.english`);
    the Japanese one carries none of these."""

    kind: Literal[Kind.PROOF] = Kind.PROOF
    language: Language
    name_latin: LatinName | None = None
    trade_en: EnglishText | None = None
    work_en: EnglishText | None = None

    @model_validator(mode="after")
    def _english_fields(self) -> CertificateOfPass:
        english = (self.name_latin, self.trade_en, self.work_en)
        if self.language is Language.JA:
            if any(value is not None for value in english):
                raise ValueError("a Japanese certificate of pass has no English fields")
        elif self.name_latin is None or self.trade_en is None:
            raise ValueError("an English certificate of pass needs name_latin and trade_en")
        elif (self.work is None) != (self.work_en is None):
            raise ValueError("work_en is given exactly when work is")
        return self


Certificate = PrintedCertificate | CertificateOfPass
