"""The retention job's release of a vault entry (:mod:`verify.vault_release`): the entry and
the person's links go only when no prefecture needs them and the entry's period has ended."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import pytest

from kentei.messages import VaultEntryRelease
from kentei.my_number import MyNumber
from kentei.retention.schedule import load_retention_schedule
from kentei.vault.links import InMemoryPseudonymLinks
from kentei.vault.memory import InMemoryVault
from verify.vault_release import ReleaseOutcome, ReleasePorts, release_vault_entry

SCHEDULED: Final = datetime(2026, 12, 6, 16, 20, tzinfo=UTC)
LONG_AGO: Final = datetime(2019, 6, 3, tzinfo=UTC)
NUMBER: Final = "123456789018"


@dataclass
class Records:
    persons: set[str] = field(default_factory=set)

    def holds_person(self, qualification_pseudonym_id: str) -> bool:
        return qualification_pseudonym_id in self.persons


@dataclass
class World:
    vault: InMemoryVault = field(default_factory=InMemoryVault)
    links: InMemoryPseudonymLinks = field(default_factory=InMemoryPseudonymLinks)
    records: dict[str, Records] = field(default_factory=lambda: {"13": Records(), "27": Records()})

    def ports(self) -> ReleasePorts:
        return ReleasePorts(
            records=self.records.__getitem__,
            prefectures=tuple(self.records),
            vault=self.vault,
            links=self.links,
            schedule=load_retention_schedule,
        )


def _enrolled(world: World) -> str:
    person = world.vault.enrol(MyNumber(NUMBER)).qualification_pseudonym_id
    world.links.link_mynaportal(person, "mp-" + "a" * 20)
    return person


def _release(person: str, last_activity: datetime = LONG_AGO) -> VaultEntryRelease:
    return VaultEntryRelease(
        qualification_pseudonym_id=person,
        last_activity=last_activity,
        scheduled_at=SCHEDULED,
        run_id="20261206T162000Z",
    )


def test_given_no_prefecture_needs_the_person_then_the_entry_and_links_go() -> None:
    world = World()
    person = _enrolled(world)

    released = release_vault_entry(_release(person), world.ports())

    assert released.outcome is ReleaseOutcome.RELEASED
    assert released.links == 2
    assert len(world.vault) == 0
    assert world.links.mynaportal_for(person) is None
    assert release_vault_entry(_release(person), world.ports()).outcome is ReleaseOutcome.ABSENT


def test_given_another_prefecture_holds_a_record_of_the_person_then_the_entry_stays() -> None:
    world = World()
    person = _enrolled(world)
    world.records["27"].persons.add(person)

    released = release_vault_entry(_release(person), world.ports())

    assert released.outcome is ReleaseOutcome.NEEDED
    assert len(world.vault) == 1
    assert world.links.mynaportal_for(person) is not None


def test_given_recent_activity_then_the_entry_is_not_due_and_stays() -> None:
    world = World()
    person = _enrolled(world)
    # One fiscal year from activity in fiscal 2026 ends on 2028-03-31.
    recent = datetime(2026, 5, 1, tzinfo=UTC)

    released = release_vault_entry(_release(person, recent), world.ports())

    assert released.outcome is ReleaseOutcome.NOT_DUE
    assert len(world.vault) == 1


def test_a_release_message_is_routed_and_an_invalid_one_fails_for_the_dlq(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kentei import messages
    from kentei_local.context import LocalContext
    from verify import dependencies, handler

    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    world = World()
    person = _enrolled(world)
    monkeypatch.setattr(dependencies, "release_ports", world.ports)
    valid = messages.encode(_release(person))
    invalid = json.dumps({"kind": "vault_entry_release", "qualification_pseudonym_id": person})
    event = {
        "Records": [
            {
                "messageId": name,
                "receiptHandle": f"rh-{name}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-verify",
            }
            for name, body in (("valid", valid), ("invalid", invalid))
        ]
    }

    response = handler.handler(event, LocalContext.for_function("verify"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "invalid"}]}
    assert len(world.vault) == 0
