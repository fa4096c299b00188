"""Pass records and candidates for the exemption tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kentei.exemptions.decision import Candidate
from kentei.exemptions.model import PassKind, PassRecord
from kentei.records.codes import Grade, Term
from kentei.roster.parts import ExamRound, Part

PERSON = "pseudonym-0001-abcdef"
ROUND = ExamRound(fiscal_year=2026, term=Term.FIRST)
EARLIER = ExamRound(fiscal_year=2024, term=Term.SECOND)
ON = dt.date(2026, 5, 20)


def candidate(**changes: Any) -> Candidate:
    items: dict[str, Any] = {
        "qualification_pseudonym_id": PERSON,
        "exam_round": ROUND,
        "trade_code": "0101",
        "work_code": "010101",
        "grade": Grade.SECOND,
        "parts": (Part.PRACTICAL,),
    }
    return Candidate(**(items | changes))


def record(record_id: str = "pass-1", **changes: Any) -> PassRecord:
    items: dict[str, Any] = {
        "record_id": record_id,
        "qualification_pseudonym_id": PERSON,
        "kind": PassKind.PART_PASS,
        "parts": (Part.WRITTEN,),
        "exam_round": EARLIER,
        "trade_code": "0101",
        "work_code": "010101",
        "grade": Grade.SECOND,
        "passed_on": dt.date(2025, 3, 10),
    }
    return PassRecord(**(items | changes))
