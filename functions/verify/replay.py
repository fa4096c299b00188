"""Replays (hole 6): a signed act admits one application, and moves no link a second time.

The rule: a signed document is single-use. Once its signature has verified (and the
certificate's four items match the form), verify claims the signed act for the application
(:mod:`kentei.vault.signed_acts`: a keyed digest of the signature value, written if absent)
before anything reaches the registry, the vault or the pseudonym links. Another application
carrying the same signed act, under the same or another Mynaportal account, through the same
or the other online channel, is ``submission.replayed`` (rejected): no examinee registration,
no link written. The claim is by application id, so a redelivered message (or a retry after
the registry was unavailable) claims again harmlessly; and the resubmission of a returned
application may take over its claim, since intake links a resubmission only for the caller
that submitted the returned application.

A person's notice link therefore moves to another Mynaportal account only through a signed
act not seen before whose certificate four items match the person (see
:mod:`kentei.vault.links`). Paper has no signature and nothing to claim: staff key the form
in, and the registry confirms the person.

The claim is made from the signature value read during verification, so it needs no raw
bytes later: the inbox's raw parts can go once verification has ended
(:mod:`verify.inbox_cleanup`).
"""

from __future__ import annotations

from kentei.applications.model import Application
from verify.dependencies import SignedActs
from verify.reasons import Refusal, VerifyReason
from verify.submission import SignedForm


def claim_signed_act(
    application: Application, signed: SignedForm, acts: SignedActs
) -> Refusal | None:
    """Claim the application's signed act; ``submission.replayed`` if another has it."""
    signature = signed.signature
    if signature is None:
        return None
    holder = acts.claim(
        application.prefecture_code,
        signature.signature_value,
        application.application_id,
        replacing=application.resubmission_of,
    )
    if holder is None:
        return None
    # The holder is an application of the same prefecture (the claim is in its partition):
    # an id staff may see, and no personal value.
    return Refusal.of(
        VerifyReason.SUBMISSION_REPLAYED,
        f"the signed document was already used by application {holder}",
        replay_of=holder,
    )
