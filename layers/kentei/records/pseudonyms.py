"""A person's pseudonymous identifiers: how a person is named wherever the My Number is not
needed (privacy invariant 3)."""

from __future__ import annotations

from kentei.records import items
from kentei.records.base import Record


class Pseudonyms(Record):
    """The pseudonymous IDs of one person (仮名ID).

    The qualification pseudonymous ID is issued once per person at registration (R7); the
    Mynaportal one is how Mynaportal names an online applicant to us, and paper applicants
    have none.
    """

    qualification_pseudonym_id: items.QualificationPseudonymId
    mynaportal_pseudonym_id: items.MynaportalPseudonymIdOpt = None
