"""``python -m kentei_local compare-national`` over the local runtime: items of each synced kind
written to the records table reach the fake national system through the outbox, and the
independent comparison (a scan of the table through moto, the fake's ``GET /_test/records`` over
mutual TLS) finds them the same; a hand edit or a lost record on the national side is then
reported by record id and field name, never by value, with a non-zero exit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from tests.unit.exemptions.factory import record as pass_record
from tests.unit.national import items

from kentei import aws
from kentei.data.national_sync import PrefectureNationalSync, SentMark
from kentei.national.memory import InMemoryNational
from kentei.national.model import RecordKind
from kentei_local import cli
from kentei_local.probes import wait_until
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

WAIT_S = 30.0
CERTIFICATE = "C13G262-00001-1"
SYNCED = (
    ("examinee", items.EXAMINEE_ID),
    ("sitting", items.APPLICATION),
    ("part_pass", "pass-1"),
    ("pass", items.FULL_PASS),
    ("certificate", CERTIFICATE),
)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings, serve_http=False) as started:
        _write_items(started)
        marks = PrefectureNationalSync(items.PREFECTURE)
        for kind, record_id in SYNCED:
            wait_until(
                partial(marks.sent, kind, record_id),
                WAIT_S,
                f"the sent mark of the {kind} {record_id}",
            )
        yield started
    national_system.cache_clear()


def _write_items(runtime: LocalRuntime) -> None:
    """One item of each synced kind, as the stores write them."""
    table = runtime.resources.tables["records"]
    for item in (
        items.examinee(),
        items.sitting(),
        items.passed(),
        items.passed(items.full_pass(), revoked_at="2026-10-01T15:30:00.000000Z"),
        items.certificate(),
    ):
        aws.dynamodb().put_item(TableName=table, Item=item)


@pytest.fixture
def runtime_file(runtime: LocalRuntime, tmp_path: Path) -> Path:
    """What the command reads of ``runtime.json``: the national section."""
    path = tmp_path / "runtime.json"
    path.write_text(json.dumps({"national": runtime.national_endpoint.to_json()}), "utf-8")
    return path


def _compare(runtime: LocalRuntime, runtime_file: Path, capsys: Any) -> tuple[int, str]:
    status = cli.main(
        ["compare-national", "--endpoint", runtime.moto_endpoint, "--runtime", str(runtime_file)]
    )
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _national(runtime: LocalRuntime) -> InMemoryNational:
    return runtime.national.national


def test_given_every_kind_sent_when_compared_then_both_sides_agree_and_it_exits_0(
    runtime: LocalRuntime, runtime_file: Path, capsys: Any
) -> None:
    status, output = _compare(runtime, runtime_file, capsys)

    assert status == 0, output
    assert output.rstrip().endswith("both sides agree")
    for kind in ("examinee", "sitting", "pass", "part_pass", "certificate"):
        (line,) = [ln for ln in output.splitlines() if ln.startswith(f"{kind}: ")]
        assert line.endswith("differing 0, only ours 0, only theirs 0"), line
        assert not line.startswith(f"{kind}: ours 0"), line


def test_given_hand_edits_on_the_national_side_when_compared_then_ids_and_fields_exit_1(
    runtime: LocalRuntime, runtime_file: Path, capsys: Any
) -> None:
    national = _national(runtime)
    examinee = national.get(RecordKind.EXAMINEE, items.EXAMINEE_ID)
    assert examinee is not None
    assert examinee.data is not None
    address = examinee.data["address"]
    sitting = national.get(RecordKind.SITTING, items.APPLICATION)
    assert sitting is not None
    national.diverge(RecordKind.EXAMINEE, items.EXAMINEE_ID, {**examinee.data, "address": "大阪府"})
    national.forget(RecordKind.SITTING, items.APPLICATION)
    try:
        status, output = _compare(runtime, runtime_file, capsys)
    finally:  # as it was, for the module's other tests
        national.diverge(RecordKind.EXAMINEE, items.EXAMINEE_ID, examinee.data)
        national.put(sitting)

    assert status == 1, output
    assert f"differing examinee {items.EXAMINEE_ID}: data.address" in output
    assert f"only ours sitting {items.APPLICATION}" in output
    assert f"behind sitting {items.APPLICATION}: national version none" in output
    assert "the sides DIFFER" in output
    assert address not in output
    assert "大阪府" not in output


def test_given_a_part_pass_corrected_into_a_pass_when_compared_then_no_part_pass_is_left(
    runtime: LocalRuntime, runtime_file: Path, capsys: Any
) -> None:
    """A correction replaces a part pass by a pass at the same key (the same application): the
    national side must then hold the pass, and the part pass no more (deleted)."""
    application = "13-01J0000000000000000000000C"
    part = pass_record(application, qualification_pseudonym_id=items.PERSON)
    table = runtime.resources.tables["records"]
    marks = PrefectureNationalSync(items.PREFECTURE)
    aws.dynamodb().put_item(TableName=table, Item=items.passed(part))
    first = wait_until(
        partial(marks.sent, "part_pass", application), WAIT_S, "the part pass's sent mark"
    )
    full = items.as_full_pass(part, 2)
    aws.dynamodb().put_item(TableName=table, Item=items.passed(full))
    wait_until(partial(marks.sent, "pass", application), WAIT_S, "the pass's sent mark")
    wait_until(
        lambda: _newer(marks.sent("part_pass", application), first.version),
        WAIT_S,
        "the part pass's removal sent",
    )

    status, output = _compare(runtime, runtime_file, capsys)

    assert status == 0, output
    held = _national(runtime).get(RecordKind.PART_PASS, application)
    assert held is not None
    assert held.deleted


def _newer(mark: SentMark | None, than: int) -> SentMark | None:
    return mark if mark is not None and mark.version > than else None
