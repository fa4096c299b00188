"""What an electronic certificate (電子合格証) says: the pass, as the printed certificate shows it.

:class:`CertifiedPass` is the one input of both forms (the VC-JWT and the 2D code) and what
the verifier gives back. It holds what the 合格証書 prints and nothing more: the person's name
(as on the certificate, and optionally as they wrote it in Latin letters) and birth date, the
trade, work and grade, the pass date, the certificate number and the issuing authority. Never
the My Number, the address or the qualification pseudonymous ID (``extra="forbid"``); the
name and birth date are kept out of ``repr``, and validation errors hide their input, so a
log line of the model or of its error holds neither.

The certificate number (合格証書番号) is the pass's; the certificate id (証書番号) is this one
document's: ``<合格証書番号>-<serial>`` (serial 1 the first 合格証書, 2, 3, … its reissues,
再交付) or ``<合格証書番号>-P<n>`` (the n-th 合格証明書), printed under the 2D code. A reissue
supersedes the old id, never the number, so the id is what tells two certificates of one pass
apart. :func:`issue_mark` gives the part after the number (what the 2D code carries) and
:func:`certificate_id_of` puts it back.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.exams.grades import Issuer, issuer_of
from kentei.prefectures import NAMES
from kentei.records.codes import Grade

MINISTER: Final = "厚生労働大臣"

ISSUE_MARK: Final = re.compile(r"P?[1-9][0-9]{0,5}")
"""What follows ``<合格証書番号>-`` in a certificate id: a serial, or ``P`` and a serial."""
CERTIFICATE_ID_PATTERN: Final = r"^[A-Za-z0-9_-]{1,32}-P?[1-9][0-9]{0,5}$"


class CertificateIdError(ValueError):
    """A certificate id that is not ``<合格証書番号>-<serial>`` or ``-P<n>`` of its number."""


def issue_mark(certificate_id: str, certificate_number: str) -> int | str:
    """The part of ``certificate_id`` after ``<certificate_number>-``: the serial as an integer
    (``13-1-2026-000123-2`` → ``2``), or the text ``P<n>`` of a 合格証明書."""
    prefix = certificate_number + "-"
    mark = certificate_id[len(prefix) :]
    if not certificate_id.startswith(prefix) or ISSUE_MARK.fullmatch(mark) is None:
        raise CertificateIdError("the certificate id is not its number and an issue serial")
    return mark if mark.startswith("P") else int(mark)


def certificate_id_of(certificate_number: str, mark: object) -> str:
    """The certificate id from the number and an :func:`issue_mark`; refuses any other mark
    (a boolean, zero, a negative or a text that is not ``P<n>``)."""
    if type(mark) is int and mark >= 1:
        return f"{certificate_number}-{mark}"
    if isinstance(mark, str) and mark.startswith("P") and ISSUE_MARK.fullmatch(mark):
        return f"{certificate_number}-{mark}"
    raise CertificateIdError("the issue mark is not a serial nor P<n>")


def issuing_authority(grade: Grade, prefecture_code: str) -> str:
    """In whose name the pass is certified: 厚生労働大臣 for 特級, 1級 and 単一等級, the
    prefecture's governor (``東京都知事``) for the others."""
    if issuer_of(grade) is Issuer.MINISTER:
        return MINISTER
    return f"{NAMES[prefecture_code]}知事"


class CertifiedPass(BaseModel):
    """The facts one certificate certifies (合格証書の記載事項)."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", hide_input_in_errors=True
    )

    certificate_number: str = Field(min_length=1, max_length=32, description="合格証書番号")
    certificate_id: str = Field(
        pattern=CERTIFICATE_ID_PATTERN,
        description="証書番号: <合格証書番号>-<serial>, or -P<n> for a 合格証明書",
    )
    name: str = Field(min_length=1, max_length=100, repr=False, description="氏名")
    name_latin: str | None = Field(
        None, min_length=1, max_length=100, repr=False, description="the name in Latin letters"
    )
    birth_date: dt.date = Field(repr=False, description="生年月日")
    trade_code: str = Field(min_length=1, max_length=20)
    trade_name: str = Field(min_length=1, max_length=64, description="職種名")
    work_code: str = Field(min_length=1, max_length=20)
    work_name: str = Field(min_length=1, max_length=64, description="作業名")
    grade: Grade
    passed_on: dt.date = Field(description="合格日")
    issuing_authority: str = Field(min_length=1, max_length=64, description="交付者")

    @model_validator(mode="after")
    def _id_of_its_number(self) -> Self:
        issue_mark(self.certificate_id, self.certificate_number)
        return self
