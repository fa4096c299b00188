"""The retention job (保存期間満了による廃棄, P8): per prefecture, delete what has passed its
period, everywhere it lives, and leave a deletion record; or, a dry run, report what would go.

- ``retention_due`` (the schedule ``retention``, ``kentei.catalog.SCHEDULES``; or an operator's
  dry run, ``python -m sync.retention_cli``): :func:`start_runs` sends one
  ``retention_prefecture`` per prefecture to sync's own queue.
- ``retention_prefecture``: :func:`run_prefecture` works one page of the partition
  (``RetentionPorts.page_items`` items) per message, at the message's ``scheduled_at`` (the
  clock: never the receiver's), in two phases, each page sending the next:

  1. ``index``: a page folded into the run's index (:func:`kentei.retention.sweep.index_of`:
     per person their last activity and which of their kinds stay, each application's
     person, each record's derived items), written as the page's record
     (``RETENTION_PAGE#``). The last index page starts the delete phase.
  2. ``delete``: the index pages merged and settled (:func:`kentei.retention.sweep.resolve`),
     and the page planned against them (:func:`kentei.retention.sweep.plan_page`); then
     either the page's plan written as a dry-run report (``RETENTION_DRY_RUN#<run>#<kind>#
     <page>``) or, kind by kind, the records added to the run's deletion record
     (``RETENTION_DELETION#<run>#<kind>#<page>``: ids, rules, instant; never the data)
     *before* each is deleted with its derived items and every version of its S3 objects.
     The last page sends verify the releases.

  The pages' plans together are the partition's plan as one page would give it
  (:func:`kentei.retention.sweep.plan`), so the dry run and the run agree.

Why sync runs it: it holds the records table and the national outbox, so a deleted examinee,
sitting or certificate leaves through the records stream (a REMOVE → ``national_record_due``
``removed=True``) and the national side drops its copy. The vault is verify's alone
(invariant 1): for each person none of whose examinees, applications or initial registrations
stays in the prefecture, the job sends verify a ``vault_entry_release``
(:mod:`verify.vault_release`), which deletes the entry only when no prefecture needs it.

Safe to run twice: the run's id is its instant; a page's range is fixed when it is first read
(its record names the keys it starts after and ends at), so a retried page reads the same
range, plans again (what was deleted is gone), adds to the same deletion record, deletes only
what is still there and sends the same next page. A dry run and a run of one instant keep
their pages apart (``dry``, ``run``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from kentei import prefectures
from kentei.data.retention import DELETION_PREFIX, DRY_RUN_PREFIX, RunPage
from kentei.messages import RetentionDue, RetentionPrefecture, VaultEntryRelease
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import Index, Resolved, StoredItem, index_of, plan_page, resolve
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
    phase: str = "delete"
    page: int = 0
    last: bool = False
    deleted: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    kept_while: dict[str, int] = field(default_factory=dict)
    undated: dict[str, int] = field(default_factory=dict)
    objects: int = 0
    releases: int = 0


def _mode(message: RetentionPrefecture) -> str:
    return "dry" if message.dry_run else "run"


def _read_page(
    message: RetentionPrefecture, ports: RetentionPorts
) -> tuple[RunPage, list[StoredItem]]:
    """The message's page: its range fixed when first read (so a retried page reads the same
    range, less what it deleted), and its items."""
    code, identity, mode = message.prefecture_code, run_id(message.scheduled_at), _mode(message)
    partition = ports.partition(code)
    stored = partition.page(identity, mode, message.phase, message.page)
    if stored is not None:
        items, _, _ = partition.page_items(
            ports.kind_of, stored.after, ports.page_items, end=stored.end
        )
        return stored, (items if stored.end is not None else [])
    after = None
    if message.page > 0:
        previous = partition.page(identity, mode, message.phase, message.page - 1)
        if previous is None:
            raise RuntimeError("the previous page of the run is not written")
        after = previous.end if previous.end is not None else previous.after
    items, last, more = partition.page_items(ports.kind_of, after, ports.page_items)
    page = RunPage(identity, mode, message.phase, message.page, after, last, last=not more)
    if message.phase == "index":
        holds = ports.holds(code).active()
        index = index_of(code, items, holds, ports.schedule(), message.scheduled_at)
        page = replace(page, index=index.to_json())
    return partition.save_page(page, message.scheduled_at), items


def resolved_index(message: RetentionPrefecture, ports: RetentionPorts) -> Resolved:
    """The run's index pages merged and settled (what every page of the delete phase reads)."""
    code = message.prefecture_code
    partition = ports.partition(code)
    index = Index()
    pages = partition.index_pages(run_id(message.scheduled_at), _mode(message))
    if not pages or not pages[-1].last or len(pages) != pages[-1].page + 1:
        raise RuntimeError("the run's index is not complete")
    for page in pages:
        if page.index is not None:
            index.merge(Index.from_json(page.index))
    return resolve(code, index, ports.holds(code).active(), ports.schedule(), message.scheduled_at)


def run_prefecture(message: RetentionPrefecture, ports: RetentionPorts) -> RunSummary:
    """One page of a run: the index phase folds a page of the partition into the run's index;
    the delete phase plans a page against the whole index and deletes (or, a dry run,
    reports) what has passed its period. Each page but the last sends the next; the last
    index page starts the delete phase, and the last delete page sends verify the releases."""
    identity = run_id(message.scheduled_at)
    code = message.prefecture_code
    page, items = _read_page(message, ports)
    if message.phase == "index":
        following = (
            message.model_copy(update={"page": message.page + 1})
            if not page.last
            else message.model_copy(update={"phase": "delete", "page": 0})
        )
        ports.sync_queue.send(following)
        return RunSummary(code, identity, message.dry_run, phase="index", page=message.page)
    resolved = resolved_index(message, ports)
    the_plan = plan_page(
        code,
        items,
        resolved,
        holds=ports.holds(code).active(),
        schedule=ports.schedule(),
        at=message.scheduled_at,
    )
    partition = ports.partition(code)
    objects = 0
    for kind, doomed in the_plan.by_kind().items():
        prefix = DRY_RUN_PREFIX if message.dry_run else DELETION_PREFIX
        partition.add_to_report(
            prefix, identity, kind, doomed, message.scheduled_at, page=message.page
        )
        if message.dry_run:
            continue
        for record in doomed:
            for stored in record.objects:
                objects += ports.objects.delete_every_version(stored)
            partition.delete(record)
    releases = 0
    if page.last and not message.dry_run:
        for release in resolved.releases:
            ports.verify_queue.send(
                VaultEntryRelease(
                    qualification_pseudonym_id=release.qualification_pseudonym_id,
                    last_activity=release.last_activity,
                    scheduled_at=message.scheduled_at,
                    run_id=identity,
                )
            )
        releases = len(resolved.releases)
    if not page.last:
        ports.sync_queue.send(message.model_copy(update={"page": message.page + 1}))
    return RunSummary(
        prefecture_code=code,
        run_id=identity,
        dry_run=message.dry_run,
        phase="delete",
        page=message.page,
        last=page.last,
        deleted={k.value: len(v) for k, v in the_plan.by_kind().items()},
        held=_counts(the_plan.held),
        kept_while=_counts(the_plan.kept_while),
        undated=_counts(the_plan.undated),
        objects=objects,
        releases=releases,
    )


def _counts(grouped: Mapping[RecordKind, tuple[str, ...]]) -> dict[str, int]:
    return {kind.value: len(keys) for kind, keys in grouped.items()}
