"""The DynamoDB tables of the catalog."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from kentei import catalog
from kentei_infra.settings import physical_name


class Tables(Construct):
    """One ``dynamodb.Table`` per :data:`kentei.catalog.TABLES` entry, by catalog name.

    ``Table``, not ``TableV2``: TableV2 synthesizes ``AWS::DynamoDB::GlobalTable``, which
    cdk-nag never inspects and moto cannot deploy. On-demand, under the catalog's
    customer-managed key, with point-in-time recovery, deletion protection and retained; in
    the catalog's table class (the audit trail, written often and read rarely, is Standard-IA).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, keys: Mapping[str, kms.IKey]
    ) -> None:
        super().__init__(scope, construct_id)
        self.by_name: dict[str, dynamodb.Table] = {
            spec.name: self._table(spec, keys[spec.key]) for spec in catalog.TABLES
        }

    def _table(self, spec: catalog.TableSpec, key: kms.IKey) -> dynamodb.Table:
        return dynamodb.Table(
            self,
            spec.name,
            table_name=physical_name(spec.name),
            partition_key=_string(spec.partition_key),
            sort_key=None if spec.sort_key is None else _string(spec.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            table_class=dynamodb.TableClass(spec.table_class),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            time_to_live_attribute=spec.ttl_attribute,
            stream=None if spec.stream is None else dynamodb.StreamViewType(spec.stream),
            removal_policy=RemovalPolicy.RETAIN,
        )


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)
