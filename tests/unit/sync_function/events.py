"""Lambda's SQS event for sync's standard queue, as the tests hand it to the handler."""

from __future__ import annotations

import json
from typing import Any


def sqs(*bodies: dict[str, Any]) -> dict[str, Any]:
    """One record a body, each received once."""
    return {
        "Records": [
            {
                "messageId": f"m{i}",
                "receiptHandle": f"rh{i}",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-sync",
                "awsRegion": "ap-northeast-1",
            }
            for i, body in enumerate(bodies)
        ]
    }
