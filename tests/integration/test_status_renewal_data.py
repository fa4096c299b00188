"""What the daily re-signing reads and records, against moto: every status list's number, the
key and instant that signed a list's published version (never going back), and the JWKS
record (its digest and instant, never going back), in the issuer's partition of ``records``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei.data.published_jwks import JwksPublication, PublishedJwks
from kentei.data.status_lists import StatusLists

AT = dt.datetime(2026, 12, 8, 18, 15, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


@pytest.mark.usefixtures("moto")
def test_every_list_number_is_listed_in_order_and_nothing_else() -> None:
    lists = StatusLists(entries=131_072)
    assert lists.list_numbers() == []
    for number in (2, 10, 1):
        assert lists.create(number)
    lists.advance(2)  # STATUS_LIST_CURRENT sits beside them: not a list
    assert lists.list_numbers() == [1, 2, 10]


@pytest.mark.usefixtures("moto")
def test_the_signing_of_a_published_version_is_recorded_and_never_goes_back() -> None:
    lists = StatusLists()
    lists.create(1)
    stored = lists.status_list(1)
    assert stored is not None
    assert (stored.published_version, stored.signed_kid, stored.signed_at) == (None, None, None)

    assert lists.mark_signed(1, 1, kid="kentei-cert-1", signed_at=AT)
    stored = lists.status_list(1)
    assert stored is not None
    assert (stored.published_version, stored.signed_kid, stored.signed_at) == (
        1,
        "kentei-cert-1",
        AT,
    )
    # The same version signed again later (the next day, another key): recorded.
    later = AT + dt.timedelta(days=1, microseconds=5)
    assert lists.mark_signed(1, 1, kid="kentei-cert-2", signed_at=later)
    # An earlier signing, or an older version, never replaces it.
    assert not lists.mark_signed(1, 1, kid="kentei-cert-1", signed_at=later - HOUR)
    assert not lists.mark_signed(1, 0, kid="kentei-cert-1", signed_at=later + HOUR)
    # A version not written yet is never marked published.
    assert not lists.mark_signed(1, 2, kid="kentei-cert-2", signed_at=later + HOUR)
    stored = lists.status_list(1)
    assert stored is not None
    assert (stored.published_version, stored.signed_kid, stored.signed_at) == (
        1,
        "kentei-cert-2",
        later,
    )
    assert not lists.mark_signed(9, 1, kid="kentei-cert-2", signed_at=later)  # no such list
    assert lists.status_list(9) is None


@pytest.mark.usefixtures("moto")
def test_the_jwks_record_keeps_the_latest_publication() -> None:
    record = PublishedJwks()
    assert record.last() is None
    assert record.record("a" * 64, AT)
    assert record.last() == JwksPublication("a" * 64, AT)
    assert record.record("b" * 64, AT + HOUR)
    assert not record.record("c" * 64, AT)  # a late run never goes back
    assert record.last() == JwksPublication("b" * 64, AT + HOUR)
    with pytest.raises(ValueError, match="zone"):
        record.record("d" * 64, AT.replace(tzinfo=None))
