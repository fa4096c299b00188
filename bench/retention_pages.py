"""The retention job's pages on a large partition, in memory (no DynamoDB): how large an
index page's record is, what settling the index costs once (reading every index page,
merging, settling, slicing it by page), and what one delete page costs (its slice read, its
items planned). Nothing here is a test.

    .venv/bin/python bench/retention_pages.py [--persons 60000] [--page 1000]

Each person has an examinee, an application (decided), its status index, a sitting and a
ticket: five items, so 60,000 persons are a 300,000-item partition. Half the persons are old
enough to go.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers")]

from kentei.data.partition import instant  # noqa: E402
from kentei.retention.kinds import RecordKind  # noqa: E402
from kentei.retention.schedule import load_retention_schedule  # noqa: E402
from kentei.retention.sweep import (  # noqa: E402
    Index,
    Resolved,
    StoredItem,
    index_of,
    plan_page,
    resolve,
)

AT = datetime(2030, 12, 6, 16, 20, tzinfo=UTC)


def _items(persons: int) -> list[StoredItem]:
    items: list[StoredItem] = []
    for n in range(persons):
        person = f"P{n:025d}"
        application = f"13-{n:026d}"
        at = instant(datetime(2015 if n % 2 else 2028, 6, 1, tzinfo=UTC))
        document = {
            "status": "accepted",
            "qualification_pseudonym_id": person,
            "history": [{"status": "received", "at": at}, {"status": "accepted", "at": at}],
        }
        items += [
            StoredItem(
                f"APPLICATION#{application}",
                RecordKind.APPLICATION,
                {"application": json.dumps(document)},
            ),
            StoredItem(
                f"EXAMINEE#{person}",
                RecordKind.EXAMINEE,
                {"qualification_pseudonym_id": person, "updated_at": at},
            ),
            StoredItem(
                f"SITTING#{person}#{application}",
                RecordKind.SITTING,
                {"qualification_pseudonym_id": person, "sitting": json.dumps({"accepted_at": at})},
            ),
            StoredItem(
                f"STATUS#accepted#{at}#{application}",
                RecordKind.APPLICATION,
                {"application_id": application},
            ),
            StoredItem(
                f"TICKET#{application}",
                RecordKind.EXAM_TICKET,
                {"issued_at": at, "object_key": f"tickets/13/{application}/t.pdf"},
            ),
        ]
    return sorted(items, key=lambda item: item.record_key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=60_000)
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args()
    schedule = load_retention_schedule()
    items = _items(args.persons)
    pages = [items[i : i + args.page] for i in range(0, len(items), args.page)]
    started = time.perf_counter()
    stored = [
        zlib.compress(index_of("13", p, (), schedule, AT).to_json().encode(), 9) for p in pages
    ]
    indexing = time.perf_counter() - started
    print(f"items {len(items)}, pages {len(pages)} of {args.page}")
    print(f"index pass: {indexing / len(pages) * 1000:.1f} ms a page (CPU, no reads)")
    print(
        f"index page records: largest {max(map(len, stored)) / 1024:.1f} KiB, "
        f"all {sum(map(len, stored)) / 1024 / 1024:.1f} MiB (DynamoDB's item limit: 400 KB)"
    )
    del items[:]  # a message holds no other page's items
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = Index()
    applications = []
    for blob in stored:
        one = Index.from_json(zlib.decompress(blob).decode())
        applications.append([ref[2:] for ref in one.facts if ref.startswith("a:")])
        index.merge(one)
    resolved = resolve("13", index, (), schedule, AT)
    ranges = [
        (None if n == 0 else pages[n - 1][-1].record_key, page[-1].record_key, applications[n])
        for n, page in enumerate(pages)
    ]
    sliced = [zlib.compress(one.to_json().encode(), 9) for one in resolved.slices(ranges)]
    settling = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"settle (once): merge, settle and slice the index {settling:.2f} s; "
        f"delete page records: largest {max(map(len, sliced)) / 1024:.1f} KiB; "
        f"releases {len(resolved.releases)}"
    )
    print(f"  peak RSS {peak / 1024:.0f} MiB (before {before / 1024:.0f} MiB)")
    middle = len(pages) // 2
    started = time.perf_counter()
    settled = Resolved.from_json(zlib.decompress(sliced[middle]).decode())
    page_plan = plan_page("13", pages[middle], settled, holds=(), schedule=schedule, at=AT)
    planning = time.perf_counter() - started
    print(
        f"delete page: read its slice and plan {planning * 1000:.0f} ms "
        f"(dooms {len(page_plan.doomed)} of {len(pages[middle])})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
