"""The national outbox in the stack (issue 12): the records table's stream, sync's mapping on
it (filtered to the synced items, in order, bounded retries, failures described on sync's
DLQ), and the FIFO national queue and its DLQ under the records key."""

from __future__ import annotations

import json

from kentei import catalog
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.settings import physical_name

STREAM = catalog.STREAMS[0]
NATIONAL = catalog.queue(catalog.NATIONAL_QUEUE)


def _stream_mapping(template: SynthesizedTemplate, ids: CatalogResources) -> dict[str, object]:
    table = ids.table(STREAM.table)
    (mapping,) = (
        dict(resource["Properties"])
        for resource in template.of_type("AWS::Lambda::EventSourceMapping").values()
        if template.named(resource["Properties"]["EventSourceArn"]) == {table}
    )
    return mapping


def test_the_records_table_streams_new_and_old_images(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    table = template.properties(ids.table("records"))
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    for other in catalog.TABLES:
        if other.stream is None:
            assert "StreamSpecification" not in template.properties(ids.table(other.name))


def test_sync_reads_the_stream_in_order_with_bounded_retries_and_an_on_failure_dlq(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    mapping = _stream_mapping(template, ids)
    assert template.the_one_named(mapping["FunctionName"]) == ids.function("sync")
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["ParallelizationFactor"] == 1
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == STREAM.max_retries
    assert 0 < STREAM.max_retries <= 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]  # type: ignore[index]
    assert template.the_one_named(destination) == ids.queue(catalog.queue("sync").dlq_name)


def test_the_stream_filter_lets_only_the_synced_items_through(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    mapping = _stream_mapping(template, ids)
    (only,) = mapping["FilterCriteria"]["Filters"]  # type: ignore[index]
    pattern = json.loads(only["Pattern"])
    prefixes = pattern["dynamodb"]["Keys"]["record_key"]["S"]
    assert prefixes == [{"prefix": p} for p in catalog.NATIONAL_SYNCED_PREFIXES]
    assert set(catalog.NATIONAL_SYNCED_PREFIXES) == {
        "EXAMINEE#",
        "SITTING#",
        "PASS#",
        "CERTIFICATE#",
    }


def test_sync_may_read_only_the_records_tables_streams_and_send_to_the_dlqs_it_uses(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    role = ids.role("sync")
    stream_reads = {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    }
    for statement in template.statements():
        if statement.actions & stream_reads:
            assert statement.role == role
            assert statement.named == {ids.table("records")}
    for dlq in (NATIONAL.dlq_name, catalog.queue("sync").dlq_name):
        assert template.actions_on(role, ids.queue(dlq)) == {"sqs:SendMessage"}
    for name in ("intake", "verify", "certify"):
        assert template.actions_on(ids.role(name), ids.queue(NATIONAL.name)) == set(), name


def test_the_national_queue_and_its_dlq_are_fifo_under_the_records_key(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    assert NATIONAL.fifo
    assert NATIONAL.key == "records"
    for name in (NATIONAL.name, NATIONAL.dlq_name):
        queue = template.properties(ids.queue(name))
        assert queue["QueueName"] == f"{physical_name(name)}.fifo"
        assert queue["FifoQueue"] is True
        assert not queue.get("ContentBasedDeduplication")
        assert template.the_one_named(queue["KmsMasterKeyId"]) == ids.key("records")
    (mapping,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::Lambda::EventSourceMapping").values()
        if template.named(resource["Properties"]["EventSourceArn"]) == {ids.queue(NATIONAL.name)}
    )
    assert template.the_one_named(mapping["FunctionName"]) == ids.function("sync")
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
