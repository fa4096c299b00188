"""Staff review of past passers' claims (R17), through the real handler over in-memory fakes:
the registrations in review listed and opened with the claimant's certificate items and the
historical record (audited; another prefecture's are not there), linked (the record and the
pass record; a record of another person's only with ``replace``, revoking theirs) or
rejected (the record's conflict released), each decision once, conditional, audited, and
answered to the bridge; no name in any log line."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from typing import Any, Final

import pytest

from kentei.data.audit import AuditAction
from kentei.data.initial_registrations import StoredInitialRegistration
from kentei.exemptions.model import PassKind, PassRecord
from kentei.initial_registrations import (
    Claimant,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
)
from kentei.records.codes import Grade, Term
from kentei.results.historical.matching import pass_record_of
from kentei.results.historical.model import (
    HistoricalPass,
    HistoricalStatus,
    Link,
    PasserItems,
    StoredHistoricalPass,
)

from .events import event, invoke
from .fakes import T0, Fakes

RESULTS: Final = "staff:13:results1:results"
OSAKA_RESULTS: Final = "staff:27:results9:results"
REVIEWER: Final = "staff:13:reviewer1:reviewer"
MYNAPORTAL: Final = "bridge:mynaportal"
TOKYO: Final = "13"
NUMBER: Final = "13-2-000123"
CLAIMANT: Final = "claimant0pseudonym0000001"
OTHER: Final = "otherperson0pseudonym0001"
CLAIMANT_NAME: Final = "山田 花子"
RECORD_NAME: Final = "鈴木 花子"
BIRTH: Final = dt.date(1975, 5, 5)
LIST: Final = "/v1/review/initial-registrations"
REASON: Final = "婚姻による改姓を戸籍抄本で確認した"


def _historical(
    fakes: Fakes,
    *,
    status: HistoricalStatus = HistoricalStatus.IN_CONFLICT,
    linked_to: str | None = None,
    conflict_with: str | None = None,
) -> StoredHistoricalPass:
    stored = StoredHistoricalPass(
        record=HistoricalPass(
            prefecture_code=TOKYO,
            passer_number=NUMBER,
            certificate_number="C-000123",
            grade=Grade.SECOND,
            trade_code="0101",
            work_code="010101",
            pass_fiscal_year=2001,
            term=Term.FIRST,
            passed_on=dt.date(2001, 8, 31),
            person=PasserItems(name=RECORD_NAME, name_kana="すずき はなこ", birth_date=BIRTH),
        ),
        status=status,
        imported_at=T0,
        imported_by="operator:test",
        link=None
        if linked_to is None
        else Link(qualification_pseudonym_id=linked_to, linked_at=T0, application_id="earlier"),
        conflict=("historical.name_mismatch",) if conflict_with else (),
        conflict_application_id=conflict_with,
    )
    fakes.records.historical[(TOKYO, NUMBER)] = stored
    if linked_to is not None:
        record = pass_record_of(stored.record, linked_to)
        fakes.records.historical_passes[(TOKYO, linked_to, record.record_id)] = record
    return stored


def _in_review(
    fakes: Fakes, key: str = "review-0001", *, person: str = CLAIMANT, number: str = NUMBER
) -> str:
    registration_id = initial_registration_id_for(TOKYO, MYNAPORTAL, key)
    record = InitialRegistrationRequest(
        request_id=registration_id,
        prefecture_code=TOKYO,
        status=InitialRegistrationStatus.IN_REVIEW,
        received_at=T0,
        submitted_by=MYNAPORTAL,
        verified_at=T0,
        qualification_pseudonym_id=person,
        passer_number=number,
        certificate_number="C-000123",
        reasons=("historical.name_mismatch",),
        claimant=Claimant(name=CLAIMANT_NAME, birth_date=BIRTH),
    )
    fakes.records.initial_registrations[registration_id] = StoredInitialRegistration(record, "fp")
    return registration_id


def _decide(registration_id: str, caller: str = RESULTS, **body: Any) -> tuple[int, dict[str, Any]]:
    status, _, answer = invoke(
        event(
            "POST",
            f"{LIST}/{registration_id}/decision",
            caller=caller,
            headers={"Content-Type": "application/json"},
            body=body,
        )
    )
    return status, answer


def _bridge_status(registration_id: str) -> dict[str, Any]:
    status, _, body = invoke(
        event("GET", f"/v1/initial-registrations/{registration_id}", caller=MYNAPORTAL)
    )
    assert status == 200, body
    return dict(body)


def _stored(fakes: Fakes, registration_id: str) -> InitialRegistrationRequest:
    return fakes.records.initial_registrations[registration_id].record


def _person_passes(fakes: Fakes, person: str) -> list[PassRecord]:
    return [
        record
        for (prefecture, who, record_id), record in fakes.records.historical_passes.items()
        if (prefecture, who) == (TOKYO, person)
        and (prefecture, who, record_id) not in fakes.records.revoked
    ]


# Listing and opening


def test_the_registrations_in_review_are_listed_with_the_claimant_and_the_record(
    fakes: Fakes,
) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    status, _, body = invoke(event("GET", LIST, caller=RESULTS))
    assert status == 200, body
    [listed] = body["registrations"]
    assert listed["registration_id"] == registration_id
    assert listed["status"] == "in_review"
    assert listed["checks"] == ["historical.name_mismatch"]
    assert (listed["passer_number"], listed["certificate_number"]) == (NUMBER, "C-000123")
    assert listed["claimant"] == {"name": CLAIMANT_NAME, "birth_date": "1975-05-05"}
    historical = listed["historical"]
    assert (historical["name"], historical["birth_date"]) == (RECORD_NAME, "1975-05-05")
    assert (historical["grade"], historical["work_code"], historical["passed_on"]) == (
        "2級",
        "010101",
        "2001-08-31",
    )
    assert historical["linked_to"] == "nobody"
    assert historical["conflict_names_this_registration"] is True
    assert body["next_cursor"] is None
    [audited] = fakes.audit.events
    assert (audited.action, audited.record_id) == (
        AuditAction.INITIAL_REGISTRATIONS_LISTED,
        "in_review",
    )


def test_the_list_pages_and_leaves_out_other_statuses(fakes: Fakes) -> None:
    ids = sorted(_in_review(fakes, f"review-{n:04d}") for n in range(3))
    decided = _in_review(fakes, "review-decided")
    fakes.records.initial_registrations[decided] = StoredInitialRegistration(
        _stored(fakes, decided).model_copy(
            update={"status": InitialRegistrationStatus.LINKED, "reasons": (), "claimant": None}
        ),
        "fp",
    )
    status, _, first = invoke(event("GET", f"{LIST}?limit=2", caller=RESULTS))
    assert status == 200, first
    assert [r["registration_id"] for r in first["registrations"]] == ids[:2]
    assert first["registrations"][0]["historical"] is None  # the prefecture holds no record
    cursor = first["next_cursor"]
    status, _, second = invoke(event("GET", f"{LIST}?limit=2&cursor={cursor}", caller=RESULTS))
    assert [r["registration_id"] for r in second["registrations"]] == ids[2:]
    assert second["next_cursor"] is None


def test_a_record_linked_to_another_person_says_so_and_nothing_of_them(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, status=HistoricalStatus.LINKED, linked_to=OTHER)
    status, _, body = invoke(event("GET", f"{LIST}/{registration_id}", caller=RESULTS))
    assert status == 200, body
    assert body["historical"]["linked_to"] == "another_person"
    assert OTHER not in str(body)
    assert "earlier" not in str(body)  # nor the other person's registration
    [audited] = fakes.audit.events
    assert (audited.action, audited.person_id) == (
        AuditAction.INITIAL_REGISTRATION_OPENED,
        CLAIMANT,
    )


def test_another_prefectures_registrations_are_not_there(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    status, _, body = invoke(event("GET", LIST, caller=OSAKA_RESULTS))
    assert (status, body["registrations"]) == (200, [])
    status, _, _ = invoke(event("GET", f"{LIST}/{registration_id}", caller=OSAKA_RESULTS))
    assert status == 404
    status, _ = _decide(registration_id, OSAKA_RESULTS, decision="reject", reason=REASON)
    assert status == 404
    assert _stored(fakes, registration_id).status is InitialRegistrationStatus.IN_REVIEW
    status, _, _ = invoke(event("GET", f"{LIST}/13-IR-not-an-id", caller=RESULTS))
    assert status == 404


@pytest.mark.parametrize("caller", [REVIEWER, MYNAPORTAL])
def test_only_the_results_office_reviews(fakes: Fakes, caller: str) -> None:
    registration_id = _in_review(fakes)
    assert invoke(event("GET", LIST, caller=caller))[0] == 403
    assert invoke(event("GET", f"{LIST}/{registration_id}", caller=caller))[0] == 403
    assert _decide(registration_id, caller, decision="link", reason=REASON)[0] == 403
    assert invoke(event("GET", LIST))[0] == 401


# Linking


def test_linking_links_the_record_writes_the_pass_and_decides_the_registration(
    fakes: Fakes,
) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    status, body = _decide(registration_id, decision="link", reason=REASON)
    assert status == 200, body
    assert body["status"] == "linked"
    assert body["claimant"] is None
    assert body["decision"]["by"] == "staff:13:results1"
    assert (body["decision"]["decision"], body["decision"]["reason"]) == ("link", REASON)
    assert body["decision"]["replaced"] is False
    assert body["historical"]["linked_to"] == "claimant"

    record = _stored(fakes, registration_id)
    assert (record.status, record.claimant) == (InitialRegistrationStatus.LINKED, None)
    assert record.review is not None
    assert record.review.at == T0
    stored = fakes.records.historical[(TOKYO, NUMBER)]
    assert stored.status is HistoricalStatus.LINKED
    assert stored.link is not None
    assert (stored.link.qualification_pseudonym_id, stored.link.application_id) == (
        CLAIMANT,
        registration_id,
    )
    assert (stored.conflict, stored.conflict_application_id) == ((), None)
    [granted] = _person_passes(fakes, CLAIMANT)
    assert (granted.record_id, granted.kind, granted.passer_number) == (
        f"H-{NUMBER}",
        PassKind.PASS,
        NUMBER,
    )
    assert [(e.action, e.person_id) for e in fakes.records.audit] == [
        (AuditAction.INITIAL_REGISTRATION_LINKED, CLAIMANT),
        (AuditAction.HISTORICAL_PASS_LINKED, CLAIMANT),
    ]
    assert _bridge_status(registration_id)["status"] == "linked"
    assert _bridge_status(registration_id)["reasons"] == []


def test_the_same_decision_again_gets_the_same_answer_and_another_is_a_conflict(
    fakes: Fakes,
) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    first = _decide(registration_id, decision="link", reason=REASON)
    writes = fakes.records.writes
    assert _decide(registration_id, decision="link", reason=REASON) == first
    assert fakes.records.writes == writes
    for other in (
        {"decision": "link", "reason": "別の理由"},
        {"decision": "reject", "reason": REASON},
    ):
        status, problem = _decide(registration_id, **other)
        assert status == 409
        assert problem["type"].endswith("registration-decided")
    status, problem = _decide(
        registration_id, "staff:13:results2:results", decision="link", reason=REASON
    )
    assert (status, problem["type"].split(":")[-1]) == (409, "registration-decided")
    assert fakes.records.writes == writes


def test_a_record_linked_to_another_person_needs_replace_and_then_revokes_their_pass(
    fakes: Fakes,
) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, status=HistoricalStatus.LINKED, linked_to=OTHER)
    status, problem = _decide(registration_id, decision="link", reason=REASON)
    assert status == 409
    assert problem["type"].endswith("linked-to-another")
    assert _stored(fakes, registration_id).status is InitialRegistrationStatus.IN_REVIEW
    assert [p.record_id for p in _person_passes(fakes, OTHER)] == [f"H-{NUMBER}"]
    assert fakes.records.audit == []

    status, body = _decide(registration_id, decision="link", reason=REASON, replace=True)
    assert status == 200, body
    assert body["decision"]["replaced"] is True
    assert body["historical"]["linked_to"] == "claimant"
    assert OTHER not in str(body)
    assert _person_passes(fakes, OTHER) == []
    assert fakes.records.revoked == {(TOKYO, OTHER, f"H-{NUMBER}"): REASON}
    assert (TOKYO, OTHER, f"H-{NUMBER}") in fakes.records.historical_passes  # kept
    assert [p.record_id for p in _person_passes(fakes, CLAIMANT)] == [f"H-{NUMBER}"]
    link = fakes.records.historical[(TOKYO, NUMBER)].link
    assert link is not None
    assert link.qualification_pseudonym_id == CLAIMANT
    assert [(e.action, e.person_id) for e in fakes.records.audit] == [
        (AuditAction.INITIAL_REGISTRATION_LINKED, CLAIMANT),
        (AuditAction.HISTORICAL_PASS_LINKED, CLAIMANT),
        (AuditAction.PASS_REVOKED, OTHER),
    ]


def test_replace_on_a_record_of_nobody_links_without_revoking(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    status, body = _decide(registration_id, decision="link", reason=REASON, replace=True)
    assert status == 200, body
    assert body["decision"]["replaced"] is False
    assert fakes.records.revoked == {}


def test_a_record_linked_to_the_claimant_meanwhile_is_left_linked(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(
        fakes, status=HistoricalStatus.LINKED, linked_to=CLAIMANT, conflict_with=registration_id
    )
    status, body = _decide(registration_id, decision="link", reason=REASON)
    assert status == 200, body
    stored = fakes.records.historical[(TOKYO, NUMBER)]
    assert stored.link is not None
    assert stored.link.application_id == "earlier"
    assert stored.conflict_application_id is None
    assert [e.action for e in fakes.records.audit] == [AuditAction.INITIAL_REGISTRATION_LINKED]


def test_a_number_without_a_record_cannot_be_linked_but_can_be_rejected(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    status, problem = _decide(registration_id, decision="link", reason=REASON)
    assert (status, problem["type"].split(":")[-1]) == (409, "no-historical-record")
    status, body = _decide(registration_id, decision="reject", reason="該当する合格記録がない")
    assert (status, body["status"], body["historical"]) == (200, "rejected", None)


def test_a_concurrent_decision_is_a_conflict_and_nothing_is_written(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    fakes.passer_reviews(TOKYO).fail_next = True
    status, problem = _decide(registration_id, decision="link", reason=REASON)
    assert (status, problem["type"].split(":")[-1]) == (409, "concurrent-change")
    assert _stored(fakes, registration_id).status is InitialRegistrationStatus.IN_REVIEW
    assert _person_passes(fakes, CLAIMANT) == []
    assert fakes.records.audit == []


def test_a_record_changed_since_it_was_read_is_a_conflict(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fake's condition: the record must be as the decision read it."""
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    reviews = fakes.passer_reviews(TOKYO)
    read = reviews.historical

    def stale(number: str) -> StoredHistoricalPass | None:
        found = read(number)
        _historical(fakes, status=HistoricalStatus.LINKED, linked_to=OTHER)
        return found

    monkeypatch.setattr(reviews, "historical", stale)
    status, problem = _decide(registration_id, decision="link", reason=REASON)
    assert (status, problem["type"].split(":")[-1]) == (409, "concurrent-change")
    assert [p.record_id for p in _person_passes(fakes, OTHER)] == [f"H-{NUMBER}"]
    assert _person_passes(fakes, CLAIMANT) == []


