"""The request envelopes: their JSON Schema (for OpenAPI), limits and error hygiene."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from kentei.submissions import (
    MAX_ATTACHMENT_BYTES,
    MAX_REQUEST_BYTES,
    ApplicationRequest,
    EgovRequest,
    MynaportalRequest,
    RefusalKind,
    SubmissionError,
    parse_egov,
)
from kentei.submissions.limits import MAX_PACKAGE_BYTES, base64_length


def test_given_the_union_then_its_schema_documents_the_limits_and_the_discriminator() -> None:
    schema = TypeAdapter(ApplicationRequest).json_schema()

    assert schema["discriminator"]["propertyName"] == "channel"
    upload = schema["$defs"]["AttachmentUpload"]["properties"]["content"]
    assert upload["maxLength"] == base64_length(MAX_ATTACHMENT_BYTES)
    assert upload["contentEncoding"] == "base64"
    package = schema["$defs"]["EgovRequest"]["properties"]["package"]
    assert package["maxLength"] <= MAX_REQUEST_BYTES
    for model in ("MynaportalRequest", "EgovRequest", "PaperRequest", "AttachmentUpload"):
        assert schema["$defs"][model]["additionalProperties"] is False
        assert schema["$defs"][model]["description"]


def test_given_the_largest_package_then_its_base64_fits_a_request() -> None:
    assert base64_length(MAX_PACKAGE_BYTES) <= MAX_REQUEST_BYTES


def test_given_a_bad_envelope_then_str_of_the_error_does_not_echo_values() -> None:
    secret = "123456789018"
    with pytest.raises(ValidationError) as caught:
        MynaportalRequest.model_validate(
            {"channel": "mynaportal", "mynaportal_pseudonym_id": secret + " x", "document": 1}
        )

    assert secret not in str(caught.value)


def test_given_a_submission_error_then_str_is_the_detail_and_it_has_a_kind_and_slug() -> None:
    with pytest.raises(SubmissionError) as caught:
        parse_egov(EgovRequest(channel="egov", package="@@@@"))

    exc = caught.value
    assert str(exc) == exc.detail
    assert (exc.kind, exc.slug) == (RefusalKind.INVALID, "invalid-encoding")


def test_given_a_kind_outside_the_contract_then_the_error_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="teapot"):
        SubmissionError("teapot", "internal", "no")  # type: ignore[arg-type]
