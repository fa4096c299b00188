"""The rejection reasons: distinct, documented, and each with one disposition."""

from __future__ import annotations

import json

from kentei.signatures import DISPOSITIONS, Disposition, Rejection, RejectionReason, reasons


def test_every_reason_has_a_disposition_and_a_documented_line() -> None:
    assert set(DISPOSITIONS) == set(RejectionReason)
    documentation = reasons.__doc__ or ""
    for reason in RejectionReason:
        assert f"``{reason.value}`` → {reason.disposition.value}:" in documentation


def test_reasons_are_distinct_stable_strings() -> None:
    values = [reason.value for reason in RejectionReason]
    assert len(values) == len(set(values))
    assert all(value.count(".") in (1, 2) and value == value.lower() for value in values)


def test_only_revocation_unknown_asks_for_a_retry() -> None:
    assert [r for r in RejectionReason if r.disposition is Disposition.RETRY] == [
        RejectionReason.CERTIFICATE_REVOCATION_UNKNOWN
    ]


def test_the_issue_4_cases_end_with_distinct_reasons() -> None:
    done_when = [
        RejectionReason.SIGNATURE_ALGORITHM_REFUSED,
        RejectionReason.CERTIFICATE_USER_AUTHENTICATION,
        RejectionReason.CERTIFICATE_REVOKED,
        RejectionReason.CERTIFICATE_EXPIRED,
        RejectionReason.CERTIFICATE_UNTRUSTED,
        RejectionReason.SIGNATURE_DIGEST_MISMATCH,
        RejectionReason.IDENTITY_MISMATCH_NAME,
        RejectionReason.PACKAGE_UNREFERENCED_FILE,
    ]
    assert len(set(done_when)) == len(done_when)
    assert all(r.disposition in (Disposition.RETURNED, Disposition.REJECTED) for r in done_when)


def test_a_rejection_record_is_json() -> None:
    record = Rejection(RejectionReason.SIGNATURE_INVALID, "x").evidence()
    assert json.loads(json.dumps(record))["disposition"] == "rejected"
