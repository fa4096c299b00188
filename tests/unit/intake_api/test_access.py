"""Who may submit through which channel, and who may review."""

from __future__ import annotations

import pytest

from intake.access import authorize_submission, request_id, require_caller, require_staff
from intake.errors import ForbiddenError, UnauthenticatedError
from kentei.callers import Caller, CallerKind

MYNAPORTAL = Caller(CallerKind.BRIDGE, bridge="mynaportal")
EGOV = Caller(CallerKind.BRIDGE, bridge="egov")
STAFF = Caller(CallerKind.STAFF, prefecture_code="13", user_id="u1")


@pytest.mark.parametrize(
    ("caller", "channel", "allowed"),
    [
        (MYNAPORTAL, "mynaportal", True),
        (MYNAPORTAL, "egov", False),
        (MYNAPORTAL, "paper", False),
        (EGOV, "egov", True),
        (EGOV, "mynaportal", False),
        (EGOV, "paper", False),
        (STAFF, "paper", True),
        (STAFF, "mynaportal", False),
        (STAFF, "egov", False),
    ],
)
def test_given_a_caller_and_a_channel_then_only_its_own_channel_is_allowed(
    caller: Caller, channel: str, allowed: bool
) -> None:
    if allowed:
        authorize_submission(caller, channel)
    else:
        with pytest.raises(ForbiddenError):
            authorize_submission(caller, channel)


def test_given_no_caller_header_then_the_request_is_unauthenticated() -> None:
    with pytest.raises(UnauthenticatedError):
        require_caller({"headers": {"Accept": "application/json"}})


def test_given_a_malformed_caller_header_then_the_request_is_unauthenticated() -> None:
    with pytest.raises(UnauthenticatedError):
        require_caller({"headers": {"X-Kentei-Local-Caller": "staff:99:x"}})


def test_given_a_deployed_stack_then_the_local_header_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KENTEI_ENV", "aws")
    with pytest.raises(UnauthenticatedError):
        require_caller({"headers": {"X-Kentei-Local-Caller": "bridge:egov"}})


@pytest.mark.parametrize("caller", [MYNAPORTAL, EGOV])
def test_given_a_bridge_then_review_is_forbidden(caller: Caller) -> None:
    with pytest.raises(ForbiddenError):
        require_staff(caller)


def test_given_staff_then_review_is_allowed() -> None:
    assert require_staff(STAFF) is STAFF


def test_the_request_id_comes_from_the_request_context() -> None:
    assert request_id({"requestContext": {"requestId": "abc"}}) == "abc"
    assert request_id({}) == "unknown"
