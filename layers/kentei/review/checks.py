"""The automatic checks (自動チェック) staff see when they open an application."""

from __future__ import annotations

from kentei.applications.model import Application
from kentei.review.consistency import check_consistency
from kentei.review.documents import DocumentTable, check_attachments, load_document_table
from kentei.review.eligibility import EligibilityTable, check_eligibility, load_eligibility_table
from kentei.review.findings import Finding, Severity
from kentei.review.identity import check_identity
from kentei.review.items import check_required
from kentei.review.residence import check_residence


def automatic_checks(
    application: Application,
    *,
    table: EligibilityTable | None = None,
    documents: DocumentTable | None = None,
) -> tuple[Finding, ...]:
    """Missing and inconsistent items, attachments and eligibility, blocking ones first.

    ``table`` and ``documents`` default to the shipped tables. Pure: the same application and
    tables give the same findings.
    """
    if table is None:
        table = load_eligibility_table()
    if documents is None:
        documents = load_document_table()
    findings = [
        *check_identity(application),
        *check_required(application.form),
        *check_consistency(application),
        *check_residence(application, table),
        *check_attachments(application, documents),
        *check_eligibility(application.form, table),
    ]
    return tuple(sorted(findings, key=lambda finding: finding.severity is not Severity.BLOCKING))
