"""Staff's decision on a past passer's claim, planned (pure): the registration's status and
staff's decision, the claimant's items dropped, and what becomes of the historical record."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import pytest
from pydantic import ValidationError

from kentei.initial_registrations import (
    Claimant,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    ReviewDecision,
    StaffDecision,
)
from kentei.initial_registrations.review import (
    LinkedToAnotherError,
    NoHistoricalRecordError,
    RegistrationDecidedError,
    is_repeat,
    plan_link,
    plan_reject,
)
from kentei.records.codes import Grade, Term
from kentei.results.historical.model import (
    HistoricalPass,
    HistoricalStatus,
    Link,
    PasserItems,
    StoredHistoricalPass,
)

AT: Final = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
ID: Final = "13-IR-0123456789ABCDEFGHJKMNPQRS"
ME: Final = "claimant"
THEM: Final = "someone-else"
BY: Final = "staff:13:results1"


def registration(**update: Any) -> InitialRegistrationRequest:
    data: dict[str, Any] = {
        "request_id": ID,
        "prefecture_code": "13",
        "status": InitialRegistrationStatus.IN_REVIEW,
        "received_at": AT,
        "submitted_by": "bridge:mynaportal",
        "verified_at": AT,
        "qualification_pseudonym_id": ME,
        "passer_number": "13-2-000123",
        "reasons": ("historical.name_mismatch",),
        "claimant": Claimant(name="山田 花子", birth_date=dt.date(1975, 5, 5)),
        **update,
    }
    return InitialRegistrationRequest.model_validate(data)


def record(linked: str | None = None, conflict: str | None = ID) -> StoredHistoricalPass:
    return StoredHistoricalPass(
        record=HistoricalPass(
            prefecture_code="13",
            passer_number="13-2-000123",
            grade=Grade.SECOND,
            trade_code="0101",
            work_code="010101",
            pass_fiscal_year=2001,
            term=Term.FIRST,
            passed_on=dt.date(2001, 8, 31),
            person=PasserItems(name="鈴木 花子", birth_date=dt.date(1975, 5, 5)),
        ),
        status=HistoricalStatus.LINKED
        if linked
        else HistoricalStatus.IN_CONFLICT
        if conflict
        else HistoricalStatus.UNLINKED,
        imported_at=AT,
        imported_by="operator:test",
        link=None
        if linked is None
        else Link(qualification_pseudonym_id=linked, linked_at=AT, application_id="earlier"),
        conflict=("historical.name_mismatch",) if conflict else (),
        conflict_application_id=conflict,
    )


def test_the_claimant_is_kept_in_review_only() -> None:
    assert registration().claimant is not None
    with pytest.raises(ValidationError, match="in review only"):
        registration(status=InitialRegistrationStatus.LINKED, reasons=())
    decision = StaffDecision(decision=ReviewDecision.REJECT, by=BY, at=AT, reason="x")
    with pytest.raises(ValidationError, match="in review only"):
        registration(status=InitialRegistrationStatus.REJECTED, review=decision)
    with pytest.raises(ValidationError, match="staff's decision"):
        registration(status=InitialRegistrationStatus.REJECTED, claimant=None)
    with pytest.raises(ValidationError, match="disagree"):
        registration(status=InitialRegistrationStatus.LINKED, claimant=None, review=decision)
    assert "山田" not in repr(registration())


def test_a_link_plans_the_link_and_the_pass_record_and_drops_the_claimant() -> None:
    plan = plan_link(registration(), record(), by=BY, at=AT, reason="確認済み")
    assert plan.decided.status is InitialRegistrationStatus.LINKED
    assert plan.decided.claimant is None
    assert plan.decided.reasons == ("historical.name_mismatch",)  # why it came to staff
    assert plan.link is not None
    assert (plan.link.qualification_pseudonym_id, plan.link.application_id) == (ME, ID)
    assert plan.pass_record is not None
    assert plan.pass_record.record_id == "H-13-2-000123"
    assert (plan.after.status, plan.after.conflict_application_id) == (
        HistoricalStatus.LINKED,
        None,
    )
    assert plan.revoke is None
    assert is_repeat(plan.decided, ReviewDecision.LINK, BY, "確認済み")
    assert not is_repeat(plan.decided, ReviewDecision.LINK, BY, "別")
    assert not is_repeat(plan.decided, ReviewDecision.REJECT, BY, "確認済み")


def test_another_persons_record_is_relinked_only_with_replace() -> None:
    with pytest.raises(LinkedToAnotherError):
        plan_link(registration(), record(linked=THEM), by=BY, at=AT, reason="r")
    plan = plan_link(registration(), record(linked=THEM), by=BY, at=AT, reason="r", replace=True)
    assert plan.revoke is not None
    assert (plan.revoke.qualification_pseudonym_id, plan.revoke.reason) == (THEM, "r")
    assert plan.decided.review is not None
    assert plan.decided.review.replaced


def test_nothing_to_link_and_a_decided_registration_are_refused() -> None:
    with pytest.raises(NoHistoricalRecordError):
        plan_link(registration(), None, by=BY, at=AT, reason="r")
    decided = plan_reject(registration(), None, by=BY, at=AT, reason="r").decided
    with pytest.raises(RegistrationDecidedError):
        plan_link(decided, record(), by=BY, at=AT, reason="r")
    with pytest.raises(RegistrationDecidedError):
        plan_reject(decided, record(), by=BY, at=AT, reason="r")


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (record(), HistoricalStatus.UNLINKED),
        (record(linked=THEM), HistoricalStatus.LINKED),
    ],
)
def test_a_rejection_releases_the_conflict_it_opened(
    current: StoredHistoricalPass, status: HistoricalStatus
) -> None:
    plan = plan_reject(registration(), current, by=BY, at=AT, reason="r")
    assert plan.decided.status is InitialRegistrationStatus.REJECTED
    assert plan.decided.claimant is None
    assert plan.after is not None
    assert (plan.after.status, plan.after.conflict, plan.after.link) == (status, (), current.link)


def test_a_rejection_leaves_another_registrations_conflict() -> None:
    plan = plan_reject(registration(), record(conflict="another"), by=BY, at=AT, reason="r")
    assert (plan.current, plan.after) == (None, None)
