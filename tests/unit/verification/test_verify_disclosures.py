"""Verify's sealing of a granted disclosure (:mod:`verify.disclosures`) on in-memory ports: the
copy opens with the passphrase kept on the request and holds the person's records, their
trail and, in their own copy only, the My Number from the vault; a redelivered message seals
nothing twice; a request that is not a granted disclosure of that person gets nothing."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import pytest
from tests.unit.verification.test_verify_handler import logged, record

from kentei import messages
from kentei.applications.model import IdentityConfirmation
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.disclosures.record import DisclosureCopy, copy_key
from kentei.disclosures.sealing import open_sealed
from kentei.messages import DisclosureDue
from kentei.my_number import MyNumber
from kentei.person_requests.model import Decision, PersonRequest, Requester, received
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import StoredItem
from kentei.vault.memory import InMemoryVault
from kentei_local.context import LocalContext
from kentei_local.probes import my_numbers_in
from verify import dependencies, handler
from verify.disclosures import DisclosurePorts, SealOutcome, seal_disclosure

AT: Final = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NUMBER: Final = "123456789018"
OTHER_NUMBER: Final = "987654321093"
BY: Final = "staff:13:privacy1"


@dataclass
class Requests:
    stored: dict[str, PersonRequest] = field(default_factory=dict)
    copies: dict[str, DisclosureCopy] = field(default_factory=dict)
    passphrases: dict[str, str] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def request(self, request_id: str) -> PersonRequest | None:
        return self.stored.get(request_id)

    def disclosure(self, request_id: str) -> DisclosureCopy | None:
        return self.copies.get(request_id)

    def record_disclosure(
        self, copy: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        if copy.request_id in self.copies:
            return False
        self.copies[copy.request_id] = copy
        self.passphrases[copy.request_id] = passphrase
        self.audit.extend(audit)
        return True


@dataclass
class Partition:
    items: list[StoredItem]

    def items_of(self, kind_of: Callable[[str], RecordKind]) -> Iterator[StoredItem]:
        return iter(self.items)


class _Items:
    def __init__(self, partition: Partition) -> None:
        self._partition = partition

    def items(self, kind_of: Callable[[str], RecordKind]) -> Iterator[StoredItem]:
        return self._partition.items_of(kind_of)


@dataclass
class Trail:
    events: list[AuditEvent] = field(default_factory=list)
    asked: list[tuple[str, str, datetime, datetime]] = field(default_factory=list)

    def about_person(
        self, prefecture_code: str, person_id: str, since: datetime, until: datetime
    ) -> list[AuditEvent]:
        self.asked.append((prefecture_code, person_id, since, until))
        return [
            e
            for e in self.events
            if e.prefecture_code == prefecture_code
            and e.person_id == person_id
            and since <= e.at <= until
        ]


@dataclass
class Copies:
    put_calls: dict[str, list[bytes]] = field(default_factory=dict)

    def put(self, key: str, sealed: bytes) -> None:
        self.put_calls.setdefault(key, []).append(sealed)


@dataclass
class World:
    vault: InMemoryVault = field(default_factory=InMemoryVault)
    requests: dict[str, Requests] = field(default_factory=lambda: {"13": Requests()})
    partitions: dict[str, Partition] = field(default_factory=dict)
    trail: Trail = field(default_factory=Trail)
    copies: Copies = field(default_factory=Copies)

    def ports(self) -> DisclosurePorts:
        return DisclosurePorts(
            requests=self.requests.__getitem__,
            partition=lambda code: _Items(self.partitions[code]),
            trail=self.trail,
            vault=self.vault,
            copies=self.copies,
            kind_of=lambda key: RecordKind.EXAMINEE,
            clock=lambda: AT,
        )


def _granted(
    person: str,
    kind: RequestKind = RequestKind.DISCLOSURE,
    decision: Decision = Decision.GRANTED,
    requester: Requester = Requester.PERSON,
) -> PersonRequest:
    request = received(
        prefecture_code="13",
        person=person,
        kind=kind,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by=BY,
        at=AT - timedelta(days=3),
        procedure=procedures().of("13", kind),
        requester=requester,
    )
    return request.decided(decision, BY, AT - timedelta(days=1), "開示する")


def _world() -> tuple[World, str, str]:
    world = World()
    a = world.vault.enrol(MyNumber(NUMBER)).qualification_pseudonym_id
    b = world.vault.enrol(MyNumber(OTHER_NUMBER)).qualification_pseudonym_id
    world.partitions["13"] = Partition(
        [
            StoredItem(f"EXAMINEE#{a}", RecordKind.EXAMINEE, {"qualification_pseudonym_id": a}),
            StoredItem(
                f"SITTING#{a}#13-X",
                RecordKind.SITTING,
                {"qualification_pseudonym_id": a, "accepted_at": "2026-05-01T00:00:00+00:00"},
            ),
            StoredItem(f"EXAMINEE#{b}", RecordKind.EXAMINEE, {"qualification_pseudonym_id": b}),
        ]
    )
    for person, at in ((a, AT - timedelta(days=30)), (b, AT - timedelta(days=2))):
        world.trail.events.append(
            AuditEvent(
                actor="staff:13:reviewer1",
                action=AuditAction.APPLICATION_OPENED,
                record_type="application",
                record_id="13-X",
                prefecture_code="13",
                request_id="req-1",
                at=at,
                outcome=AuditOutcome.ALLOWED,
                person_id=person,
            )
        )
    return world, a, b


def _message(request: PersonRequest) -> DisclosureDue:
    return DisclosureDue(
        prefecture_code=request.prefecture_code,
        request_id=request.request_id,
        qualification_pseudonym_id=request.qualification_pseudonym_id,
        requester=request.requester.value,
    )


def _opened(world: World, request: PersonRequest) -> dict[str, Any]:
    store = world.requests["13"]
    copy = store.copies[request.request_id]
    (sealed,) = world.copies.put_calls[copy.object_key]
    assert hashlib.sha256(sealed).hexdigest() == copy.sha256
    document: dict[str, Any] = json.loads(
        open_sealed(sealed, store.passphrases[request.request_id])
    )
    return document


def test_a_granted_disclosure_is_sealed_with_the_persons_records_trail_and_number() -> None:
    world, a, b = _world()
    request = _granted(a)
    world.requests["13"].stored[request.request_id] = request

    sealed = seal_disclosure(_message(request), world.ports(), "lambda-1")

    assert sealed.outcome is SealOutcome.SEALED
    document = _opened(world, request)
    sections = document["sections"]
    assert [e["record_key"] for e in sections["examinee"]] == [f"EXAMINEE#{a}"]
    assert [e["record_key"] for e in sections["sitting"]] == [f"SITTING#{a}#13-X"]
    assert len(sections["audit_trail"]) == 1
    assert sections["my_number"] == {"held": True, "my_number": NUMBER}
    text = json.dumps(document)
    assert b not in text
    assert OTHER_NUMBER not in text
    copy = world.requests["13"].copies[request.request_id]
    assert copy.object_key == copy_key("13", request.request_id)
    assert copy.counts == {"examinee": 1, "sitting": 1, "audit_trail": 1}
    assert NUMBER not in copy.model_dump_json()
    (event,) = world.requests["13"].audit
    assert (event.action, event.actor, event.person_id, event.request_id) == (
        AuditAction.DISCLOSURE_SEALED,
        "verify",
        a,
        "lambda-1",
    )
    # The trail was read from the earliest instant the records name (less a day's margin).
    ((_, person, since, until),) = world.trail.asked
    assert (person, since, until) == (a, datetime(2026, 4, 30, tzinfo=UTC), AT)


def test_a_representatives_copy_holds_no_my_number_and_the_vault_is_not_read() -> None:
    world, a, _ = _world()
    request = _granted(a, requester=Requester.REPRESENTATIVE)
    world.requests["13"].stored[request.request_id] = request
    reveals = world.vault.kms_requests.total

    seal_disclosure(_message(request), world.ports(), "lambda-1")

    document = _opened(world, request)
    assert "my_number" not in document["sections"]
    assert NUMBER not in json.dumps(document)
    assert world.vault.kms_requests.total == reveals


def test_a_redelivered_message_seals_nothing_twice() -> None:
    world, a, _ = _world()
    request = _granted(a)
    world.requests["13"].stored[request.request_id] = request
    seal_disclosure(_message(request), world.ports(), "lambda-1")
    passphrase = world.requests["13"].passphrases[request.request_id]

    again = seal_disclosure(_message(request), world.ports(), "lambda-2")

    assert again.outcome is SealOutcome.ALREADY_SEALED
    assert sum(len(v) for v in world.copies.put_calls.values()) == 1
    assert world.requests["13"].passphrases[request.request_id] == passphrase


@pytest.mark.parametrize(
    "change",
    [
        {"kind": RequestKind.CORRECTION},
        {"decision": Decision.REFUSED},
        {"other_person": True},
        {"requester": Requester.REPRESENTATIVE},
    ],
    ids=["correction", "refused", "another-person", "another-addressee"],
)
def test_a_request_that_is_not_a_granted_disclosure_of_the_person_gets_nothing(
    change: dict[str, Any],
) -> None:
    world, a, b = _world()
    kind = change.get("kind", RequestKind.DISCLOSURE)
    request = _granted(a, kind=kind, decision=change.get("decision", Decision.GRANTED))
    world.requests["13"].stored[request.request_id] = request
    message = _message(request)
    if change.get("other_person"):
        message = message.model_copy(update={"qualification_pseudonym_id": b})
    if "requester" in change:
        message = message.model_copy(update={"requester": change["requester"].value})

    assert seal_disclosure(message, world.ports(), "l").outcome is SealOutcome.NOT_DUE
    assert world.copies.put_calls == {}
    assert world.requests["13"].copies == {}


def test_the_handler_routes_a_disclosure_and_an_invalid_one_fails_for_the_dlq(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    caplog.set_level(logging.INFO)
    world, a, _ = _world()
    request = _granted(a)
    world.requests["13"].stored[request.request_id] = request
    monkeypatch.setattr(dependencies, "disclosure_ports", world.ports)
    valid = messages.encode(_message(request))
    # An extra field (a number where none may travel) is refused by the model: the DLQ.
    invalid = json.dumps(
        {**json.loads(valid), "my_number": NUMBER},
    )
    event = {"Records": [record("valid", valid), record("invalid", invalid)]}

    response = handler.handler(event, LocalContext.for_function("verify"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "invalid"}]}
    assert request.request_id in world.requests["13"].copies
    text = logged(caplog)
    assert '"outcome": "sealed"' in text
    assert my_numbers_in(text) == []
    assert world.requests["13"].passphrases[request.request_id] not in text
