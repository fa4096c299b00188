"""Records-table items of each synced kind, as the stores write them (DynamoDB JSON)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from tests.unit.exemptions.factory import record as pass_record
from tests.unit.review.factory import TRAINEE, form

from kentei.data.certificates import CertificateKind, CertificateRecord, PrefectureCertificates
from kentei.data.passes import PrefecturePasses
from kentei.exemptions.model import PassKind, PassRecord
from kentei.records.examinee import Examinee
from kentei.records.sensitive import REVEAL
from kentei.roster.parts import Part
from kentei.roster.registration import examinee_of

PREFECTURE: Final = "13"
PERSON: Final = "pseudonym-0001-abcdef"
EXAMINEE_ID: Final = f"{PREFECTURE}-{PERSON}"
"""The examinee record's id in the contract: the prefecture and the person."""
APPLICATION: Final = "13-01J0000000000000000000000A"
AT: Final = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
FULL_PASS: Final = "13-01J0000000000000000000000B"


def key(record_key: str) -> dict[str, Any]:
    return {"prefecture_code": {"S": PREFECTURE}, "record_key": {"S": record_key}}


def examinee(person: Examinee | None = None, pseudonym: str = PERSON) -> dict[str, Any]:
    """As :meth:`kentei.data.roster.PrefectureRoster.registration_writes` stores it."""
    person = person or examinee_of(form(**TRAINEE))
    return {
        **key(f"EXAMINEE#{pseudonym}"),
        "item_type": {"S": "examinee"},
        "qualification_pseudonym_id": {"S": pseudonym},
        "examinee": {"S": person.model_dump_json(context={REVEAL: True})},
        "updated_at": {"S": "2026-09-01T09:00:00.000000Z"},
        "registered_at": {"S": "2026-09-01T09:00:00.000000Z"},
        "application_ids": {"SS": [APPLICATION]},
    }


def sitting(status: str = "registered") -> dict[str, Any]:
    sitting_json = {
        "application_id": APPLICATION,
        "prefecture_code": PREFECTURE,
        "qualification_pseudonym_id": PERSON,
        "exam_round": {"fiscal_year": 2026, "term": "前期"},
        "trade_code": "0101",
        "work_code": "010101",
        "grade": "2級",
        "parts": ["written", "practical"],
        "exam_number": "13-2026-000123",
        "status": status,
        "accepted_at": "2026-06-01T00:00:00Z",
        "accepted_by": "staff-1",
    }
    return {
        **key(f"SITTING#{PERSON}#{APPLICATION}"),
        "item_type": {"S": "sitting"},
        "application_id": {"S": APPLICATION},
        "qualification_pseudonym_id": {"S": PERSON},
        "round": {"S": "2026-前期"},
        "exam_number": {"S": "13-2026-000123"},
        "status": {"S": status},
        "sitting": {"S": json.dumps(sitting_json, ensure_ascii=False)},
    }


def passed(record: PassRecord | None = None, revoked_at: str | None = None) -> dict[str, Any]:
    """As :meth:`kentei.data.passes.PrefecturePasses.pass_put` writes it."""
    record = record or pass_record(qualification_pseudonym_id=PERSON)
    item: dict[str, Any] = dict(
        PrefecturePasses(PREFECTURE, "records").pass_put(record, AT)["Put"]["Item"]
    )
    if revoked_at is not None:
        item["revoked_at"] = {"S": revoked_at}
    return item


def as_full_pass(record: PassRecord, number: int = 1) -> PassRecord:
    """``record`` as a pass (合格) of both parts with its numbers: as announced, or as a
    correction replaces a part pass at the same key."""
    return record.model_copy(
        update={
            "kind": PassKind.PASS,
            "parts": (Part.WRITTEN, Part.PRACTICAL),
            "passer_number": f"13G26-{number:06d}",
            "certificate_number": f"C13G262-{number:05d}",
        }
    )


def full_pass(record_id: str = FULL_PASS) -> PassRecord:
    return as_full_pass(pass_record(record_id, qualification_pseudonym_id=PERSON))


def certificate(**changes: Any) -> dict[str, Any]:
    record = CertificateRecord(
        **{
            "certificate_id": "C13G262-00001-1",
            "kind": CertificateKind.PRINTED,
            "language": "ja",
            "qualification_pseudonym_id": PERSON,
            "application_id": APPLICATION,
            "certificate_number": "C13G262-00001",
            "grade": "2級",
            "list_number": 1,
            "index": 77,
            "issued_at": AT,
            "issued_by": "certify",
            **changes,
        }
    )
    return PrefectureCertificates(PREFECTURE, "records")._item(record)
