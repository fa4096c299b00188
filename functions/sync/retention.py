"""The retention job (保存期間満了による廃棄, P8): per prefecture, delete what has passed its
period, everywhere it lives, and leave a deletion record; or, a dry run, report what would go.

- ``retention_due`` (the schedule ``retention``, ``kentei.catalog.SCHEDULES``; or an operator's
  dry run, ``python -m sync.retention_cli``): :func:`start_runs` sends one
  ``retention_prefecture`` per prefecture to sync's own queue.
- ``retention_prefecture``: :func:`run_prefecture` works the partition one bounded step per
  message (a page is ``RetentionPorts.page_items`` items), at the message's ``scheduled_at``
  (the clock: never the receiver's), each step sending the next:

  1. ``index``, page by page: the page's range fixed and its items folded into an index
     (:func:`kentei.retention.sweep.index_of`: per person their last activity and which of
     their kinds stay, each application's person, each record's derived items), kept as
     the page's record (``RETENTION_PAGE#``).
  2. ``settle``, once: the index pages merged and settled
     (:func:`kentei.retention.sweep.resolve`), and each delete page written with its index
     page's range and the slice of the settled index its keys need
     (:meth:`kentei.retention.sweep.Resolved.slices`), the vault releases in pages.
  3. ``delete``, page by page: the range planned against its slice
     (:func:`kentei.retention.sweep.plan_page`); then either the page's plan written as a
     dry-run report (``RETENTION_DRY_RUN#<run>#<kind>#<page>``) or, kind by kind, the records
     added to the run's deletion record (``RETENTION_DELETION#<run>#<kind>#<page>``: ids,
     rules, instant; never the data) *before* each is deleted with its derived items and
     every version of its S3 objects.
  4. ``release`` (a run, not a dry run), page by page, once every page has deleted: verify
     is sent each person's ``vault_entry_release``.

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
from datetime import UTC, datetime, timedelta
from typing import Final

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
    """One run message per prefecture; their codes. A run (not a dry run) also forgets the
    functions' heartbeats past their period (:func:`expire_heartbeats`)."""
    if not message.dry_run:
        expire_heartbeats(message.scheduled_at, ports)
    codes = tuple(sorted(prefectures.NAMES))
    for code in codes:
        ports.sync_queue.send(
            RetentionPrefecture(
                prefecture_code=code, scheduled_at=message.scheduled_at, dry_run=message.dry_run
            )
        )
    return codes


def expire_heartbeats(at: datetime, ports: RetentionPorts) -> int:
    """Delete each function's latest heartbeat whose period (``heartbeat`` in the schedule,
    from when it was received) has ended at ``at``: they live in the system partition, which
    no prefecture's run reads. A heartbeat received since is kept. How many went."""
    store = ports.heartbeats
    schedule = ports.schedule()
    gone = 0
    for receipt in store.received():
        if schedule.due(RecordKind.HEARTBEAT, receipt.received_at, None, at):
            store.forget(receipt)
            gone += 1
    return gone


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


RELEASES_PAGE: Final = 500
"""Vault releases one message sends."""
PAGES_KEPT: Final = timedelta(days=2)
"""How long a run's page records (each page's per-person facts: 資格仮名IDs and instants)
outlive it: a run's first page forgets those of runs started this long before it, so the
facts of persons whose records went stay a few days, not the year a job run is kept."""


def _mode(message: RetentionPrefecture) -> str:
    return "dry" if message.dry_run else "run"


def _stored_page(message: RetentionPrefecture, ports: RetentionPorts) -> RunPage:
    page = ports.partition(message.prefecture_code).page(
        run_id(message.scheduled_at), _mode(message), message.phase, message.page
    )
    if page is None:
        raise RuntimeError(f"the run's {message.phase} page {message.page} is not written")
    return page


def _index_page(message: RetentionPrefecture, ports: RetentionPorts) -> RunPage:
    """The message's index page: its range fixed when first read (a retried page keeps it),
    and the index of its items."""
    code, identity, mode = message.prefecture_code, run_id(message.scheduled_at), _mode(message)
    partition = ports.partition(code)
    stored = partition.page(identity, mode, "index", message.page)
    if stored is not None:
        return stored
    if message.page == 0:
        partition.forget_pages(run_id(message.scheduled_at - PAGES_KEPT))
    after = None
    if message.page > 0:
        previous = partition.page(identity, mode, "index", message.page - 1)
        if previous is None:
            raise RuntimeError("the previous index page of the run is not written")
        after = previous.end
    items, last, more = partition.page_items(ports.kind_of, after, ports.page_items)
    holds = ports.holds(code).active()
    index = index_of(code, items, holds, ports.schedule(), message.scheduled_at)
    page = RunPage(
        identity, mode, "index", message.page, after, last, last=not more, facts=index.to_json()
    )
    return partition.save_page(page, message.scheduled_at)


