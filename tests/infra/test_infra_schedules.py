"""Each scheduled job of the catalog: a schedule sending its message kind into its queue, with
the scheduled instant, retries and the queue's DLQ, by a role that can do nothing else."""

from __future__ import annotations

import json

import pytest

from kentei import catalog, messages
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.schedules import SCHEDULED_TIME


@pytest.mark.parametrize("spec", catalog.SCHEDULES, ids=lambda spec: spec.name)
def test_the_schedule_sends_its_kind_into_its_queue_with_the_scheduled_instant(
    spec: catalog.ScheduleSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    schedule = template.properties(ids.schedule(spec.name))
    assert schedule["ScheduleExpression"] == spec.expression
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert template.the_one_named(target["Arn"]) == ids.queue(spec.queue)
    assert template.the_one_named(target["DeadLetterConfig"]["Arn"]) == ids.queue(
        catalog.queue(spec.queue).dlq_name
    )
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 24 * 3600
    body = json.loads(target["Input"])
    assert body == {"kind": spec.kind, "scheduled_at": SCHEDULED_TIME}
    # What Scheduler sends once it fills in the instant is a message the consumer accepts.
    sent = target["Input"].replace(SCHEDULED_TIME, "2026-12-06T03:07:00Z")
    assert messages.decode(sent).kind == spec.kind


@pytest.mark.parametrize("spec", catalog.SCHEDULES, ids=lambda spec: spec.name)
def test_the_schedule_role_may_only_send_into_its_queue_and_dlq(
    spec: catalog.ScheduleSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    role = ids.schedule_role(spec.name)
    trust = template.properties(role)["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    assert all("aws:SourceAccount" in s["Condition"]["StringEquals"] for s in trust)
    queue = catalog.queue(spec.queue)
    statements = [s for s in template.statements() if s.role == role]
    sends = [s for s in statements if s.actions == {"sqs:SendMessage"}]
    assert [s.named for s in sends] == [{ids.queue(queue.name), ids.queue(queue.dlq_name)}]
    (key_use,) = (s for s in statements if s is not sends[0])
    assert key_use.named == {ids.key(queue.key)}
    assert key_use.actions == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert key_use.conditions["StringEquals"]["kms:ViaService"] == (
        f"sqs.{catalog.REGION}.amazonaws.com"
    )


def test_every_schedule_kind_is_a_message_kind_of_its_consumer() -> None:
    for spec in catalog.SCHEDULES:
        assert spec.kind in messages.KINDS
        assert catalog.queue(spec.queue).consumer in {f.name for f in catalog.FUNCTIONS}
