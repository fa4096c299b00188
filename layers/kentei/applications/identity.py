"""An applicant the registry could not single out on its own: staff choose who it is.

Verify finds the person by the four items when no My Number is given (paper without one,
e-Gov without one). When the search is not conclusive on its own (several current residents
match, or an e-Gov applicant is found by the four items only), verify does not enrol anyone:
it puts the application under review with the candidates on its verification evidence
(:data:`CANDIDATES`: for each an ``index``, the registry's four items and status, and a
``reference``, the vault's keyed blind index of the candidate's number, never the number).
Staff of the prefecture pick one (:data:`CHOICE`) or return the application; verify then
enrols the chosen person. Until verify has done so the application cannot be accepted.

These keys and predicates are shared by verify (which writes them), intake (the staff route
and review) and the lifecycle (which refuses the acceptance): one definition of the state.
"""

from __future__ import annotations

from typing import Any, Final

from kentei.applications.model import Application, Status

OUTCOME: Final = "identity_candidates"
"""``verification["outcome"]`` of an application awaiting staff's choice of the person."""
CANDIDATES: Final = "identity_candidates"
"""``verification[CANDIDATES]``: the candidates, each ``{"index", "name", "name_kana",
"birth_date", "sex", "address", "status", "reference"}``."""
CHOICE: Final = "identity_choice"
"""``verification[CHOICE]``: ``{"candidate": index, "by": staff id, "at": ISO time}``."""
BASIS: Final = "identity_basis"
"""``verification[BASIS]``: why staff must choose (``several_residents`` or
``four_items_only``)."""
SEVERAL_RESIDENTS: Final = "several_residents"
FOUR_ITEMS_ONLY: Final = "four_items_only"


def candidates(application: Application) -> list[dict[str, Any]]:
    """The candidates verify put on the application (none for any other application)."""
    evidence = application.verification or {}
    found = evidence.get(CANDIDATES)
    return list(found) if isinstance(found, list) else []


def chosen(application: Application) -> int | None:
    """The index staff chose, if they have."""
    choice = (application.verification or {}).get(CHOICE)
    if isinstance(choice, dict) and isinstance(choice.get("candidate"), int):
        return int(choice["candidate"])
    return None


def unconfirmed(application: Application) -> bool:
    """Under review with candidates and no person enrolled yet: not to be accepted."""
    return (
        application.status is Status.UNDER_REVIEW
        and application.qualification_pseudonym_id is None
        and bool(candidates(application))
    )


def awaiting_choice(application: Application) -> bool:
    """Unconfirmed, and staff have not chosen yet."""
    return unconfirmed(application) and chosen(application) is None
