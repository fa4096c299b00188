"""``python -m kentei_local redrive QUEUE``: move a catalog queue's DLQ back into the queue.

For an operator, once what made the messages fail is fixed (a record the national side
refused, a deployment error): ``--dry-run`` first lists what would move and moves nothing.
Each message is sent to the queue with its body as it is (a FIFO queue's in its message group,
in the DLQ's order, under a new deduplication id so that the five-minute window of the first
send does not drop it), then deleted from the DLQ; the ``error`` attribute a message was set
aside with is printed beside its id (ids and error classes only: never a body). Stops when the
DLQ answers empty, or after ``limit`` messages.

Deployed: ``--names deployed`` and the operator's AWS credentials (the physical names of
:func:`kentei_infra.settings.physical_name`); locally: ``--endpoint`` the runtime's moto URL.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Final, TextIO

from kentei import catalog
from kentei.data.queues import ERROR_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

DEPLOYED_PREFIX: Final = catalog.PREFIX
LOCAL_PREFIX: Final = f"{catalog.PREFIX}-local"
LISTING_VISIBILITY_S: Final = 120
"""How long a received DLQ message stays invisible while the command works through the DLQ (a
dry run makes each visible again at its end)."""


def redrive(
    sqs: SQSClient,
    spec: catalog.QueueSpec,
    *,
    prefix: str,
    limit: int = 1000,
    out: TextIO | None = None,
    dry_run: bool = False,
) -> int:
    """Move up to ``limit`` messages of ``spec``'s DLQ back into it; how many moved. With
    ``dry_run``, list them instead and leave every one in the DLQ as it was: each is received
    once (kept invisible while the listing goes on), then made visible again."""
    url = sqs.get_queue_url(QueueName=f"{prefix}-{spec.name}{spec.suffix}")["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName=f"{prefix}-{spec.dlq_name}{spec.suffix}")["QueueUrl"]
    moved = 0
    listed: list[str] = []
    try:
        while moved < limit:
            received = sqs.receive_message(
                QueueUrl=dlq,
                MaxNumberOfMessages=min(10, limit - moved),
                WaitTimeSeconds=1,
                VisibilityTimeout=LISTING_VISIBILITY_S,
                MessageSystemAttributeNames=["MessageGroupId"],
                MessageAttributeNames=[ERROR_ATTRIBUTE],
            ).get("Messages", [])
            if not received:
                break
            for message in received:
                if dry_run:
                    listed.append(message["ReceiptHandle"])
                else:
                    _send_back(sqs, spec, url, message)
                    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
                if out is not None:
                    error = message.get("MessageAttributes", {}).get(ERROR_ATTRIBUTE)
                    reason = "-" if error is None else error.get("StringValue", "-")
                    verb = "would move" if dry_run else "moved"
                    print(f"{verb} {message['MessageId']} ({reason})", file=out)
    finally:
        for handle in listed:  # a dry run leaves the DLQ as it found it
            sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=handle, VisibilityTimeout=0)
    return moved


def _send_back(sqs: SQSClient, spec: catalog.QueueSpec, url: str, message: MessageTypeDef) -> None:
    if spec.fifo:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=message["Body"],
            MessageGroupId=message.get("Attributes", {}).get("MessageGroupId", "redrive"),
            MessageDeduplicationId=f"redrive-{message['MessageId']}",
        )
    else:
        sqs.send_message(QueueUrl=url, MessageBody=message["Body"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queue", choices=[spec.name for spec in catalog.QUEUES])
    parser.add_argument("--endpoint", help="the local runtime's moto URL (default: AWS)")
    parser.add_argument(
        "--names",
        choices=("local", "deployed"),
        default="local",
        help="the physical names to use (default: the local runtime's)",
    )
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list what would move (ids and error classes) and leave the DLQ as it is",
    )


def main(args: argparse.Namespace, out: TextIO) -> int:
    import boto3

    from kentei_local.environment import FAKE_CREDENTIALS

    if args.endpoint:
        session = boto3.Session(
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=catalog.REGION,
        )
        sqs = session.client("sqs", endpoint_url=args.endpoint)
    else:
        sqs = boto3.client("sqs", region_name=catalog.REGION)
    prefix = LOCAL_PREFIX if args.names == "local" else DEPLOYED_PREFIX
    moved = redrive(
        sqs,
        catalog.queue(args.queue),
        prefix=prefix,
        limit=args.limit,
        out=out,
        dry_run=args.dry_run,
    )
    if args.dry_run:
        print(f"{moved} message(s) would move back to {args.queue} (dry run: none moved)", file=out)
    else:
        print(f"{moved} message(s) moved back to {args.queue}", file=out)
    return 0
