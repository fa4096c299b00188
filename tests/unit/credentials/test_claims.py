"""The certified pass's certificate id (証書番号): its own number, then a serial or ``P<n>``."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from tests.unit.credentials.samples import sample_pass

from kentei.credentials.claims import CertificateIdError, certificate_id_of, issue_mark

NUMBER = "13-1-2026-000123"


@pytest.mark.parametrize(
    ("certificate_id", "mark"),
    [(f"{NUMBER}-1", 1), (f"{NUMBER}-2", 2), (f"{NUMBER}-999999", 999_999), (f"{NUMBER}-P3", "P3")],
)
def test_the_issue_mark_is_what_follows_the_number_and_puts_the_id_back(
    certificate_id: str, mark: int | str
) -> None:
    assert issue_mark(certificate_id, NUMBER) == mark
    assert certificate_id_of(NUMBER, mark) == certificate_id
    assert sample_pass(certificate_id=certificate_id).certificate_id == certificate_id


@pytest.mark.parametrize(
    "certificate_id",
    [
        NUMBER,
        f"{NUMBER}-",
        f"{NUMBER}-0",
        f"{NUMBER}-01",
        f"{NUMBER}-P0",
        f"{NUMBER}-P",
        f"{NUMBER}-1000000",
        f"{NUMBER}-1a",
        "13-1-2026-000124-1",
        "C13-1-2026-000123-1",
        f"{NUMBER}-１",
    ],
)
def test_an_id_that_is_not_the_number_and_a_mark_is_refused(certificate_id: str) -> None:
    with pytest.raises(CertificateIdError):
        issue_mark(certificate_id, NUMBER)
    with pytest.raises(ValidationError):
        sample_pass(certificate_id=certificate_id)


@pytest.mark.parametrize("mark", [True, False, 0, -2, 1.0, "2", "P0", "p1", "P1\n", None, b"P1"])
def test_a_mark_other_than_a_positive_serial_or_p_n_is_refused(mark: object) -> None:
    with pytest.raises(CertificateIdError):
        certificate_id_of(NUMBER, mark)


def test_a_refused_id_does_not_echo_the_name_or_birth_date() -> None:
    with pytest.raises(ValidationError) as raised:
        sample_pass(certificate_id="13-1-2026-000124-1")
    text = str(raised.value)
    for value in ("勅使河原", "TESHIGAWARA", "1988"):
        assert value not in text
