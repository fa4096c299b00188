"""What the deployed system deletes on its own (DynamoDB TTL, S3 lifecycle rules, CloudWatch
log retention) is the retention schedule's, read from the synthesized template.

A table whose kind the schedule has DynamoDB's TTL delete runs TTL on the catalog's attribute
(and a table of another kind runs none); a bucket's lifecycle expires objects after its kinds'
elapsed days; every log group keeps the schedule's days for logs.
"""

from __future__ import annotations

import pytest

from kentei import catalog
from kentei.retention.kinds import LOG_KIND, DeletedBy
from kentei.retention.schedule import load_retention_schedule
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate

SCHEDULE = load_retention_schedule()
KINDED_TABLES = [spec for spec in catalog.TABLES if spec.record_kind is not None]


@pytest.mark.parametrize("spec", KINDED_TABLES, ids=lambda spec: spec.name)
def test_a_table_runs_ttl_exactly_when_the_schedule_has_ttl_delete_its_kind(
    spec: catalog.TableSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    assert spec.record_kind is not None
    properties = template.properties(ids.table(spec.name))
    if SCHEDULE.default[spec.record_kind].deleted_by is DeletedBy.DYNAMODB_TTL:
        assert spec.ttl_attribute is not None
        assert properties["TimeToLiveSpecification"] == {
            "AttributeName": spec.ttl_attribute,
            "Enabled": True,
        }
    else:
        assert "TimeToLiveSpecification" not in properties


def test_the_records_table_holds_items_no_ttl_may_delete(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    # Its kinds are deleted by the retention job, which honours holds and leaves a record.
    assert "TimeToLiveSpecification" not in template.properties(ids.table("records"))


@pytest.mark.parametrize("spec", catalog.BUCKETS, ids=lambda spec: spec.name)
def test_a_buckets_lifecycle_expires_objects_after_the_schedules_days(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    properties = template.properties(ids.bucket(spec.name))
    machine = {DeletedBy.S3_LIFECYCLE, DeletedBy.LOG_RETENTION}
    kinds = set(spec.record_kinds.values())
    if not {SCHEDULE.default[kind].deleted_by for kind in kinds} & machine:
        assert "LifecycleConfiguration" not in properties
        return
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert "Prefix" not in rule
    assert {SCHEDULE.elapsed_days(kind) for kind in kinds} == {rule["ExpirationInDays"]}


def test_every_log_group_keeps_the_schedules_days_for_logs(template: SynthesizedTemplate) -> None:
    days = SCHEDULE.elapsed_days(LOG_KIND)
    groups = template.of_type("AWS::Logs::LogGroup")
    assert groups
    assert {
        logical_id: group["Properties"]["RetentionInDays"] for logical_id, group in groups.items()
    } == dict.fromkeys(groups, days)
