"""The roster's data access against moto: registration writes, exam numbers drawn and claimed
so that no two sittings share one, a person with two sittings in one round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from tests.integration.moto_tables import (
    RECORDS,
    create_records_table,
    isolate_dynamodb_writes,
    mocked_aws,
)
from tests.unit.review.factory import application, form

from kentei import aws, catalog
from kentei.applications.model import Status
from kentei.data.changes import PrefectureChanges
from kentei.data.roster import PrefectureRoster
from kentei.roster.changes import ChangeSource
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


def _register(
    roster: PrefectureRoster, work_code: str = "1011", pseudonym: str = "p-0000001"
) -> str:
    accepted = application(form(work_code=work_code), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": pseudonym})
    registration = registration_of(accepted)
    scheme = schemes().of("13")
    seq = roster.draw(registration.counter(scheme))
    sitting = registration.sitting(scheme, seq, at=AT, by="staff:13:reviewer-13")
    writes = roster.registration_writes(registration.examinee, sitting, AT)
    aws.dynamodb().transact_write_items(TransactItems=writes)
    return sitting.application_id


@pytest.mark.usefixtures("moto")
def test_two_works_in_one_round_are_two_sittings_of_one_person() -> None:
    roster = PrefectureRoster("13")
    first = _register(roster, "1011")
    second = _register(roster, "1012")
    person = roster.examinee("p-0000001")
    assert person is not None
    assert person.application_ids == {first, second}
    assert person.examinee.my_number is None
    sittings = {s.application_id: s for s in roster.sittings_of("p-0000001")}
    assert set(sittings) == {first, second}
    numbers = {s.exam_number for s in sittings.values()}
    assert len(numbers) == 2
    for sitting in sittings.values():
        assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == (
            sitting.application_id
        )


@pytest.mark.usefixtures("moto")
def test_a_number_claimed_twice_fails_the_transaction() -> None:
    roster = PrefectureRoster("13")
    accepted = application(status=Status.UNDER_REVIEW).model_copy(
        update={"qualification_pseudonym_id": "p-0000002"}
    )
    registration = registration_of(accepted)
    scheme = schemes().of("13")
    sitting = registration.sitting(scheme, 7, at=AT, by="staff:13:x")
    aws.dynamodb().transact_write_items(
        TransactItems=roster.registration_writes(registration.examinee, sitting, AT)
    )
    other = application(status=Status.UNDER_REVIEW).model_copy(
        update={"qualification_pseudonym_id": "p-0000003"}
    )
    again = registration_of(other).sitting(scheme, 7, at=AT, by="staff:13:x")
    with pytest.raises(ClientError, match="TransactionCanceled"):
        aws.dynamodb().transact_write_items(
            TransactItems=roster.registration_writes(registration_of(other).examinee, again, AT)
        )
    assert roster.examinee("p-0000003") is None, "nothing of the failed registration was written"


@pytest.mark.usefixtures("moto")
def test_200_concurrent_draws_give_200_distinct_sequences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    isolate_dynamodb_writes(monkeypatch)  # DynamoDB's isolation of each update, in moto
    roster = PrefectureRoster("13")
    with ThreadPoolExecutor(max_workers=8) as pool:
        drawn = list(pool.map(lambda _: roster.draw("2026-前期"), range(200)))
    assert sorted(drawn) == list(range(1, 201))
    assert PrefectureRoster("27").draw("2026-前期") == 1, "each prefecture counts its own"


def _accept(roster: PrefectureRoster, address: str, work_code: str, at: dt.datetime = AT) -> str:
    accepted = application(form(work_code=work_code, address=address), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": "person-9"})
    registration = registration_of(accepted)
    scheme = schemes().of("13")
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=at, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, at))
    return sitting.application_id


@pytest.mark.usefixtures("moto")
def test_a_later_acceptance_changes_the_examinee_with_history() -> None:
    roster = PrefectureRoster("13")
    changes = PrefectureChanges("13")
    _accept(roster, "東京都千代田区千代田1-1", "1011")
    assert changes.history("person-9") == [], "a first registration is no change"
    second = _accept(roster, "東京都港区芝公園4-2-8", "1012")
    person = roster.examinee("person-9")
    assert person is not None
    assert person.examinee.address == "東京都港区芝公園4-2-8"
    (entry,) = changes.history("person-9")
    assert entry.source is ChangeSource.APPLICATION
    assert entry.application_id == second
    assert entry.by == "staff:13:reviewer-13"
    assert entry.before == {"address": "東京都千代田区千代田1-1"}
    assert entry.after == {"address": "東京都港区芝公園4-2-8"}


@pytest.mark.usefixtures("moto")
def test_an_examinee_changed_after_the_read_fails_the_registration() -> None:
    roster = PrefectureRoster("13")
    _accept(roster, "東京都千代田区千代田1-1", "1011")
    later = application(form(work_code="1012"), status=Status.UNDER_REVIEW).model_copy(
        update={"qualification_pseudonym_id": "person-9"}
    )
    registration = registration_of(later)
    scheme = schemes().of("13")
    sitting = registration.sitting(scheme, 99, at=AT, by="staff:13:x")
    writes = roster.registration_writes(registration.examinee, sitting, AT)
    # Another acceptance wrote the examinee meanwhile.
    _accept(roster, "東京都港区芝公園4-2-8", "1013", AT + dt.timedelta(minutes=1))
    with pytest.raises(ClientError, match="TransactionCanceled"):
        roster.register(writes)
    assert roster.sitting("person-9", sitting.application_id) is None
