"""The smoke flow of ``make demo``: a list of steps, each proving one wire of the system.

Every step gets the running :class:`~kentei_local.runtime.LocalRuntime` and the demo's
deadline, does one thing through the public surfaces (HTTP, the queues, the tables), checks
the outcome, and returns the line that says what happened; it raises to fail the demo.
Later flows (the applicant lifecycle) are more steps appended to :func:`smoke_steps`.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TextIO

from kentei import catalog
from kentei_local import probes
from kentei_local.resources import physical_name
from kentei_local.runtime import HEALTH_PATH, LocalRuntime

DEMO_TIMEOUT_S: Final = 60.0


class StepFailedError(RuntimeError):
    """A step saw something other than what it proves."""


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[LocalRuntime, float], str]
    """Given the runtime and the deadline (``time.monotonic``), do the step; what happened."""


def smoke_steps() -> list[Step]:
    poisoned = catalog.QUEUES[0]
    return [
        Step(f"GET {HEALTH_PATH} through the local gateway", _health),
        *(
            Step(f"heartbeat through the {queue.name} queue", _heartbeat_step(queue))
            for queue in catalog.QUEUES
        ),
        Step(f"poisoned message on the {poisoned.name} queue", _poison_step(poisoned)),
    ]


def run_steps(
    runtime: LocalRuntime,
    steps: Sequence[Step],
    out: TextIO,
    timeout_s: float = DEMO_TIMEOUT_S,
) -> bool:
    """Run ``steps`` in order, printing a line for each; False at the first that fails."""
    started = time.monotonic()
    deadline = started + timeout_s
    for number, step in enumerate(steps, start=1):
        prefix = f"[{number}/{len(steps)}] {step.title}:"
        try:
            outcome = step.run(runtime, deadline)
        except Exception as exc:
            print(f"{prefix} FAILED: {exc}", file=out, flush=True)
            return False
        print(f"{prefix} {outcome}", file=out, flush=True)
    print(f"all {len(steps)} steps passed in {time.monotonic() - started:.1f} s", file=out)
    return True


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _health(runtime: LocalRuntime, deadline: float) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{runtime.url}{HEALTH_PATH}", timeout=_remaining(deadline)) as response:
        body = response.read().decode("utf-8", "replace")
        status = response.status
    if status != 200 or '"ok"' not in body:
        raise StepFailedError(f"expected 200 with status ok, got {status} {body}")
    return f"{status} {body}"


def _heartbeat_step(queue: catalog.QueueSpec) -> Callable[[LocalRuntime, float], str]:
    def run(runtime: LocalRuntime, deadline: float) -> str:
        local = runtime.resources.queues[queue.name]
        table = runtime.resources.tables["records"]
        heartbeat = probes.send_heartbeat(runtime.sqs(), local.url)
        item = probes.wait_for_heartbeat(
            runtime.dynamodb(), table, queue.consumer, heartbeat, _remaining(deadline)
        )
        return (
            f"heartbeat {heartbeat.heartbeat_id} acknowledged by "
            f"{physical_name(queue.consumer)} in {table} "
            f"({item['prefecture_code']['S']} / {item['record_key']['S']})"
        )

    return run


def _poison_step(queue: catalog.QueueSpec) -> Callable[[LocalRuntime, float], str]:
    def run(runtime: LocalRuntime, deadline: float) -> str:
        local = runtime.resources.queues[queue.name]
        message_id = probes.send_poison(runtime.sqs(), local.url)
        probes.wait_in_queue(runtime.sqs(), local.dlq_url, message_id, _remaining(deadline))
        receives = runtime.pump(queue.name).receive_count(message_id)
        if receives != queue.max_receive_count:
            raise StepFailedError(
                f"message {message_id} reached the DLQ after {receives} receives, "
                f"not maxReceiveCount={queue.max_receive_count}"
            )
        return (
            f"message {message_id} ({probes.POISON}) redriven to "
            f"{physical_name(queue.dlq_name)} after {receives} receives "
            f"(maxReceiveCount {queue.max_receive_count})"
        )

    return run
