"""Exactly once per key: Powertools' idempotency in front of a receive flow (an application's,
:mod:`intake.submit`; a signed request's, :mod:`intake.signed_requests`).

``idempotent_function`` on the catalog's idempotency table, keyed by the caller's id and the
``Idempotency-Key`` and validated on the request's keyed fingerprint
(:mod:`intake.fingerprints`): the data Powertools hashes is a small dict of the caller's id,
the key and that fingerprint, never the body, so its payload hash is a hash of an HMAC and
confirms no guess. Records written before fingerprints were keyed hashed an unkeyed SHA-256;
they expire after :func:`key_ttl_s`, and a replay across that change is a ``409``. A replay
within :func:`key_ttl_s` gets the stored response without running anything; the same key with
another request is a ``409``; a replay while the first is still running is a ``409`` too.
The stored response is the ``202`` body: ids only. After the record expires, the receive flow
itself still makes a key name one request (its id derives from the key).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from intake.errors import ConflictError
from intake.receive import key_reused
from kentei.retention.kinds import RecordKind
from kentei.retention.schedule import load_retention_schedule

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

DAY_S: Final = 24 * 60 * 60


def key_ttl_s() -> int:
    """How long a replay gets the stored response (Powertools' record, then DynamoDB's TTL):
    the retention schedule's ``idempotency_record`` days."""
    return load_retention_schedule().elapsed_days(RecordKind.IDEMPOTENCY_RECORD) * DAY_S


Receive = Callable[[], dict[str, Any]]
"""A receive flow bound to its request: the ``202`` body, ids only (what the record keeps)."""


def receive_once(
    receive: Receive,
    *,
    key_prefix: str,
    caller_id: str,
    idempotency_key: str,
    fingerprint: str,
    context: LambdaContext,
) -> dict[str, Any]:
    """``receive`` run once for the caller's ``Idempotency-Key`` under ``key_prefix`` (each
    kind of request its own): a replay gets the same answer, another request under the key
    a ``409``, a replay while the first still runs a ``409`` with ``Retry-After``."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config, idempotent_run = _idempotent(key_prefix)
    config.register_lambda_context(context)
    key = {"caller": caller_id, "key": idempotency_key, "fingerprint": fingerprint}
    try:
        return idempotent_run(receive=receive, idempotency=key)
    except IdempotencyValidationError:
        raise key_reused() from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            slug="request-in-progress",
            headers={"Retry-After": "1"},
        ) from None


@cache
def _idempotent(key_prefix: str) -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    # Made on first use: the idempotency utility and its DynamoDB store are not needed at
    # import, and the table's name is read from the environment only now.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from kentei.data.idempotency import persistence_layer

    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=key_ttl_s(),
        hash_function="sha256",
    )
    idempotent_run = idempotent_function(
        _run,
        data_keyword_argument="idempotency",
        persistence_store=persistence_layer(),
        config=config,
        key_prefix=key_prefix,
    )
    return config, idempotent_run


def _run(*, receive: Receive, idempotency: dict[str, str]) -> dict[str, Any]:
    del idempotency  # what Powertools keys and validates the stored response by
    return receive()
