"""The applicant's identity still to be confirmed by staff (本人確認), as a blocking finding.

Verify leaves the choice of the person to staff when the four items alone cannot be taken
as the applicant (:mod:`kentei.applications.identity`): several current residents match, or
an e-Gov applicant gave no My Number. Review shows it as a blocking finding until verify has
enrolled the person staff chose; the lifecycle refuses acceptance until then, too. The
messages name no value and no count: returned with them, the applicant reads what to do.
"""

from __future__ import annotations

from typing import Final

from kentei.applications import identity
from kentei.applications.model import Application
from kentei.review.findings import Finding, Severity

_MESSAGES: Final = {
    identity.FOUR_ITEMS_ONLY: (
        "identity.four_items_only",
        "identity confirmed by four items only (no My Number given): staff must confirm the "
        "resident found before the application can be accepted, or the applicant applies "
        "again with the My Number",
    ),
    identity.SEVERAL_RESIDENTS: (
        "identity.several_residents",
        "the four basic items match more than one resident: staff choose the applicant "
        "among the candidates, or the applicant applies again with the My Number",
    ),
}


def check_identity(application: Application) -> list[Finding]:
    if not identity.unconfirmed(application):
        return []
    basis = (application.verification or {}).get(identity.BASIS)
    check, message = _MESSAGES.get(str(basis), _MESSAGES[identity.SEVERAL_RESIDENTS])
    return [Finding(check=check, severity=Severity.BLOCKING, field="my_number", message=message)]
