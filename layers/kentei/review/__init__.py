"""Review (審査, R4): the automatic checks staff see on an application, and their tables.

Findings cover missing items, inconsistent items, attachments and eligibility (受検資格);
eligibility and the documents each case needs come from data tables the association keeps
(``eligibility.json``, ``documents.json``), not from code. The decision itself (accept or
return) is :func:`kentei.applications.lifecycle.decide`.
"""

from kentei.review.checks import automatic_checks
from kentei.review.documents import DocumentTable, load_document_table
from kentei.review.eligibility import EligibilityTable, GradeRule, Route, load_eligibility_table
from kentei.review.findings import Finding, Severity, findings_as_reasons

__all__ = [
    "DocumentTable",
    "EligibilityTable",
    "Finding",
    "GradeRule",
    "Route",
    "Severity",
    "automatic_checks",
    "findings_as_reasons",
    "load_document_table",
    "load_eligibility_table",
]
