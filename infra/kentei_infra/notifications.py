"""S3 event notifications of the catalog's buckets (``BucketSpec.notify_queue``): objects
created under the catalog prefix are announced to the queue.

Declared on the bucket itself (``NotificationConfiguration``) rather than with CDK's
``add_event_notification``, which deploys a Lambda-backed custom resource. S3 checks the
destination when the configuration is set (it sends ``s3:TestEvent``), so the bucket waits for
the queue's policy, which lets only the S3 service, for this bucket of this account, send. The
queue's key lets S3 encrypt the event (:func:`kentei_infra.key_policies.notification_statement`).
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from kentei import catalog
from kentei_infra.key_policies import bucket_arn
from kentei_infra.queues import QueuePair

EVENTS = "s3:ObjectCreated:*"


class BucketNotifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        buckets: Mapping[str, s3.Bucket],
        queues: Mapping[str, QueuePair],
    ) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region
        for spec in catalog.BUCKETS:
            if spec.notify_queue is None:
                continue
            queue = queues[spec.notify_queue].queue
            added = queue.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"S3NotificationsOf{spec.name.capitalize()}",
                    principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                    actions=["sqs:SendMessage"],
                    resources=[queue.queue_arn],
                    conditions={
                        "ArnEquals": {"aws:SourceArn": bucket_arn(spec.name, region)},
                        "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    },
                )
            )
            bucket = buckets[spec.name]
            cfn = bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
                queue_configurations=[
                    s3.CfnBucket.QueueConfigurationProperty(
                        event=EVENTS,
                        queue=queue.queue_arn,
                        filter=s3.CfnBucket.NotificationFilterProperty(
                            s3_key=s3.CfnBucket.S3KeyFilterProperty(
                                rules=[
                                    s3.CfnBucket.FilterRuleProperty(
                                        name="prefix", value=spec.notify_prefix
                                    )
                                ]
                            )
                        ),
                    )
                ]
            )
            if added.policy_dependable is not None:
                cfn.node.add_dependency(added.policy_dependable)
