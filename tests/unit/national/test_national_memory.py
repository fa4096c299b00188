"""The contract's semantics in memory: versions only grow, stale answers change nothing, the
same version with other content is a conflict, digests agree exactly when contents do, and the
national side's own changes join the feed and bump the examinee record."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.national.samples import PERSON, PREFECTURE, record

from kentei.national import (
    NationalConflictError,
    NationalRecord,
    NationalUnknownPersonError,
    RecordKind,
)
from kentei.national.memory import Applied, InMemoryNational
from kentei.national.model import bucket_digest, bucket_of

CHANGED_AT = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def national() -> InMemoryNational:
    return InMemoryNational(clock=lambda: CHANGED_AT)


def version(number: int) -> NationalRecord:
    """Version ``number`` of one record; its content follows from the version alone."""
    return record(version=number, phone=f"03{number:08d}")


@given(st.lists(st.integers(1, 30), min_size=1, max_size=40))
def test_any_interleaving_of_versions_leaves_the_highest_and_answers_stale_to_the_rest(
    versions: list[int],
) -> None:
    store = national()
    highest = 0
    for number in versions:
        receipt = store.put(version(number))

        assert receipt.outcome == ("applied" if number > highest else "stale")
        highest = max(highest, number)
        assert receipt.held_version == highest
        assert receipt.version == number
    assert store.get(RecordKind.EXAMINEE, "ex-0001") == version(max(versions))


def test_the_same_version_again_is_stale_and_with_other_content_a_conflict() -> None:
    store = national()
    store.put(version(2))

    assert store.put(version(2)).outcome == "stale"
    with pytest.raises(NationalConflictError, match="ex-0001 version 2") as conflict:
        store.put(record(version=2, phone="0399999999"))
    assert "0399999999" not in str(conflict.value)
    assert store.put(record(version=1, phone="0399999999")).outcome == "stale"
    assert store.get(RecordKind.EXAMINEE, "ex-0001") == version(2)


def test_a_deleted_record_keeps_its_version_and_an_older_one_does_not_revive_it() -> None:
    store = national()
    store.put(version(1))
    store.put(record(version=2, deleted=True))

    assert store.put(version(1)).outcome == "stale"
    held = store.get(RecordKind.EXAMINEE, "ex-0001")
    assert held is not None
    assert (held.deleted, held.data, held.version) == (True, None, 2)


def test_an_unknown_person_is_refused_until_registered() -> None:
    store = InMemoryNational(known_persons=[])

    with pytest.raises(NationalUnknownPersonError):
        store.put(version(1))
    store.register(PERSON)
    assert store.put(version(1)).outcome == "applied"


def test_given_puts_stale_refusals_and_own_changes_then_the_log_holds_what_was_applied() -> None:
    store = InMemoryNational(known_persons=[PERSON], clock=lambda: CHANGED_AT)
    store.put(version(1))
    store.put(record(kind=RecordKind.SITTING, record_id="app-0001", version=3))
    store.put(version(1))  # stale: not applied again
    store.put(version(4))
    with pytest.raises(NationalConflictError):
        store.put(record(version=4, phone="0399999999"))
    with pytest.raises(NationalUnknownPersonError):
        store.put(record(record_id="ex-0002", version=5, person="QP-0000000002"))
    store.change_on_national_side(PERSON, PREFECTURE, {"phone": "0300000000"})  # its own

    assert store.applied == (
        Applied(RecordKind.EXAMINEE, "ex-0001", PERSON, 1),
        Applied(RecordKind.SITTING, "app-0001", PERSON, 3),
        Applied(RecordKind.EXAMINEE, "ex-0001", PERSON, 4),
    )
    assert store.applied[0].as_json() == {
        "kind": "examinee",
        "record_id": "ex-0001",
        "qualification_pseudonym_id": PERSON,
        "version": 1,
    }


_ids = st.sampled_from([f"ex-{n:04d}" for n in range(12)])
_contents = st.dictionaries(_ids, st.tuples(st.integers(1, 3), st.sampled_from(["1", "2"])))


def _store(contents: dict[str, tuple[int, str]]) -> InMemoryNational:
    store = national()
    for record_id, (number, phone) in contents.items():
        store.put(record(record_id=record_id, version=number, phone=phone))
    return store


@given(_contents, _contents)
def test_digests_are_equal_exactly_when_the_contents_are(
    ours: dict[str, tuple[int, str]], theirs: dict[str, tuple[int, str]]
) -> None:
    left, right = _store(ours), _store(theirs)

    same = left.digests(PREFECTURE, RecordKind.EXAMINEE) == right.digests(
        PREFECTURE, RecordKind.EXAMINEE
    )

    assert same == (ours == theirs)
    assert same == (left.records() == right.records())
    differing = {
        bucket
        for bucket in range(64)
        if left.bucket(PREFECTURE, RecordKind.EXAMINEE, bucket)
        != right.bucket(PREFECTURE, RecordKind.EXAMINEE, bucket)
    }
    assert differing == {
        bucket_of(i) for i in set(ours) | set(theirs) if ours.get(i) != theirs.get(i)
    }


def test_digests_and_buckets_are_per_prefecture_and_kind_and_computed_from_content() -> None:
    store = national()
    examinee = record(record_id="ex-0001", version=2)
    store.put(examinee)
    store.put(record(record_id="ex-0002", prefecture="27"))
    store.put(record(RecordKind.PASS, record_id="ps-0001"))

    number = bucket_of("ex-0001")
    assert store.bucket(PREFECTURE, RecordKind.EXAMINEE, number) == {
        "ex-0001": (2, examinee.content_digest())
    }
    assert store.digests(PREFECTURE, RecordKind.EXAMINEE) == {
        number: bucket_digest({"ex-0001": examinee.content_digest()})
    }
    assert list(store.digests("27", RecordKind.EXAMINEE)) == [bucket_of("ex-0002")]
    assert list(store.digests(PREFECTURE, RecordKind.PASS)) == [bucket_of("ps-0001")]
    assert store.digests("01", RecordKind.EXAMINEE) == {}


def test_a_change_on_the_national_side_joins_the_feed_and_bumps_the_examinee_record() -> None:
    store = national()
    store.put(record(version=3))
    store.put(record(record_id="ex-0099", person="QP-other", version=1))

    change = store.change_on_national_side(PERSON, PREFECTURE, {"name": "見本 春子", "phone": None})

    assert (change.sequence, change.base_version, change.changed_at) == (1, 3, CHANGED_AT)
    held = store.get(RecordKind.EXAMINEE, "ex-0001")
    assert held is not None
    assert held.data is not None
    assert (held.version, held.data["name"], held.data["phone"]) == (4, "見本 春子", None)
    assert held.data["birth_date"] == "1990-04-01"
    other = store.get(RecordKind.EXAMINEE, "ex-0099")
    assert other is not None
    assert other.version == 1
    # Our version 4 was made from version 3 too: the same version with other content.
    with pytest.raises(NationalConflictError):
        store.put(record(version=4))


def test_the_feed_is_per_prefecture_in_sequence_after_the_cursor_up_to_the_limit() -> None:
    store = national()
    store.put(record(record_id="ex-0001"))
    store.put(record(record_id="ex-0002", person="QP-osaka", prefecture="27"))
    for n in range(3):
        store.change_on_national_side(PERSON, PREFECTURE, {"phone": f"0300000{n:03d}"})
    store.change_on_national_side("QP-osaka", "27", {"phone": "0600000000"})

    assert [c.sequence for c in store.changes(PREFECTURE, 0)] == [1, 2, 3]
    assert [c.sequence for c in store.changes(PREFECTURE, 1, limit=1)] == [2]
    assert [c.sequence for c in store.changes("27", 0)] == [4]
    assert [c.base_version for c in store.changes(PREFECTURE, 0)] == [1, 2, 3]
    assert store.changes(PREFECTURE, 3) == ()


@pytest.mark.parametrize(
    "changes",
    [{"birth_date": "1991-01-01"}, {"name": None}, {"postal_code": "12"}],
    ids=["not-changeable", "name-cleared", "bad-postal-code"],
)
def test_a_change_the_examinee_record_refuses_changes_nothing(
    changes: dict[str, str | None],
) -> None:
    store = national()
    store.put(record())

    with pytest.raises(ValueError, match="validation error"):
        store.change_on_national_side(PERSON, PREFECTURE, changes)
    assert store.changes(PREFECTURE, 0) == ()
    assert store.get(RecordKind.EXAMINEE, "ex-0001") == record()
    store.change_on_national_side(PERSON, PREFECTURE, {"phone": "0311111111"})
    assert [c.sequence for c in store.changes(PREFECTURE, 0)] == [1]


def test_a_change_of_a_person_the_side_holds_no_examinee_of_is_a_test_mistake() -> None:
    with pytest.raises(LookupError):
        national().change_on_national_side(PERSON, PREFECTURE, {"phone": "0311111111"})


def test_a_hand_edit_keeps_the_version_and_changes_the_digest() -> None:
    store = national()
    original = record(version=5)
    store.put(original)
    before = store.digests(PREFECTURE, RecordKind.EXAMINEE)

    edited = store.diverge(RecordKind.EXAMINEE, "ex-0001", {**(original.data or {}), "phone": None})

    assert edited.version == 5
    assert store.digests(PREFECTURE, RecordKind.EXAMINEE) != before
    with pytest.raises(NationalConflictError):
        store.put(original)
    assert store.put(record(version=6)).outcome == "applied"
    assert store.digests(PREFECTURE, RecordKind.EXAMINEE) != before


def test_a_forgotten_record_leaves_the_store_and_its_bucket() -> None:
    store = national()
    store.put(record())
    store.forget(RecordKind.EXAMINEE, "ex-0001")

    assert store.get(RecordKind.EXAMINEE, "ex-0001") is None
    assert store.digests(PREFECTURE, RecordKind.EXAMINEE) == {}
    with pytest.raises(KeyError):
        store.forget(RecordKind.EXAMINEE, "ex-0001")
