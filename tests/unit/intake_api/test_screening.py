"""intake.screening at every entry point: a My Number in a path or query parameter, a file
name, the pseudonym or a review reason is a 422 naming the field, in any spelling; and no log
line of such a request (JSON, as the formatter writes it) holds one."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.my_number_spellings import spelled

from intake import screening
from intake.errors import InvalidRequestError
from kentei import my_number
from kentei.applications.model import ApplyingGroup, Channel, Reason
from kentei.submissions import EXAMPLE_DOCUMENTS
from kentei.submissions.attachments import AttachmentFile
from kentei.submissions.form import ApplicationForm
from kentei.submissions.parsed import ParsedSubmission, RawPart

from .events import event, invoke

FORM: Final = ApplicationForm.model_validate(
    {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != "attachments"}
)
DIGITS: Final = ("0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९")
SEPARATORS: Final = ("", " ", ".", "_", ",", "・", "-", "－", "ー", "‐", "\u3000")
HANDLER_EXAMPLES: Final = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
URL_SEPARATORS: Final = ("", "-", ".", "_", "・", "ー", "－")
"""Separators a path segment keeps as they are (percent-encoded when not ASCII)."""


def fields(exc: pytest.ExceptionInfo[InvalidRequestError]) -> list[str]:
    return [error.field for error in exc.value.errors]


def parsed(
    channel: Channel,
    names: tuple[str, ...] = ("a.pdf",),
    pseudonym: str | None = None,
    form: ApplicationForm = FORM,
) -> ParsedSubmission:
    files = tuple(
        AttachmentFile(name, "application/pdf", b"%PDF-", hashlib.sha256(b"%PDF-").hexdigest())
        for name in names
    )
    raw: tuple[RawPart, ...] = ()
    if channel is Channel.EGOV:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in ("kousei.xml", "application.json", *names):
                archive.writestr(name, b"x")
        raw = (RawPart("package.zip", "application/zip", buffer.getvalue()),)
    return ParsedSubmission(
        channel=channel,
        form=form,
        prefecture_code="13",
        attachments=files,
        raw_parts=raw,
        mynaportal_pseudonym_id=pseudonym,
    )


# The pure edge functions


@settings(max_examples=60)
@given(
    value=spelled(SEPARATORS, DIGITS), channel=st.sampled_from([Channel.MYNAPORTAL, Channel.PAPER])
)
def test_a_file_name_holding_a_my_number_is_refused_by_its_position(
    value: str, channel: Channel
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_submission(parsed(channel, ("ok.pdf", f"{value}.pdf")))
    assert fields(caught) == ["attachments.1.name"]


def test_an_egov_file_name_is_named_as_the_package_entry() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_submission(parsed(Channel.EGOV, ("ok.pdf", "1234-5678-9018.pdf")))
    assert fields(caught) == ["package:entries.3"]


@settings(max_examples=40)
@given(value=spelled(("", "-", "_"), DIGITS[:1]))
def test_a_pseudonym_holding_a_my_number_is_refused(value: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_submission(parsed(Channel.MYNAPORTAL, pseudonym=f"mp-{value}"))
    assert fields(caught) == ["mynaportal_pseudonym_id"]


@pytest.mark.parametrize(
    ("channel", "at"),
    [
        (Channel.MYNAPORTAL, "document"),
        (Channel.EGOV, "package:application.json"),
        (Channel.PAPER, "form"),
    ],
)
def test_a_form_item_is_named_as_the_channel_names_the_form(channel: Channel, at: str) -> None:
    form = FORM.model_copy(update={"employer_code": "123456789018", "address": "x"})
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_submission(parsed(channel, form=form))
    assert fields(caught) == [f"{at}.employer_code"]
    assert caught.value.status == HTTPStatus.UNPROCESSABLE_ENTITY


@settings(max_examples=40)
@given(value=spelled(SEPARATORS, DIGITS), item=st.sampled_from(["code", "name", "type"]))
def test_an_applying_group_holding_a_my_number_is_refused_by_its_item(
    value: str, item: str
) -> None:
    group = {"code": "G0001", "name": "株式会社 試験製作所", "type": "事業主"}
    try:
        applying = ApplyingGroup.model_validate({**group, item: f"G{value}"})
    except ValidationError:
        return  # not a group at all: the request is refused as invalid before screening
    submission = dataclasses.replace(parsed(Channel.PAPER), group=applying)
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_submission(submission)
    assert fields(caught) == [f"group.{item}"]


def test_a_clean_submission_passes_with_its_my_number() -> None:
    for channel in Channel:
        if channel in (Channel.MYNAPORTAL, Channel.EGOV, Channel.PAPER):
            screening.refuse_in_submission(parsed(channel, pseudonym="mp-pseudonym-0001"))


@settings(max_examples=60)
@given(value=spelled(SEPARATORS, DIGITS), part=st.sampled_from(["field", "message"]))
def test_a_review_reason_holding_a_my_number_is_refused_by_its_part(value: str, part: str) -> None:
    texts = {"code": "fix", "field": "name", "message": "see the name"}
    texts[part] = value if part == "field" else f"番号 {value} を確認"
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_reasons([Reason(**texts)])
    assert fields(caught) == [f"reasons.0.{part}"]


def test_a_reason_code_holding_a_my_number_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        screening.refuse_in_reasons([Reason(code="1234.5678.9018", message="x")])
    assert fields(caught) == ["reasons.0.code"]


# Through the handler: the answer, and every log line it wrote


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Intake's log lines as its own formatter writes them (Powertools' handler writes to the
    stdout of when it was made, out of capsys's reach)."""
    from intake.telemetry import instruments

    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(instruments.logger.registered_formatter)
    logger = logging.getLogger("intake")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def _logged(log: io.StringIO) -> str:
    text = log.getvalue()
    log.seek(0)
    log.truncate()
    return text


