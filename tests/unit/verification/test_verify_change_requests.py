"""Verify's half of a person's signed change request (R9), over in-memory ports: the
signature and the certificate exactly as an application's, the number the signer's, the
person found in the vault (never enrolled) and linked to the Mynaportal account, the
examinee on the prefecture's roster; then a proposal (source ``mynaportal_request``) with
its audit entry in the request's write, or a refusal with reason codes only; every version
of the raw parts deleted once verification ends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.unit.signatures.builders import sign_cms
from tests.unit.verification.conftest import HANAKO, STRANGER, TARO, TOKYO, Person, World
from tests.unit.verification.signed_requests import (
    MYNAPORTAL,
    SignedBridge,
    account_of,
    arrived,
    handled,
)
from tests.unit.verification.test_verify_handler import record

from kentei import messages
from kentei.change_requests import (
    ChangeRequest,
    ChangeRequestStatus,
    request_id_for,
)
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.change_requests import RequestDecidedError, StoredChangeRequest
from kentei.data.roster import StoredExaminee
from kentei.my_number import MyNumber
from kentei.roster.changes import ChangeSource, Proposal
from kentei.roster.registration import examinee_of
from kentei.signatures import NoRevocationSource
from kentei.submissions import ApplicationForm
from kentei_local.probes import my_numbers_in
from kentei_local.testpki import Issued
from verify.change_requests import ChangeRequestOutcome, verify_change_request
from verify.reasons import RetryLaterError

NEW_ADDRESS = "東京都千代田区見本町九丁目8番7号"
REGISTERED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class ChangeRequests:
    """A prefecture's change requests and the proposals they became, each decision one write
    conditional on the request still received, as the data layer's."""

    audit: list[AuditEvent] = field(default_factory=list)
    items: dict[str, StoredChangeRequest] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)

    def request(self, request_id: str) -> StoredChangeRequest | None:
        return self.items.get(request_id)

    def _decide(self, stored: StoredChangeRequest, decided: ChangeRequest) -> None:
        current = self.items[decided.request_id]
        if current.record.status is not ChangeRequestStatus.RECEIVED:
            raise RequestDecidedError("decided meanwhile")
        # Stored as JSON, as the table does.
        reloaded = ChangeRequest.model_validate_json(decided.model_dump_json())
        self.items[decided.request_id] = StoredChangeRequest(reloaded, stored.request_fingerprint)

    def propose_from(
        self,
        stored: StoredChangeRequest,
        proposed: ChangeRequest,
        proposal: Proposal,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        self._decide(stored, proposed)
        self.proposals[proposal.proposal_id] = Proposal.model_validate_json(
            proposal.model_dump_json()
        )
        self.audit.extend(audit)

    def refuse(
        self, stored: StoredChangeRequest, refused: ChangeRequest, audit: Sequence[AuditEvent] = ()
    ) -> None:
        self._decide(stored, refused)
        self.audit.extend(audit)


@dataclass
class Roster:
    examinees: dict[str, StoredExaminee] = field(default_factory=dict)

    def examinee(self, qualification_pseudonym_id: str) -> StoredExaminee | None:
        return self.examinees.get(qualification_pseudonym_id)


@dataclass
class Bridge(SignedBridge):
    """The world of the application tests, with change requests and a roster."""

    requests: ChangeRequests = field(default_factory=ChangeRequests)
    roster: Roster = field(default_factory=Roster)

    def stores(self) -> dict[str, Any]:
        return {"change_requests": lambda _: self.requests, "roster": lambda _: self.roster}

    def on_roster(self, person: Person, account: str | None = None) -> str:
        """The person in the vault (their first application enrolled them), linked to their
        Mynaportal account, and on Tokyo's roster; their 資格仮名ID."""
        entry = self.world.vault.enrol(MyNumber(person.my_number))
        pseudonym = entry.qualification_pseudonym_id
        self.world.links.link_mynaportal(pseudonym, account or account_of(person))
        form = ApplicationForm.model_validate(person.form(phone="03-1111-2222"))
        examinee = examinee_of(form.to_applicant(f"{TOKYO}-{'0' * 26}"))
        self.roster.examinees[pseudonym] = StoredExaminee(
            pseudonym, examinee, frozenset(), REGISTERED, REGISTERED
        )
        return pseudonym

    def send(
        self,
        person: Person,
        items: dict[str, Any] | None = None,
        *,
        card: Issued | None = None,
        account: str | None = None,
        my_number: str | None = None,
        signed_over: bytes | None = None,
        signature: bytes | None = None,
    ) -> str:
        """A change request of ``person`` as intake stores it: the record (ids only) and the
        raw parts in the inbox."""
        request_id = request_id_for(TOKYO, MYNAPORTAL, self.new_key())
        document = change_document(
            account or account_of(person),
            my_number or person.my_number,
            items or {"address": NEW_ADDRESS},
        )
        signature = signature or sign_cms(
            signed_over or document, card or self.world.card(person), None
        )
        self.requests.items[request_id] = StoredChangeRequest(
            ChangeRequest.model_validate(arrived(self.world, request_id, document, signature)),
            "fp",
        )
        return request_id

    def verify(self, request_id: str) -> ChangeRequestOutcome:
        message = messages.ChangeRequestReceived(request_id=request_id, prefecture_code=TOKYO)
        return verify_change_request(message, self.dependencies(), "test-request")

    def record(self, request_id: str) -> ChangeRequest:
        return self.requests.items[request_id].record


def change_document(account: str, my_number: str, items: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "mynaportal_pseudonym_id": account,
            "my_number": my_number,
            "prefecture_code": TOKYO,
            "items": items,
        },
        ensure_ascii=False,
    ).encode()


