"""One cold request in this fresh interpreter (run by :mod:`cold_request`, never imported).

``python bench/cold_child.py real JOB`` imports the job's function handler and hands it the
job's event; ``bare JOB`` imports boto3 and makes the job's recorded AWS calls; ``stack JOB``
first imports what the standards require of a function of the job's ``shape`` (Powertools'
Logger and Metrics, one pydantic model validated, and the REST event handler with validation
for an API, the batch utilities for a queue consumer), then makes the same calls: the floor
under any handler written with that stack; ``record JOB``
is ``real`` with every API call the handler makes recorded (service, operation and
parameters, from botocore's ``provide-client-params`` event) into the job's ``calls`` file.
The job is read before the clock starts, as Lambda hands a function its event; the clock stops
after the answer. Only the standard library is imported before the clock, so the two kinds
start from the same interpreter. The figures go to the job's ``out`` file (standard output
and error are the handlers' log and metric lines, written but not read).
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from typing import Any


class Context:
    """What Lambda's context offers the handlers (Powertools reads these)."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-northeast-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "bench-request"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def recorder(calls: list[tuple[str, str, Any]]) -> None:
    import copy

    import boto3

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        calls.append((service, model.name, copy.deepcopy(params)))

    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("provide-client-params", record)


def real(job: dict[str, Any]) -> tuple[float, float, str]:
    function, event = job["function"], job["event"]
    started, cpu = time.perf_counter(), time.process_time()
    module = __import__(f"{function}.handler", fromlist=["handler"])
    answer = module.handler(event, Context())
    return time.perf_counter() - started, time.process_time() - cpu, outcome(answer)


def outcome(answer: Any) -> str:
    """``ok`` or what went wrong (a status, a failed batch item)."""
    if isinstance(answer, dict) and "statusCode" in answer:
        return "ok" if 200 <= answer["statusCode"] < 300 else f"status {answer['statusCode']}"
    if isinstance(answer, dict) and "batchItemFailures" in answer:
        return "ok" if not answer["batchItemFailures"] else "batch item failed"
    return "ok"


def bare(job: dict[str, Any]) -> tuple[float, float, str]:
    with open(job["calls"], "rb") as file:
        calls = pickle.load(file)
    started, cpu = time.perf_counter(), time.process_time()
    said = replay(calls)
    return time.perf_counter() - started, time.process_time() - cpu, said


def stack(job: dict[str, Any]) -> tuple[float, float, str]:
    with open(job["calls"], "rb") as file:
        calls = pickle.load(file)
    started, cpu = time.perf_counter(), time.process_time()
    import pydantic
    from aws_lambda_powertools import Logger, Metrics

    class Event(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid", frozen=True)
        kind: str
        record_id: str

    Event.model_validate({"kind": "bench", "record_id": "1"})
    Logger(service="bench")
    Metrics(namespace="bench", service="bench")
    if job["shape"] == "api":
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        APIGatewayRestResolver(enable_validation=True)
    elif job["shape"] == "queue":
        from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

        BatchProcessor(event_type=EventType.SQS)
    said = replay(calls)
    return time.perf_counter() - started, time.process_time() - cpu, said


def replay(calls: list[Any]) -> str:
    """Make ``calls`` with boto3 (imported here): ``ok``, with the count of error answers."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    config = Config(
        retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
    )
    clients: dict[str, Any] = {}
    errors = 0
    for service, operation, params in calls:
        client = clients.get(service)
        if client is None:
            client = clients[service] = boto3.client(service, config=config)
        try:
            client._make_api_call(operation, params)
        except ClientError:
            errors += 1  # a conditional write or a read of what the real run deleted
    return f"ok {errors} errors" if errors else "ok"


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as file:
        job = json.load(file)
    calls: list[tuple[str, str, Any]] = []
    if mode == "record":
        recorder(calls)
    spent, cpu, said = {"bare": bare, "stack": stack}.get(mode, real)(job)
    if mode == "record":
        with open(job["calls"], "wb") as file:
            pickle.dump(calls, file)
    with open(job["out"], "w", encoding="utf-8") as file:
        json.dump({"seconds": spent, "cpu": cpu, "outcome": said, "calls": len(calls)}, file)


if __name__ == "__main__":
    main()
