"""A person's initial registration (初期登録申請, R17) from the Mynaportal bridge: pure, no I/O.

The bridge sends ``POST /v1/initial-registrations`` (:class:`InitialRegistrationBody`): a
document (:class:`InitialRegistrationDocument`: the person's マイナポータル仮名ID, their My
Number, the prefecture, the passer number (技能士番号) they claim and, optionally, the
certificate number) exactly as signed, and a detached CMS signature over it with the person's
JPKI signature certificate, as a change request (:mod:`kentei.change_requests`). Intake keeps
an :class:`InitialRegistrationRequest` (ids and status, never the My Number); verify checks
the signature and the person, enrols them, and settles the claim against the prefecture's
historical records (:mod:`kentei.results.historical.claims`).
"""

from __future__ import annotations

from kentei.initial_registrations.document import (
    InitialRegistrationBody,
    InitialRegistrationDocument,
    ParsedInitialRegistration,
    parse_initial_registration,
    parse_initial_registration_document,
)
from kentei.initial_registrations.record import (
    INITIAL_REGISTRATION_ID_PATTERN,
    Claimant,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    ReviewDecision,
    StaffDecision,
    initial_registration_id_for,
    prefecture_of_initial_registration,
)

__all__ = [
    "INITIAL_REGISTRATION_ID_PATTERN",
    "Claimant",
    "InitialRegistrationBody",
    "InitialRegistrationDocument",
    "InitialRegistrationRequest",
    "InitialRegistrationStatus",
    "ParsedInitialRegistration",
    "ReviewDecision",
    "StaffDecision",
    "initial_registration_id_for",
    "parse_initial_registration",
    "parse_initial_registration_document",
    "prefecture_of_initial_registration",
]
