"""The scheduled jobs of the catalog: an EventBridge Scheduler schedule per
:data:`kentei.catalog.SCHEDULES` entry, sending its message into the owning function's queue.

The message is the job's kind and the instant it was scheduled for (Scheduler's
``<aws.scheduler.scheduled-time>``): a retried delivery, or a message redriven from the DLQ,
acts at that instant, and the job is safe to run twice (CONTRIBUTING, "A scheduled job").
Each schedule has its own role, named like the functions' (the key policy names it by ARN),
allowed only ``sqs:SendMessage`` on its queue and the queue key's use through SQS. Scheduler
retries a failed send for a day and then drops it into the queue's DLQ, so a run that could not
be delivered is kept with its error, not lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from kentei import catalog
from kentei_infra.key_policies import schedule_role
from kentei_infra.key_uses import schedule_key_uses
from kentei_infra.permissions import GrantTargets
from kentei_infra.settings import physical_name, role_name

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
RETRY_HOURS = 24


def schedule_input(spec: catalog.ScheduleSpec) -> str:
    """The message body: ``{"kind": ..., "scheduled_at": <the scheduled instant>}``."""
    return json.dumps({"kind": spec.kind, "scheduled_at": SCHEDULED_TIME})


class Schedules(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, targets: GrantTargets) -> None:
        super().__init__(scope, construct_id)
        self.by_name: Mapping[str, scheduler.CfnSchedule] = {
            spec.name: self._schedule(spec, targets) for spec in catalog.SCHEDULES
        }

    def _schedule(self, spec: catalog.ScheduleSpec, targets: GrantTargets) -> scheduler.CfnSchedule:
        scope = Construct(self, spec.name)
        region = Stack.of(self).region
        queue = targets.queues[spec.queue]
        role = iam.Role(
            scope,
            "Role",
            role_name=role_name(schedule_role(spec.name), region),
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
            description=f"kentei schedule {spec.name}: send its message into {spec.queue}",
        )
        # Its queue, and the queue's DLQ for a dead-letter event once the retries are spent.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["sqs:SendMessage"],
                resources=[queue.queue.queue_arn, queue.dead_letters.queue_arn],
            )
        )
        for use in schedule_key_uses(spec):
            role.add_to_policy(targets.key_statement(use))
        return scheduler.CfnSchedule(
            scope,
            "Schedule",
            name=physical_name(spec.name),
            description=spec.purpose,
            schedule_expression=spec.expression,
            schedule_expression_timezone=spec.timezone,
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED",
            target=scheduler.CfnSchedule.TargetProperty(
                arn=queue.queue.queue_arn,
                role_arn=role.role_arn,
                input=schedule_input(spec),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_event_age_in_seconds=RETRY_HOURS * 3600,
                    maximum_retry_attempts=185,
                ),
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                    arn=queue.dead_letters.queue_arn
                ),
            ),
        )