def _no_my_number_logged(out: str) -> None:
    lines = out.splitlines()
    assert lines, "the request logged nothing"
    for line in lines:
        json.loads(line)
        assert my_number.find(line) == [], line


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=spelled(URL_SEPARATORS, DIGITS))
def test_a_my_number_in_a_path_parameter_is_422_and_never_logged(
    value: str, log: io.StringIO
) -> None:
    _logged(log)
    code, _, body = invoke(event("GET", f"/v1/applications/{quote(value)}", caller="bridge:egov"))
    assert code == HTTPStatus.UNPROCESSABLE_ENTITY, body
    assert [e["field"] for e in body["errors"]] == ["path.application_id"]
    assert my_number.find(json.dumps(body, ensure_ascii=False)) == []
    _no_my_number_logged(_logged(log))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=spelled(SEPARATORS, DIGITS))
def test_a_my_number_in_a_query_parameter_is_422_and_never_logged(
    value: str, log: io.StringIO
) -> None:
    _logged(log)
    code, _, body = invoke(
        event(
            "GET",
            f"/v1/review/applications?status=under_review&cursor={quote(value)}",
            caller="staff:13:u",
        )
    )
    assert code == HTTPStatus.UNPROCESSABLE_ENTITY, body
    assert [e["field"] for e in body["errors"]] == ["query.cursor"]
    _no_my_number_logged(_logged(log))


def test_a_path_no_route_has_is_422_naming_the_path() -> None:
    code, _, body = invoke(event("GET", "/v1/nothing/1234-5678-9018", caller="bridge:egov"))
    assert code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert [e["field"] for e in body["errors"]] == ["path"]


def test_a_long_reference_in_a_path_is_not_refused() -> None:
    code, _, _ = invoke(event("GET", "/v1/applications/12345678901234567", caller="bridge:egov"))
    assert code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "spelling", ["123456789018", "１２３４－５６７８－９０１８", "1234.5678.9018"]
)
def test_an_exception_message_holding_a_my_number_is_masked_in_the_log(
    spelling: str, log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake.telemetry import instruments

    def failing() -> Any:
        # What a careless adapter does: log an exception whose text quotes its input.
        try:
            raise RuntimeError(f"bad person {spelling}")
        except RuntimeError:
            instruments.logger.exception(f"failed for {spelling}", extra={"at": spelling})
            raise

    monkeypatch.setattr("intake.routes.documents.application_document_schema", failing)
    _logged(log)
    code, _, _ = invoke(event("GET", "/v1/schemas/application-document.json"))
    assert code == HTTPStatus.INTERNAL_SERVER_ERROR
    out = _logged(log)
    assert "bad person" in out
    assert my_number.REDACTED in out
    _no_my_number_logged(out)


@HANDLER_EXAMPLES
@given(value=spelled(("", "-", ".", "_"), (DIGITS[0],)))
def test_a_my_number_as_the_idempotency_key_is_422_and_never_logged(
    value: str, log: io.StringIO
) -> None:
    """The key becomes part of the idempotency record's key and of the application id's
    derivation (both hashes): a My Number there is refused before either exists."""
    _logged(log)
    code, _, body = invoke(
        event(
            "POST",
            "/v1/applications",
            body={"channel": "mynaportal"},
            headers={"Idempotency-Key": f"key:{value}", "Content-Type": "application/json"},
            caller="bridge:mynaportal",
        )
    )
    assert code == HTTPStatus.UNPROCESSABLE_ENTITY, body
    assert [e["field"] for e in body["errors"]] == [screening.IDEMPOTENCY_FIELD]
    _no_my_number_logged(_logged(log))
