"""Identification of a verified person (P2, P3): the vault and the pseudonyms.

1. :meth:`kentei.vault.Vault.enrol` puts the My Number in the vault, once per person: the
   same person applying again gets the same entry and the same 資格仮名ID.
2. A Mynaportal applicant's マイナポータル仮名ID is linked to the 資格仮名ID; a Mynaportal
   account already linked to someone else is ``identity.pseudonym_conflict``.

The person goes on the roster (examinee and sitting) only when staff accept the application
after review (R7, :mod:`kentei.roster.registration`): a returned or rejected application
leaves no roster entry. Both steps are idempotent, so a retried message repeats them
harmlessly.
"""

from __future__ import annotations

from dataclasses import dataclass

from kentei.applications.model import Application
from kentei.my_number import MyNumber
from kentei.vault import PseudonymLinkConflictError, PseudonymLinks, Vault
from verify.reasons import Refusal, VerifyReason


@dataclass(frozen=True)
class Identified:
    qualification_pseudonym_id: str
    enrolled: bool
    """True when the vault met the person for the first time."""


def identify_person(
    application: Application, my_number: MyNumber, *, vault: Vault, links: PseudonymLinks
) -> Identified | Refusal:
    return enrol_person(my_number, application.mynaportal_pseudonym_id, vault=vault, links=links)


def enrol_person(
    my_number: MyNumber,
    mynaportal_pseudonym_id: str | None,
    *,
    vault: Vault,
    links: PseudonymLinks,
) -> Identified | Refusal:
    """The person enrolled in the vault (once: again, the same entry) and their Mynaportal
    account linked (an account linked to someone else: ``identity.pseudonym_conflict``)."""
    entry = vault.enrol(my_number)
    pseudonym = entry.qualification_pseudonym_id
    if mynaportal_pseudonym_id is not None:
        try:
            links.link_mynaportal(pseudonym, mynaportal_pseudonym_id)
        except PseudonymLinkConflictError:
            return Refusal.of(
                VerifyReason.PSEUDONYM_CONFLICT,
                "the Mynaportal pseudonym is linked to another qualification pseudonym",
            )
        except ValueError:
            return Refusal.of(
                VerifyReason.SUBMISSION_MALFORMED, "the Mynaportal pseudonym is not valid"
            )
    return Identified(pseudonym, enrolled=entry.created)
