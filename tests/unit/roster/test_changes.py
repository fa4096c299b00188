"""Change proposals from the registry re-check: the comparison, sameness, applying with
history, and the proposal's decision rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.unit.review.factory import TRAINEE, form

from kentei.records.codes import Sex
from kentei.registry.model import Person, RegistryRecord, RegistryStatus
from kentei.roster.changes import (
    PROPOSAL_ID_PATTERN,
    ChangeKind,
    ChangeSource,
    ExamineeChangedError,
    HistoryEntry,
    Proposal,
    ProposalDecidedError,
    ProposalStatus,
    application_history,
    apply,
    compare,
    history_of,
    new_proposal_id,
    run_id_of,
)
from kentei.roster.registration import examinee_of

AT = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
EXAMINEE = examinee_of(form())
NEW_ADDRESS = "東京都港区転居町九丁目8番7号"


def _registry(status: RegistryStatus = RegistryStatus.CURRENT, **changes: object) -> RegistryRecord:
    person = {
        "name": "技能 花子",
        "name_kana": "ぎのう はなこ",
        "birth_date": date(1995, 6, 15),
        "sex": Sex("2"),
        "address": "東京都千代田区千代田1-1",
        **changes,
    }
    return RegistryRecord(status=status, person=Person.model_validate(person))


def _proposal(**changes: object) -> Proposal:
    difference = compare(EXAMINEE, _registry(address=NEW_ADDRESS))
    assert difference is not None
    data: dict[str, object] = {
        "proposal_id": new_proposal_id(AT),
        "prefecture_code": "13",
        "qualification_pseudonym_id": PERSON,
        "kind": difference.kind,
        "registry_status": difference.registry_status,
        "changes": difference.changes,
        "source": ChangeSource.REGISTRY_RECHECK,
        "run_id": run_id_of(AT),
        "proposed_at": AT,
        "basis": AT,
        **changes,
    }
    return Proposal.model_validate(data)


def test_the_same_items_are_no_difference() -> None:
    assert compare(EXAMINEE, _registry()) is None


def test_width_and_spacing_are_no_difference() -> None:
    assert (
        compare(EXAMINEE, _registry(name="技能　花子", address="東京都千代田区千代田１－１"))
        is None
    )


def test_a_new_address_is_an_update_with_before_and_after() -> None:
    difference = compare(EXAMINEE, _registry(address=NEW_ADDRESS))
    assert difference is not None
    assert difference.kind is ChangeKind.UPDATE
    [change] = difference.changes
    assert (change.field, change.before, change.after) == (
        "address",
        "東京都千代田区千代田1-1",
        NEW_ADDRESS,
    )


def test_a_new_name_and_reading_are_both_proposed() -> None:
    difference = compare(EXAMINEE, _registry(name="技能 花代", name_kana="ぎのう はなよ"))
    assert difference is not None
    assert {c.field for c in difference.changes} == {"name", "name_kana"}


def test_moved_out_is_proposed_even_where_the_items_are_the_same() -> None:
    difference = compare(EXAMINEE, _registry(RegistryStatus.MOVED))
    assert difference is not None
    assert difference.kind is ChangeKind.MOVED_OUT
    assert difference.changes == ()


def test_deceased_proposes_a_deletion_without_item_changes() -> None:
    difference = compare(EXAMINEE, _registry(RegistryStatus.DECEASED, address=NEW_ADDRESS))
    assert difference is not None
    assert difference.kind is ChangeKind.DECEASED
    assert difference.changes == ()


def test_a_person_the_registry_does_not_know_is_no_proposal() -> None:
    assert compare(EXAMINEE, RegistryRecord(status=RegistryStatus.UNKNOWN)) is None


def test_sameness_is_the_kind_and_the_after_values() -> None:
    one = compare(EXAMINEE, _registry(address=NEW_ADDRESS))
    again = compare(EXAMINEE, _registry(address=NEW_ADDRESS))
    other = compare(EXAMINEE, _registry(address="東京都港区別町1-1"))
    assert one is not None
    assert again is not None
    assert other is not None
    assert one.same_as(again)
    assert not one.same_as(other)


def test_applying_changes_only_the_proposed_items_and_keeps_the_rest() -> None:
    trainee = examinee_of(form(**TRAINEE))
    difference = compare(trainee, _registry(address=NEW_ADDRESS))
    assert difference is not None
    proposal = _proposal(changes=difference.changes)
    changed = apply(trainee, proposal)
    assert changed.address == NEW_ADDRESS
    assert changed.name == trainee.name
    # The residence card number survives the round trip (it is masked unless revealed).
    assert changed.residence_card_number == trainee.residence_card_number
    assert changed.my_number is None


def test_applying_to_an_examinee_whose_item_changed_meanwhile_is_refused() -> None:
    proposal = _proposal()
    moved_already = examinee_of(form(address="東京都港区別町1-1"))
    with pytest.raises(ExamineeChangedError, match="address"):
        apply(moved_already, proposal)


def test_history_keeps_before_after_and_who() -> None:
    proposal = _proposal()
    entry = history_of(proposal, "staff:13:reviewer1", AT)
    assert entry.before == {"address": "東京都千代田区千代田1-1"}
    assert entry.after == {"address": NEW_ADDRESS}
    assert (entry.by, entry.source, entry.proposal_id) == (
        "staff:13:reviewer1",
        ChangeSource.REGISTRY_RECHECK,
        proposal.proposal_id,
    )
    assert "1-1" not in repr(entry), "values stay out of repr"


def test_a_decided_proposal_cannot_be_decided_again() -> None:
    accepted = _proposal().decided(ProposalStatus.ACCEPTED, "staff:13:reviewer1", AT)
    assert accepted.decided_by == "staff:13:reviewer1"
    with pytest.raises(ProposalDecidedError):
        accepted.decided(ProposalStatus.REJECTED, "staff:13:reviewer1", AT)


def test_a_correction_without_items_is_not_a_proposal() -> None:
    with pytest.raises(ValueError, match="names the items"):
        _proposal(changes=())


def test_ids_are_well_formed_and_the_run_is_the_scheduled_instant() -> None:
    import re

    assert re.match(PROPOSAL_ID_PATTERN, new_proposal_id(AT))
    assert new_proposal_id(AT) != new_proposal_id(AT)
    assert run_id_of(AT) == "20261207T023000Z"


# A later application's items, taken at its acceptance (R7, R9: history of every change).


def test_a_later_application_keeps_what_it_changed_as_history() -> None:
    before = examinee_of(form())
    after = examinee_of(form(address="大阪府大阪市北区梅田1-1", phone="06-1234-5678"))
    at = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    entry = application_history(
        "p-1", before, after, application_id="13-01J0000000000000000000000A", by="s", at=at
    )
    assert entry is not None
    assert entry.source is ChangeSource.APPLICATION
    assert entry.decided_in == "13-01J0000000000000000000000A"
    assert entry.proposal_id is None
    assert set(entry.after) == {"address", "phone"}
    assert entry.before["address"] == before.address
    assert entry.after["address"] == "大阪府大阪市北区梅田1-1"
    assert "my_number" not in entry.before


def test_a_later_application_with_the_same_items_changes_nothing() -> None:
    same = examinee_of(form())
    at = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert application_history("p-1", same, same, application_id="a", by="s", at=at) is None


def test_a_history_entry_names_its_proposal_or_its_application_never_both() -> None:
    at = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    base = {"qualification_pseudonym_id": "p", "at": at, "by": "s", "before": {}, "after": {}}
    with pytest.raises(ValueError, match="names"):
        HistoryEntry(**base, source=ChangeSource.APPLICATION, proposal_id="chg-x")
    with pytest.raises(ValueError, match="names"):
        HistoryEntry(**base, source=ChangeSource.PAPER_REQUEST, application_id="a")
    with pytest.raises(ValueError, match="names"):
        HistoryEntry(
            **base, source=ChangeSource.APPLICATION, application_id="a", proposal_id="chg-x"
        )
