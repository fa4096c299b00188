"""Items an application must have to be reviewed (必須項目), beyond the identity items the
form model already requires."""

from __future__ import annotations

from typing import Final

from kentei.records.applicant import Applicant
from kentei.review.findings import Finding, Severity, item

REQUIRED: Final[tuple[tuple[str, Severity, str], ...]] = (
    ("fiscal_year", Severity.BLOCKING, "the exam cannot be scheduled without it"),
    ("term", Severity.BLOCKING, "the exam cannot be scheduled without it"),
    ("grade", Severity.BLOCKING, "the test applied for is unknown without it"),
    ("trade_code", Severity.BLOCKING, "the test applied for is unknown without it"),
    ("work_code", Severity.BLOCKING, "the test applied for is unknown without it"),
    ("exam_category", Severity.BLOCKING, "the parts to sit are unknown without it"),
    ("name_kana", Severity.BLOCKING, "the roster and certificates need the reading"),
    ("postal_code", Severity.BLOCKING, "the exam ticket is mailed to the address"),
    ("phone", Severity.WARNING, "the association cannot call the applicant"),
)
"""Each item with how much its absence matters, and why."""


def check_required(form: Applicant) -> list[Finding]:
    return [
        Finding(
            check=f"missing.{field}",
            severity=severity,
            field=field,
            message=f"{item(field)} is missing: {why}.",
        )
        for field, severity, why in REQUIRED
        if getattr(form, field) is None
    ]
