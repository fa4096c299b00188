"""What a pass's certificates say, from its pass record, the person and the catalogue.

Pure. A pass (合格, never a part pass) with its passer and certificate numbers gives the
printed 合格証書 and the 合格証明書 in Japanese or English. The trade and work are named as
the catalogue names them (in English from :mod:`kentei.certificates.english`), the grade is the
grade sat (随時2級 is certified as 2級), and the issuer follows the grade
(:func:`kentei.exams.grades.issuer_of`). The person's name and birth date come from the
caller (the roster's examinee), never from the record, which holds ids and facts only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kentei.certificates.content import CertificateOfPass, Language, PrintedCertificate
from kentei.certificates.english import EnglishNames, load_english_names
from kentei.exams.catalogue import Catalogue
from kentei.exams.grades import TRADE_WIDE_GRADES, content_grade, issuer_of
from kentei.exemptions.model import PassKind, PassRecord


class NotCertifiableError(ValueError):
    """The record is not a numbered pass: ``reason`` says why (no data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"no certificate for this record: {reason}")
        self.reason = reason


def _work_code(record: PassRecord) -> str | None:
    """The work certified: none for a trade-wide grade (特級)."""
    return None if content_grade(record.grade) in TRADE_WIDE_GRADES else record.work_code


def _facts(
    record: PassRecord,
    *,
    certificate_id: str,
    name: str,
    birth_date: dt.date,
    prefecture_code: str,
    catalogue: Catalogue,
    issued_at: dt.datetime,
) -> dict[str, Any]:
    if record.kind is not PassKind.PASS:
        raise NotCertifiableError("a part pass has a notice, not a certificate")
    if record.passer_number is None or record.certificate_number is None:
        raise NotCertifiableError("the pass has no passer or certificate number yet")
    trade = catalogue.trade(record.trade_code)
    work_code = _work_code(record)
    return {
        "certificate_id": certificate_id,
        "name": name,
        "birth_date": birth_date,
        "trade": trade.name,
        "work": None if work_code is None else catalogue.work(trade.code, work_code).name,
        "grade": record.grade,
        "passed_on": record.passed_on,
        "certificate_number": record.certificate_number,
        "passer_number": record.passer_number,
        "prefecture_code": prefecture_code,
        "issuer": issuer_of(content_grade(record.grade)),
        "issued_at": issued_at,
    }


def printed_certificate(
    record: PassRecord,
    *,
    certificate_id: str,
    name: str,
    birth_date: dt.date,
    prefecture_code: str,
    catalogue: Catalogue,
    issued_at: dt.datetime,
) -> PrintedCertificate:
    """The 合格証書 of the pass."""
    return PrintedCertificate(
        **_facts(
            record,
            certificate_id=certificate_id,
            name=name,
            birth_date=birth_date,
            prefecture_code=prefecture_code,
            catalogue=catalogue,
            issued_at=issued_at,
        )
    )


def certificate_of_pass(
    record: PassRecord,
    *,
    language: Language,
    certificate_id: str,
    name: str,
    birth_date: dt.date,
    prefecture_code: str,
    catalogue: Catalogue,
    issued_at: dt.datetime,
    name_latin: str | None = None,
    english: EnglishNames | None = None,
) -> CertificateOfPass:
    """The 合格証明書 of the pass, in ``language``. In English it needs ``name_latin`` (as the
    person wrote it on the request) and takes the trade and work from ``english`` (the shipped
    table by default); a code without an English name raises
    :class:`~kentei.certificates.english.NoEnglishNameError`."""
    fields = _facts(
        record,
        certificate_id=certificate_id,
        name=name,
        birth_date=birth_date,
        prefecture_code=prefecture_code,
        catalogue=catalogue,
        issued_at=issued_at,
    )
    if language is Language.EN:
        names = english or load_english_names()
        work_code = _work_code(record)
        fields |= {
            "name_latin": name_latin,
            "trade_en": names.trade(record.trade_code),
            "work_en": None if work_code is None else names.work(work_code),
        }
    return CertificateOfPass(language=language, **fields)
