"""The applications repository's guards, which hold before any AWS call (invariant 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kentei.applications.model import Application, Channel, Status, StatusChange
from kentei.callers import Caller, CallerKind
from kentei.data.applications import (
    BridgeApplications,
    PrefectureApplications,
    applications_for,
    index_key,
)
from kentei.my_number import check_digit
from kentei.records.applicant import Applicant

TOKYO_ID = "13-0123456789ABCDEFGHJKMNPQRS"
AT = datetime(2026, 11, 27, 1, 2, 3, 4, tzinfo=UTC)


def _application(**form_items: str) -> Application:
    form = Applicant(
        prefecture_code="13",
        name="試験 太郎",
        birth_date="1990-04-01",
        sex="1",
        address="東京都",
        **form_items,
    )
    return Application(
        application_id=TOKYO_ID,
        prefecture_code="13",
        channel=Channel.MYNAPORTAL,
        status=Status.UNDER_REVIEW,
        received_at=AT,
        form=form,
        inbox_key=f"applications/{TOKYO_ID}/",
        submitted_by="bridge:mynaportal",
        history=(StatusChange(status=Status.RECEIVED, at=AT, by="bridge:mynaportal"),),
    )


@pytest.mark.parametrize("application_id", [TOKYO_ID, "nope", "", "13-" + "0" * 25])
def test_a_prefecture_repository_finds_nothing_outside_its_partition_without_asking(
    application_id: str,
) -> None:
    # No table is configured and no AWS is reachable: a read would fail, not return None.
    assert PrefectureApplications("27", table="unused").get(application_id) is None


def test_a_bridge_reader_finds_nothing_for_a_malformed_id_without_asking() -> None:
    assert BridgeApplications("bridge:egov", table="unused").get("x") is None


def test_staff_read_their_prefecture_and_bridges_their_submissions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KENTEI_TABLE_RECORDS", "records")
    staff = applications_for(Caller(CallerKind.STAFF, prefecture_code="13", user_id="u"))
    bridge = applications_for(Caller(CallerKind.BRIDGE, bridge="egov"))
    assert isinstance(staff, PrefectureApplications)
    assert staff.prefecture_code == "13"
    assert isinstance(bridge, BridgeApplications)
    assert bridge.submitter == "bridge:egov"


def test_a_repository_refuses_to_store_another_prefectures_application() -> None:
    with pytest.raises(ValueError, match="another prefecture"):
        PrefectureApplications("27", table="unused").create(_application(), "0" * 64)


def test_a_repository_refuses_to_store_a_form_with_its_my_number() -> None:
    number = f"31415926535{check_digit('31415926535')}"
    with pytest.raises(ValueError, match="without the My Number"):
        PrefectureApplications("13", table="unused").create(
            _application(my_number=number), "0" * 64
        )


def test_the_index_key_sorts_by_received_time_and_ends_with_the_id() -> None:
    key = index_key(_application())
    assert key == f"STATUS#under_review#2026-11-27T01:02:03.000004Z#{TOKYO_ID}"
    assert index_key(_application().model_copy(update={"replaced_by": TOKYO_ID})) is None
