"""Where a person's notices go (R13: pseudonyms only, never the My Number).

The Mynaportal pseudonym the person linked last (:class:`certify.dependencies.NoticeAddresses`):
someone who came back through a new Mynaportal account gets their notices there, and a paper
applicant who once applied online gets them too. Without a link, the application's own
pseudonym; without either, no notice (the association mails what the notice would carry).
"""

from __future__ import annotations

from certify.dependencies import Dependencies, NoticeAddresses
from kentei.applications.model import Application


def recipient_of(application: Application, deps: Dependencies) -> str | None:
    return mynaportal_recipient(application, deps.addresses)


def mynaportal_recipient(application: Application, addresses: NoticeAddresses) -> str | None:
    """The person's latest Mynaportal pseudonym, else the application's own, else None."""
    person = application.qualification_pseudonym_id
    linked = None if person is None else addresses.mynaportal_for(person)
    return linked or application.mynaportal_pseudonym_id
