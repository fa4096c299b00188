"""The copy's assembly (:func:`kentei.disclosures.document.assemble`): every item of the
person's in the partition, grouped by kind, their audit trail, and their My Number only in
their own copy; nothing that names anyone else (a batch item is left out with a note that
names neither it nor them), never a passphrase."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import pytest

from kentei.disclosures.document import (
    AUDIT_SECTION,
    MY_NUMBER_SECTION,
    AccessEntry,
    assemble,
    earliest_instant,
)
from kentei.person_requests.model import Requester
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import StoredItem

A: Final = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
B: Final = "bbbbbbbbbbbbbbbbbbbbbbbbbb"
A_APPLICATION: Final = "13-01JAAAAAAAAAAAAAAAAAAAAA"
B_APPLICATION: Final = "13-01JBBBBBBBBBBBBBBBBBBBBB"
AT: Final = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NUMBER: Final = "123456789018"


def _item(key: str, kind: RecordKind, **attributes: Any) -> StoredItem:
    return StoredItem(key, kind, {"prefecture_code": "13", "record_key": key, **attributes})


def _partition() -> list[StoredItem]:
    return [
        _item(f"EXAMINEE#{A}", RecordKind.EXAMINEE, qualification_pseudonym_id=A, name="山田 太郎"),
        _item(f"EXAMINEE#{B}", RecordKind.EXAMINEE, qualification_pseudonym_id=B, name="佐藤 花子"),
        _item(
            f"APPLICATION#{A_APPLICATION}",
            RecordKind.APPLICATION,
            application=json.dumps(
                {"qualification_pseudonym_id": A, "received_at": "2026-04-02T01:00:00+00:00"}
            ),
        ),
        _item(
            f"APPLICATION#{B_APPLICATION}",
            RecordKind.APPLICATION,
            application=json.dumps({"qualification_pseudonym_id": B}),
        ),
        # A ticket names no person: it is the person's through their application.
        _item(f"TICKET#{A_APPLICATION}", RecordKind.EXAM_TICKET, issued_at=AT.isoformat()),
        _item(f"TICKET#{B_APPLICATION}", RecordKind.EXAM_TICKET, issued_at=AT.isoformat()),
        _item(
            f"SITTING#{A}#{A_APPLICATION}",
            RecordKind.SITTING,
            qualification_pseudonym_id=A,
            fee=Decimal(18200),
            parts={"written", "practical"},
        ),
        # A batch that lists both persons: neither copy may hold it.
        _item(
            "POSTLIST#group-1#batch",
            RecordKind.NOTICE,
            persons=json.dumps([A, B]),
        ),
        # A deletion record naming A's and B's records: left out of A's copy too.
        _item(
            "RETENTION_DELETION#run-1#examinee",
            RecordKind.DELETION_RECORD,
            record_keys={f"EXAMINEE#{A}x", f"EXAMINEE#{B}x"},
        ),
        # A person's own item that also names another: left out.
        _item(
            "CHANGE#p-1",
            RecordKind.CHANGE_PROPOSAL,
            qualification_pseudonym_id=A,
            proposal=json.dumps({"merge_with": B}),
        ),
        # An item of no one in particular that names only A: A's.
        _item("LEGAL_HOLD#person#" + A, RecordKind.LEGAL_HOLD, value=A, reason="訴訟"),
        # Another disclosure request of A's whose passphrase waits: never copied.
        _item(
            "PERSON_REQUEST#prq-00000000000000000000000001",
            RecordKind.PERSON_REQUEST,
            qualification_pseudonym_id=A,
            passphrase="ABCDE-FGHIJ-KLMNO-PQRST",
        ),
    ]


def _trail() -> list[AccessEntry]:
    return [
        AccessEntry(
            at=AT - timedelta(hours=1),
            actor="staff:13:reviewer1",
            action="application.opened",
            outcome="allowed",
            record_type="application",
            record_id=A_APPLICATION,
            user_id="reviewer1",
            roles=("reviewer",),
            actor_prefecture="13",
        ),
        AccessEntry(
            at=AT - timedelta(days=1),
            actor="verify",
            action="application.verified",
            outcome="succeeded",
            record_type="application",
            record_id=A_APPLICATION,
        ),
    ]


def _copy(requester: Requester = Requester.PERSON, number: str | None = NUMBER) -> dict[str, Any]:
    return assemble(
        request_id="prq-00000000000000000000000002",
        prefecture_code="13",
        person=A,
        requester=requester,
        decision="granted",
        generated_at=AT,
        items=_partition(),
        access=_trail(),
        my_number=number,
    ).document


def test_the_persons_copy_holds_each_of_their_items_by_kind_their_trail_and_number() -> None:
    document = _copy()
    sections = document["sections"]
    keys = {
        kind: [e["record_key"] for e in entries]
        for kind, entries in sections.items()
        if kind not in (AUDIT_SECTION, MY_NUMBER_SECTION)
    }

    assert keys["examinee"] == [f"EXAMINEE#{A}"]
    assert keys["application"] == [f"APPLICATION#{A_APPLICATION}"]
    assert keys["exam_ticket"] == [f"TICKET#{A_APPLICATION}"]
    assert keys["sitting"] == [f"SITTING#{A}#{A_APPLICATION}"]
    assert keys["legal_hold"] == [f"LEGAL_HOLD#person#{A}"]
    assert keys["person_request"] == ["PERSON_REQUEST#prq-00000000000000000000000001"]
    assert "change_proposal" not in keys
    assert "notice" not in keys
    assert "deletion_record" not in keys
    assert sections[MY_NUMBER_SECTION] == {"held": True, "my_number": NUMBER}
    assert [e["action"] for e in sections[AUDIT_SECTION]] == [
        "application.verified",
        "application.opened",
    ]
    examinee = sections["examinee"][0]["data"]
    assert examinee["name"] == "山田 太郎"
    assert "prefecture_code" not in examinee
    application = sections["application"][0]["data"]["application"]
    assert application["qualification_pseudonym_id"] == A  # the JSON document, parsed
    sitting = sections["sitting"][0]["data"]
    assert (sitting["fee"], sitting["parts"]) == (18200, ["practical", "written"])
    assert (document["schema"], document["schema_version"]) == ("kentei-disclosure", 1)
    assert document["generated_at"] == AT.isoformat()


def test_nothing_of_anyone_else_is_in_the_copy_and_what_was_left_out_is_counted() -> None:
    document = _copy()
    text = json.dumps(document, ensure_ascii=False)

    for foreign in (B, B_APPLICATION, "佐藤"):
        assert foreign not in text
    assert document["withheld"] == [
        {"kind": "change_proposal", "count": 1, "why": "names another person too"},
        {
            "kind": "deletion_record",
            "count": 1,
            "why": "concerns several persons (a batch or a list)",
        },
        {"kind": "notice", "count": 1, "why": "concerns several persons (a batch or a list)"},
    ]
    assert "PQRST" not in text  # a waiting passphrase is never copied


def test_a_representatives_copy_holds_no_my_number() -> None:
    document = _copy(Requester.REPRESENTATIVE, None)
    assert MY_NUMBER_SECTION not in document["sections"]
    assert NUMBER not in json.dumps(document)
    assert document["copy_for"] == "representative"
    with pytest.raises(ValueError, match="representative"):
        _copy(Requester.REPRESENTATIVE, NUMBER)


def test_a_person_without_a_vault_entry_is_told_none_is_held() -> None:
    assert _copy(number=None)["sections"][MY_NUMBER_SECTION] == {"held": False, "my_number": None}


def test_the_trail_starts_at_the_earliest_instant_the_persons_records_name() -> None:
    assert earliest_instant(_partition(), A) == datetime(2026, 4, 2, 1, 0, tzinfo=UTC)
    assert earliest_instant(_partition(), "cccccccccccccccccccccccccc") is None


def test_the_counts_are_the_sections_lengths() -> None:
    disclosure = assemble(
        request_id="prq-00000000000000000000000002",
        prefecture_code="13",
        person=A,
        requester=Requester.PERSON,
        decision="granted",
        generated_at=AT,
        items=_partition(),
        access=_trail(),
        my_number=NUMBER,
    )
    sections = disclosure.document["sections"]
    assert disclosure.counts == {
        kind: len(entries) for kind, entries in sections.items() if kind != MY_NUMBER_SECTION
    }
    assert json.loads(disclosure.encoded()) == disclosure.document
