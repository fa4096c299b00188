"""The verdict as the API answers it (JSON), and as the page shows it: one shape for both.

``outcome`` is the verifier's (:class:`kentei.credentials.verifier.Outcome`), ``valid`` true
only for ``valid``; ``changedOn`` the day of a revocation or reissue as the signed status list
states it; ``credential`` what the presented certificate says (the VC's subject terms), only
once its signature verified, else null; ``message`` the page's headline and reason in both
languages. Nothing but what the presented certificate itself holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from public.wording import HEADLINES, Language, headline_key, reason

if TYPE_CHECKING:
    from public.verification import Checked


def claims_document(checked: Checked) -> dict[str, Any] | None:
    from kentei.credentials.vc import credential_subject

    claims = checked.verdict.claims
    if claims is None:
        return None
    subject = credential_subject(claims)
    subject.pop("type", None)
    return subject


def verdict_document(checked: Checked) -> dict[str, Any]:
    verdict = checked.verdict
    outcome = verdict.outcome.value
    return {
        "outcome": outcome,
        "valid": verdict.valid,
        "form": None if verdict.form is None else verdict.form.value,
        "kid": verdict.kid,
        "changedOn": None if verdict.changed_on is None else verdict.changed_on.isoformat(),
        "issuer": {"id": checked.issuer.id, "name": checked.issuer.name},
        "credential": claims_document(checked),
        "message": {
            language.value: {
                "headline": HEADLINES[headline_key(outcome)][language],
                "reason": reason(outcome, verdict.changed_on, language),
            }
            for language in Language
        },
        "detail": verdict.detail,
    }