# Rejecting


def test_rejecting_releases_the_records_conflict_and_answers_the_bridge(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(fakes, conflict_with=registration_id)
    status, body = _decide(registration_id, decision="reject", reason="本人確認書類と一致しない")
    assert status == 200, body
    assert (body["status"], body["claimant"]) == ("rejected", None)
    assert body["decision"]["reason"] == "本人確認書類と一致しない"
    record = _stored(fakes, registration_id)
    assert (record.status, record.claimant) == (InitialRegistrationStatus.REJECTED, None)
    stored = fakes.records.historical[(TOKYO, NUMBER)]
    assert (stored.status, stored.conflict_application_id, stored.link) == (
        HistoricalStatus.UNLINKED,
        None,
        None,
    )
    assert _person_passes(fakes, CLAIMANT) == []
    assert [(e.action, e.person_id) for e in fakes.records.audit] == [
        (AuditAction.INITIAL_REGISTRATION_REJECTED, CLAIMANT)
    ]
    answer = _bridge_status(registration_id)
    assert (answer["status"], answer["reasons"]) == ("rejected", ["historical.name_mismatch"])
    assert "本人確認書類" not in str(answer)  # staff's reason is not the bridge's


def test_rejecting_leaves_a_linked_record_linked(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    _historical(
        fakes, status=HistoricalStatus.LINKED, linked_to=OTHER, conflict_with=registration_id
    )
    assert _decide(registration_id, decision="reject", reason=REASON)[0] == 200
    stored = fakes.records.historical[(TOKYO, NUMBER)]
    assert stored.status is HistoricalStatus.LINKED
    assert stored.link is not None
    assert stored.link.qualification_pseudonym_id == OTHER
    assert stored.conflict_application_id is None
    assert [p.record_id for p in _person_passes(fakes, OTHER)] == [f"H-{NUMBER}"]


def test_rejecting_leaves_another_registrations_conflict(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    other = _in_review(fakes, "review-other", person=OTHER)
    before = _historical(fakes, conflict_with=other)
    assert _decide(registration_id, decision="reject", reason=REASON)[0] == 200
    assert fakes.records.historical[(TOKYO, NUMBER)] == before


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "link"},
        {"decision": "reject", "reason": ""},
        {"decision": "keep", "reason": REASON},
        {"decision": "reject", "reason": REASON, "note": "x"},
    ],
)
def test_a_decision_needs_a_known_decision_and_a_reason(fakes: Fakes, body: dict[str, Any]) -> None:
    registration_id = _in_review(fakes)
    status, _ = _decide(registration_id, **body)
    assert status == 422
    assert _stored(fakes, registration_id).status is InitialRegistrationStatus.IN_REVIEW


