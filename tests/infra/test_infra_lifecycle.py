"""The inbox, which holds the My Number until verification ends, keeps nothing for long.

Read from the template: the catalog's lifecycle is the bucket's one rule, over the whole
bucket, and it never deletes a submission that may still be redriven from the verify DLQ.
"""

from __future__ import annotations

from typing import Any

import pytest

from kentei import catalog
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate

WITH_LIFECYCLE = [spec for spec in catalog.BUCKETS if spec.lifecycle is not None]
WITHOUT_LIFECYCLE = [spec for spec in catalog.BUCKETS if spec.lifecycle is None]


def _rule(template: SynthesizedTemplate, ids: CatalogResources, bucket: str) -> dict[str, Any]:
    (rule,) = template.properties(ids.bucket(bucket))["LifecycleConfiguration"]["Rules"]
    assert isinstance(rule, dict)
    return rule


def test_the_inbox_has_a_lifecycle() -> None:
    assert "inbox" in {spec.name for spec in WITH_LIFECYCLE}


@pytest.mark.parametrize("spec", WITH_LIFECYCLE, ids=lambda spec: spec.name)
def test_the_catalog_lifecycle_is_the_buckets_one_rule_over_every_object(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    lifecycle = spec.lifecycle
    assert lifecycle is not None
    rule = _rule(template, ids, spec.name)
    assert rule["Status"] == "Enabled"
    assert "Prefix" not in rule
    assert "TagFilters" not in rule
    assert "ObjectSizeGreaterThan" not in rule
    assert "ObjectSizeLessThan" not in rule
    assert rule["ExpirationInDays"] == lifecycle.current_days
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": lifecycle.noncurrent_days}
    assert rule["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": lifecycle.incomplete_upload_days
    }


def test_an_inbox_object_outlives_the_verify_dlq_so_a_redrive_still_finds_it(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    (queue,) = (q for q in catalog.QUEUES if q.consumer == "verify")
    rule = _rule(template, ids, "inbox")
    assert rule["ExpirationInDays"] >= queue.dlq_retention_days
    assert rule["ExpirationInDays"] >= queue.retention_days


@pytest.mark.parametrize("spec", WITHOUT_LIFECYCLE, ids=lambda spec: spec.name)
def test_a_bucket_without_a_catalog_lifecycle_keeps_its_objects(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    assert "LifecycleConfiguration" not in template.properties(ids.bucket(spec.name))
