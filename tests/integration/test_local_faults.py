"""The local fault injector (issue 14) against an in-process moto: the functions' own clients
(:mod:`kentei.aws`) meet throttles, 5xx, read timeouts and connection resets on the planned
share of calls to the planned services; botocore's standard retry mode retries them; what
still fails is the exception deployed code would meet; every fault is counted; the same seed
draws the same faults; nothing is injected once the block ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from tests.integration.moto_tables import records_and_audit

from kentei import aws, settings
from kentei_local.faults import BEFORE_SENDING, Fault, FaultPlan, injecting
from kentei_local.moto_server import MotoServer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # botocore's backoff between retries, not waited: the retries are what is tested here.
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)
    with records_and_audit(monkeypatch):
        yield


def _get() -> None:
    aws.dynamodb().get_item(
        TableName=settings.table_name("records"),
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": "NOTHING"}},
    )


@pytest.mark.usefixtures("moto")
@pytest.mark.parametrize(
    ("fault", "raised", "code"),
    [
        (Fault.THROTTLE, ClientError, "ThrottlingException"),
        (Fault.SERVER_ERROR, ClientError, "InternalFailure"),
        (Fault.TIMEOUT, ReadTimeoutError, None),
        (Fault.RESET, ConnectionClosedError, None),
    ],
)
def test_every_call_failing_is_retried_then_raised_as_deployed(
    fault: Fault, raised: type[Exception], code: str | None
) -> None:
    with injecting(FaultPlan(share=1.0, faults=(fault,))) as injected, pytest.raises(raised) as e:
        _get()

    if code is not None:
        assert isinstance(e.value, ClientError)
        assert e.value.response["Error"]["Code"] == code
    # The call and botocore's three retries (kentei.aws: standard mode), each one failed.
    assert injected.faults == {("dynamodb", fault): 4}
    _get()  # after the block: nothing injected


@pytest.mark.usefixtures("moto")
def test_a_share_of_faults_is_absorbed_by_retries_counted_and_repeatable() -> None:
    runs = []
    for _ in range(2):
        with injecting(FaultPlan(share=0.2, seed=7)) as injected:
            for _ in range(100):
                _get()
        runs.append(injected)
    first, second = runs
    assert first.faults == second.faults, "the same seed draws the same faults"
    total = sum(first.faults.values())
    calls = first.calls["dynamodb"]
    assert 100 < calls < 150
    assert 0.1 < total / calls < 0.3
    assert set(first.by_fault()) == set(BEFORE_SENDING), "each kind of fault happened"


@pytest.mark.usefixtures("moto")
def test_only_the_planned_services_fail() -> None:
    with injecting(FaultPlan(share=1.0, services=frozenset({"kms"}))) as injected:
        _get()
    assert injected.faults == {}
    assert injected.calls["dynamodb"] == 1


@pytest.mark.usefixtures("moto")
@pytest.mark.parametrize(
    ("service", "throttled", "failed"),
    [
        ("sqs", "ThrottlingException", "InternalFailure"),
        ("s3", "SlowDown", "InternalError"),
        ("kms", "ThrottlingException", "InternalFailure"),
    ],
)
def test_each_service_fails_in_its_own_protocol(service: str, throttled: str, failed: str) -> None:
    """The answer is parsed as the service's own error (JSON or XML) and retried as one."""
    calls: dict[str, Callable[[], object]] = {
        "sqs": lambda: aws.sqs().list_queues(),
        "s3": lambda: aws.s3().list_buckets(),
        "kms": lambda: aws.kms().list_keys(),
    }
    for fault, code in ((Fault.THROTTLE, throttled), (Fault.SERVER_ERROR, failed)):
        plan = FaultPlan(share=1.0, faults=(fault,), services=frozenset({service}))
        with injecting(plan) as injected, pytest.raises(ClientError) as e:
            calls[service]()
        assert e.value.response["Error"]["Code"] == code
        assert injected.faults == {(service, fault): 4}


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = MotoServer("127.0.0.1", 0)
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)
    aws.reset()
    try:
        yield server.endpoint
    finally:
        aws.reset()
        server.stop()


def test_a_lost_answer_is_a_call_handled_then_retried_so_done_again(moto_server: str) -> None:
    """LOST sends the call, drops its answer and raises a read timeout: botocore sends it
    again, and the server handles it again. Here every answer is lost: the call and its three
    retries each put a message on the queue, and the caller still meets the timeout."""
    url = aws.sqs().create_queue(QueueName="lost")["QueueUrl"]
    plan = FaultPlan(share=1.0, faults=(Fault.LOST,), services=frozenset({"sqs"}))
    with injecting(plan) as injected, pytest.raises(ReadTimeoutError):
        aws.sqs().send_message(QueueUrl=url, MessageBody="once, the sender thought")

    assert injected.faults == {("sqs", Fault.LOST): 4}
    held = aws.sqs().get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert held == "4"


def _count(table: str) -> int:
    item = (
        aws.dynamodb()
        .get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)
        .get("Item")
    )
    return int(item["n"]["N"]) if item else 0


def _increment(table: str, token: str | None = None) -> None:
    update: TransactWriteItemTypeDef = {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": "counter"}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    if token is None:
        aws.dynamodb().transact_write_items(TransactItems=[update])
    else:
        aws.dynamodb().transact_write_items(TransactItems=[update], ClientRequestToken=token)


@pytest.fixture
def counter(moto_server: str) -> str:
    aws.dynamodb().create_table(
        TableName="counters",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "counters"


def test_a_transaction_whose_answers_are_lost_is_applied_once(counter: str) -> None:
    """botocore sends one client request token with every retry of a call; the local moto,
    as DynamoDB, applies the transaction once (kentei_local.moto_idempotency)."""
    plan = FaultPlan(share=1.0, faults=(Fault.LOST,), services=frozenset({"dynamodb"}))
    with injecting(plan) as injected, pytest.raises(ReadTimeoutError):
        _increment(counter)

    assert injected.faults == {("dynamodb", Fault.LOST): 4}
    assert _count(counter) == 1
    _increment(counter)  # another call, another token
    assert _count(counter) == 2


def test_a_client_request_token_names_one_transaction(counter: str) -> None:
    _increment(counter, "once")
    _increment(counter, "once")
    assert _count(counter) == 1
    with pytest.raises(ClientError) as e:
        aws.dynamodb().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": counter,
                        "Item": {"pk": {"S": "other"}, "blob": {"B": b"\x00\xff"}},
                    }
                }
            ],
            ClientRequestToken="once",
        )
    assert e.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
