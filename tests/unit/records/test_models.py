"""Behaviour of the record models: names and aliases, required items, immutability, order."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from kentei.records import (
    RECORD_MODELS,
    Applicant,
    ApplicationInfo,
    Examinee,
    ExamManagement,
    InitialRegistration,
    Passer,
    Pseudonyms,
)
from kentei.records.codes import Grade, Sex, Term

IDENTITY = {
    "都道府県コード": "13",
    "氏名": "山田 太郎",
    "生年月日": "1990-04-01",
    "性別": "1",
    "住所": "東京都千代田区千代田1-1",
}


def test_given_japanese_aliases_or_english_names_then_the_same_record() -> None:
    by_alias = Applicant.model_validate({**IDENTITY, "級": "1級", "期別": "前期"})
    by_name = Applicant.model_validate(
        {
            "prefecture_code": "13",
            "name": "山田 太郎",
            "birth_date": date(1990, 4, 1),
            "sex": Sex.MALE,
            "address": "東京都千代田区千代田1-1",
            "grade": Grade.FIRST,
            "term": Term.FIRST,
        }
    )

    assert by_alias == by_name
    assert list(by_alias.model_dump())[:2] == ["prefecture_code", "fiscal_year"]
    assert list(by_alias.model_dump(by_alias=True))[:2] == ["都道府県コード", "年度"]


def test_given_an_item_under_both_its_name_and_its_alias_then_rejected_as_ambiguous() -> None:
    with pytest.raises(ValidationError) as caught:
        Applicant.model_validate({**IDENTITY, "name": "別人"})

    assert caught.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("model", [Applicant, Examinee, InitialRegistration])
@pytest.mark.parametrize("alias", list(IDENTITY))
def test_given_a_person_record_without_an_identity_item_then_it_is_missing(
    model: type[Applicant], alias: str
) -> None:
    data = {k: v for k, v in IDENTITY.items() if k != alias}

    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)

    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [((alias,), "missing")]


def test_given_the_record_keys_then_exam_results_need_prefecture_and_exam_number() -> None:
    required = {
        key: [name for name, f in model.model_fields.items() if f.is_required()]
        for key, model in RECORD_MODELS.items()
    }

    assert required["exam_management"] == ["prefecture_code", "exam_number"]
    assert required["pseudonymous_ids"] == ["qualification_pseudonym_id"]
    assert required["passer"] == required["application_info"] == []


def test_given_a_record_with_no_item_then_rejected() -> None:
    with pytest.raises(ValidationError, match="at least one item"):
        Passer.model_validate({})


def test_given_a_record_when_assigned_to_then_it_is_frozen() -> None:
    record = Pseudonyms.model_validate({"資格仮名ID": "q-12345678"})

    with pytest.raises(ValidationError):
        record.qualification_pseudonym_id = "other-123"  # type: ignore[misc]

    assert record.model_copy(update={"mynaportal_pseudonym_id": "m-12345678"}) != record


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (Applicant, {**IDENTITY, "入国日": "2020-04-01", "在留期限日": "2020-03-31"}, "entry_date"),
        (Examinee, {**IDENTITY, "入国日": "1980-01-01"}, "birth_date must not be after"),
        (
            ApplicationInfo,
            {"受検開始希望日": "2025-07-02", "受検終了希望日": "2025-07-01"},
            "preferred_exam_start_date",
        ),
        (Passer, {"合格日付": "2025-04-01", "合格取消日": "2025-03-31"}, "revocation_date"),
    ],
)
def test_given_dates_out_of_order_then_rejected_naming_the_fields(
    model: type[Applicant], data: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        model.model_validate(data)


def test_given_the_record_models_then_built_on_first_use() -> None:
    # Every model defers its build now (tests/unit/test_deferred_models.py), these included.
    for model in (ApplicationInfo, Passer, ExamManagement):
        assert model.model_config.get("defer_build") is True

    record = ApplicationInfo.model_validate({"年度": "2025", "合格証書受取団体種別": "団体"})

    assert record.certificate_recipient_group_type == "団体"
    assert record.pass_notice_group_type is None
