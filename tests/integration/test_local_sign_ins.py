"""Locally the sign-in is recorded as the deployed trigger records it: moto runs no Lambda
triggers, so the local runtime calls the same logic after ``InitiateAuth`` answers (a
success, or a wrong password)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.integration.stubs import StubApi, StubConsumer

from kentei import catalog
from kentei.data.sign_ins import DynamoSignInStore
from kentei_local import cognito
from kentei_local.environment import FAKE_CREDENTIALS
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings, handlers={**handlers, "intake": StubApi()}) as started:
        yield started


def _store(runtime: LocalRuntime) -> DynamoSignInStore:
    pool = runtime.endpoints.cognito
    client = boto3.client(
        "dynamodb",
        endpoint_url=pool.endpoint,
        region_name=pool.region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    return DynamoSignInStore(physical_name("records"), client=client)


def test_a_local_sign_in_and_a_failure_are_recorded(runtime: LocalRuntime) -> None:
    pool = runtime.endpoints.cognito
    user = cognito.find_user(runtime.endpoints.staff_users, "27", ["admin"])
    cognito.sign_in(pool, user.username, user.password)
    with pytest.raises(ClientError):
        cognito.sign_in(pool, user.username, user.password + "wrong")

    (summary,) = [s for s in _store(runtime).summaries("27") if s.username == user.username]
    assert summary.last_sign_in_at is not None
    assert (summary.sign_ins, summary.failures) == (1, 1)
    assert summary.last_source_ip == "127.0.0.1"
    assert summary.last_mfa_used is False
    assert all(s.prefecture_code == "27" for s in _store(runtime).summaries("27"))
