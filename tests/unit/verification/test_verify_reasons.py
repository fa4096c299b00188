"""Every reason code an application can end with is documented in one table, once."""

from __future__ import annotations

import re

import pytest

from kentei import my_number
from kentei.applications.model import Reason, Status
from kentei.signatures import DISPOSITIONS, Disposition, Rejection, RejectionReason
from verify import reasons
from verify.reasons import REASONS, Refusal, RetryLaterError, VerifyReason

TABLE_ROW = re.compile(r"^\| ``([a-z0-9_.]+)`` \| (returned|rejected) \|", re.MULTILINE)


def documented() -> dict[str, str]:
    assert reasons.__doc__ is not None
    return dict(TABLE_ROW.findall(reasons.__doc__))


def test_the_module_table_lists_exactly_the_codes_with_their_disposition() -> None:
    assert documented() == {code: spec.disposition.value for code, spec in REASONS.items()}


def test_every_signature_reason_but_the_retried_one_has_its_documented_disposition() -> None:
    for reason, disposition in DISPOSITIONS.items():
        if disposition is Disposition.RETRY:
            assert reason.value not in REASONS
        else:
            assert REASONS[reason.value].disposition is disposition


def test_every_own_reason_is_returned_or_rejected_and_distinct_from_the_signatures() -> None:
    signature_codes = {reason.value for reason in RejectionReason}
    for reason in VerifyReason:
        assert reason.value not in signature_codes
        assert REASONS[reason.value].disposition in {Disposition.RETURNED, Disposition.REJECTED}


@pytest.mark.parametrize("code", sorted(REASONS))
def test_each_reason_is_a_valid_application_reason_without_digits_to_mistake(code: str) -> None:
    reason = Refusal(code, "detail").reason()

    assert isinstance(reason, Reason)
    assert reason.code == code
    assert not my_number.contains(reason.message)
    assert Refusal(code, "detail").status in {Status.RETURNED, Status.REJECTED}


def test_an_undocumented_code_cannot_end_an_application() -> None:
    with pytest.raises(ValueError, match="not a documented reason code"):
        Refusal("made.up", "detail")


def test_a_revocation_status_not_yet_known_is_retried_not_decided() -> None:
    unknown = Rejection(RejectionReason.CERTIFICATE_REVOCATION_UNKNOWN, "no CRL covers it")

    with pytest.raises(RetryLaterError):
        Refusal.from_rejection(unknown)


def test_a_mismatch_names_the_form_item_it_is_about() -> None:
    assert REASONS["identity.mismatch.birth_date"].field == "birth_date"
    assert REASONS["registry.mismatch.address"].field == "address"
