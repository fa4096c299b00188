"""Attachments each case needs, from the document table."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kentei.applications.model import AttachmentRecord, Channel
from kentei.review import DocumentTable, Finding, Severity, automatic_checks, load_document_table

from .factory import TRAINEE, application, attachment, form

EXEMPTION = {"exam_category": "学科のみ", "course_or_exemption": "実技試験免除"}


def attachment_checks(
    changes: dict[str, Any],
    attachments: tuple[AttachmentRecord, ...] = (),
    channel: Channel = Channel.MYNAPORTAL,
    documents: DocumentTable | None = None,
) -> dict[str, Finding]:
    submitted = application(form(**changes), attachments=attachments, channel=channel)
    findings = automatic_checks(submitted, documents=documents)
    return {f.check: f for f in findings if f.check.startswith("attachment.")}


def test_given_an_exemption_claim_with_its_certificate_then_no_finding() -> None:
    assert attachment_checks(EXEMPTION, (attachment("実技免除_合格証書.pdf"),)) == {}


def test_given_an_exemption_claim_without_attachments_then_blocking() -> None:
    finding = attachment_checks(EXEMPTION)["attachment.missing.exemption_certificate"]

    assert finding.severity is Severity.BLOCKING
    assert "合格証書" in finding.message


def test_given_an_exemption_in_the_course_item_only_then_the_certificate_is_needed() -> None:
    checks = attachment_checks({"course_or_exemption": "学科免除"})

    assert "attachment.missing.exemption_certificate" in checks


def test_given_a_course_that_is_not_an_exemption_then_no_certificate_is_needed() -> None:
    assert attachment_checks({"course_or_exemption": "Aコース"}) == {}


def test_given_an_attachment_not_named_for_the_document_then_staff_identify_it() -> None:
    finding = attachment_checks(EXEMPTION, (attachment("scan0001.pdf"),))[
        "attachment.unidentified.exemption_certificate"
    ]

    assert finding.severity is Severity.WARNING


def test_given_a_paper_application_then_staff_confirm_the_enclosed_documents() -> None:
    finding = attachment_checks(EXEMPTION, channel=Channel.PAPER)[
        "attachment.confirm_paper.exemption_certificate"
    ]

    assert finding.severity is Severity.WARNING


def test_given_a_trainee_then_the_plan_approval_is_needed() -> None:
    assert "attachment.missing.training_plan_approval" in attachment_checks(TRAINEE)
    assert attachment_checks(TRAINEE, (attachment("Keikaku_Nintei.PDF"),)) == {}


def test_given_a_special_grade_then_the_first_grade_certificate_is_needed() -> None:
    special = {"grade": "特級", "years_of_experience": 12}

    assert "attachment.missing.prior_pass_certificate" in attachment_checks(special)
    assert attachment_checks(special, (attachment("1級合格証書.jpg"),)) == {}


def test_given_two_documents_needed_and_one_unnamed_attachment_then_both_are_blocking() -> None:
    checks = attachment_checks(
        {**EXEMPTION, "grade": "特級", "years_of_experience": 12}, (attachment("a.pdf"),)
    )

    assert {c: f.severity for c, f in checks.items()} == {
        "attachment.missing.exemption_certificate": Severity.BLOCKING,
        "attachment.missing.prior_pass_certificate": Severity.BLOCKING,
    }


def test_given_one_attachment_named_for_both_documents_then_it_counts_once() -> None:
    checks = attachment_checks(
        {**EXEMPTION, "grade": "特級", "years_of_experience": 12}, (attachment("合格証書.pdf"),)
    )

    assert list(checks) == ["attachment.missing.prior_pass_certificate"]


def test_given_a_custom_document_table_then_the_needs_follow_the_data() -> None:
    table = DocumentTable.model_validate(
        {
            "version": "test",
            "maintained_by": "test",
            "note": "",
            "documents": [
                {
                    "code": "photo",
                    "document": "写真",
                    "when": [{"grades": ["2級"]}],
                    "name_hints": ["photo", "写真"],
                }
            ],
        }
    )

    assert list(attachment_checks({}, documents=table)) == ["attachment.missing.photo"]
    assert attachment_checks(EXEMPTION, (attachment("写真.png"),), documents=table) == {}


@pytest.mark.parametrize(
    "document",
    [
        {"code": "x", "document": "x", "when": [{}], "name_hints": ["x"]},
        {
            "code": "x",
            "document": "x",
            "when": [{"any_item_given": ["shoe_size"]}],
            "name_hints": ["x"],
        },
        {
            "code": "x",
            "document": "x",
            "when": [{"mentions": {"item": "shoe_size", "words": ["x"]}}],
            "name_hints": ["x"],
        },
        {"code": "x", "document": "x", "when": [], "name_hints": ["x"]},
        {"code": "x", "document": "x", "when": [{"grades": ["2級"]}], "name_hints": []},
    ],
)
def test_given_an_ill_formed_document_rule_then_the_table_is_refused(
    document: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError):
        DocumentTable.model_validate(
            {"version": "t", "maintained_by": "t", "note": "", "documents": [document]}
        )


def test_given_a_code_twice_then_the_table_is_refused() -> None:
    rule = {"code": "x", "document": "x", "when": [{"grades": ["2級"]}], "name_hints": ["x"]}

    with pytest.raises(ValidationError, match="only once"):
        DocumentTable.model_validate(
            {"version": "t", "maintained_by": "t", "note": "", "documents": [rule, rule]}
        )


def test_the_shipped_document_table_validates_and_is_read_once() -> None:
    table = load_document_table()

    assert table is load_document_table()
    assert {rule.code for rule in table.documents} >= {
        "exemption_certificate",
        "training_plan_approval",
        "prior_pass_certificate",
    }
