"""Historical pass records against moto: an import stores each record once with its audit
entry (the same file again writes nothing; other content is a conflict, never an overwrite);
a link writes the record linked, the person's pass record and the audit entry in one
transaction; two people claiming one number: one link, the other fails; a conflict is marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from tests.integration.moto_tables import AUDIT, RECORDS, isolate_dynamodb_writes, records_and_audit
from tests.unit.results.historical.helpers import AT, csv_bytes, row

from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.historical_passes import HistoricalChangedError, PrefectureHistoricalPasses
from kentei.data.passes import PrefecturePasses
from kentei.results.historical.__main__ import main
from kentei.results.historical.apply import apply_historical_file, default_mapping
from kentei.results.historical.matching import pass_record_of
from kentei.results.historical.model import HistoricalStatus, Link


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _audit_actions() -> list[str]:
    items = boto3.client("dynamodb", region_name="ap-northeast-1").scan(TableName=AUDIT)["Items"]
    return sorted(i["action"]["S"] for i in items if "action" in i)


def _records() -> list[dict[str, object]]:
    client = boto3.client("dynamodb", region_name="ap-northeast-1")
    return client.scan(TableName=RECORDS)["Items"]  # type: ignore[return-value]


def _import(data: bytes, store: PrefectureHistoricalPasses):  # type: ignore[no-untyped-def]
    return apply_historical_file([data], default_mapping(), "13", store, at=AT, by="operator:test")


def _event(action: AuditAction, number: str, person: str | None = None) -> AuditEvent:
    return AuditEvent(
        actor="verify",
        action=action,
        record_type="historical_pass",
        record_id=number,
        prefecture_code="13",
        request_id="13-IR-1",
        at=AT,
        person_id=person,
    )


@pytest.mark.usefixtures("moto")
def test_an_import_is_idempotent_and_never_overwrites() -> None:
    store = PrefectureHistoricalPasses("13")
    data = csv_bytes(row(), row(技能士番号="13-2-000124"))

    first = _import(data, store)
    second = _import(data, store)
    other = _import(csv_bytes(row(氏名="山田 次郎")), store)

    assert (first.written, second.written, second.unchanged) == (2, 0, 2)
    assert [p.code.value for p in other.problems] == ["conflicting-record"]
    stored = store.get("13-2-000123")
    assert stored is not None
    assert stored.record.person.name == "山田 太郎"
    assert stored.status is HistoricalStatus.UNLINKED
    assert _audit_actions() == ["historical_pass.imported"] * 2
    assert PrefectureHistoricalPasses("14").get("13-2-000123") is None
    assert all("my_number" not in str(item) for item in _records())


@pytest.mark.usefixtures("moto")
def test_the_command_is_a_dry_run_unless_asked(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "passers.csv"
    path.write_bytes(csv_bytes(row(), encoding="cp932"))
    store = PrefectureHistoricalPasses("13")

    assert main(["import", "--prefecture", "13", str(path)], store=store) == 0
    assert store.get("13-2-000123") is None
    assert main(["import", "--prefecture", "13", str(path), "--apply"], store=store) == 0
    assert store.get("13-2-000123") is not None
    out = capsys.readouterr().out
    assert '"encoding": "cp932"' in out
    assert "山田" not in out


@pytest.mark.usefixtures("moto")
def test_a_link_writes_the_record_the_pass_and_the_audit_in_one_transaction() -> None:
    store = PrefectureHistoricalPasses("13")
    _import(csv_bytes(row()), store)
    current = store.get("13-2-000123")
    assert current is not None
    link = Link(qualification_pseudonym_id="person-0001", linked_at=AT, application_id="13-IR-1")
    record = pass_record_of(current.record, "person-0001")

    store.link(
        current,
        link,
        record,
        AT,
        audit=[_event(AuditAction.HISTORICAL_PASS_LINKED, "13-2-000123", "person-0001")],
    )

    after = store.get("13-2-000123")
    assert after is not None
    assert after.status is HistoricalStatus.LINKED
    assert after.link == link
    assert PrefecturePasses("13").passes_of("person-0001") == [record]
    assert "historical_pass.linked" in _audit_actions()
    with pytest.raises(HistoricalChangedError):  # a second link from the same read
        store.link(
            current,
            link.model_copy(update={"qualification_pseudonym_id": "person-0002"}),
            pass_record_of(current.record, "person-0002"),
            AT,
        )
    assert PrefecturePasses("13").passes_of("person-0002") == []


@pytest.mark.usefixtures("moto")
def test_a_failed_audit_or_pass_write_leaves_the_record_unlinked() -> None:
    store = PrefectureHistoricalPasses("13")
    _import(csv_bytes(row()), store)
    current = store.get("13-2-000123")
    assert current is not None
    record = pass_record_of(current.record, "person-0001")
    PrefecturePasses("13")._dynamodb.transact_write_items(
        TransactItems=[PrefecturePasses("13").pass_put(record, AT)]
    )
    link = Link(qualification_pseudonym_id="person-0001", linked_at=AT, application_id="13-IR-1")

    with pytest.raises(HistoricalChangedError):
        store.link(current, link, record, AT)
    after = store.get("13-2-000123")
    assert after is not None
    assert after.status is HistoricalStatus.UNLINKED


@pytest.mark.usefixtures("moto")
def test_two_people_claiming_one_number_concurrently_link_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = PrefectureHistoricalPasses("13")
    _import(csv_bytes(row()), store)
    current = store.get("13-2-000123")
    assert current is not None

    def claim(person: str) -> bool:
        link = Link(
            qualification_pseudonym_id=person, linked_at=AT, application_id=f"13-IR-{person}"
        )
        try:
            store.link(current, link, pass_record_of(current.record, person), AT)
        except HistoricalChangedError:
            return False
        return True

    isolate_dynamodb_writes(monkeypatch)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claim, [f"person-{n:04d}" for n in range(8)]))

    assert results.count(True) == 1
    after = store.get("13-2-000123")
    assert after is not None
    assert after.link is not None
    winner = after.link.qualification_pseudonym_id
    assert [
        p.qualification_pseudonym_id
        for n in range(8)
        for p in PrefecturePasses("13").passes_of(f"person-{n:04d}")
    ] == [winner]


@pytest.mark.usefixtures("moto")
def test_a_conflict_is_marked_for_staff_with_the_checks_only() -> None:
    store = PrefectureHistoricalPasses("13")
    _import(csv_bytes(row()), store)
    current = store.get("13-2-000123")
    assert current is not None

    marked = store.mark_in_conflict(
        current,
        "13-IR-9",
        ["historical.name_mismatch"],
        audit=[_event(AuditAction.HISTORICAL_PASS_CONFLICT, "13-2-000123")],
    )

    assert marked.status is HistoricalStatus.IN_CONFLICT
    assert [s.record.passer_number for s in store.with_status(HistoricalStatus.IN_CONFLICT)] == [
        "13-2-000123"
    ]
    assert list(store.with_status(HistoricalStatus.UNLINKED)) == []
    assert "historical_pass.conflict" in _audit_actions()


@pytest.mark.usefixtures("moto")
def test_claims_settled_over_moto_link_once_and_leak_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight people claim one number concurrently with matching items: one is linked (its
    pass record seen by exemptions' query), the others in review as linked to another; a
    mismatching claim of another number marks it in conflict. No My Number and no name in
    the records' attributes other than the record's own items, none in the audit trail."""
    from kentei.results.historical.claims import settle_claim
    from kentei.results.historical.matching import Claim, ClaimCheck, ClaimStatus
    from kentei_local.probes import my_numbers_in

    store = PrefectureHistoricalPasses("13")
    _import(csv_bytes(row(), row(技能士番号="13-2-000124")), store)

    def claim(person: str, number: str = "13-2-000123", name: str = "山田　太郎") -> Claim:
        return Claim(
            passer_number=number,
            certificate_number=None,
            name=name,
            birth_date=dt.date(1970, 1, 2),
            qualification_pseudonym_id=person,
            application_id=f"13-IR-{person}",
        )

    def settle(one: Claim) -> ClaimStatus:
        return settle_claim(store, one, at=AT, actor="verify", request_id="req").status

    isolate_dynamodb_writes(monkeypatch)
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(settle, [claim(f"person-{n:04d}") for n in range(8)]))
    mismatch = settle_claim(
        store,
        claim("person-0100", "13-2-000124", "佐藤 花子"),
        at=AT,
        actor="verify",
        request_id="req",
    )

    assert statuses.count(ClaimStatus.LINKED) == 1
    assert statuses.count(ClaimStatus.IN_REVIEW) == 7
    assert mismatch.failures == (ClaimCheck.NAME,)
    other = store.get("13-2-000124")
    assert other is not None
    assert other.status is HistoricalStatus.IN_CONFLICT
    linked = store.get("13-2-000123")
    assert linked is not None
    assert linked.link is not None
    passes = PrefecturePasses("13").passes_of(linked.link.qualification_pseudonym_id)
    assert [p.record_id for p in passes] == ["H-13-2-000123"]
    audit = boto3.client("dynamodb", region_name="ap-northeast-1").scan(TableName=AUDIT)["Items"]
    text = repr(audit)
    assert "山田" not in text
    assert "佐藤" not in text
    assert not my_numbers_in(text + repr(_records()))


