"""The retention job (保存期間満了による廃棄, P8): per prefecture, delete what has passed its
period, everywhere it lives, and leave a deletion record; or, a dry run, report what would go.

- ``retention_due`` (the schedule ``retention``, ``kentei.catalog.SCHEDULES``; or an operator's
  dry run, ``python -m sync.retention_cli``): :func:`start_runs` sends one
  ``retention_prefecture`` per prefecture to sync's own queue.
- ``retention_prefecture``: :func:`run_prefecture` reads the partition and its legal holds,
  plans at the message's ``scheduled_at`` (the clock: never the receiver's) with
  :func:`kentei.retention.sweep.plan`, and then either writes the plan as a dry-run report
  (``RETENTION_DRY_RUN#<run>#<kind>``) or, kind by kind, adds the records to the run's
  deletion record (``RETENTION_DELETION#<run>#<kind>``: ids, count, rules, instant; never the
  data) *before* deleting each one with its derived items and every version of its S3 objects.
  The dry run and the run use the same plan, so they agree.

Why sync runs it: it holds the records table and the national outbox, so a deleted examinee,
sitting or certificate leaves through the records stream (a REMOVE → ``national_record_due``
``removed=True``) and the national side drops its copy. The vault is verify's alone
(invariant 1): for each person none of whose examinees, applications or initial registrations
stays in the prefecture, the job sends verify a ``vault_entry_release``
(:mod:`verify.vault_release`), which deletes the entry only when no prefecture needs it.

Safe to run twice: the run's id is its instant; a retried message plans again (what was
deleted is gone), adds to the same deletion record, and deletes only what is still there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kentei import prefectures
from kentei.data.retention import DELETION_PREFIX, DRY_RUN_PREFIX
from kentei.messages import RetentionDue, RetentionPrefecture, VaultEntryRelease
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import Plan, plan
from sync.retention_ports import RetentionPorts


def run_id(scheduled_at: datetime) -> str:
    """The run's id: its instant, in UTC to the second."""
    return scheduled_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def start_runs(message: RetentionDue, ports: RetentionPorts) -> tuple[str, ...]:
    """One run message per prefecture; their codes."""
    codes = tuple(sorted(prefectures.NAMES))
    for code in codes:
        ports.sync_queue.send(
            RetentionPrefecture(
                prefecture_code=code, scheduled_at=message.scheduled_at, dry_run=message.dry_run
            )
        )
    return codes


@dataclass(frozen=True)
class RunSummary:
    """Counts by kind and ids: what the log line says (never a record's data)."""

    prefecture_code: str
    run_id: str
    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    kept_while: dict[str, int] = field(default_factory=dict)
    undated: dict[str, int] = field(default_factory=dict)
    objects: int = 0
    releases: int = 0


def planned(message: RetentionPrefecture, ports: RetentionPorts) -> Plan:
    """The plan of the prefecture at the message's instant (what a run or dry run takes)."""
    code = message.prefecture_code
    return plan(
        code,
        ports.partition(code).items(ports.kind_of),
        ports.holds(code).active(),
        ports.schedule(),
        message.scheduled_at,
    )


def run_prefecture(message: RetentionPrefecture, ports: RetentionPorts) -> RunSummary:
    """Delete (or, a dry run, report) what has passed its period in the prefecture."""
    the_plan = planned(message, ports)
    identity = run_id(message.scheduled_at)
    partition = ports.partition(message.prefecture_code)
    objects = 0
    for kind, doomed in the_plan.by_kind().items():
        prefix = DRY_RUN_PREFIX if message.dry_run else DELETION_PREFIX
        partition.add_to_report(prefix, identity, kind, doomed, message.scheduled_at)
        if message.dry_run:
            continue
        for record in doomed:
            for stored in record.objects:
                objects += ports.objects.delete_every_version(stored)
            partition.delete(record)
    if not message.dry_run:
        for release in the_plan.releases:
            ports.verify_queue.send(
                VaultEntryRelease(
                    qualification_pseudonym_id=release.qualification_pseudonym_id,
                    last_activity=release.last_activity,
                    scheduled_at=message.scheduled_at,
                    run_id=identity,
                )
            )
    return RunSummary(
        prefecture_code=message.prefecture_code,
        run_id=identity,
        dry_run=message.dry_run,
        deleted={k.value: len(v) for k, v in the_plan.by_kind().items()},
        held=_counts(the_plan.held),
        kept_while=_counts(the_plan.kept_while),
        undated=_counts(the_plan.undated),
        objects=objects,
        releases=0 if message.dry_run else len(the_plan.releases),
    )


def _counts(grouped: Mapping[RecordKind, tuple[str, ...]]) -> dict[str, int]:
    return {kind.value: len(keys) for kind, keys in grouped.items()}
