"""The application form (受検申請書): the applicant's items as a person fills them in.

They are the items of 受検申請者テーブル (:class:`kentei.records.Applicant`) except
申請受付ID, which the service assigns on receipt: a form that carries one is refused.
Each item takes the Applicant's own type, Japanese name and description, so the form and the
record validate alike; a unit test keeps the two lists of items identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

from pydantic import Field

from kentei.records.applicant import Applicant
from kentei.records.base import Record
from kentei.records.codes import ExamCategory, Grade, Sex, Term
from kentei.records.fields import (
    Code,
    Date,
    FiscalYear,
    Identifier,
    Kana,
    PhoneNumber,
    PostalCode,
    PrefectureCode,
    ShortText,
    Text,
    Years,
)
from kentei.records.sensitive import MyNumberField, ResidenceCardNumber

SERVER_ASSIGNED: Final = "application_receipt_id"
"""申請受付ID: the service assigns it when the application is received."""


def _item(name: str) -> Any:
    """The Applicant item's default, Japanese name and description."""
    info = Applicant.model_fields[name]
    return Field(info.default, alias=info.alias, description=info.description)


class ApplicationForm(Record):
    """An application form (受検申請書): the items of 受検申請者テーブル except 申請受付ID.

    Keys are the English item names or the Japanese ones (not both for one item); any other
    key is refused.
    """

    date_order: ClassVar[tuple[tuple[str, str], ...]] = Applicant.date_order

    prefecture_code: PrefectureCode = _item("prefecture_code")
    fiscal_year: FiscalYear | None = _item("fiscal_year")
    term: Term | None = _item("term")
    grade: Grade | None = _item("grade")
    trade_code: Code | None = _item("trade_code")
    work_code: Code | None = _item("work_code")
    exam_category: ExamCategory | None = _item("exam_category")
    my_number: MyNumberField | None = _item("my_number")
    name: ShortText = _item("name")
    birth_date: Date = _item("birth_date")
    sex: Sex = _item("sex")
    postal_code: PostalCode | None = _item("postal_code")
    address: Text = _item("address")
    address_line2: Text | None = _item("address_line2")
    phone: PhoneNumber | None = _item("phone")
    employer_code: Code | None = _item("employer_code")
    employer_name: Text | None = _item("employer_name")
    employer_postal_code: PostalCode | None = _item("employer_postal_code")
    employer_address: Text | None = _item("employer_address")
    employer_address_line2: Text | None = _item("employer_address_line2")
    employer_phone: PhoneNumber | None = _item("employer_phone")
    course_or_exemption: ShortText | None = _item("course_or_exemption")
    name_kana: Kana | None = _item("name_kana")
    years_of_experience: Years | None = _item("years_of_experience")
    nationality: ShortText | None = _item("nationality")
    entry_date: Date | None = _item("entry_date")
    residence_expiry_date: Date | None = _item("residence_expiry_date")
    residence_card_number: ResidenceCardNumber | None = _item("residence_card_number")
    trainee_exam_category: ShortText | None = _item("trainee_exam_category")
    training_plan_approval_number: Identifier | None = _item("training_plan_approval_number")
    training_implementer_name: Text | None = _item("training_implementer_name")
    training_site_name: Text | None = _item("training_site_name")

    def item_values(self) -> dict[str, Any]:
        """The form's items by English name, values as validated (the My Number included)."""
        return {name: getattr(self, name) for name in ApplicationForm.model_fields}

    def to_applicant(
        self, application_receipt_id: str, *, keep_my_number: bool = False
    ) -> Applicant:
        """The 受検申請者テーブル record of this form, received under that 申請受付ID.

        Without the My Number unless asked: the record is what the records table keeps, and
        the My Number lives only in the vault (verify puts it there from the inbox).
        """
        items = self.item_values()
        if not keep_my_number:
            items["my_number"] = None
        return Applicant.model_validate({**items, SERVER_ASSIGNED: application_receipt_id})


def _english_names() -> Mapping[str, str]:
    names = {name: name for name in ApplicationForm.model_fields}
    for name, info in Applicant.model_fields.items():
        names[name] = name
        if info.alias:
            names[info.alias] = name
    return MappingProxyType(names)


ENGLISH_NAMES: Final = _english_names()
"""Every item name a form may be keyed by (English, Japanese), and 申請受付ID's two names,
mapped to the English name."""
