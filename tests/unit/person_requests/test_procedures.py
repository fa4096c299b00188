"""A person's requests (P10): the procedures as data (the law's periods, never longer), the
due instant counted as the law counts (the first day not counted, to the end of the last day in
Japan), and a request's lifecycle."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.applications.model import IdentityConfirmation
from kentei.person_requests.__main__ import main
from kentei.person_requests.model import (
    ChannelNotOfferedError,
    Decision,
    RequestStateError,
    RequestStatus,
    received,
)
from kentei.person_requests.procedures import (
    JST,
    Channel,
    Procedures,
    RequestKind,
    decision_due,
    procedures,
    shipped_text,
)

AT = dt.datetime(2026, 12, 7, 17, 30, tzinfo=dt.UTC)  # 02:30 on 8 December in Japan


def test_the_shipped_procedures_cover_every_kind_and_the_check_passes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = procedures()
    assert set(table.default) == set(RequestKind)
    assert main(["check"]) == 0
    assert "person request procedures ok" in capsys.readouterr().out


def _with(change: dict[str, Any]) -> str:
    document = json.loads(shipped_text())
    document["prefectures"] = {
        "13": {"disclosure": {**document["default"]["disclosure"], **change}}
    }
    return json.dumps(document, ensure_ascii=False)


def test_a_prefecture_may_shorten_the_period_never_lengthen_it(tmp_path: Path) -> None:
    shorter = Procedures.model_validate_json(_with({"decision_days": 14}))
    assert shorter.of("13", RequestKind.DISCLOSURE).decision_days == 14
    assert shorter.of("27", RequestKind.DISCLOSURE).decision_days == 30
    assert shorter.of("13", RequestKind.CORRECTION).decision_days == 30

    longer = tmp_path / "longer.json"
    longer.write_text(_with({"decision_days": 31}), encoding="utf-8")
    assert main(["check", "--file", str(longer)]) == 1


def test_the_period_starts_the_day_after_in_japan_and_ends_with_its_last_day() -> None:
    # Received at 02:30 on 8 December in Japan: day 1 is 9 December, day 30 is 7 January.
    due = decision_due(AT, 30)
    assert due.astimezone(JST) == dt.datetime(2027, 1, 7, 23, 59, 59, 999999, JST)


@given(
    at=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2090, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    days=st.integers(1, 60),
)
def test_the_due_instant_is_never_a_day_short(at: dt.datetime, days: int) -> None:
    due = decision_due(at, days).astimezone(JST)
    arrived = at.astimezone(JST).date()
    assert due.date() == arrived + dt.timedelta(days=days)
    assert (due + dt.timedelta(microseconds=1)).time() == dt.time()


def _request(kind: RequestKind = RequestKind.DISCLOSURE, channel: Channel = Channel.WINDOW) -> Any:
    return received(
        prefecture_code="13",
        person="p-person-request-1",
        kind=kind,
        channel=channel,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by="staff:13:privacy-1",
        at=AT,
        procedure=procedures().of("13", kind),
    )


def test_a_request_is_due_by_its_procedure_extended_once_then_decided_once() -> None:
    request = _request()
    assert request.status is RequestStatus.RECEIVED
    assert request.due_at == decision_due(AT, 30)
    assert request.request_id.startswith("prq-")

    extended = request.extended(procedures().of("13", RequestKind.DISCLOSURE), "大量のため")
    assert extended.due_at == decision_due(AT, 60)
    with pytest.raises(RequestStateError):
        extended.extended(procedures().of("13", RequestKind.DISCLOSURE), "again")

    decided = extended.decided(Decision.GRANTED, "staff:13:privacy-1", AT, "全部開示")
    assert (decided.status, decided.decision) == (RequestStatus.DECIDED, Decision.GRANTED)
    with pytest.raises(RequestStateError):
        decided.withdrawn("staff:13:privacy-1", AT)
    assert "全部開示" not in repr(decided)


def test_a_channel_the_procedure_does_not_offer_is_refused() -> None:
    table = Procedures.model_validate_json(_with({"channels": ["window"]}))
    with pytest.raises(ChannelNotOfferedError):
        received(
            prefecture_code="13",
            person="p-person-request-1",
            kind=RequestKind.DISCLOSURE,
            channel=Channel.POST,
            identity_confirmation=IdentityConfirmation.PASSPORT,
            entered_by="staff:13:privacy-1",
            at=AT,
            procedure=table.of("13", RequestKind.DISCLOSURE),
        )
