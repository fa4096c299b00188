"""The raw submission after verification: deleted, every version, once verification ends.

The raw parts in the inbox hold the My Number (the signed document, the e-Gov package, the
keyed-in paper form). Once verification has ended, admitted or refused, verify has what it
needs: the number in the vault, the evidence on the application, the signed act claimed
(:mod:`verify.replay`). So it deletes every version of those parts, and nothing but the vault
holds the number (invariant 1). Not on a retry (``RetryLaterError``, an unavailable registry,
an AWS error): the next delivery reads them again.

It runs after the decision is written, never before (a decision that fails to write leaves
the parts for the retry), and again on a redelivered message for an application that is no
longer pending: a crash between the decision and the deletion is mended by the next
delivery, and deleting parts that are gone deletes nothing. Attachments (photos,
certificates; no My Number) stay in the inbox and the attachments bucket for review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kentei.applications.model import Application, Channel
from verify.dependencies import RawSubmissions
from verify.submission import DOCUMENT_PART, FORM_PART, PACKAGE_PART, SIGNATURE_PART

RAW_PARTS: Final[Mapping[Channel, tuple[str, ...]]] = {
    Channel.MYNAPORTAL: (DOCUMENT_PART, SIGNATURE_PART),
    Channel.EGOV: (PACKAGE_PART,),
    Channel.PAPER: (FORM_PART,),
}
"""The parts of each channel's raw submission that hold the My Number or sign it."""


def forget_raw_submission(application: Application, inbox: RawSubmissions) -> int:
    """Delete every version of the application's raw parts; how many versions went."""
    return inbox.delete(application.application_id, RAW_PARTS[application.channel])
