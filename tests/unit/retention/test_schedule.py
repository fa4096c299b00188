"""The retention schedule as data: validated against the minimums, per prefecture, checked by
``python -m kentei.retention check`` (which ``make lint`` runs)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kentei.retention import periods
from kentei.retention import schedule as shipped
from kentei.retention.__main__ import main
from kentei.retention.kinds import Counting, DeletedBy, Event, RecordKind
from kentei.retention.minimums import MINIMUMS
from kentei.retention.periods import JST, PERMANENT, Period, at_least
from kentei.retention.schedule import (
    RetentionSchedule,
    load_retention_schedule,
    shipped_text,
)

SCHEDULE = load_retention_schedule()
DATA: dict[str, Any] = json.loads(shipped_text())


def _with(change: dict[str, Any] | None = None, **prefectures: Any) -> dict[str, Any]:
    data = copy.deepcopy(DATA)
    for kind, fields in (change or {}).items():
        data["default"][kind].update(fields)
    data["prefectures"] = prefectures
    return data


def _refused(data: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        RetentionSchedule.model_validate(data)


# The shipped file


def test_the_shipped_schedule_holds_every_kind_at_least_its_minimum() -> None:
    assert set(SCHEDULE.default) == set(RecordKind)
    assert SCHEDULE.unconfirmed
    assert SCHEDULE.provenance
    assert SCHEDULE.counting is Counting.FISCAL_YEAR
    assert (SCHEDULE.fiscal_year_start.month, SCHEDULE.fiscal_year_start.day) == (4, 1)
    for kind, entry in SCHEDULE.default.items():
        minimum = MINIMUMS[kind]
        assert at_least(entry.period, SCHEDULE.counting_of(entry), minimum.period, minimum.counting)


def test_passes_certificates_numbers_and_deletion_records_are_kept_for_good() -> None:
    for kind in (
        RecordKind.PASS,
        RecordKind.CERTIFICATE,
        RecordKind.NUMBER_CLAIM,
        RecordKind.DELETION_RECORD,
    ):
        assert SCHEDULE.default[kind].period == PERMANENT
        assert SCHEDULE.default[kind].deleted_by is DeletedBy.NEVER
        assert MINIMUMS[kind].period == PERMANENT


def test_the_my_number_is_kept_only_while_the_persons_records_need_it() -> None:
    vault = SCHEDULE.default[RecordKind.VAULT_ENTRY]
    assert vault.event is Event.LAST_ACTIVITY
    assert RecordKind.EXAMINEE in vault.kept_while
    inbox = SCHEDULE.default[RecordKind.INBOX_SUBMISSION]
    assert inbox.purpose_bound
    assert not inbox.hold


# Validation


def test_given_a_default_period_below_its_minimum_then_the_schedule_is_refused() -> None:
    _refused(_with({"application": {"period": {"years": 4}}}), "application.*shorter")
    _refused(_with({"audit_entry": {"period": {"years": 3}}}), "audit_entry.*shorter")
    _refused(_with({"inbox_submission": {"period": {"days": 13}}}), "inbox_submission.*shorter")
    _refused(
        _with({"pass": {"period": {"years": 30}, "event": "pass_date", "deleted_by": "job"}}),
        "pass.*shorter",
    )


def test_given_a_count_that_ends_earlier_than_the_minimums_then_it_is_refused() -> None:
    # Five calendar years end up to a year before five fiscal years.
    _refused(_with({"result": {"counting": "calendar"}}), "result.*shorter")


def test_given_a_kind_missing_or_unknown_or_an_unknown_event_then_it_is_refused() -> None:
    data = _with()
    del data["default"]["notice"]
    _refused(data, "no entry for notice")
    data = _with()
    data["default"]["photographs"] = data["default"]["notice"]
    _refused(data, "photographs")
    _refused(_with({"notice": {"event": "birthday"}}), "event")
    _refused(_with({"notice": {"deleted_by": "shredder"}}), "deleted_by")
    _refused(_with({"notice": {"kept_while": ["notice"]}}), "kept while itself")
    _refused(_with({"notice": {"kept_while": ["photographs"]}}), "kept_while")
    _refused(_with({"notice": {"colour": "red"}}), "colour")


def test_given_a_period_its_counting_cannot_count_then_it_is_refused() -> None:
    _refused(_with({"notice": {"period": {"years": 5, "months": 6}}}), "whole years")
    _refused(
        _with({"idempotency_record": {"period": {"years": 1}}}),
        "days only",
    )
    _refused(_with({"notice": {"deleted_by": "s3_lifecycle"}}), "counting elapsed")
    _refused(_with({"notice": {"period": "permanent"}}), "permanent")
    _refused(_with({"notice": {"event": "permanent"}}), "permanent")


def test_given_a_prefectures_own_period_then_it_applies_there_and_only_there() -> None:
    own = {
        "application": {"period": {"years": 10}, "source": "某県文書管理規程", "unconfirmed": True}
    }
    schedule = RetentionSchedule.model_validate(_with(**{"13": own}))
    event = dt.datetime(2026, 10, 3, 10, tzinfo=JST)
    assert schedule.deletable_from(RecordKind.APPLICATION, event, "13") == dt.datetime(
        2037, 4, 1, tzinfo=JST
    )
    assert schedule.deletable_from(RecordKind.APPLICATION, event, "14") == dt.datetime(
        2032, 4, 1, tzinfo=JST
    )
    assert schedule.deletable_from(RecordKind.APPLICATION, event, None) == dt.datetime(
        2032, 4, 1, tzinfo=JST
    )
    assert schedule.rule(RecordKind.APPLICATION, "13").scope == "13"
    assert schedule.rule(RecordKind.NOTICE, "13").scope == "default"


def test_given_a_prefectures_period_below_the_minimum_then_the_schedule_is_refused() -> None:
    short = {"sitting": {"period": {"years": 3}, "source": "x", "unconfirmed": True}}
    _refused(_with(**{"27": short}), "27.sitting.*shorter")
    # Shorter than the default but not than the minimum: a prefecture's choice.
    data = _with({"notice": {"period": {"years": 5}}})
    data["prefectures"] = {
        "27": {"notice": {"period": {"years": 3}, "source": "x", "unconfirmed": True}}
    }
    assert RetentionSchedule.model_validate(data).prefectures["27"]


def test_given_a_prefecture_override_of_a_deployment_wide_kind_or_a_bad_code_it_is_refused() -> (
    None
):
    own = {"period": {"days": 60}, "source": "x", "unconfirmed": True}
    _refused(_with(**{"13": {"inbox_submission": own}}), "one period for every prefecture")
    fine = {"period": {"years": 6}, "source": "x", "unconfirmed": True}
    _refused(_with(**{"48": {"application": fine}}), "not a prefecture code")
    _refused(
        _with(
            **{
                "13": {
                    "application": {
                        "period": {"years": 6, "days": 1},
                        "source": "x",
                        "unconfirmed": True,
                    }
                }
            }
        ),
        "whole years",
    )
    _refused(
        _with(
            **{"13": {"application": {"period": "permanent", "source": "x", "unconfirmed": True}}}
        ),
        "permanent only where the default is",
    )


# Answers


@given(
    kind=st.sampled_from([k for k in RecordKind if SCHEDULE.default[k].period != PERMANENT]),
    event=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2090, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    prefecture=st.sampled_from([None, "01", "13", "47"]),
)
def test_no_kind_is_due_an_instant_before_its_first_deletable_instant(
    kind: RecordKind, event: dt.datetime, prefecture: str | None
) -> None:
    first = shipped.deletable_from(kind, event, prefecture)
    assert first is not None
    assert not shipped.due(kind, event, prefecture, first - dt.timedelta(microseconds=1))
    assert shipped.due(kind, event, prefecture, first)
    minimum = MINIMUMS[kind]
    assert isinstance(minimum.period, Period)
    least = periods.deletable_from(minimum.period, minimum.counting, event)
    assert least is not None
    assert first >= least


def test_a_permanent_kind_is_never_due() -> None:
    event = dt.datetime(2000, 1, 1, tzinfo=JST)
    assert shipped.deletable_from(RecordKind.PASS, event, "13") is None
    assert not shipped.due(RecordKind.PASS, event, "13", dt.datetime(2999, 1, 1, tzinfo=JST))
    with pytest.raises(ValueError, match="timezone-aware"):
        shipped.due(RecordKind.NOTICE, event, "13", dt.datetime(2999, 1, 1))


def test_elapsed_days_are_what_a_ttl_or_lifecycle_sets_and_only_for_elapsed_kinds() -> None:
    assert SCHEDULE.elapsed_days(RecordKind.IDEMPOTENCY_RECORD) == 1
    assert SCHEDULE.elapsed_days(RecordKind.INBOX_SUBMISSION) == 30
    with pytest.raises(ValueError, match="elapsed"):
        SCHEDULE.elapsed_days(RecordKind.AUDIT_ENTRY)


# The check command


def test_the_check_command_summarises_the_shipped_file_and_names_a_shorter_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "retention schedule ok" in out
    assert "  audit_entry: 5 years (fiscal_year) from created, by dynamodb_ttl" in out
    assert "  pass: permanent, by never" in out
    broken = tmp_path / "schedule.json"
    broken.write_text(json.dumps(_with({"result": {"period": {"years": 2}}})), encoding="utf-8")
    assert main(["check", "--file", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "retention schedule:" in err
    assert "result" in err
    assert "shorter" in err
