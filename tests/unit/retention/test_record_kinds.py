"""Every store names its record kind, every kind has its retention, and the TTLs and lifecycles
the system sets are the schedule's."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.exactly_once import key_ttl_s
from kentei import catalog
from kentei.data import record_kinds
from kentei.data.audit import AuditAction, AuditEvent
from kentei.retention import schedule as retention
from kentei.retention.kinds import LOG_KIND, Counting, DeletedBy, RecordKind
from kentei.retention.minimums import MINIMUMS
from kentei.retention.periods import JST
from kentei.retention.schedule import RetentionSchedule, load_retention_schedule

SCHEDULE = load_retention_schedule()
LAYERS = Path(__file__).resolve().parents[3] / "layers" / "kentei"
WRITER_FILES = [
    *sorted((LAYERS / "data").glob("*.py")),
    *(LAYERS.parent / f"{name.replace('.', '/')}.py" for name in record_kinds.OTHER_WRITERS),
]
AUDIT_TABLE_MODULE = LAYERS / "data" / "audit.py"
"""Its keys are the audit table's, a kind of its own (the catalog's ``record_kind``)."""
KEY_LITERAL = re.compile(r"""f?["']([A-Z][A-Z_]*#[A-Z_#]*)""")
"""A string (or an f-string's head) that starts a sort key: ``"SITTING#"``, ``f"HEARTBEAT#{x}"``."""
FIXED_KEY = re.compile(r"""^([A-Z_]+_KEY): Final = "([A-Z][A-Z_]+)"$""", re.MULTILINE)
"""A fixed item key (``CURSOR_KEY: Final = "NATIONAL_CURSOR"``)."""


def _audit_entry(at: dt.datetime, prefecture: str) -> AuditEvent:
    return AuditEvent(
        actor="staff-1",
        action=AuditAction.AUDIT_SEARCHED,
        record_type="audit",
        record_id="search-1",
        prefecture_code=prefecture,
        request_id="req-1",
        at=at,
    )


def _stored_kinds() -> set[RecordKind]:
    kinds = set(record_kinds.ITEM_KINDS.values()) | {LOG_KIND}
    kinds |= {t.record_kind for t in catalog.TABLES if t.record_kind is not None}
    kinds |= {k for b in catalog.BUCKETS for k in b.record_kinds.values()}
    kinds |= {p.record_kind for p in catalog.USER_POOLS if p.record_kind is not None}
    return kinds


# Every store names its kind


@pytest.mark.parametrize("path", WRITER_FILES, ids=lambda p: p.name)
def test_every_key_a_data_module_writes_has_a_record_kind(path: Path) -> None:
    if path == AUDIT_TABLE_MODULE:
        return
    text = path.read_text(encoding="utf-8")
    written = set(KEY_LITERAL.findall(text)) | {value for _, value in FIXED_KEY.findall(text)}
    unnamed = [
        key
        for key in sorted(written)
        if not any(key.startswith(prefix) for prefix in record_kinds.ITEM_KINDS)
    ]
    assert not unnamed, f"{path.name}: name the kind of {unnamed} in its RECORD_KINDS"


def test_a_new_prefix_without_a_kind_would_be_found() -> None:
    text = 'NEW_PREFIX: Final = "PHOTOGRAPH#"\nkey = f"SCAN#{x}"\nFOO_KEY: Final = "SINGLETON"\n'
    found = set(KEY_LITERAL.findall(text)) | {v for _, v in FIXED_KEY.findall(text)}
    assert found == {"PHOTOGRAPH#", "SCAN#", "SINGLETON"}
    assert not any(k.startswith(p) for k in found for p in record_kinds.ITEM_KINDS)


def test_no_item_prefix_starts_another_so_an_item_has_one_kind() -> None:
    prefixes = list(record_kinds.ITEM_KINDS)
    assert [(a, b) for a in prefixes for b in prefixes if a != b and b.startswith(a)] == []
    assert record_kinds.kind_of("SITTING#abc#app-1") is RecordKind.SITTING
    assert record_kinds.kind_of("SEQUENCE#PASS#13-2026") is RecordKind.NUMBER_CLAIM
    assert record_kinds.kind_of("NATIONAL_CURSOR") is RecordKind.NATIONAL_SYNC
    with pytest.raises(KeyError):
        record_kinds.kind_of("PHOTOGRAPH#1")


def test_every_table_bucket_and_user_pool_names_its_kinds() -> None:
    assert [t.name for t in catalog.TABLES if t.record_kind is None] == ["records"]
    assert [b.name for b in catalog.BUCKETS if not b.record_kinds] == []
    assert [p.name for p in catalog.USER_POOLS if p.record_kind is None] == []