def test_a_reason_holding_a_my_number_is_refused_naming_it(fakes: Fakes) -> None:
    registration_id = _in_review(fakes)
    status, problem = _decide(registration_id, decision="reject", reason="番号 1234 5678 9018")
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["reason"]
    assert _stored(fakes, registration_id).status is InitialRegistrationStatus.IN_REVIEW


# Privacy


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Intake's log lines as its own formatter writes them."""
    from intake.telemetry import instruments

    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(instruments.logger.registered_formatter)
    logger = logging.getLogger("intake")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def test_no_name_or_birth_date_is_logged(fakes: Fakes, log: io.StringIO) -> None:
    registration_id = _in_review(fakes)
    second = _in_review(fakes, "review-0002")
    _historical(fakes, conflict_with=registration_id)
    assert invoke(event("GET", LIST, caller=RESULTS))[0] == 200
    assert invoke(event("GET", f"{LIST}/{registration_id}", caller=RESULTS))[0] == 200
    assert _decide(registration_id, decision="link", reason=REASON)[0] == 200
    assert _decide(second, decision="reject", reason=REASON)[0] == 200
    assert _decide(second, decision="link", reason=REASON)[0] == 409
    logged = log.getvalue()
    assert "initial registration reviewed" in logged
    for value in (CLAIMANT_NAME, RECORD_NAME, "すずき", "1975-05-05", REASON):
        assert value not in logged
