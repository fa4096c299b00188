"""Verify's half of a person's initial registration (R17), over in-memory ports: the
signature and the number as a change request's, the person enrolled (a first contact) and
their Mynaportal account linked, then the claim settled against the prefecture's historical
record: linked with its pass record, or in review naming the failed checks; a refusal with
its reason code; the raw parts deleted once verification ends; an invalid message to the DLQ."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.unit.signatures.builders import sign_cms
from tests.unit.verification.conftest import STRANGER, TARO, TOKYO, Person, World
from tests.unit.verification.signed_requests import (
    MYNAPORTAL,
    SignedBridge,
    account_of,
    arrived,
    handled,
)
from tests.unit.verification.test_verify_handler import record

from kentei import messages
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.initial_registrations import RegistrationDecidedError, StoredInitialRegistration
from kentei.exemptions.model import PassRecord
from kentei.initial_registrations import (
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
)
from kentei.my_number import MyNumber
from kentei.records.codes import Grade, Term
from kentei.results.historical.model import (
    HistoricalPass,
    HistoricalStatus,
    Link,
    PasserItems,
    StoredHistoricalPass,
)
from kentei_local.probes import my_numbers_in
from verify.initial_registrations import InitialRegistrationOutcome, verify_initial_registration

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
NUMBER = "13-2-000123"


def past_pass(person: Person, number: str = NUMBER) -> StoredHistoricalPass:
    return StoredHistoricalPass(
        record=HistoricalPass(
            prefecture_code=TOKYO,
            passer_number=number,
            grade=Grade.SECOND,
            trade_code="0101",
            work_code="010101",
            pass_fiscal_year=2001,
            term=Term.FIRST,
            passed_on=dt.date(2001, 8, 31),
            person=PasserItems(name=person.name, birth_date=person.birth_date),
        ),
        status=HistoricalStatus.UNLINKED,
        imported_at=AT,
        imported_by="operator:test",
    )


@dataclass
class Historical:
    """A prefecture's historical records, each write conditional on the status as read."""

    items: dict[str, StoredHistoricalPass] = field(default_factory=dict)
    passes: list[PassRecord] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    prefecture_code: str = TOKYO

    def get(self, passer_number: str) -> StoredHistoricalPass | None:
        return self.items.get(passer_number)

    def link(
        self,
        current: StoredHistoricalPass,
        link: Link,
        pass_record: PassRecord,
        at: dt.datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass:
        linked = current.model_copy(update={"status": HistoricalStatus.LINKED, "link": link})
        self.items[current.record.passer_number] = linked
        self.passes.append(pass_record)
        self.audit.extend(audit)
        return linked

    def mark_in_conflict(
        self,
        current: StoredHistoricalPass,
        application_id: str,
        failures: Sequence[str],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass:
        marked = current.model_copy(
            update={
                "status": HistoricalStatus.IN_CONFLICT,
                "conflict": tuple(failures),
                "conflict_application_id": application_id,
            }
        )
        self.items[current.record.passer_number] = marked
        self.audit.extend(audit)
        return marked


@dataclass
class Registrations:
    items: dict[str, StoredInitialRegistration] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def registration(self, request_id: str) -> StoredInitialRegistration | None:
        return self.items.get(request_id)

    def decide(
        self,
        stored: StoredInitialRegistration,
        decided: InitialRegistrationRequest,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        if self.items[decided.request_id].record.status is not InitialRegistrationStatus.RECEIVED:
            raise RegistrationDecidedError("decided meanwhile")
        reloaded = InitialRegistrationRequest.model_validate_json(decided.model_dump_json())
        self.items[decided.request_id] = StoredInitialRegistration(
            reloaded, stored.request_fingerprint
        )
        self.audit.extend(audit)


@dataclass
class Bridge(SignedBridge):
    registrations: Registrations = field(default_factory=Registrations)
    historical: Historical = field(default_factory=Historical)

    def stores(self) -> dict[str, Any]:
        return {
            "initial_registrations": lambda _: self.registrations,
            "historical": lambda _: self.historical,
        }

    def send(
        self, person: Person, number: str = NUMBER, *, signed_over: bytes | None = None
    ) -> str:
        registration_id = initial_registration_id_for(TOKYO, MYNAPORTAL, self.new_key())
        document = json.dumps(
            {
                "mynaportal_pseudonym_id": account_of(person),
                "my_number": person.my_number,
                "prefecture_code": TOKYO,
                "passer_number": number,
            }
        ).encode()
        signature = sign_cms(signed_over or document, self.world.card(person), None)
        record = arrived(self.world, registration_id, document, signature)
        self.registrations.items[registration_id] = StoredInitialRegistration(
            InitialRegistrationRequest.model_validate(record), "fp"
        )
        return registration_id

    def verify(self, registration_id: str) -> InitialRegistrationOutcome:
        message = messages.InitialRegistrationReceived(
            request_id=registration_id, prefecture_code=TOKYO
        )
        return verify_initial_registration(message, self.dependencies(), "test-request")

    def record(self, registration_id: str) -> InitialRegistrationRequest:
        return self.registrations.items[registration_id].record


@pytest.fixture
def bridge(world: World) -> Bridge:
    return Bridge(world)


def test_a_first_contact_is_enrolled_linked_and_its_past_pass_recorded(bridge: Bridge) -> None:
    bridge.historical.items[NUMBER] = past_pass(TARO)
    registration_id = bridge.send(TARO)

    outcome = bridge.verify(registration_id)

    assert outcome.status is InitialRegistrationStatus.LINKED
    entry = bridge.world.vault.find(MyNumber(TARO.my_number))
    assert entry is not None
    pseudonym = entry.qualification_pseudonym_id
    assert bridge.world.links.qualification_for(account_of(TARO)) == pseudonym
    record = bridge.record(registration_id)
    assert (record.qualification_pseudonym_id, record.passer_number) == (pseudonym, NUMBER)
    assert [p.record_id for p in bridge.historical.passes] == [f"H-{NUMBER}"]
    assert bridge.historical.passes[0].qualification_pseudonym_id == pseudonym
    assert [e.action for e in bridge.historical.audit] == [AuditAction.HISTORICAL_PASS_LINKED]
    (decided,) = bridge.registrations.audit
    assert (decided.action, decided.person_id) == (
        AuditAction.INITIAL_REGISTRATION_DECIDED,
        pseudonym,
    )
    assert bridge.world.inbox.names(registration_id) == set()
    assert my_numbers_in(record.model_dump_json()) == []
    assert record.claimant is None  # a linked registration keeps no name


def test_a_mismatch_goes_to_staff_naming_the_check(bridge: Bridge) -> None:
    stored = past_pass(TARO)
    other = stored.record.person.model_copy(update={"birth_date": dt.date(1950, 1, 1)})
    bridge.historical.items[NUMBER] = stored.model_copy(
        update={"record": stored.record.model_copy(update={"person": other})}
    )
    registration_id = bridge.send(TARO)

    outcome = bridge.verify(registration_id)

    assert outcome.status is InitialRegistrationStatus.IN_REVIEW
    assert outcome.reasons == ("historical.birth_date_mismatch",)
    assert bridge.historical.items[NUMBER].status is HistoricalStatus.IN_CONFLICT
    assert bridge.historical.passes == []
    assert bridge.world.inbox.names(registration_id) == set()
    # For staff to compare: the certificate's name and birth date, on the registration only.
    claimant = bridge.record(registration_id).claimant
    assert claimant is not None
    assert (claimant.name, claimant.birth_date) == (TARO.name, TARO.birth_date)
    assert TARO.name not in repr(bridge.record(registration_id))
    assert TARO.name not in repr(outcome)


def test_a_number_no_record_holds_is_in_review(bridge: Bridge) -> None:
    outcome = bridge.verify(bridge.send(TARO))
    assert outcome.status is InitialRegistrationStatus.IN_REVIEW
    assert outcome.reasons == ("historical.not_found",)


def test_a_stranger_is_refused_and_never_enrolled(bridge: Bridge) -> None:
    bridge.historical.items[NUMBER] = past_pass(STRANGER)
    registration_id = bridge.send(STRANGER)

    outcome = bridge.verify(registration_id)

    assert outcome.status is InitialRegistrationStatus.REFUSED
    assert outcome.reasons == ("registry.not_confirmed",)
    assert bridge.world.vault.find(MyNumber(STRANGER.my_number)) is None
    assert bridge.historical.items[NUMBER].status is HistoricalStatus.UNLINKED
    assert bridge.world.inbox.names(registration_id) == set()


def test_a_signature_over_other_bytes_is_refused(bridge: Bridge) -> None:
    outcome = bridge.verify(bridge.send(TARO, signed_over=b"{}"))
    assert outcome.status is InitialRegistrationStatus.REFUSED
    assert outcome.reasons
    assert bridge.historical.passes == []


def test_a_redelivered_message_changes_nothing(bridge: Bridge) -> None:
    bridge.historical.items[NUMBER] = past_pass(TARO)
    registration_id = bridge.send(TARO)
    bridge.verify(registration_id)

    again = bridge.verify(registration_id)

    assert again.already_handled
    assert len(bridge.historical.passes) == 1
    assert len(bridge.registrations.audit) == 1


def test_the_handler_routes_the_kind_and_an_invalid_body_fails_for_the_dlq(
    bridge: Bridge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bridge.historical.items[NUMBER] = past_pass(TARO)
    linked = bridge.send(TARO)
    valid = messages.encode(
        messages.InitialRegistrationReceived(request_id=linked, prefecture_code=TOKYO)
    )
    invalid = json.dumps(
        {"kind": "initial_registration_received", "request_id": linked, "prefecture_code": "27"}
    )
    missing = messages.encode(
        messages.InitialRegistrationReceived(
            request_id=initial_registration_id_for(TOKYO, MYNAPORTAL, "never-stored"),
            prefecture_code=TOKYO,
        )
    )
    records = [record("linked", valid), record("invalid", invalid), record("missing", missing)]

    response, text = handled(bridge.dependencies, records, monkeypatch, caplog)

    assert response == {
        "batchItemFailures": [{"itemIdentifier": "invalid"}, {"itemIdentifier": "missing"}]
    }
    assert bridge.record(linked).status is InitialRegistrationStatus.LINKED
    assert "initial registration linked" in text
    assert NUMBER not in text
