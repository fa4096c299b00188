"""The audit chain, pure: a partition's entries verify; altering, removing, inserting or
reordering one is named as the first broken link."""

from __future__ import annotations

from dataclasses import replace

from kentei.audit_chain import Head, Link, entry_hash, genesis, verify_chain, verify_partition

PARTITION = "PREFECTURE#13#2026-12-06"


def _chain(count: int, partition: str = PARTITION) -> tuple[list[Link], Head]:
    links: list[Link] = []
    previous = genesis(partition)
    for seq in range(1, count + 1):
        fields = {"actor": f"staff:13:u{seq}", "action": "application.opened", "seq_hint": str(seq)}
        digest = entry_hash(fields, partition, seq, previous)
        links.append(
            Link(partition, f"2026-12-06T10:00:0{seq}#{seq:08d}", seq, previous, digest, fields)
        )
        previous = digest
    return links, Head(count, previous)


def test_an_untouched_chain_verifies() -> None:
    links, head = _chain(5)
    assert verify_partition(PARTITION, links, head) is None
    report = verify_chain([(PARTITION, links, head, 2)])
    assert (report.intact, report.entries, report.unchained) == (True, 5, 2)


def test_an_altered_entry_is_named() -> None:
    links, head = _chain(5)
    links[2] = replace(links[2], fields={**links[2].fields, "actor": "staff:13:someone-else"})
    broken = verify_partition(PARTITION, links, head)
    assert broken is not None
    assert (broken.seq, broken.event_key, broken.reason) == (3, links[2].event_key, "entry altered")


def test_an_entry_rehashed_after_alteration_breaks_the_next_link() -> None:
    links, head = _chain(5)
    fields = {**links[1].fields, "action": "application.listed"}
    links[1] = replace(
        links[1], fields=fields, hash=entry_hash(fields, PARTITION, 2, links[1].prev_hash)
    )
    broken = verify_partition(PARTITION, links, head)
    assert broken is not None
    assert (broken.seq, broken.reason) == (3, "previous hash does not match")


def test_a_removed_entry_is_named_as_missing() -> None:
    links, head = _chain(5)
    del links[3]
    broken = verify_partition(PARTITION, links, head)
    assert broken is not None
    assert (broken.seq, broken.reason) == (4, "missing entry")


def test_removing_the_newest_entries_is_found_by_the_head() -> None:
    links, head = _chain(5)
    broken = verify_partition(PARTITION, links[:3], head)
    assert broken is not None
    assert (broken.seq, broken.reason) == (4, "entries missing at the end")


def test_a_duplicated_entry_is_named() -> None:
    links, head = _chain(3)
    broken = verify_partition(PARTITION, [*links, links[1]], head)
    assert broken is not None
    assert broken.reason == "duplicate sequence number"


def test_an_entry_moved_to_another_day_does_not_verify_there() -> None:
    links, _ = _chain(1)
    other = "PREFECTURE#13#2026-12-07"
    moved = replace(links[0], partition=other)
    broken = verify_partition(other, [moved], Head(1, links[0].hash))
    assert broken is not None
    assert broken.reason == "previous hash does not match"


def test_the_report_names_the_first_broken_partition() -> None:
    good, good_head = _chain(2)
    other = "PREFECTURE#13#2026-12-07"
    bad, bad_head = _chain(2, other)
    report = verify_chain([(PARTITION, good, good_head, 0), (other, bad[:1], bad_head, 0)])
    assert report.broken is not None
    assert report.broken.partition == other


def test_an_empty_day_without_a_head_verifies() -> None:
    assert verify_partition(PARTITION, [], None) is None
