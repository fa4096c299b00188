"""Exactly once per key: Powertools' idempotency in front of the receive flow.

``idempotent_function`` on the catalog's idempotency table, keyed by the caller's id and the
``Idempotency-Key`` and validated on the request's keyed fingerprint
(:mod:`intake.fingerprints`): the data Powertools hashes is a small dict of the caller's id,
the key and that fingerprint, never the body, so its payload hash is a hash of an HMAC and
confirms no guess. Records written before fingerprints were keyed hashed an unkeyed SHA-256;
they expire after :data:`KEY_TTL_S`, and a replay across that change is a ``409``. a replay within
:data:`KEY_TTL_S` gets the stored response without running anything; the same key with
another request is a ``409``; a replay while the first is still running is a ``409`` too.
The stored response is the ``202`` body: ids only. After the record expires, the receive
flow (:mod:`intake.receive`) still makes a key name one application.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError
from intake.receive import Submission, key_reused, receive
from intake.views import ApplicationAccepted

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

KEY_TTL_S: Final = 24 * 60 * 60
"""How long a replay gets the stored response (Powertools' record)."""


def submit(
    submission: Submission, context: LambdaContext, deps: Dependencies | None = None
) -> ApplicationAccepted:
    """Receive ``submission`` once; a replay of it gets the same answer."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    deps = deps or dependencies()
    fingerprint = deps.fingerprinter.fingerprint(submission.body, submission.resubmission_of)
    config, idempotent_receive = _idempotent()
    config.register_lambda_context(context)
    key = {
        "caller": submission.caller.id,
        "key": submission.idempotency_key,
        "fingerprint": fingerprint,
    }
    try:
        answer = idempotent_receive(
            submission=submission, fingerprint=fingerprint, deps=deps, idempotency=key
        )
    except IdempotencyValidationError:
        raise key_reused() from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            slug="request-in-progress",
            headers={"Retry-After": "1"},
        ) from None
    return ApplicationAccepted.model_validate(answer)


@cache
def _idempotent() -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    # Made on first use: the idempotency utility and its DynamoDB store are not needed at
    # import, and the table's name is read from the environment only now.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from kentei.data.idempotency import persistence_layer

    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=KEY_TTL_S,
        hash_function="sha256",
    )
    idempotent_receive = idempotent_function(
        _receive,
        data_keyword_argument="idempotency",
        persistence_store=persistence_layer(),
        config=config,
        key_prefix="intake.submit",
    )
    return config, idempotent_receive


def _receive(
    *, submission: Submission, fingerprint: str, deps: Dependencies, idempotency: dict[str, str]
) -> dict[str, Any]:
    del idempotency  # what Powertools keys and validates the stored response by
    return receive(submission, fingerprint, deps)
