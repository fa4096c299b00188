"""Registration of a verified person (R7, P2, P3): the vault, the pseudonyms, the examinee.

1. :meth:`kentei.vault.Vault.enrol` puts the My Number in the vault, once per person: the
   same person applying again gets the same entry and the same 資格仮名ID.
2. A Mynaportal applicant's マイナポータル仮名ID is linked to the 資格仮名ID; a Mynaportal
   account already linked to someone else is ``identity.pseudonym_conflict``.
3. The examinee (受検者テーブル items: the application's form, without the My Number) is
   registered or updated under the prefecture with the 資格仮名ID.

Every step is idempotent, so a retried message repeats them harmlessly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kentei.applications.model import Application
from kentei.my_number import MyNumber
from kentei.records.applicant import Applicant
from kentei.records.examinee import Examinee
from kentei.vault import PseudonymLinkConflictError, PseudonymLinks, Vault
from verify.dependencies import ExamineeStore
from verify.reasons import Refusal, VerifyReason


@dataclass(frozen=True)
class Registered:
    qualification_pseudonym_id: str
    enrolled: bool
    """True when the vault met the person for the first time."""
    registered: bool
    """True when the examinee was new in this prefecture (else updated)."""


def register_examinee(
    application: Application,
    my_number: MyNumber,
    *,
    vault: Vault,
    links: PseudonymLinks,
    examinees: Callable[[str], ExamineeStore],
    at: datetime,
) -> Registered | Refusal:
    entry = vault.enrol(my_number)
    pseudonym = entry.qualification_pseudonym_id
    if application.mynaportal_pseudonym_id is not None:
        try:
            links.link_mynaportal(pseudonym, application.mynaportal_pseudonym_id)
        except PseudonymLinkConflictError:
            return Refusal.of(
                VerifyReason.PSEUDONYM_CONFLICT,
                "the Mynaportal pseudonym is linked to another qualification pseudonym",
            )
        except ValueError:
            return Refusal.of(
                VerifyReason.SUBMISSION_MALFORMED, "the Mynaportal pseudonym is not valid"
            )
    registration = examinees(application.prefecture_code).register(
        pseudonym,
        examinee_of(application.form),
        application.application_id,
        application.received_at,
        at,
    )
    return Registered(pseudonym, enrolled=entry.created, registered=registration.created)


def examinee_of(form: Applicant) -> Examinee:
    """The 受検者テーブル record of an application's form, without the My Number."""
    items = {name: getattr(form, name) for name in Applicant.model_fields}
    items["my_number"] = None
    return Examinee.model_validate(items)
