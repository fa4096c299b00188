"""Staff review of past passers' claims against moto (:mod:`kentei.data.passer_reviews`):
a link writes the registration, the record, the claimant's pass record and the audit entries
in one transaction; a replacing link revokes the other person's pass record (kept, with the
reason) and can be undone by relinking; a rejection releases the conflict; a decision on a
registration or a record changed since it was read writes nothing; two staff deciding one
registration at once: one decision; registrations in review are paged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import boto3
import pytest
from tests.integration.moto_tables import AUDIT, RECORDS, isolate_dynamodb_writes, records_and_audit
from tests.unit.results.historical.helpers import AT, csv_bytes, row

from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.historical_passes import PrefectureHistoricalPasses
from kentei.data.initial_registrations import (
    PrefectureInitialRegistrations,
    StoredInitialRegistration,
)
from kentei.data.passer_reviews import PrefecturePasserReviews
from kentei.data.passes import PrefecturePasses
from kentei.initial_registrations import (
    Claimant,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
)
from kentei.initial_registrations.review import ReviewChangedError, plan_link, plan_reject
from kentei.results.historical.apply import apply_historical_file, default_mapping
from kentei.results.historical.matching import pass_record_of
from kentei.results.historical.model import HistoricalStatus, Link

NUMBER: Final = "13-2-000123"
RECORD_ID: Final = f"H-{NUMBER}"
BY: Final = "staff:13:results1"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        store = PrefectureHistoricalPasses("13")
        report = apply_historical_file(
            [csv_bytes(row())], default_mapping(), "13", store, at=AT, by="operator:test"
        )
        assert report.written == 1
        yield


def _in_review(key: str, person: str) -> StoredInitialRegistration:
    """A registration verify sent to staff, as stored."""
    store = PrefectureInitialRegistrations("13")
    received = InitialRegistrationRequest(
        request_id=initial_registration_id_for("13", "bridge:mynaportal", key),
        prefecture_code="13",
        status=InitialRegistrationStatus.RECEIVED,
        received_at=AT,
        submitted_by="bridge:mynaportal",
    )
    stored = store.create(received, f"fp-{key}")
    in_review = received.model_copy(
        update={
            "status": InitialRegistrationStatus.IN_REVIEW,
            "verified_at": AT,
            "qualification_pseudonym_id": person,
            "passer_number": NUMBER,
            "reasons": ("historical.name_mismatch",),
            "claimant": Claimant(name="山田 花子", birth_date=dt.date(1970, 1, 2)),
        }
    )
    store.decide(stored, in_review)
    again = store.registration(received.request_id)
    assert again is not None
    return again


def _event(action: AuditAction, record_id: str, person: str | None) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=action,
        record_type="initial_registration",
        record_id=record_id,
        prefecture_code="13",
        request_id="req",
        at=AT,
        person_id=person,
    )


def _link(
    stored: StoredInitialRegistration, *, replace: bool = False, reason: str = "確認"
) -> None:
    reviews = PrefecturePasserReviews("13")
    plan = plan_link(
        stored.record, reviews.historical(NUMBER), by=BY, at=AT, reason=reason, replace=replace
    )
    event = _event(AuditAction.INITIAL_REGISTRATION_LINKED, stored.record.request_id, None)
    reviews.link(stored, plan, AT, audit=[event])


def _status(stored: StoredInitialRegistration) -> InitialRegistrationStatus:
    again = PrefecturePasserReviews("13").registration(stored.record.request_id)
    assert again is not None
    return again.record.status


def _pass_item(person: str) -> dict[str, Any] | None:
    item = boto3.client("dynamodb").get_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": f"PASS#{person}#{RECORD_ID}"}},
    )
    return item.get("Item")


def _audit_actions() -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=AUDIT)["Items"]
    return sorted(i["action"]["S"] for i in items if "action" in i)


def _link_by_verify(person: str) -> None:
    store = PrefectureHistoricalPasses("13")
    current = store.get(NUMBER)
    assert current is not None
    link = Link(qualification_pseudonym_id=person, linked_at=AT, application_id=f"13-IR-{person}")
    store.link(current, link, pass_record_of(current.record, person), AT)


@pytest.mark.usefixtures("moto")
def test_a_link_writes_everything_in_one_transaction_and_drops_the_claimant() -> None:
    stored = _in_review("k-0001", "claimant")
    _link(stored)

    again = PrefecturePasserReviews("13").registration(stored.record.request_id)
    assert again is not None
    assert again.record.status is InitialRegistrationStatus.LINKED
    assert again.record.claimant is None
    raw = boto3.client("dynamodb").get_item(
        TableName=RECORDS,
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": f"INITIAL_REGISTRATION#{stored.record.request_id}"},
        },
    )["Item"]
    assert "山田" not in repr(raw)
    record = PrefectureHistoricalPasses("13").get(NUMBER)
    assert record is not None
    assert record.link is not None
    assert record.link.qualification_pseudonym_id == "claimant"
    assert [p.record_id for p in PrefecturePasses("13").passes_of("claimant")] == [RECORD_ID]
    assert "initial_registration.linked" in _audit_actions()

    with pytest.raises(ReviewChangedError):  # decided: its condition fails, nothing written
        PrefecturePasserReviews("13").link(
            stored,
            plan_link(stored.record, record, by=BY, at=AT, reason="again"),
            AT,
            audit=[],
        )


@pytest.mark.usefixtures("moto")
def test_a_replacing_link_revokes_the_other_persons_pass_and_can_be_undone() -> None:
    _link_by_verify("first")
    claim = _in_review("k-0002", "second")
    _link(claim, replace=True, reason="戸籍で本人と確認")

    passes = PrefecturePasses("13")
    assert passes.passes_of("first") == []
    assert [p.record_id for p in passes.passes_of("second")] == [RECORD_ID]
    kept = _pass_item("first")
    assert kept is not None  # kept, marked revoked with the reason and what revoked it
    assert kept["revoked_reason"]["S"] == "戸籍で本人と確認"
    assert kept["revoked_by"]["S"] == claim.record.request_id
    assert passes.revocation_of("first", RECORD_ID) is not None
    record = PrefectureHistoricalPasses("13").get(NUMBER)
    assert record is not None
    assert record.link is not None
    assert record.link.qualification_pseudonym_id == "second"

    # Staff find they were wrong: the first person claims again and is relinked over their
    # revoked record; the second person's is revoked in turn.
    back = _in_review("k-0003", "first")
    _link(back, replace=True, reason="誤りを訂正")
    assert [p.record_id for p in passes.passes_of("first")] == [RECORD_ID]
    assert passes.passes_of("second") == []
    assert passes.revocation_of("first", RECORD_ID) is None


@pytest.mark.usefixtures("moto")
def test_a_record_linked_meanwhile_makes_the_decision_write_nothing() -> None:
    stored = _in_review("k-0004", "claimant")
    reviews = PrefecturePasserReviews("13")
    plan = plan_link(stored.record, reviews.historical(NUMBER), by=BY, at=AT, reason="確認")
    _link_by_verify("someone")  # after the read, before the write

    with pytest.raises(ReviewChangedError):
        reviews.link(
            stored, plan, AT, audit=[_event(AuditAction.INITIAL_REGISTRATION_LINKED, "x", None)]
        )

    assert _status(stored) is InitialRegistrationStatus.IN_REVIEW
    assert PrefecturePasses("13").passes_of("claimant") == []
    assert [p.record_id for p in PrefecturePasses("13").passes_of("someone")] == [RECORD_ID]
    assert "initial_registration.linked" not in _audit_actions()


@pytest.mark.usefixtures("moto")
def test_a_replacement_whose_other_pass_is_gone_writes_nothing() -> None:
    _link_by_verify("first")
    stored = _in_review("k-0005", "second")
    reviews = PrefecturePasserReviews("13")
    plan = plan_link(
        stored.record, reviews.historical(NUMBER), by=BY, at=AT, reason="r", replace=True
    )
    boto3.client("dynamodb").delete_item(
        TableName=RECORDS,
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": f"PASS#first#{RECORD_ID}"}},
    )
    with pytest.raises(ReviewChangedError):
        reviews.link(stored, plan, AT, audit=[])
    record = reviews.historical(NUMBER)
    assert record is not None
    assert record.link is not None
    assert record.link.qualification_pseudonym_id == "first"
    assert _status(stored) is InitialRegistrationStatus.IN_REVIEW


@pytest.mark.usefixtures("moto")
def test_a_rejection_releases_the_conflict_it_opened() -> None:
    stored = _in_review("k-0006", "claimant")
    historical = PrefectureHistoricalPasses("13")
    current = historical.get(NUMBER)
    assert current is not None
    historical.mark_in_conflict(current, stored.record.request_id, ["historical.name_mismatch"])
    reviews = PrefecturePasserReviews("13")
    plan = plan_reject(stored.record, reviews.historical(NUMBER), by=BY, at=AT, reason="不一致")
    reviews.reject(
        stored,
        plan,
        audit=[_event(AuditAction.INITIAL_REGISTRATION_REJECTED, stored.record.request_id, None)],
    )
    after = historical.get(NUMBER)
    assert after is not None
    assert (after.status, after.conflict_application_id) == (HistoricalStatus.UNLINKED, None)
    assert _status(stored) is InitialRegistrationStatus.REJECTED
    assert "initial_registration.rejected" in _audit_actions()


@pytest.mark.usefixtures("moto")
def test_two_staff_deciding_one_registration_at_once_make_one_decision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = _in_review("k-0007", "claimant")
    reviews = PrefecturePasserReviews("13")
    current = reviews.historical(NUMBER)

    def decide(n: int) -> bool:
        try:
            if n % 2:
                reviews.link(
                    stored,
                    plan_link(stored.record, current, by=f"{BY}-{n}", at=AT, reason="r"),
                    AT,
                    audit=[],
                )
            else:
                reviews.reject(
                    stored,
                    plan_reject(stored.record, current, by=f"{BY}-{n}", at=AT, reason="r"),
                    audit=[],
                )
        except ReviewChangedError:
            return False
        return True

    isolate_dynamodb_writes(monkeypatch)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(decide, range(8)))

    assert results.count(True) == 1
    status = _status(stored)
    linked = PrefecturePasses("13").passes_of("claimant")
    assert (status is InitialRegistrationStatus.LINKED) == (len(linked) == 1)


@pytest.mark.usefixtures("moto")
def test_registrations_in_review_are_paged_in_id_order() -> None:
    ids = sorted(_in_review(f"k-1{n:03d}", f"person-{n}").record.request_id for n in range(5))
    reviews = PrefecturePasserReviews("13")
    first, cursor = reviews.registrations(InitialRegistrationStatus.IN_REVIEW, 3)
    second, end = reviews.registrations(InitialRegistrationStatus.IN_REVIEW, 3, cursor)
    assert [r.request_id for r in first + second] == ids
    assert end is None
    assert PrefecturePasserReviews("14").registrations(InitialRegistrationStatus.IN_REVIEW, 3) == (
        [],
        None,
    )
