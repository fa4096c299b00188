"""What an electronic certificate (電子合格証) says: the pass, as the printed certificate shows it.

:class:`CertifiedPass` is the one input of both forms (the VC-JWT and the 2D code) and what
the verifier gives back. It holds what the 合格証書 prints and nothing more: the person's name
(as on the certificate, and optionally as they wrote it in Latin letters) and birth date, the
trade, work and grade, the pass date, the certificate number and the issuing authority. Never
the My Number, the address or the qualification pseudonymous ID (``extra="forbid"``); the
name and birth date are kept out of ``repr`` so a log line of the model holds neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from kentei.exams.grades import Issuer, issuer_of
from kentei.prefectures import NAMES
from kentei.records.codes import Grade

MINISTER: Final = "厚生労働大臣"


def issuing_authority(grade: Grade, prefecture_code: str) -> str:
    """In whose name the pass is certified: 厚生労働大臣 for 特級, 1級 and 単一等級, the
    prefecture's governor (``東京都知事``) for the others."""
    if issuer_of(grade) is Issuer.MINISTER:
        return MINISTER
    return f"{NAMES[prefecture_code]}知事"


class CertifiedPass(BaseModel):
    """The facts one certificate certifies (合格証書の記載事項)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_number: str = Field(min_length=1, max_length=32, description="合格証書番号")
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
