"""What the national outbox (:mod:`sync.national`) works with: ports, and their deployed (or
local) adapters over the records table, the national queue and its DLQ, and the national
qualifications system (:class:`kentei.national.port.NationalSystem`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from kentei.catalog import NATIONAL_QUEUE
from kentei.data.national_sync import SentMark
from kentei.messages import NationalRecordDue
from kentei.national.port import NationalSystem


class SyncedItems(Protocol):
    """One prefecture's synced items and sent marks
    (:class:`kentei.data.national_sync.PrefectureNationalSync`)."""

    def item(self, record_key: str) -> dict[str, Any] | None: ...

    def sent(self, kind: str, record_id: str) -> SentMark | None: ...

    def mark_sent(self, mark: SentMark) -> bool: ...

    def suspended_persons(self) -> frozenset[str]: ...


class DueQueue(Protocol):
    """The FIFO national queue: a change due, in order per person."""

    def send(self, message: NationalRecordDue) -> None: ...


class SetAside(Protocol):
    """The national queue's DLQ: a message the national side refused, with the error."""

    def send(self, message: NationalRecordDue, error: str) -> None: ...


class Backoff(Protocol):
    """The national queue's visibility of a received message: when it is received again."""

    def retry_in(self, receipt_handle: str, seconds: int) -> None: ...


@dataclass(frozen=True)
class NationalPorts:
    items: Callable[[str], SyncedItems]
    """By prefecture."""
    due: DueQueue
    refused: SetAside
    system: Callable[[], NationalSystem]
    """The national system's adapter, built on first use."""
    backoff: Backoff | None = None
    """Honours a throttled answer's ``Retry-After`` (None: the queue's visibility timeout)."""


class _DueQueue:
    def send(self, message: NationalRecordDue) -> None:
        from kentei.data.queues import send_in_order

        send_in_order(NATIONAL_QUEUE, message, group=message.group_id, dedup=message.dedup_id)


class _SetAside:
    def send(self, message: NationalRecordDue, error: str) -> None:
        from kentei import messages
        from kentei.data.queues import set_aside

        set_aside(
            NATIONAL_QUEUE,
            messages.encode(message),
            error,
            group=message.group_id,
            dedup=message.dedup_id,
        )


class _Visibility:
    def retry_in(self, receipt_handle: str, seconds: int) -> None:
        from kentei import aws, settings

        aws.sqs().change_message_visibility(
            QueueUrl=settings.queue_url(NATIONAL_QUEUE),
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=seconds,
        )


@cache
def national_system() -> NationalSystem:
    """The national system's adapter for this environment (mutual TLS to the national side, or
    to the local runtime's fake national server), kept for the container's life: its pool,
    rate limit and circuit are only worth something across invocations."""
    # Imported here: the adapter (TLS, HTTP) is needed only by the national consumer.
    from kentei.national import national_from_environment

    return national_from_environment()


def deployed() -> NationalPorts:
    from kentei.data.national_sync import PrefectureNationalSync

    return NationalPorts(
        items=PrefectureNationalSync,
        due=_DueQueue(),
        refused=_SetAside(),
        system=national_system,
        backoff=_Visibility(),
    )
