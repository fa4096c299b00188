"""Decisions, pass records and pass numbers against moto: an announcement numbers a pass
once, a part pass gets its notice number, a re-decision after announcement is refused, gaps
are explained, and 1,000 passes announced concurrently get 1,000 distinct numbers per scheme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.integration.moto_tables import isolate_dynamodb_writes, records_and_audit

from kentei import aws
from kentei.data.passes import AnnouncedError, DecisionChangedError, PrefecturePasses
from kentei.exemptions.model import PassKind, PassRevocation
from kentei.records.codes import Grade, Term
from kentei.results.decision import Decision, PartDecision, PartOutcome, Result
from kentei.results.numbering import NumberKind
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.roster.parts import ExamRound, Part

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
ANNOUNCED = dt.date(2026, 8, 28)
ROUND = ExamRound(fiscal_year=2026, term=Term.FIRST)
COUNT = int(__import__("os").environ.get("PASSES_COUNT", "1000"))


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _decision(result: Result) -> Decision:
    written = PartOutcome.PASSED if result is not Result.FAIL else PartOutcome.FAILED
    practical = PartOutcome.PASSED if result is Result.PASS else PartOutcome.FAILED
    failures = {
        PartOutcome.PASSED: (),
        PartOutcome.FAILED: ({"reason": "below_pass_mark"},),
    }
    return Decision.model_validate(
        {
            "result": result,
            "rule_version": "2026.1/default:2級#1",
            "parts": [
                PartDecision.model_validate(
                    {"part": part, "outcome": outcome, "failures": failures[outcome]}
                ).model_dump()
                for part, outcome in ((Part.WRITTEN, written), (Part.PRACTICAL, practical))
            ],
        }
    )


def decided(n: int, result: Result = Result.PASS, grade: Grade = Grade.SECOND) -> DecidedSitting:
    return DecidedSitting(
        application_id=f"13-{n:026d}",
        prefecture_code="13",
        qualification_pseudonym_id=f"p-{n:06d}",
        exam_round=ROUND,
        trade_code="0301",
        work_code="030101",
        grade=grade,
        exam_number=f"N{n:05d}",
        decision=_decision(result),
        decided_at=AT,
        decided_by="staff:13:results-13",
    )


@pytest.mark.usefixtures("moto")
def test_a_pass_is_numbered_once_and_recorded() -> None:
    passes = PrefecturePasses("13")
    one = decided(1)
    passes.put_decision(one)
    record = passes.announce(one, ANNOUNCED, AT)
    assert record is not None
    assert record.kind is PassKind.PASS
    assert (record.passer_number, record.certificate_number) == ("13G26-000001", "C13G262-00001")
    assert record.passed_on == ANNOUNCED
    assert passes.claimed_by(NumberKind.PASSER, "13G26-000001") == one.application_id

    again = passes.announce(one, ANNOUNCED, AT)
    assert again == record, "announced once: the same record, nothing drawn"
    stored = passes.decision(one.group_key, one.application_id)
    assert stored is not None
    assert stored.status is DecisionStatus.ANNOUNCED
    assert passes.announce(stored, ANNOUNCED, AT) == record
    assert passes.numbering("passer#governor#2026").last == 1
    assert passes.passes_of(one.qualification_pseudonym_id) == [record]

    with pytest.raises(AnnouncedError):
        passes.put_decision(one)


@pytest.mark.usefixtures("moto")
def test_given_an_announced_pass_then_it_stands_until_revoked_and_is_kept_after() -> None:
    passes = PrefecturePasses("13")
    one = decided(5)
    person, application_id = one.qualification_pseudonym_id, one.application_id
    passes.put_decision(one)
    assert passes.announced_pass_of(person, application_id) is None, "decided, not announced"
    record = passes.announce(one, ANNOUNCED, AT)
    assert record is not None
    assert passes.announced_pass_of(person, application_id) == record
    assert passes.announced_pass_of("p-another", application_id) is None

    revoked = PassRevocation(person, record.record_id, "合格の取消し")
    aws.dynamodb().transact_write_items(
        TransactItems=[passes.revoke_update(revoked, AT, by="revocation-0001")]
    )

    assert passes.announced_pass_of(person, application_id) is None
    assert passes.pass_of(person, application_id) == record, "kept, marked revoked"


@pytest.mark.usefixtures("moto")
def test_a_part_pass_gets_a_notice_number_and_a_fail_none() -> None:
    passes = PrefecturePasses("13")
    part, fail = decided(2, Result.PART_PASS, Grade.FIRST), decided(3, Result.FAIL)
    for one in (part, fail):
        passes.put_decision(one)
    record = passes.announce(part, ANNOUNCED, AT)
    assert record is not None
    assert record.kind is PassKind.PART_PASS
    assert record.parts == (Part.WRITTEN,)
    assert record.notice_number == "P13M26-000001", "1級: the minister's sequence"
    assert record.passer_number is None
    assert passes.announce(fail, ANNOUNCED, AT) is None
    stored = passes.decision(fail.group_key, fail.application_id)
    assert stored is not None
    assert stored.status is DecisionStatus.ANNOUNCED
    assert [d.application_id for d in passes.decisions(fail.group_key)] == [fail.application_id]


@pytest.mark.usefixtures("moto")
def test_a_decision_changed_meanwhile_fails_and_its_draws_are_explained_gaps() -> None:
    passes = PrefecturePasses("13")
    read = decided(4)
    passes.put_decision(read)
    passes.put_decision(read.model_copy(update={"decided_at": AT + dt.timedelta(minutes=5)}))
    with pytest.raises(DecisionChangedError):
        passes.announce(read, ANNOUNCED, AT)
    report = passes.numbering("passer#governor#2026")
    assert (report.last, report.used, report.unexplained) == (1, 0, [])
    assert "transaction cancelled" in report.gaps[1]
    assert passes.pass_of(read.qualification_pseudonym_id, read.application_id) is None


@pytest.mark.slow
@pytest.mark.usefixtures("moto")
def test_1000_passes_announced_concurrently_get_1000_distinct_numbers_per_scheme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    isolate_dynamodb_writes(monkeypatch)
    passes = PrefecturePasses("13")
    sittings = [decided(100 + n) for n in range(COUNT)]
    for one in sittings:
        passes.put_decision(one)

    def announce(one: DecidedSitting) -> tuple[str | None, str | None]:
        record = passes.announce(one, ANNOUNCED, AT)
        assert record is not None
        return record.passer_number, record.certificate_number

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(announce, sittings))
    passers = {p for p, _ in numbers}
    certificates = {c for _, c in numbers}
    assert len(passers) == len(certificates) == COUNT
    for counter in ("passer#governor#2026", "certificate#governor#2026#2"):
        report = passes.numbering(counter)
        assert (report.used, report.unexplained) == (COUNT, [])
        assert report.last == COUNT + len(report.gaps)