def settle(message: RetentionPrefecture, ports: RetentionPorts) -> Resolved:
    """The run's index pages merged and settled once; each delete page written with its index
    page's range and its slice of the settled index, and the releases in pages."""
    code, identity, mode = message.prefecture_code, run_id(message.scheduled_at), _mode(message)
    partition = ports.partition(code)
    pages = partition.run_pages(identity, mode, "index")
    if not pages or not pages[-1].last or len(pages) != pages[-1].page + 1:
        raise RuntimeError("the run's index is not complete")
    index = Index()
    applications: list[list[str]] = []
    for page in pages:
        one = Index.from_json(page.facts or "")
        applications.append([ref[2:] for ref in one.facts if ref.startswith("a:")])
        index.merge(one)
    resolved = resolve(
        code, index, ports.holds(code).active(), ports.schedule(), message.scheduled_at
    )
    del index
    slices = resolved.slices(
        [(page.after, page.end, apps) for page, apps in zip(pages, applications, strict=True)]
    )
    at = message.scheduled_at
    for page, sliced in zip(pages, slices, strict=True):
        partition.save_page(replace(page, phase="delete", facts=sliced.to_json()), at)
    chunks = [
        resolved.releases[i : i + RELEASES_PAGE]
        for i in range(0, len(resolved.releases), RELEASES_PAGE)
    ] or [()]
    for number, chunk in enumerate(chunks):
        releases = Resolved({}, {}, frozenset(), {}, tuple(chunk))
        partition.save_page(
            RunPage(
                identity,
                mode,
                "release",
                number,
                None,
                None,
                last=number == len(chunks) - 1,
                facts=releases.to_json(),
            ),
            at,
        )
    return resolved


def run_prefecture(message: RetentionPrefecture, ports: RetentionPorts) -> RunSummary:
    """One message of a run (see the module): an index page, the settling, a delete page or a
    page of releases; each sends the next."""
    identity = run_id(message.scheduled_at)
    code = message.prefecture_code
    summary = RunSummary(code, identity, message.dry_run, phase=message.phase, page=message.page)
    if message.phase == "index":
        page = _index_page(message, ports)
        following = {"page": message.page + 1} if not page.last else {"phase": "settle", "page": 0}
        ports.sync_queue.send(message.model_copy(update=following))
        return summary
    if message.phase == "settle":
        resolved = settle(message, ports)
        ports.sync_queue.send(message.model_copy(update={"phase": "delete", "page": 0}))
        return replace(summary, releases=len(resolved.releases))
    page = _stored_page(message, ports)
    if message.phase == "release":
        return _release(message, page, ports)
    return _delete(message, page, ports)


def _delete(message: RetentionPrefecture, page: RunPage, ports: RetentionPorts) -> RunSummary:
    """A delete page: its range (as its index page read it) planned against its slice of the
    settled index, reported, and (not a dry run) deleted."""
    code, identity = message.prefecture_code, run_id(message.scheduled_at)
    partition = ports.partition(code)
    items: list[StoredItem] = []
    if page.end is not None:
        items, _, _ = partition.page_items(
            ports.kind_of, page.after, ports.page_items, end=page.end
        )
    the_plan = plan_page(
        code,
        items,
        Resolved.from_json(page.facts or ""),
        holds=ports.holds(code).active(),
        schedule=ports.schedule(),
        at=message.scheduled_at,
    )
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
    if not page.last:
        ports.sync_queue.send(message.model_copy(update={"page": message.page + 1}))
    elif not message.dry_run:
        ports.sync_queue.send(message.model_copy(update={"phase": "release", "page": 0}))
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
    )


def _release(message: RetentionPrefecture, page: RunPage, ports: RetentionPorts) -> RunSummary:
    """A page of releases, sent to verify once every delete page has deleted."""
    releases = Resolved.from_json(page.facts or "").releases
    for release in releases:
        ports.verify_queue.send(
            VaultEntryRelease(
                qualification_pseudonym_id=release.qualification_pseudonym_id,
                last_activity=release.last_activity,
                scheduled_at=message.scheduled_at,
                run_id=run_id(message.scheduled_at),
            )
        )
    if not page.last:
        ports.sync_queue.send(message.model_copy(update={"page": message.page + 1}))
    return RunSummary(
        message.prefecture_code,
        run_id(message.scheduled_at),
        message.dry_run,
        phase="release",
        page=message.page,
        last=page.last,
        releases=len(releases),
    )


def _counts(grouped: Mapping[RecordKind, tuple[str, ...]]) -> dict[str, int]:
    return {kind.value: len(keys) for kind, keys in grouped.items()}
