"""Properties of the automatic checks over any valid form: they never raise, and no message
quotes a value the applicant gave."""

from __future__ import annotations

import typing
import unicodedata
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentei.applications.lifecycle import Decision, decide
from kentei.applications.model import Application, Channel, Status
from kentei.records.applicant import Applicant
from kentei.records.fields import JST, ShortText, Text
from kentei.records.sensitive import ResidenceCardNumber
from kentei.review import (
    Finding,
    Severity,
    automatic_checks,
    findings_as_reasons,
    load_document_table,
    load_eligibility_table,
)

from .factory import LATER, TRAINEE, application, attachment, form, staff

# pytest imports the test folders as top-level packages (tests/unit has no __init__.py),
# mypy names them from the repository root: each needs its own spelling of the same module.
if TYPE_CHECKING:
    from tests.unit.records.strategies import PROPERTY, record_data
else:
    from records.strategies import PROPERTY, record_data

WHOLE_FORMS = settings(PROPERTY, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Drawing a whole form of 35 items is slow, more so on a busy machine; the checks are not."""

MARK = "\u2603"
"""Appended to every free-text value and attachment name: a message quoting one carries it."""

FREE_TEXT: dict[str, int] = {
    name: limit
    for name, hint in typing.get_type_hints(Applicant, include_extras=True).items()
    for alias, limit in ((ShortText, 100), (Text, 200))
    if hint in (alias, alias | None)
}
"""Free-text items and their length limits."""

SHIPPED_TEXT = " ".join(
    [
        *(str(field.alias) for field in Applicant.model_fields.values()),
        load_eligibility_table().model_dump_json(),
        load_document_table().model_dump_json(),
    ]
)
"""Where the kana in messages come from: item names and the tables."""

attachment_names = st.lists(
    st.sampled_from(["合格証書.pdf", "計画認定.png", "scan.pdf"])
    | st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20),
    max_size=3,
)


def marked(text: str, limit: int) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())[: limit - 1] + MARK


@st.composite
def applications(draw: st.DrawFn) -> Application:
    data = draw(record_data(Applicant))
    data["my_number"] = None
    for name, limit in FREE_TEXT.items():
        if data[name] is not None:
            data[name] = marked(data[name], limit)
    applicant = Applicant.model_validate(data)
    received = draw(
        st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(JST))
    )
    return application(
        applicant,
        channel=draw(st.sampled_from(Channel)),
        prefecture_code=draw(st.sampled_from([applicant.prefecture_code, "47"])),
        attachments=tuple(attachment(marked(name, 100)) for name in draw(attachment_names)),
        received_at=received,
    )


def quotable(application: Application) -> set[str]:
    """The form's values that cannot occur in a message by chance, in every spelling.

    Free text carries :data:`MARK`. Of the rest, a value with a digit is quotable from four
    characters on (messages hold no longer run of digits); a kana value unless the item
    names or the tables hold it; codes of letters only could be any English word, and
    enums are the tables' own vocabulary.
    """
    quotes: set[str] = set()
    for name, value in application.form.__dict__.items():
        if name not in FREE_TEXT:
            quotes |= _spellings(value)
    return {quote for quote in quotes if _could_not_be_chance(quote)}


def _could_not_be_chance(quote: str) -> bool:
    if len(quote) < 4:
        return False
    if any(c.isascii() and c.isdigit() for c in quote):
        return True
    return not quote.isascii() and quote not in SHIPPED_TEXT


def _spellings(value: Any) -> set[str]:
    if isinstance(value, ResidenceCardNumber):
        return {value.reveal()}
    if isinstance(value, date):
        return {
            value.isoformat(),
            f"{value:%Y/%m/%d}",
            f"{value:%Y%m%d}",
            f"{value.year}/{value.month}/{value.day}",
        }
    if isinstance(value, Enum | bool) or value is None:
        return set()
    if isinstance(value, int):
        return {str(value)}
    if isinstance(value, str):
        return {value}
    return set()


def assert_quotes_nothing(findings: tuple[Finding, ...], application: Application) -> None:
    quotes = quotable(application)
    for finding in findings:
        assert MARK not in finding.message, f"{finding.check} quotes a free-text item"
        for quote in quotes:
            assert quote not in finding.message, f"{finding.check} quotes a form value"


@given(applications())
@WHOLE_FORMS
def test_given_any_valid_form_then_the_checks_never_raise_nor_quote_it(
    submitted: Application,
) -> None:
    findings = automatic_checks(submitted)

    assert_quotes_nothing(findings, submitted)
    assert all(f.field is None or f.field in Applicant.model_fields for f in findings)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s is not Severity.BLOCKING)
    assert automatic_checks(submitted) == findings, "pure: the same input, the same findings"


@given(applications())
@WHOLE_FORMS
def test_given_blocking_findings_then_staff_can_return_with_them(submitted: Application) -> None:
    reasons = findings_as_reasons(automatic_checks(submitted))
    reviewing = submitted.model_copy(update={"status": Status.UNDER_REVIEW})
    reviewer = staff(submitted.prefecture_code)

    if reasons:
        returned = decide(reviewing, Decision.RETURN, reasons, reviewer, LATER)
        assert returned.reasons == reasons
    else:
        assert decide(reviewing, Decision.ACCEPT, (), reviewer, LATER).status is Status.ACCEPTED


def test_given_distinctive_values_that_trip_many_checks_then_none_is_quoted() -> None:
    canary = form(
        **{
            **TRAINEE,
            "name": "CANARYNAME 鳥",
            "address": "CANARYADDRESS 1-2-3",
            "nationality": "CANARYLAND",
            "training_site_name": None,
            "residence_expiry_date": "2025-04-30",
            "employer_name": None,
            "employer_address_line2": "CANARYBUILDING 901",
            "employer_address": None,
            "course_or_exemption": "CANARY免除",
            "exam_category": "実技のみ",
            "grade": "随時2級",
            "term": "後期",
            "fiscal_year": 2031,
            "birth_date": "2013-02-28",
            "years_of_experience": 17,
            "phone": None,
        }
    )
    submitted = application(
        canary, prefecture_code="27", attachments=(attachment("CANARYFILE.pdf"),)
    )

    findings = automatic_checks(submitted)

    assert len(findings) >= 10
    assert_quotes_nothing(findings, submitted)
    assert not any("CANARY" in f.message or "2013" in f.message for f in findings)
