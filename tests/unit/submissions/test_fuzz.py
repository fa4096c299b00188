"""Whatever a client sends, the parsers answer with a SubmissionError or a submission: never
another exception, and never a submitted value in the answer."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentei.records import Applicant
from kentei.submissions import (
    EgovRequest,
    MynaportalRequest,
    SubmissionError,
    parse_egov,
    parse_mynaportal,
)
from kentei.submissions.document import parse_document

from .builders import FORM, JPEG, PDF, PNG, PSEUDONYM, b64, document, kousei, make_signer

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
SIGNER = make_signer()
SIGNATURE = SIGNER.sign(document())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
item_names = st.sampled_from(
    [*Applicant.model_fields, *(f.alias for f in Applicant.model_fields.values() if f.alias)]
)


def outcome(call: Any, *args: Any) -> SubmissionError | None:
    try:
        call(*args)
    except SubmissionError as exc:
        return exc
    return None


def mynaportal(document_bytes: bytes, signature: bytes) -> MynaportalRequest:
    return MynaportalRequest(
        channel="mynaportal",
        mynaportal_pseudonym_id=PSEUDONYM,
        document=b64(document_bytes),
        signature=b64(signature),
    )


@FUZZ
@given(st.binary(max_size=2048))
def test_given_any_bytes_as_the_document_then_only_submission_errors(data: bytes) -> None:
    outcome(parse_mynaportal, mynaportal(data, SIGNATURE))


@FUZZ
@given(st.binary(max_size=2048))
def test_given_any_bytes_as_the_signature_then_only_submission_errors(data: bytes) -> None:
    exc = outcome(parse_mynaportal, mynaportal(document(), data))

    assert exc is not None


@FUZZ
@given(st.data())
def test_given_a_real_signature_with_bytes_flipped_then_only_submission_errors(
    data: st.DataObject,
) -> None:
    signature = bytearray(SIGNATURE)
    for _ in range(data.draw(st.integers(1, 4))):
        signature[data.draw(st.integers(0, len(signature) - 1))] = data.draw(st.integers(0, 255))

    outcome(parse_mynaportal, mynaportal(document(), bytes(signature)))


@FUZZ
@given(st.binary(max_size=4096))
def test_given_any_bytes_as_the_package_then_only_submission_errors(data: bytes) -> None:
    exc = outcome(parse_egov, EgovRequest(channel="egov", package=b64(data)))

    assert exc is not None


@FUZZ
@given(st.text(max_size=64))
def test_given_any_text_in_a_base64_field_then_only_submission_errors(text: str) -> None:
    outcome(parse_egov, EgovRequest(channel="egov", package=text))
    outcome(
        parse_mynaportal,
        MynaportalRequest(
            channel="mynaportal", mynaportal_pseudonym_id=PSEUDONYM, document=text, signature=text
        ),
    )


# Names zipfile itself cannot write (empty once it drops what follows a NUL and leading
# slashes) are left out: the fuzzing is of our reader, not of zipfile's writer.
entry_names = st.sampled_from(["kousei.xml", "application.json", "a.pdf", "b.png"]) | st.text(
    min_size=1, max_size=12
).filter(lambda name: name.split("\x00")[0].lstrip("/") != "")
entry_contents = st.sampled_from([PDF, JPEG, PNG, document(), b"", b"<x/>"]) | st.binary(
    max_size=256
)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@FUZZ
@given(st.lists(st.tuples(entry_names, entry_contents), max_size=5), st.data())
def test_given_any_zip_then_only_submission_errors(
    entries: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    packed = bytearray(buffer.getvalue())
    if packed and data.draw(st.booleans()):
        packed[data.draw(st.integers(0, len(packed) - 1))] ^= data.draw(st.integers(1, 255))

    outcome(parse_egov, EgovRequest(channel="egov", package=b64(bytes(packed))))


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_given_any_kousei_xml_then_only_submission_errors(text: str) -> None:
    files = {"application.json": document()}
    tail = text.encode("utf-8", "surrogatepass")
    for content in (tail, kousei(files) + tail, kousei(files).replace(b"<Signature", tail, 1)):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("kousei.xml", content)
            archive.writestr("application.json", files["application.json"])

        outcome(parse_egov, EgovRequest(channel="egov", package=b64(buffer.getvalue())))


MARKER = "Zq7Marker"


@FUZZ
@given(st.dictionaries(item_names | st.text(max_size=10), json_values, max_size=6), st.data())
def test_given_any_json_object_as_a_document_then_no_value_is_echoed(
    changes: dict[str, Any], data: st.DataObject
) -> None:
    marked = {
        key: f"{MARKER}{data.draw(st.text(max_size=5))}" if data.draw(st.booleans()) else value
        for key, value in changes.items()
    }
    raw = json.dumps({**FORM, **marked}, ensure_ascii=False)
    try:
        encoded = raw.encode("utf-8")
    except UnicodeEncodeError:
        encoded = raw.encode("utf-8", "surrogatepass")

    exc = outcome(parse_document, encoded, "document")

    if exc is not None:
        assert MARKER not in (str(exc) + repr(exc) + str(exc.errors))


@FUZZ
@given(st.text(alphabet="0123456789０１２３４５６７８９- ", min_size=12, max_size=16))
def test_given_any_my_number_spelling_then_never_echoed(number: str) -> None:
    raw = json.dumps({**FORM, "my_number": number}, ensure_ascii=False).encode()

    exc = outcome(parse_document, raw, "document")

    if exc is not None:
        assert [e.field for e in exc.errors] == ["document.my_number"]
        assert number.strip() not in (str(exc) + repr(exc) + str(exc.errors))
