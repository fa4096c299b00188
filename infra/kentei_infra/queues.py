"""The SQS queues of the catalog, each with its dead-letter queue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from kentei import catalog
from kentei_infra import nag
from kentei_infra.settings import physical_name


@dataclass(frozen=True)
class QueuePair:
    spec: catalog.QueueSpec
    queue: sqs.Queue
    dead_letters: sqs.Queue


class Queues(Construct):
    """One queue and its DLQ per :data:`kentei.catalog.QUEUES` entry, by catalog name.

    SSE-KMS under the catalog key, TLS-only, and a visibility timeout of
    :func:`kentei.catalog.visibility_timeout_s` (six times the consumer's timeout), so a
    message is not redelivered while a batch that holds it may still be running.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, keys: Mapping[str, kms.IKey]
    ) -> None:
        super().__init__(scope, construct_id)
        self.by_name: dict[str, QueuePair] = {
            spec.name: self._pair(spec, keys[spec.key]) for spec in catalog.QUEUES
        }

    def _pair(self, spec: catalog.QueueSpec, key: kms.IKey) -> QueuePair:
        visibility_timeout = Duration.seconds(catalog.visibility_timeout_s(spec))
        dead_letters = sqs.Queue(
            self,
            spec.dlq_name,
            queue_name=physical_name(spec.dlq_name) + spec.suffix,
            fifo=spec.fifo or None,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=Duration.days(spec.dlq_retention_days),
            visibility_timeout=visibility_timeout,
        )
        nag.acknowledge(
            nag.resource(dead_letters),
            "Serverless-SQSRedrivePolicy",
            "This is a dead-letter queue, the end of its queue's redrive chain: an operator "
            "inspects its messages and moves them back (SQS message move task) once fixed.",
        )
        queue = sqs.Queue(
            self,
            spec.name,
            queue_name=physical_name(spec.name) + spec.suffix,
            # FIFO: in order per message group; the producer names each message's
            # deduplication id (kentei.data.queues.send_in_order), never its content.
            fifo=spec.fifo or None,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=Duration.days(spec.retention_days),
            visibility_timeout=visibility_timeout,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=spec.max_receive_count
            ),
        )
        return QueuePair(spec, queue, dead_letters)