def test_every_kind_is_stored_somewhere_and_has_a_minimum_and_an_entry() -> None:
    assert _stored_kinds() == set(RecordKind)
    assert set(MINIMUMS) == set(RecordKind)
    assert set(SCHEDULE.default) == set(RecordKind)


# What deletes each kind matches where it lives


def test_a_table_with_a_ttl_holds_a_kind_the_ttl_deletes_and_only_it() -> None:
    for table in catalog.TABLES:
        if table.record_kind is None:
            continue
        by_ttl = SCHEDULE.default[table.record_kind].deleted_by is DeletedBy.DYNAMODB_TTL
        assert by_ttl == (table.ttl_attribute is not None), table.name
    ttl_kinds = {k for k, e in SCHEDULE.default.items() if e.deleted_by is DeletedBy.DYNAMODB_TTL}
    assert ttl_kinds == {t.record_kind for t in catalog.TABLES if t.ttl_attribute is not None}


@pytest.mark.parametrize("spec", catalog.BUCKETS, ids=lambda spec: spec.name)
def test_a_buckets_lifecycle_is_its_kinds_elapsed_days(spec: catalog.BucketSpec) -> None:
    kinds = set(spec.record_kinds.values())
    machine = {DeletedBy.S3_LIFECYCLE, DeletedBy.LOG_RETENTION}
    deleted_by = {SCHEDULE.default[kind].deleted_by for kind in kinds}
    if spec.lifecycle is None:
        assert not deleted_by & machine, spec.name
        return
    assert deleted_by <= machine, spec.name
    assert {SCHEDULE.elapsed_days(kind) for kind in kinds} == {spec.lifecycle.current_days}


def test_the_named_lifecycles_are_the_schedules() -> None:
    assert catalog.INBOX_LIFECYCLE.current_days == SCHEDULE.elapsed_days(
        RecordKind.INBOX_SUBMISSION
    )
    assert catalog.IMPORTS_LIFECYCLE.current_days == SCHEDULE.elapsed_days(RecordKind.RESULT_FILE)
    assert catalog.ACCESS_LOGS_LIFECYCLE.current_days == SCHEDULE.elapsed_days(LOG_KIND)
    assert catalog.DISCLOSURES_LIFECYCLE.current_days == SCHEDULE.elapsed_days(
        RecordKind.DISCLOSURE_COPY
    )


def test_every_kind_an_s3_lifecycle_deletes_lives_in_a_bucket_with_one() -> None:
    lifecycled = {kind for b in catalog.BUCKETS if b.lifecycle for kind in b.record_kinds.values()}
    for kind, entry in SCHEDULE.default.items():
        if entry.deleted_by is DeletedBy.S3_LIFECYCLE:
            assert kind in lifecycled, kind


# The TTLs the writers set


@given(
    at=st.datetimes(
        min_value=dt.datetime(2001, 1, 1),
        max_value=dt.datetime(2090, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    prefecture=st.sampled_from(["01", "13", "47"]),
)
def test_an_audit_entry_expires_at_the_first_instant_the_schedule_allows(
    at: dt.datetime, prefecture: str
) -> None:
    event = _audit_entry(at, prefecture)
    first = retention.deletable_from(RecordKind.AUDIT_ENTRY, at, prefecture)
    assert first is not None
    assert event.expires_at == math.ceil(first.timestamp())
    # Five years counted by fiscal year: more than five calendar years, less than seven.
    assert 5 * 365 * 86400 < event.expires_at - at.timestamp() < 7 * 365 * 86400


def test_an_audit_entry_follows_its_prefectures_own_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = SCHEDULE.model_dump(mode="json")
    data["prefectures"] = {
        "13": {"audit_entry": {"period": {"years": 7}, "source": "x", "unconfirmed": True}}
    }
    own = RetentionSchedule.model_validate(data)
    monkeypatch.setattr(retention, "load_retention_schedule", lambda: own)
    at = dt.datetime(2026, 5, 1, 12, tzinfo=JST)
    assert _audit_entry(at, "13").expires_at == int(dt.datetime(2034, 4, 1, tzinfo=JST).timestamp())
    assert _audit_entry(at, "14").expires_at == int(dt.datetime(2032, 4, 1, tzinfo=JST).timestamp())


def test_the_idempotency_records_expiry_is_the_schedules() -> None:
    entry = SCHEDULE.default[RecordKind.IDEMPOTENCY_RECORD]
    assert entry.counting is Counting.ELAPSED
    assert key_ttl_s() == SCHEDULE.elapsed_days(RecordKind.IDEMPOTENCY_RECORD) * 86400
