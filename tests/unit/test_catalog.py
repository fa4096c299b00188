"""The catalog is consistent with itself: every reference resolves, every rule it states holds."""

from __future__ import annotations

import pytest

from kentei import catalog
from kentei.vault import kms as vault_kms


def test_every_grant_names_a_resource_of_the_right_kind() -> None:
    kinds = {
        "table": {t.name for t in catalog.TABLES},
        "key": {k.name for k in catalog.KEYS},
        "bucket": {b.name for b in catalog.BUCKETS if b.env_var},
        "queue": {q.name for q in catalog.QUEUES},
        "user-pool": {p.name for p in catalog.USER_POOLS},
    }
    for function in catalog.FUNCTIONS:
        for grant in function.grants:
            kind = grant.access.value.split(":")[0]
            assert grant.resource in kinds[kind], (function.name, grant)


def test_every_queue_is_consumed_by_a_function_with_a_long_enough_visibility_timeout() -> None:
    for spec in catalog.QUEUES:
        consumer = catalog.function(spec.consumer)
        assert not consumer.api
        assert catalog.visibility_timeout_s(spec) >= 6 * consumer.timeout_s
        assert 1 <= spec.max_receive_count <= 10


def test_environment_variables_are_unique() -> None:
    names = [
        *(t.env_var for t in catalog.TABLES),
        *(q.env_var for q in catalog.QUEUES),
        *(k.env_var for k in catalog.KEYS),
        *(b.env_var for b in catalog.BUCKETS if b.env_var),
        *(p.env_var for p in catalog.USER_POOLS),
    ]
    assert len(names) == len(set(names))


def test_every_schedule_sends_into_a_queue() -> None:
    for spec in catalog.SCHEDULES:
        assert catalog.queue(spec.queue).consumer
        assert spec.expression.startswith(("cron(", "rate("))


def test_only_verify_holds_the_vault_and_the_blind_index() -> None:
    for function in catalog.FUNCTIONS:
        vault_grants = {
            g.access
            for g in function.grants
            if (g.resource, g.access.value.split(":")[0])
            in {("vault", "table"), ("vault", "key"), ("blind-index", "key")}
        }
        if function.name == "verify":
            assert catalog.Access.KEY_GENERATE_MAC in vault_grants
            assert catalog.Access.KEY_ENCRYPT_DECRYPT in vault_grants
        elif function.name == "intake":
            # Intake encrypts raw submissions into the inbox for verify, and nothing more.
            assert vault_grants == {catalog.Access.KEY_ENCRYPT_ONLY}
        else:
            assert vault_grants == set()


def test_rotation_is_declared_exactly_where_aws_supports_it() -> None:
    assert {k.name for k in catalog.KEYS if k.rotation} == {"records", "vault"}


def test_lookup_of_an_unknown_name_fails_clearly() -> None:
    with pytest.raises(KeyError, match="nope"):
        catalog.table("nope")


def test_the_region_is_tokyo_with_osaka_for_disaster_recovery_only() -> None:
    assert catalog.REGION == "ap-northeast-1"
    assert {"ap-northeast-1", "ap-northeast-3"} == catalog.ALLOWED_REGIONS


def test_the_vault_keys_declared_context_is_what_the_vault_sends() -> None:
    """The key policy demands the catalog's pairs; the vault must send every one of them."""
    sent = vault_kms.encryption_context("qualification-pseudonym-id")
    declared = catalog.key("vault").encryption_context
    assert declared
    assert declared.items() <= sent.items()


def test_only_the_vault_key_declares_an_encryption_context() -> None:
    assert {k.name for k in catalog.KEYS if k.encryption_context} == {"vault"}


def test_the_inbox_lifecycle_outlasts_the_verify_dlq_and_then_drops_old_versions() -> None:
    lifecycle = catalog.bucket("inbox").lifecycle
    assert lifecycle is not None
    (queue,) = (q for q in catalog.QUEUES if q.consumer == "verify")
    assert lifecycle.current_days >= queue.dlq_retention_days
    assert 1 <= lifecycle.noncurrent_days <= lifecycle.current_days
    assert lifecycle.incomplete_upload_days >= 1
    assert lifecycle.longest_days == lifecycle.current_days + lifecycle.noncurrent_days
