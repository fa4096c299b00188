"""A person's pseudonymous identifiers: how a person is named wherever the My Number is not
needed (privacy invariant 3)."""

from __future__ import annotations

from pydantic import Field

from kentei.records.base import Record
from kentei.records.fields import PseudonymousId


class Pseudonyms(Record):
    """The pseudonymous IDs of one person (仮名ID).

    The qualification pseudonymous ID is issued once per person at registration (R7); the
    Mynaportal one is how Mynaportal names an online applicant to us, and paper applicants
    have none.
    """

    qualification_pseudonym_id: PseudonymousId = Field(
        alias="資格仮名ID",
        description="Links a person's qualification records without the My Number.",
    )
    mynaportal_pseudonym_id: PseudonymousId | None = Field(
        None,
        alias="マイナポータル仮名ID",
        description="Pseudonymous ID by which Mynaportal identifies the applicant.",
    )
