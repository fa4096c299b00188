"""Page cursors: opaque, and valid only for the listing that issued them."""

from __future__ import annotations

import base64
import json

import pytest

from kentei.data.applications import InvalidCursorError, decode_cursor, encode_cursor

KEY = "STATUS#under_review#2026-11-27T01:02:03.000004Z#13-0123456789ABCDEFGHJKMNPQRS"


def test_a_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor(KEY), "STATUS#under_review#") == KEY


def test_a_cursor_of_another_status_is_refused() -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(encode_cursor(KEY), "STATUS#returned#")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b"[1]").decode(),
        base64.urlsafe_b64encode(json.dumps({"v": 1, "k": "APPLICATION#x"}).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"v": 1, "k": "STATUS#under_review#x#13-short"}).encode()
        ).decode(),
        base64.urlsafe_b64encode(json.dumps({"v": 2, "k": KEY}).encode()).decode(),
    ],
)
def test_a_cursor_this_api_did_not_issue_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor, "STATUS#under_review#")
