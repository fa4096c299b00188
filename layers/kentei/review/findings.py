"""What the automatic checks (自動チェック) find, and how a finding becomes a return reason.

A finding names the check (a stable code such as ``missing.fiscal_year``), the form item it
is about and what is wrong, never the value the applicant gave: findings are shown to staff,
stored with the application and sent back to the applicant as reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kentei.applications.model import Reason
from kentei.records.applicant import Applicant


class Severity(StrEnum):
    """Blocking findings must be resolved (or overruled by staff) before acceptance;
    warnings ask staff to look."""

    BLOCKING = "blocking"
    WARNING = "warning"


class Finding(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    check: str = Field(pattern=r"^[a-z0-9_.-]{1,64}$", description="stable code of the check")
    severity: Severity
    field: str | None = Field(None, description="the form item (English name) it is about")
    message: str = Field(max_length=500, description="what is wrong, without the form's values")


def item(field: str) -> str:
    """A form item as staff and applicants know it: ``年度 (fiscal_year)``."""
    return f"{Applicant.model_fields[field].alias} ({field})"


def findings_as_reasons(
    findings: Iterable[Finding], *, include_warnings: bool = False
) -> tuple[Reason, ...]:
    """The blocking findings (and the warnings, if asked) as reasons to return with."""
    return tuple(
        Reason(code=finding.check, field=finding.field, message=finding.message)
        for finding in findings
        if include_warnings or finding.severity is Severity.BLOCKING
    )
