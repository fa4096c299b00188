"""AWS clients, created on first use and reused across invocations.

Created lazily so importing a module never opens a connection or reads credentials; boto3
honours ``AWS_ENDPOINT_URL``, which the local runtime sets to its embedded moto server.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sqs.client import SQSClient

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
)


@cache
def dynamodb() -> DynamoDBClient:
    return boto3.client("dynamodb", config=_CONFIG)


@cache
def sqs() -> SQSClient:
    return boto3.client("sqs", config=_CONFIG)


@cache
def s3() -> S3Client:
    return boto3.client("s3", config=_CONFIG)


@cache
def kms() -> KMSClient:
    return boto3.client("kms", config=_CONFIG)


@cache
def cognito_idp() -> Any:
    """The staff user pool's API (typed ``Any``: no stubs are installed for it)."""
    return boto3.client("cognito-idp", config=_CONFIG)


def reset() -> None:
    """Forget the clients, so the next use makes them anew from the environment (the local
    runtime calls it when it points the process at a moto server, and when it stops)."""
    for client in (dynamodb, sqs, s3, kms, cognito_idp):
        client.cache_clear()
