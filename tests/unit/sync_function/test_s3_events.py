"""The sync queue also receives the imports bucket's S3 event notifications: an
``ObjectCreated`` record becomes a ``result_file_uploaded`` message, S3's test event is
acknowledged and dropped, and anything else still fails (to the DLQ) with its reason."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from tests.unit.results.imports.support import csv_text, facts, row
from tests.unit.sync_function.events import sqs
from tests.unit.sync_function.fakes import BUCKET, World

from kentei import catalog, messages
from kentei.results.imports.record import ImportStatus
from kentei.roster.parts import Part
from kentei_local.context import LocalContext
from sync import dependencies, handler

KEY = "imports/13/13-RI-01JABCDEFGHJKMNPQRSTVWXYZ0.csv"


def s3_event(key: str = KEY, name: str = "ObjectCreated:Put", size: int = 10) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "ap-northeast-1",
                "eventTime": "2026-09-01T00:00:00.000Z",
                "eventName": name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": BUCKET, "arn": f"arn:aws:s3:::{BUCKET}"},
                    "object": {"key": key, "size": size, "versionId": "v1", "sequencer": "0A"},
                },
            }
        ]
    }


TEST_EVENT = {
    "Service": "Amazon S3",
    "Event": "s3:TestEvent",
    "Time": "2026-09-01T00:00:00.000Z",
    "Bucket": BUCKET,
    "RequestId": "R",
    "HostId": "H",
}


def test_an_object_created_record_becomes_a_result_file_uploaded_message() -> None:
    message = messages.decode(json.dumps(s3_event()))
    assert isinstance(message, messages.ResultFileUploaded)
    assert (message.bucket, message.key, message.size, message.version_id) == (
        BUCKET,
        KEY,
        10,
        "v1",
    )
    assert (message.prefecture_code, message.import_id) == ("13", KEY[11:-4])


def test_the_s3_test_event_is_its_own_kind() -> None:
    assert isinstance(messages.decode(json.dumps(TEST_EVENT)), messages.S3TestEvent)


@pytest.mark.parametrize(
    "body",
    [
        s3_event(name="ObjectRemoved:Delete"),
        s3_event(key="imports/13/not-an-import.csv"),
        s3_event(key="imports/14/13-RI-01JABCDEFGHJKMNPQRSTVWXYZ0.csv"),
        s3_event(size=-1),
        {"Records": []},
        {"Records": [s3_event()["Records"][0], s3_event()["Records"][0]]},
        {"Event": "s3:TestEvent", "Service": "Somebody"},
    ],
)
def test_any_other_s3_shaped_body_is_invalid(body: dict[str, Any]) -> None:
    with pytest.raises(messages.InvalidMessageError):
        messages.decode(json.dumps(body))


def test_a_commit_names_its_prefecture_in_its_id() -> None:
    with pytest.raises(ValueError, match="another prefecture"):
        messages.ResultImportCommit(
            import_id="14-RI-01JABCDEFGHJKMNPQRSTVWXYZ0", prefecture_code="13", requested_by="u"
        )


def test_the_handler_checks_an_upload_drops_the_test_event_and_fails_the_rest(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    w = World({"1001": facts(parts=(Part.WRITTEN,))})
    record = w.new_import()
    data = csv_text([row("1001", name="髙橋")]).encode("cp932", errors="replace")
    w.files.objects[(record.object_key, "v1")] = data
    monkeypatch.setattr(dependencies, "dependencies", w.deps)
    monkeypatch.setattr("sync.import_routes.dependencies", w.deps)
    caplog.set_level(logging.INFO)
    answer = handler.handler(
        sqs(
            s3_event(key=record.object_key, size=len(data)),
            TEST_EVENT,
            s3_event(name="ObjectRemoved:Delete"),
            {"kind": "result_import_commit", "import_id": record.import_id},
        ),
        LocalContext(catalog.function("sync")),
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}
    assert w.imports.records[record.import_id].status is ImportStatus.VALIDATED
    text = "\n".join(json.dumps(vars(r), default=str, ensure_ascii=False) for r in caplog.records)
    assert "髙橋" not in text
    assert "1001" not in text
