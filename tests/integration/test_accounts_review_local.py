"""The staff-accounts schedule's message through the local runtime's accounts queue and the
real accounts function: an idle account is warned, then disabled once the warning period has
passed, and the audit trail says both; a second delivery of the same message changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kentei import catalog, messages
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.sign_ins import DynamoSignInStore
from kentei.sign_ins import Outcome, SignIn
from kentei_local import cognito
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

WAIT_S = 30.0
IDLE_USER = "idle-clerk-13"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings, serve_http=False) as started:
        yield started


def _due(runtime: LocalRuntime, at: datetime) -> None:
    queue = runtime.resources.queues["accounts"]
    body = messages.encode(messages.StaffAccountsDue(scheduled_at=at))
    runtime.sqs().send_message(QueueUrl=queue.url, MessageBody=body)


def _actions(runtime: LocalRuntime, at: datetime) -> list[AuditAction]:
    trail = AuditTrail()  # the runtime's environment points it at moto
    return [
        e.action
        for e in trail.day("13", at.date())
        if e.record_id == IDLE_USER and e.record_type == "staff_account"
    ]


def _enabled(runtime: LocalRuntime) -> bool:
    idp = cognito.client(runtime.staff_pool)
    user = idp.admin_get_user(UserPoolId=runtime.staff_pool.user_pool_id, Username=IDLE_USER)
    return bool(user["Enabled"])


def test_an_idle_account_is_warned_then_disabled_and_the_audit_says_so(
    runtime: LocalRuntime,
) -> None:
    pool = runtime.staff_pool
    cognito.ensure_user(pool, cognito.StaffUser(IDLE_USER, "Pw-" + "x1A!" * 4, "13", ("clerk",)))
    store = DynamoSignInStore()
    long_ago = NOW - timedelta(days=200)
    store.record(SignIn(IDLE_USER, "13", long_ago, Outcome.SIGNED_IN, "192.0.2.1", True))

    _due(runtime, NOW)
    wait_until(
        lambda: True if _actions(runtime, NOW) else None, WAIT_S, "the idle account was not warned"
    )
    assert _actions(runtime, NOW) == [AuditAction.ACCOUNT_IDLE_WARNED]
    assert _enabled(runtime)

    later = NOW + timedelta(days=15)
    _due(runtime, later)
    wait_until(lambda: True if _actions(runtime, later) else None, WAIT_S, "it was not disabled")
    assert _actions(runtime, later) == [AuditAction.ACCOUNT_DISABLED]
    assert not _enabled(runtime)

    # The same message again (a retry, a redrive): nothing more happens.
    _due(runtime, later)
    wait_until(lambda: _drained(runtime), WAIT_S, "the accounts queue kept its message")
    assert _actions(runtime, later) == [AuditAction.ACCOUNT_DISABLED]
    # The seeded accounts, created now and never used, are neither warned nor disabled.
    idp = cognito.client(pool)
    users = idp.list_users(UserPoolId=pool.user_pool_id)["Users"]
    assert all(u["Enabled"] for u in users if u["Username"] != IDLE_USER)
    dlq = runtime.resources.queues["accounts"].dlq_url
    attributes = runtime.sqs().get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def _drained(runtime: LocalRuntime) -> bool | None:
    url = runtime.resources.queues["accounts"].url
    attributes = runtime.sqs().get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return True if all(v == "0" for v in attributes.values()) else None


def test_the_schedule_message_is_the_catalog_kind() -> None:
    spec = catalog.schedule("staff-accounts")
    assert spec.kind == messages.StaffAccountsDue.model_fields["kind"].default
