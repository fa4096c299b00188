from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from tests.unit.tickets.samples import NAME, VENUE, ticket

from kentei.tickets.content import (
    Part,
    PartKind,
    PersonName,
    Round,
    Term,
    TicketContent,
    Venue,
)


def fields_of(model: type[TicketContent] | type[PersonName] | type[Part] | type[Venue]) -> set[str]:
    return set(model.model_fields)


def test_the_round_label_is_the_fiscal_year_in_wareki_and_the_term() -> None:
    assert Round(fiscal_year=2026, term=Term.FIRST).label == "令和8年度 前期"
    assert Round(fiscal_year=2019, term=Term.SECOND).label == "令和元年度 後期"


def test_no_my_number_and_no_other_personal_detail_than_the_name() -> None:
    every = fields_of(TicketContent) | fields_of(PersonName) | fields_of(Part) | fields_of(Venue)
    assert not {name for name in every if "number" in name} - {"exam_number"}
    assert not {"my_number", "birth_date", "birthday", "address_of_person"} & every
    assert fields_of(PersonName) == {"kanji", "kana"}


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        ticket(my_number="123456789018")


def test_the_model_is_frozen() -> None:
    with pytest.raises(ValidationError):
        ticket().exam_number = "X"


def test_a_validation_error_does_not_repeat_the_name() -> None:
    with pytest.raises(ValidationError) as raised:
        PersonName(kanji=NAME + "\u0007")
    assert NAME not in str(raised.value)


def test_codes_are_ascii_after_nfkc() -> None:
    assert ticket(exam_number="Ｒ８－１３").exam_number == "R8-13"
    with pytest.raises(ValidationError):
        ticket(exam_number="R8 13")
    with pytest.raises(ValidationError):
        ticket(exam_number="受検1")


def test_an_exempt_part_has_no_schedule() -> None:
    with pytest.raises(ValidationError, match="exempt"):
        Part(kind=PartKind.WRITTEN, exempt=True, date=dt.date(2026, 8, 30))


def test_a_part_taken_needs_its_date_times_and_venue() -> None:
    with pytest.raises(ValidationError, match="venue"):
        Part(kind=PartKind.WRITTEN, date=dt.date(2026, 8, 30), start=dt.time(9), end=dt.time(10))


def test_a_part_ends_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="ends after"):
        Part(
            kind=PartKind.WRITTEN,
            date=dt.date(2026, 8, 30),
            start=dt.time(10),
            end=dt.time(10),
            venue=VENUE,
        )


def test_parts_appear_once_and_one_is_taken() -> None:
    exempt = Part(kind=PartKind.WRITTEN, exempt=True)
    with pytest.raises(ValidationError, match="once"):
        ticket(parts=(exempt, exempt))
    with pytest.raises(ValidationError, match="at least one"):
        ticket(parts=(exempt,))


def test_the_issue_instant_is_aware() -> None:
    with pytest.raises(ValidationError):
        ticket(issued_at=dt.datetime(2026, 6, 1, 9))


def test_text_is_one_line() -> None:
    with pytest.raises(ValidationError):
        ticket(trade="機械\n加工")
    with pytest.raises(ValidationError):
        ticket(trade="　")