@pytest.mark.usefixtures("moto")
def test_an_initial_registration_is_created_once_and_decided_once() -> None:
    from kentei.data.initial_registrations import (
        PrefectureInitialRegistrations,
        RegistrationDecidedError,
        RegistrationIdTakenError,
    )
    from kentei.initial_registrations import (
        InitialRegistrationRequest,
        InitialRegistrationStatus,
        initial_registration_id_for,
    )

    store = PrefectureInitialRegistrations("13")
    record = InitialRegistrationRequest(
        request_id=initial_registration_id_for("13", "bridge:mynaportal", "key-00000001"),
        prefecture_code="13",
        status=InitialRegistrationStatus.RECEIVED,
        received_at=AT,
        submitted_by="bridge:mynaportal",
    )
    event = _event(AuditAction.INITIAL_REGISTRATION_RECEIVED, record.request_id)
    stored = store.create(record, "fp-1", [event])
    assert store.create(record, "fp-1") == stored
    with pytest.raises(RegistrationIdTakenError):
        store.create(record, "fp-2")
    linked = record.model_copy(
        update={
            "status": InitialRegistrationStatus.LINKED,
            "verified_at": AT,
            "qualification_pseudonym_id": "person-0001",
            "passer_number": "13-2-000123",
        }
    )
    store.decide(stored, linked)
    with pytest.raises(RegistrationDecidedError):
        store.decide(stored, linked)
    again = store.registration(record.request_id)
    assert again is not None
    assert again.record == linked
    assert [r.request_id for r in store.with_status(InitialRegistrationStatus.LINKED)] == [
        record.request_id
    ]
    assert PrefectureInitialRegistrations("14").registration(record.request_id) is None
