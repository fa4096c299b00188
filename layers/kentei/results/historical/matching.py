"""An initial registration's claim matched to a historical pass record (R17), and the pass
record a link writes.

The claim is the passer number (and the certificate number, if given) with the person's name
and birth date as the signing certificate states them (the four items, after verification).
It matches when the record exists in the prefecture, is not linked to someone else nor in
conflict, and its name (after the registry's normalisation, :mod:`kentei.registry.normalise`,
as the re-check compares) and birth date are the certificate's. Otherwise the failed checks
are named by code (never a value) for staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kentei.exemptions.model import PassKind, PassRecord
from kentei.registry.normalise import normalise_name
from kentei.results.historical.model import HistoricalPass, HistoricalStatus, StoredHistoricalPass
from kentei.roster.parts import ExamRound, Part

RECORD_PREFIX: Final = "H-"
"""A past pass's record id: ``H-<passer number>`` (never an application id)."""


class ClaimCheck(StrEnum):
    """A check of a claim that failed (what staff see)."""

    NOT_FOUND = "historical.not_found"
    """No historical record of the number in the prefecture."""
    LINKED_TO_OTHER = "historical.linked_to_other"
    """The record is linked to another person already (two people claiming one number)."""
    IN_CONFLICT = "historical.in_conflict"
    """The record is in conflict already: staff decide it first."""
    NAME = "historical.name_mismatch"
    BIRTH_DATE = "historical.birth_date_mismatch"
    CERTIFICATE_NUMBER = "historical.certificate_number_mismatch"


@dataclass(frozen=True)
class Claim:
    """What an initial registration claims, and who the verified signer is."""

    passer_number: str
    certificate_number: str | None
    name: str
    birth_date: dt.date
    qualification_pseudonym_id: str
    application_id: str


@dataclass(frozen=True)
class MatchResult:
    """``failures`` empty: link (``already``: linked to this person before, nothing to do)."""

    failures: tuple[ClaimCheck, ...] = ()
    already: bool = False

    @property
    def matched(self) -> bool:
        return not self.failures


def match(stored: StoredHistoricalPass | None, claim: Claim) -> MatchResult:
    """The claim against the stored record (pure)."""
    if stored is None:
        return MatchResult((ClaimCheck.NOT_FOUND,))
    if stored.status is HistoricalStatus.LINKED and stored.link is not None:
        if stored.link.qualification_pseudonym_id == claim.qualification_pseudonym_id:
            return MatchResult(already=True)
        return MatchResult((ClaimCheck.LINKED_TO_OTHER,))
    failures: list[ClaimCheck] = []
    if stored.status is HistoricalStatus.IN_CONFLICT:
        failures.append(ClaimCheck.IN_CONFLICT)
    person = stored.record.person
    if normalise_name(person.name) != normalise_name(claim.name):
        failures.append(ClaimCheck.NAME)
    if person.birth_date != claim.birth_date:
        failures.append(ClaimCheck.BIRTH_DATE)
    if (
        claim.certificate_number is not None
        and stored.record.certificate_number is not None
        and claim.certificate_number != stored.record.certificate_number
    ):
        failures.append(ClaimCheck.CERTIFICATE_NUMBER)
    return MatchResult(tuple(failures))


def record_id(passer_number: str) -> str:
    return RECORD_PREFIX + passer_number


def pass_record_of(record: HistoricalPass, qualification_pseudonym_id: str) -> PassRecord:
    """The pass record a link writes (``PASS#<資格仮名ID>#H-<number>``): a pass of both
    parts, with the historical numbers and dates, so exemptions and certificates see it."""
    return PassRecord(
        record_id=record_id(record.passer_number),
        qualification_pseudonym_id=qualification_pseudonym_id,
        kind=PassKind.PASS,
        parts=(Part.WRITTEN, Part.PRACTICAL),
        exam_round=ExamRound(fiscal_year=record.pass_fiscal_year, term=record.term),
        trade_code=record.trade_code,
        work_code=record.work_code,
        grade=record.grade,
        passed_on=record.passed_on,
        passer_number=record.passer_number,
        certificate_number=record.certificate_number,
    )


class ClaimStatus(StrEnum):
    """What a claim became."""

    LINKED = "linked"
    """Matched: the record linked to the person, their pass record written."""
    ALREADY_LINKED = "already_linked"
    """Linked to this person before (a redelivery): nothing written."""
    IN_REVIEW = "in_review"
    """A check failed: the record (if any) in conflict, for staff."""
