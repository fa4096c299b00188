"""Certificates, holds, counts and status lists against moto: a certificate is written once
with its audit entry and counts, concurrent index claims never collide, a full list opens the
next, and a stored status list reads back as created."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.integration.moto_tables import (
    AUDIT,
    RECORDS,
    isolate_dynamodb_writes,
    records_and_audit,
)

from kentei import aws, settings
from kentei.credentials.status import CertificateStatus, StatusSlot
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.certificates import (
    CertificateExistsError,
    CertificateHold,
    CertificateKind,
    CertificateRecord,
    HeldField,
    HoldNotOpenError,
    PrefectureCertificates,
    certificate_id,
    fiscal_year_of,
)
from kentei.data.status_lists import DynamoStatusIndexAllocator, StatusLists

AT = dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _record(n: int, *, grade: str = "2級") -> CertificateRecord:
    number = f"C13G262-{n:05d}"
    return CertificateRecord(
        certificate_id=certificate_id(number, 1),
        kind=CertificateKind.PRINTED,
        language="ja",
        qualification_pseudonym_id=f"p-{n:06d}",
        application_id=f"13-{n:026d}",
        certificate_number=number,
        grade=grade,
        list_number=1,
        index=n,
        pdf_key=f"certificates/13/{number}-1.pdf",
        vc_key=f"certificates/13/{number}-1.jwt",
        issued_at=AT,
        issued_by="certify",
    )


def _audit(record: CertificateRecord) -> AuditEvent:
    return AuditEvent(
        actor="certify",
        action=AuditAction.CERTIFICATE_ISSUED,
        record_type="certificate",
        record_id=record.certificate_id,
        prefecture_code="13",
        request_id="req-1",
        at=AT,
        person_id=record.qualification_pseudonym_id,
    )


@pytest.mark.usefixtures("moto")
def test_a_certificate_is_written_once_with_its_audit_entry_and_counts() -> None:
    store = PrefectureCertificates("13", audit_table=AUDIT)
    one = _record(1)
    store.issue(one, audit=_audit(one))
    with pytest.raises(CertificateExistsError):
        store.issue(one, audit=_audit(one))
    store.issue(_record(2), audit=_audit(_record(2)))
    store.issue(_record(3, grade="1級"), audit=_audit(_record(3, grade="1級")))
    assert store.certificate(one.certificate_id) == one
    assert store.certificates_of_pass(one.qualification_pseudonym_id, one.application_id) == [one]
    assert PrefectureCertificates("14").certificate(one.certificate_id) is None
    counts = {(c.grade, c.kind, c.language, c.reissue): c.count for c in store.counts(2026)}
    assert counts == {
        ("1級", CertificateKind.PRINTED, "ja", False): 1,
        ("1級", CertificateKind.ELECTRONIC, "ja", False): 1,
        ("2級", CertificateKind.PRINTED, "ja", False): 2,
        ("2級", CertificateKind.ELECTRONIC, "ja", False): 2,
    }, "the refused second write counted nothing"
    assert store.counts(2025) == []
    entries = aws.dynamodb().scan(TableName=AUDIT)["Items"]
    issued = [e for e in entries if e.get("action", {}).get("S") == "certificate.issued"]
    assert len(issued) == 3


def test_the_fiscal_year_is_the_day_in_japan() -> None:
    assert fiscal_year_of(dt.datetime(2027, 3, 31, 14, 59, tzinfo=dt.UTC)) == 2026
    assert fiscal_year_of(dt.datetime(2027, 3, 31, 15, 0, tzinfo=dt.UTC)) == 2027


@pytest.mark.usefixtures("moto")
def test_a_hold_is_kept_once_and_names_fields_and_counts_only() -> None:
    store = PrefectureCertificates("13")
    hold = CertificateHold(
        qualification_pseudonym_id="p-1",
        application_id="13-" + "0" * 26,
        kind=CertificateKind.PRINTED,
        fields=(HeldField(field="name", missing=1),),
        held_at=AT,
    )
    assert store.put_hold(hold)
    assert not store.put_hold(hold.model_copy(update={"held_at": AT + dt.timedelta(hours=1)}))
    assert store.hold("p-1", "13-" + "0" * 26) == hold
    assert store.holds() == [hold]


@pytest.mark.usefixtures("moto")
def test_a_new_list_starts_all_valid_and_reads_back() -> None:
    lists = StatusLists()
    assert lists.status_list(1) is None
    assert lists.create(1)
    assert not lists.create(1)
    stored = lists.status_list(1)
    assert stored is not None
    assert (stored.used, stored.version, stored.published_version) == (0, 1, None)
    assert stored.statuses.status(12345) is CertificateStatus.VALID


@pytest.mark.usefixtures("moto")
def test_concurrent_index_claims_never_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_dynamodb_writes(monkeypatch)
    # A tiny list makes collisions certain: 64 entries, 32 given before the next list opens.
    lists = StatusLists(entries=64)

    def allocate(n: int) -> StatusSlot:
        return DynamoStatusIndexAllocator(lists).allocate(f"cert-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        slots = list(pool.map(allocate, range(80)))
    assert len(set(slots)) == 80, "no index given twice"
    by_list: dict[int, int] = {}
    for slot in slots:
        by_list[slot.list_number] = by_list.get(slot.list_number, 0) + 1
        assert 0 <= slot.index < 64
    assert by_list == {1: 32, 2: 32, 3: 16}, "each list half full before the next opens"
    assert lists.current() == 3
    claimed = {lists.claimed_by(slot) for slot in slots}
    assert claimed == {f"cert-{n}" for n in range(80)}
    for number, used in by_list.items():
        stored = lists.status_list(number)
        assert stored is not None
        assert stored.used == used


@pytest.mark.usefixtures("moto")
def test_the_allocator_says_which_lists_it_made() -> None:
    lists = StatusLists(entries=8)
    allocator = DynamoStatusIndexAllocator(lists)
    first = [allocator.allocate("a"), allocator.allocate("b")]
    assert allocator.created == [1]
    assert [s.list_number for s in first] == [1, 1]
    fill = DynamoStatusIndexAllocator(lists)
    fill.allocate("c")
    fill.allocate("d")
    assert fill.created == []
    assert fill.allocate("e").list_number == 2
    assert fill.created == [2]


@pytest.mark.usefixtures("moto")
def test_a_hold_is_resolved_once_the_spelling_kept_on_the_examinee_only() -> None:
    from tests.unit.review.factory import application, form

    from kentei.applications.model import Status
    from kentei.data.roster import PrefectureRoster
    from kentei.roster.exam_numbers import schemes
    from kentei.roster.registration import registration_of

    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0301", work_code="030101", grade="2級"),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": "person-held-01"})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    store = PrefectureCertificates("13", audit_table=AUDIT)
    hold = CertificateHold(
        qualification_pseudonym_id="person-held-01",
        application_id=accepted.application_id,
        kind=CertificateKind.PRINTED,
        fields=(HeldField(field="name", missing=1),),
        held_at=AT,
        group_key="2026-前期#0301#030101#2級",
    )
    assert store.put_hold(hold)
    event = _audit(_record(1)).model_copy(update={"action": AuditAction.CERTIFICATE_HOLD_RESOLVED})
    resolved = store.resolve_hold(
        hold, printed_name="吉田 花子", reason="異体字", by="staff:13:cert1", at=AT, audit=event
    )
    assert resolved.resolved_at == AT
    assert store.hold("person-held-01", accepted.application_id) == resolved
    examinee = roster.examinee("person-held-01")
    assert examinee is not None
    assert examinee.certificate_name == "吉田 花子"
    assert "吉田" not in json.dumps(
        aws.dynamodb().get_item(
            TableName=RECORDS,
            Key={
                "prefecture_code": {"S": "13"},
                "record_key": {"S": f"CERTIFICATE_HOLD#person-held-01#{accepted.application_id}"},
            },
        )["Item"],
        ensure_ascii=False,
    )
    with pytest.raises(HoldNotOpenError):
        store.resolve_hold(
            hold, printed_name="吉田 花子", reason="again", by="staff:13:cert1", at=AT, audit=event
        )


@pytest.mark.usefixtures("moto")
def test_a_proof_request_is_issued_once() -> None:
    from kentei.data.certificates import ProofRequest

    store = PrefectureCertificates("13", audit_table=AUDIT)
    request = ProofRequest(
        proof_id="0123456789abcdef",
        qualification_pseudonym_id="p-000001",
        application_id="13-" + "1".zfill(26),
        language="ja",
        requested_by="staff:13:cert1:certificates",
        requested_at=AT,
    )
    store.request_proof(request, name_latin=None, audit=_audit(_record(1)))
    assert store.proof_request(request.proof_id) == request
    first = _record(1).model_copy(
        update={"certificate_id": "C13G262-00001-P1", "kind": CertificateKind.PROOF}
    )
    store.issue(first, audit=_audit(first), proof_id=request.proof_id)
    issued = store.proof_request(request.proof_id)
    assert issued is not None
    assert issued.certificate_id == "C13G262-00001-P1"
    assert store.proof_count("C13G262-00001") == 1
    second = first.model_copy(update={"certificate_id": "C13G262-00001-P2"})
    with pytest.raises(CertificateExistsError):
        store.issue(second, audit=_audit(second), proof_id=request.proof_id)
    assert store.certificate("C13G262-00001-P2") is None
    counts = {(c.kind, c.language): c.count for c in store.counts(2026)}
    assert counts[CertificateKind.PROOF, "ja"] == 1


@pytest.mark.usefixtures("moto")
def test_the_signing_kid_is_kept_beside_the_document_and_noted_again_alone() -> None:
    store = PrefectureCertificates("13", audit_table=AUDIT)
    signed = _record(1).model_copy(update={"signing_kid": "kid-2026-01"})
    unknown = _record(2)
    store.issue(signed, audit=_audit(signed))
    store.issue(unknown, audit=_audit(unknown))
    assert store.certificate(signed.certificate_id) == signed
    assert store.certificate(unknown.certificate_id) == unknown

    store.signed_with(unknown.certificate_id, "kid-2027-01")

    kids = {r.certificate_id: r.signing_kid for r in store.every_certificate()}
    assert kids == {signed.certificate_id: "kid-2026-01", unknown.certificate_id: "kid-2027-01"}
    assert PrefectureCertificates("14").every_certificate() == []
    item = aws.dynamodb().get_item(
        TableName=settings.table_name("records"),
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": f"CERTIFICATE#{signed.certificate_id}"},
        },
    )["Item"]
    assert "signing_kid" not in item["certificate"]["S"]
