"""The signed application document: strict JSON, the form's items, the attachment list."""

from __future__ import annotations

import json

import pytest

from kentei.records import Applicant
from kentei.submissions import ApplicationDocument, SubmissionError
from kentei.submissions.document import parse_document

from .builders import BAD_MY_NUMBER, FORM

JAPANESE = {Applicant.model_fields[k].alias: v for k, v in FORM.items()}


def parse(value: object) -> ApplicationDocument:
    return parse_document(json.dumps(value, ensure_ascii=False).encode(), "document")


def refusal(value: object | bytes) -> SubmissionError:
    data = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode()
    with pytest.raises(SubmissionError) as caught:
        parse_document(data, "document")
    return caught.value


def fields(exc: SubmissionError) -> list[str]:
    return [e.field for e in exc.errors]


def test_given_english_or_japanese_keys_then_the_same_form() -> None:
    by_name = parse({**FORM, "attachments": []})
    by_alias = parse(JAPANESE)

    assert by_name.to_form() == by_alias.to_form()
    assert by_alias.attachments == ()


def test_given_a_receipt_id_then_refused_naming_it_as_server_assigned() -> None:
    for key in ("申請受付ID", "application_receipt_id"):
        exc = refusal({**FORM, key: "R-0001"})

        assert (exc.kind, exc.slug) == ("invalid", "invalid-document")
        assert fields(exc) == ["document.application_receipt_id"]
        assert "assigned by the service" in exc.errors[0].problem


def test_given_an_unknown_field_then_refused_naming_it() -> None:
    exc = refusal({**FORM, "favourite_colour": "blue"})

    assert fields(exc) == ["document.favourite_colour"]
    assert "unknown" in exc.errors[0].problem


def test_given_an_unknown_key_holding_a_my_number_then_the_path_hides_the_number() -> None:
    exc = refusal({**FORM, "x123456789018": 1})

    assert fields(exc) == ["document.x************"]


def test_given_an_item_under_both_names_then_refused_as_given_twice() -> None:
    exc = refusal({**FORM, "氏名": "別人"})

    assert fields(exc) == ["document.name"]
    assert "twice" in exc.errors[0].problem


@pytest.mark.parametrize("key", ["my_number", "個人番号"])
def test_given_a_wrong_check_digit_then_422_names_the_field_never_the_number(key: str) -> None:
    form = {k: v for k, v in FORM.items() if k != "my_number"}
    exc = refusal({**form, key: BAD_MY_NUMBER})

    assert exc.kind == "invalid"
    assert fields(exc) == ["document.my_number"]
    assert "check digit" in exc.errors[0].problem
    shown = str(exc) + repr(exc) + (str(exc) + repr(exc) + str(exc.errors)) + str(exc.errors)
    assert BAD_MY_NUMBER not in shown


def test_given_japanese_keys_and_bad_values_then_paths_use_english_names() -> None:
    exc = refusal({**JAPANESE, "生年月日": "1990-02-30", "都道府県コード": "48"})

    assert sorted(fields(exc)) == ["document.birth_date", "document.prefecture_code"]
    assert "1990-02-30" not in (str(exc) + repr(exc) + str(exc.errors))


def test_given_a_missing_required_item_then_its_english_path() -> None:
    exc = refusal({k: v for k, v in JAPANESE.items() if k != "氏名"})

    assert fields(exc) == ["document.name"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xef\xbb\xbf{}", "UTF-8 JSON"),
        ("{}".encode("utf-16"), "UTF-8 JSON"),
        (b'{"name": NaN}', "UTF-8 JSON"),
        (b"[1, 2]", "JSON object"),
        (b"null", "JSON object"),
        (b"", "UTF-8 JSON"),
        (b"[" * 100_000, "UTF-8 JSON"),
        (b'{"n": 1' + b"0" * 5000 + b"}", "UTF-8 JSON"),
    ],
)
def test_given_bytes_that_are_not_a_strict_json_object_then_invalid_document(
    data: bytes, problem: str
) -> None:
    exc = refusal(data)

    assert (exc.kind, exc.slug, fields(exc)) == ("invalid", "invalid-document", ["document"])
    assert problem in exc.errors[0].problem


def test_given_a_duplicate_key_then_refused_since_readers_could_disagree() -> None:
    text = json.dumps(FORM, ensure_ascii=False)[:-1] + ', "name": "別人"}'

    exc = refusal(text.encode())

    assert "twice" in exc.errors[0].problem
    assert "別人" not in (str(exc) + repr(exc) + str(exc.errors))


def test_given_upper_case_digests_then_kept_in_lower_case() -> None:
    digest = "AB" * 32

    document = parse({**FORM, "attachments": [{"name": "a.pdf", "sha256": digest}]})

    assert document.attachments[0].sha256 == digest.lower()


@pytest.mark.parametrize(
    "refs",
    [
        [{"name": "a.pdf", "sha256": "0" * 64}, {"name": "A.PDF", "sha256": "1" * 64}],
        [{"name": "../a.pdf", "sha256": "0" * 64}],
        [{"name": "a.pdf", "sha256": "0" * 63}],
        [{"name": "a.pdf", "sha256": "0" * 64, "size": 1}],
    ],
)
def test_given_a_bad_attachment_list_then_invalid_document(refs: list[dict[str, object]]) -> None:
    exc = refusal({**FORM, "attachments": refs})

    assert exc.slug == "invalid-document"
    assert all(f.startswith("document.attachments") for f in fields(exc))


@pytest.mark.parametrize(
    "change",
    [{"name": "\ud800"}, {"my_number": "\udfff" * 12}, {"\ud800": 1}, {"name_kana": "\ud800"}],
)
def test_given_lone_surrogates_escaped_in_json_then_invalid_document(
    change: dict[str, object],
) -> None:
    exc = refusal(json.dumps({**FORM, **change}).encode())

    assert (exc.kind, exc.slug) == ("invalid", "invalid-document")
    (str(exc) + repr(exc) + str(exc.errors))
