"""Examinees registered the old way (by verify, before review) moved onto the roster against
moto: an examinee none of whose applications was accepted is deleted; an accepted one gets
its sitting and exam number; a dry run writes nothing; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import RECORDS, create_records_table, mocked_aws
from tests.unit.review.factory import application, form

from kentei import aws, catalog
from kentei.applications.model import Application, Status
from kentei.data.applications import PrefectureApplications
from kentei.data.roster import PrefectureRoster, examinee_key
from kentei.roster.__main__ import main
from kentei.roster.registration import examinee_of

T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


def _stored(status: Status, **changes: object) -> Application:
    made = application(form(**changes), status=status)
    PrefectureApplications("13").create(made, f"fp-{made.application_id}")
    return made


def _legacy(pseudonym: str, applications: list[Application]) -> None:
    """The item verify wrote before: one per person, with every verified application."""
    aws.dynamodb().put_item(
        TableName=RECORDS,
        Item={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": examinee_key(pseudonym)},
            "item_type": {"S": "examinee"},
            "qualification_pseudonym_id": {"S": pseudonym},
            "examinee": {"S": examinee_of(applications[-1].form).model_dump_json()},
            "application_ids": {"SS": [a.application_id for a in applications]},
            "latest_application_id": {"S": applications[-1].application_id},
            "latest_received_at": {"S": T0.isoformat()},
            "registered_at": {"S": T0.isoformat()},
            "updated_at": {"S": T0.isoformat()},
        },
    )


def test_legacy_examinees_move_onto_the_roster(capsys: pytest.CaptureFixture[str]) -> None:
    accepted = _stored(Status.ACCEPTED, work_code="070101")
    reviewed = _stored(Status.UNDER_REVIEW, work_code="070102")
    _legacy("person-a", [accepted, reviewed])
    returned = _stored(Status.RETURNED)
    _legacy("person-b", [returned])
    roster = PrefectureRoster("13")

    assert main(["migrate", "--prefecture", "13"]) == 0
    (dry,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (dry["apply"], dry["examinees"], dry["deleted"], dry["sittings_registered"]) == (
        False,
        2,
        1,
        1,
    )
    assert roster.examinee("person-b") is not None, "a dry run writes nothing"
    assert roster.sittings_of("person-a") == []

    assert main(["migrate", "--prefecture", "13", "--apply"]) == 0
    (done,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (done["deleted"], done["sittings_registered"]) == (1, 1)
    assert roster.examinee("person-b") is None
    person = roster.examinee("person-a")
    assert person is not None
    assert person.application_ids == {accepted.application_id}
    (sitting,) = roster.sittings_of("person-a")
    assert sitting.application_id == accepted.application_id
    assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == (
        accepted.application_id
    )
    assert roster.legacy_examinees() == []

    assert main(["migrate", "--prefecture", "13", "--apply"]) == 0
    assert capsys.readouterr().out == "", "nothing left to move"
    assert roster.sittings_of("person-a") == [sitting]


def test_an_accepted_application_the_roster_cannot_take_is_reported_for_staff(
    capsys: pytest.CaptureFixture[str],
) -> None:
    incomplete = _stored(Status.ACCEPTED, grade=None)
    _legacy("person-c", [incomplete])

    assert main(["migrate", "--prefecture", "13", "--apply"]) == 0
    (report,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert report["not_registrable"] == {incomplete.application_id: ["grade"]}
    assert PrefectureRoster("13").sittings_of("person-c") == []
