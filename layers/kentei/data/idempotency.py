"""The Powertools idempotency store on the catalog's idempotency table, made on first use.

Records there hold a hash of the idempotency key, a hash of the payload and the response the
idempotent function returned: functions must return ids only, never personal data, and must
hand Powertools a payload that holds no personal data and no unkeyed hash of it (intake hands
its keyed request fingerprint).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from kentei import aws, catalog, settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer


@cache
def persistence_layer() -> DynamoDBPersistenceLayer:
    # Imported here: only the routes that write need the idempotency utility.
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    spec = catalog.table("idempotency")
    return DynamoDBPersistenceLayer(
        table_name=settings.table_name("idempotency"),
        key_attr=spec.partition_key,
        expiry_attr=spec.ttl_attribute or "expiration",
        boto3_client=aws.dynamodb(),
    )
