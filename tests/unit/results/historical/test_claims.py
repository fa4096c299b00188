"""An initial registration's claim settled on a fake store: linked, already linked, a
conflict marked with its checks, not found, and a record linked meanwhile read again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from tests.unit.results.historical.helpers import AT
from tests.unit.results.historical.test_matching import RECORD, claim, stored

from kentei.data.audit import AuditAction, AuditEvent
from kentei.exemptions.model import PassRecord
from kentei.results.historical.claims import ChangedMeanwhileError, settle_claim
from kentei.results.historical.matching import ClaimCheck, ClaimStatus
from kentei.results.historical.model import (
    HistoricalChangedError,
    HistoricalStatus,
    Link,
    StoredHistoricalPass,
)


class FakeStore:
    prefecture_code = "13"

    def __init__(self, current: StoredHistoricalPass | None, *, races: int = 0) -> None:
        self.current = current
        self.races = races
        self.passes: list[PassRecord] = []
        self.audit: list[AuditEvent] = []

    def get(self, passer_number: str) -> StoredHistoricalPass | None:
        return self.current if passer_number == RECORD.passer_number else None

    def link(
        self,
        current: StoredHistoricalPass,
        link: Link,
        pass_record: PassRecord,
        at: dt.datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass:
        self._race()
        self.current = current.model_copy(update={"status": HistoricalStatus.LINKED, "link": link})
        self.passes.append(pass_record)
        self.audit += audit
        return self.current

    def mark_in_conflict(
        self,
        current: StoredHistoricalPass,
        application_id: str,
        failures: Sequence[str],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass:
        self._race()
        self.current = current.model_copy(
            update={
                "status": HistoricalStatus.IN_CONFLICT,
                "conflict": tuple(failures),
                "conflict_application_id": application_id,
            }
        )
        self.audit += audit
        return self.current

    def _race(self) -> None:
        if self.races:
            self.races -= 1
            # Another person's claim linked it meanwhile.
            self.current = stored(HistoricalStatus.LINKED, "person-0099")
            raise HistoricalChangedError


def settle(store: FakeStore, **changes: object):  # type: ignore[no-untyped-def]
    return settle_claim(store, claim(**changes), at=AT, actor="verify", request_id="req-1")


def test_a_match_links_and_writes_the_pass_with_its_audit() -> None:
    store = FakeStore(stored())
    outcome = settle(store)

    assert outcome.status is ClaimStatus.LINKED
    assert outcome.pass_record_id == "H-13-2-000123"
    assert store.current is not None
    assert store.current.link is not None
    assert store.current.link.application_id == "13-IR-2"
    assert [p.qualification_pseudonym_id for p in store.passes] == ["person-0001"]
    assert [(e.action, e.person_id) for e in store.audit] == [
        (AuditAction.HISTORICAL_PASS_LINKED, "person-0001")
    ]


def test_the_same_person_again_writes_nothing() -> None:
    store = FakeStore(stored(HistoricalStatus.LINKED, "person-0001"))
    assert settle(store).status is ClaimStatus.ALREADY_LINKED
    assert not store.passes
    assert not store.audit


def test_a_mismatch_marks_the_record_in_conflict_for_staff() -> None:
    store = FakeStore(stored())
    outcome = settle(store, birth_date=dt.date(1999, 9, 9))

    assert outcome.status is ClaimStatus.IN_REVIEW
    assert outcome.failures == (ClaimCheck.BIRTH_DATE,)
    assert store.current is not None
    assert store.current.status is HistoricalStatus.IN_CONFLICT
    assert store.current.conflict == ("historical.birth_date_mismatch",)
    assert not store.passes
    assert [(e.action, e.person_id) for e in store.audit] == [
        (AuditAction.HISTORICAL_PASS_CONFLICT, None)
    ]


def test_no_record_is_in_review_and_writes_nothing() -> None:
    store = FakeStore(None)
    outcome = settle(store)
    assert outcome.failures == (ClaimCheck.NOT_FOUND,)
    assert not store.audit


def test_a_record_linked_meanwhile_is_read_again_and_the_claim_is_a_conflict() -> None:
    store = FakeStore(stored(), races=1)
    outcome = settle(store)

    assert outcome.status is ClaimStatus.IN_REVIEW
    assert outcome.failures == (ClaimCheck.LINKED_TO_OTHER,)
    assert store.current is not None
    assert store.current.link is not None
    assert store.current.link.qualification_pseudonym_id == "person-0099"


def test_a_record_that_keeps_changing_is_left_for_a_retry() -> None:
    store = FakeStore(stored(), races=5)
    store._race = lambda: (_ for _ in ()).throw(HistoricalChangedError())  # type: ignore[method-assign]
    with pytest.raises(ChangedMeanwhileError):
        settle(store)
