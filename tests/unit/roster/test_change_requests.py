"""A person's change request as a proposal: only the items that differ, never an item the
person may not ask to change, and a paper request names who keyed it in and how."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from tests.unit.review.factory import form

from kentei.applications.model import IdentityConfirmation
from kentei.registry.model import RegistryStatus
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    NothingToChangeError,
    Proposal,
    RequestedItems,
    apply,
    new_proposal_id,
    requested_changes,
)
from kentei.roster.registration import examinee_of

AT = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
EXAMINEE = examinee_of(form())
NEW = "東京都港区転居町九丁目8番7号"


def _proposal(**given: Any) -> Proposal:
    data: dict[str, Any] = {
        "proposal_id": new_proposal_id(AT),
        "prefecture_code": "13",
        "qualification_pseudonym_id": "4qc7cvj3twxoaxwlxb7x4ahwb4",
        "kind": ChangeKind.UPDATE,
        "registry_status": None,
        "changes": (FieldChange(field="address", before=EXAMINEE.address, after=NEW),),
        "source": ChangeSource.PAPER_REQUEST,
        "run_id": None,
        "proposed_at": AT,
        "basis": AT,
        "entered_by": "staff:13:clerk1",
        "identity_confirmation": IdentityConfirmation.PASSPORT,
        **given,
    }
    return Proposal.model_validate(data)


def test_only_the_items_that_differ_are_proposed_in_the_examinees_order() -> None:
    items = RequestedItems.model_validate(
        {"phone": "03-1111-2222", "address": NEW, "name": EXAMINEE.name}
    )
    changes = requested_changes(EXAMINEE, items)
    assert [c.field for c in changes] == ["address", "phone"]
    assert changes[0] == FieldChange(field="address", before=EXAMINEE.address, after=NEW)
    changed = apply(EXAMINEE, _proposal(changes=changes))
    assert (changed.address, changed.my_number) == (NEW, EXAMINEE.my_number)


def test_a_request_that_changes_nothing_is_refused() -> None:
    with pytest.raises(NothingToChangeError):
        requested_changes(EXAMINEE, RequestedItems(address=EXAMINEE.address))


@pytest.mark.parametrize(
    "items", [{}, {"name": None}, {"address": None}, {"my_number": "900000000010"}, {"sex": "1"}]
)
def test_a_request_names_an_item_and_clears_only_optional_ones(items: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RequestedItems.model_validate(items)


def test_an_optional_item_can_be_cleared() -> None:
    examinee = EXAMINEE.model_copy(update={"phone": "0311112222"})
    [change] = requested_changes(examinee, RequestedItems(phone=None))
    assert (change.field, change.after) == ("phone", None)


@pytest.mark.parametrize(
    "given",
    [
        {"entered_by": None},
        {"identity_confirmation": None},
        {"run_id": "20261207T023000Z"},
        {"registry_status": RegistryStatus.CURRENT},
        {"kind": ChangeKind.DECEASED, "changes": ()},
        {"changes": (FieldChange(field="birth_date", before="1990-01-01", after="1991-01-01"),)},
        {"source": ChangeSource.REGISTRY_RECHECK},
    ],
)
def test_a_paper_requests_proposal_is_consistent(given: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _proposal(**given)


SIGNED_REQUEST = "13-CR-" + "A" * 26


def _signed(**given: Any) -> Proposal:
    signed: dict[str, Any] = {
        "source": ChangeSource.MYNAPORTAL_REQUEST,
        "entered_by": None,
        "identity_confirmation": None,
        "request_id": SIGNED_REQUEST,
    }
    return _proposal(**{**signed, **given})


def test_a_signed_requests_proposal_names_its_request_in_place_of_the_keyer() -> None:
    proposal = _signed()
    assert (proposal.request_id, proposal.entered_by, proposal.from_registry) == (
        SIGNED_REQUEST,
        None,
        False,
    )


@pytest.mark.parametrize(
    "given",
    [
        {"request_id": None},
        {"request_id": "13-" + "A" * 26},
        {"entered_by": "staff:13:clerk1"},
        {"identity_confirmation": IdentityConfirmation.PASSPORT},
        {"run_id": "20261207T023000Z", "registry_status": RegistryStatus.CURRENT},
        {"changes": (FieldChange(field="sex", before="1", after="2"),)},
    ],
)
def test_a_signed_requests_proposal_is_consistent(given: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _signed(**given)


def test_only_a_signed_request_names_a_request() -> None:
    with pytest.raises(ValidationError):
        _proposal(request_id=SIGNED_REQUEST)
