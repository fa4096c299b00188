"""Exactly once per key (:mod:`intake.exactly_once`) in front of an application's receive
flow (:mod:`intake.receive`): the fingerprint covers the body as sent and the application it
corrects. After the idempotency record expires, the receive flow still makes a key name one
application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from intake.dependencies import Dependencies, dependencies
from intake.exactly_once import receive_once
from intake.receive import Submission, receive
from intake.views import ApplicationAccepted

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def submit(
    submission: Submission, context: LambdaContext, deps: Dependencies | None = None
) -> ApplicationAccepted:
    """Receive ``submission`` once; a replay of it gets the same answer."""
    deps = deps or dependencies()
    fingerprint = deps.fingerprinter.fingerprint(submission.body, submission.resubmission_of)
    answer = receive_once(
        lambda: receive(submission, fingerprint, deps),
        key_prefix="intake.submit",
        caller_id=submission.caller.id,
        idempotency_key=submission.idempotency_key,
        fingerprint=fingerprint,
        context=context,
    )
    return ApplicationAccepted.model_validate(answer)