@pytest.fixture
def bridge(world: World) -> Bridge:
    return Bridge(world)


def test_a_signed_request_of_an_examinee_becomes_a_proposal_audited_in_its_write(
    bridge: Bridge,
) -> None:
    person = bridge.on_roster(TARO)
    request_id = bridge.send(TARO, {"address": NEW_ADDRESS, "phone": None})

    outcome = bridge.verify(request_id)

    assert outcome.status is ChangeRequestStatus.PROPOSED
    record = bridge.record(request_id)
    assert record.status is ChangeRequestStatus.PROPOSED
    assert record.proposal_id == outcome.proposal_id
    assert record.verified_at is not None
    proposal = bridge.requests.proposals[str(record.proposal_id)]
    assert (proposal.source, proposal.request_id) == (ChangeSource.MYNAPORTAL_REQUEST, request_id)
    assert (proposal.entered_by, proposal.identity_confirmation) == (None, None)
    assert proposal.qualification_pseudonym_id == person
    assert proposal.basis == REGISTERED
    changed = {c.field: (c.before, c.after) for c in proposal.changes}
    assert changed == {"address": (TARO.address, NEW_ADDRESS), "phone": ("03-1111-2222", None)}
    (event,) = bridge.requests.audit
    assert (event.action, event.record_id, event.person_id, event.actor) == (
        AuditAction.EXAMINEE_CHANGE_PROPOSED,
        proposal.proposal_id,
        person,
        "verify",
    )
    assert bridge.world.inbox.names(request_id) == set()
    assert my_numbers_in(record.model_dump_json()) == []


def test_the_vault_is_looked_up_never_enrolled(bridge: Bridge) -> None:
    request_id = bridge.send(TARO)

    outcome = bridge.verify(request_id)

    assert outcome.reasons == ("examinee-unknown",)
    assert bridge.world.vault.find(MyNumber(TARO.my_number)) is None
    assert bridge.world.inbox.names(request_id) == set()


def test_a_person_in_the_vault_but_not_on_the_prefectures_roster_is_unknown(
    bridge: Bridge,
) -> None:
    pseudonym = bridge.on_roster(TARO)
    del bridge.roster.examinees[pseudonym]

    assert bridge.verify(bridge.send(TARO)).reasons == ("examinee-unknown",)


def test_a_pseudonym_not_linked_to_the_person_is_not_the_person(bridge: Bridge) -> None:
    bridge.on_roster(TARO)
    bridge.on_roster(HANAKO)
    unlinked = bridge.send(TARO, account="mp-account-never-linked")
    hanakos = bridge.send(TARO, account=account_of(HANAKO))

    assert bridge.verify(unlinked).reasons == ("signer-not-person",)
    assert bridge.verify(hanakos).reasons == ("signer-not-person",)
    assert not bridge.requests.proposals


@pytest.mark.parametrize("tamper", ["changed after signing", "another card"])
def test_a_bad_signature_is_refused_with_an_applications_code(bridge: Bridge, tamper: str) -> None:
    bridge.on_roster(TARO)
    if tamper == "changed after signing":
        signed = change_document(account_of(TARO), TARO.my_number, {"address": "元の住所"})
        request_id = bridge.send(TARO, signed_over=signed)
        expected = "signature.digest_mismatch"
    else:
        # HANAKO signs TARO's number: the number is not the signer's, whoever asks.
        request_id = bridge.send(TARO, card=bridge.world.card(HANAKO))
        expected = "registry.not_confirmed"

    outcome = bridge.verify(request_id)

    assert (outcome.status, outcome.reasons) == (ChangeRequestStatus.REFUSED, (expected,))
    record = bridge.record(request_id)
    assert (record.status, record.reasons, record.proposal_id) == (
        ChangeRequestStatus.REFUSED,
        (expected,),
        None,
    )
    (event,) = bridge.requests.audit
    assert (event.action, event.record_id, event.person_id) == (
        AuditAction.CHANGE_REQUEST_REFUSED,
        request_id,
        None,
    )
    assert bridge.world.inbox.names(request_id) == set()


def test_a_stranger_is_not_confirmed_by_the_registry(bridge: Bridge) -> None:
    assert bridge.verify(bridge.send(STRANGER)).reasons == ("registry.not_confirmed",)


def test_a_signed_document_is_single_use(bridge: Bridge) -> None:
    bridge.on_roster(TARO)
    first = bridge.send(TARO)
    document = bridge.world.inbox.get(first, "document.json")
    signature = bridge.world.inbox.get(first, "signature.p7s")
    assert document is not None
    assert signature is not None
    replayed = bridge.send(TARO, signature=signature)

    assert bridge.verify(first).status is ChangeRequestStatus.PROPOSED
    assert bridge.verify(replayed).reasons == ("submission.replayed",)


def test_items_that_hold_their_values_already_change_nothing(bridge: Bridge) -> None:
    bridge.on_roster(TARO)
    request_id = bridge.send(TARO, {"address": TARO.address})

    assert bridge.verify(request_id).reasons == ("nothing-to-change",)


def test_a_redelivered_message_changes_nothing_and_deletes_the_parts_again(
    bridge: Bridge,
) -> None:
    bridge.on_roster(TARO)
    request_id = bridge.send(TARO)
    first = bridge.verify(request_id)
    bridge.world.inbox.put(request_id, "document.json", b"a version a crash left")

    again = bridge.verify(request_id)

    assert again.already_handled
    assert again.proposal_id == first.proposal_id
    assert len(bridge.requests.proposals) == 1
    assert len(bridge.requests.audit) == 1
    assert bridge.world.inbox.names(request_id) == set()


def test_without_revocation_data_it_is_retried_and_the_parts_stay(bridge: Bridge) -> None:
    bridge.on_roster(TARO)
    bridge.world.revocation = NoRevocationSource()
    request_id = bridge.send(TARO)

    with pytest.raises(RetryLaterError):
        bridge.verify(request_id)

    assert bridge.record(request_id).status is ChangeRequestStatus.RECEIVED
    assert bridge.world.inbox.names(request_id) == {"document.json", "signature.p7s"}


def test_the_handler_routes_the_kind_and_an_invalid_body_fails_for_the_dlq(
    bridge: Bridge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bridge.on_roster(TARO)
    proposed, unknown = bridge.send(TARO), bridge.send(HANAKO)
    valid = [
        messages.encode(messages.ChangeRequestReceived(request_id=r, prefecture_code=TOKYO))
        for r in (proposed, unknown)
    ]
    invalid = json.dumps(
        {"kind": "change_request_received", "request_id": proposed, "prefecture_code": "27"}
    )
    missing = messages.encode(
        messages.ChangeRequestReceived(
            request_id=request_id_for(TOKYO, MYNAPORTAL, "never-stored"),
            prefecture_code=TOKYO,
        )
    )
    records = [
        record("proposed", valid[0]),
        record("unknown", valid[1]),
        record("invalid", invalid),
        record("missing", missing),
    ]

    response, text = handled(bridge.dependencies, records, monkeypatch, caplog)

    assert response == {
        "batchItemFailures": [{"itemIdentifier": "invalid"}, {"itemIdentifier": "missing"}]
    }
    assert bridge.record(proposed).status is ChangeRequestStatus.PROPOSED
    assert bridge.record(unknown).reasons == ("examinee-unknown",)
    assert "change request proposed" in text
    assert "examinee-unknown" in text
    assert NEW_ADDRESS not in text
