"""No My Number or residence-card number survives redaction, in any spelling people use."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei import my_number
from kentei.observability import RedactingFormatter
from kentei.redaction import redact

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


def valid(first: str) -> str:
    return first + str(my_number.check_digit(first))


@given(eleven_digits, st.sampled_from(["", " ", "-"]), st.text(max_size=20))
def test_a_valid_my_number_is_masked_however_it_is_separated(
    first: str, sep: str, noise: str
) -> None:
    number = valid(first)
    spelled = sep.join([number[:4], number[4:8], number[8:]])
    text = f"{noise} id={spelled}."
    out = redact(text)
    assert spelled not in out
    assert f"id={my_number.REDACTED}." in out


@given(eleven_digits)
def test_full_width_digits_are_masked(first: str) -> None:
    number = valid(first)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert my_number.REDACTED in redact(f"番号{full_width}です")


@given(eleven_digits)
def test_twelve_digits_with_a_wrong_check_digit_pass_through(first: str) -> None:
    wrong = first + str((my_number.check_digit(first) + 1) % 10)
    assert redact(f"exam {wrong}") == f"exam {wrong}"


def test_residence_card_numbers_are_masked() -> None:
    assert "AB12345678CD" not in redact("card AB12345678CD issued")


def test_the_log_formatter_masks_message_extra_keys_and_exception_text() -> None:
    number = valid("12345678901")
    formatter = RedactingFormatter()
    try:
        raise ValueError(f"bad {number}")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, f"msg {number}", None, sys.exc_info()
        )
    record.__dict__["person"] = {"my_number": number, "card": "AB12345678CD"}
    line = formatter.format(record)
    json.loads(line)
    assert number not in line
    assert "AB12345678CD" not in line


def test_a_library_module_logging_a_my_number_is_masked_by_the_function_logger(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kentei.instrumentation import Instruments

    Instruments.for_service("redaction-test")
    number = valid("12345678901")
    logging.getLogger("kentei.some.adapter").warning("looked up %s", number)
    out = capsys.readouterr().out
    assert my_number.REDACTED in out
    assert number not in out
    assert json.loads(out.strip().splitlines()[-1])["name"] == "kentei.some.adapter"


def test_a_third_party_library_logging_through_the_root_logger_is_masked_too() -> None:
    """botocore, urllib3 and pypdf log outside "kentei", through the root logger's handlers
    (in Lambda, the runtime's own): a function's instruments mask those lines as well."""
    from io import StringIO

    from kentei.instrumentation import Instruments

    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        Instruments.for_service("redaction-test")
        Instruments.for_service("redaction-test")  # wrapping twice masks once
        number = valid("12345678901")
        logging.getLogger("botocore.endpoint").warning("GET /x?q=%s", f"{number[:4]}-{number[4:]}")
    finally:
        root.removeHandler(handler)
    out = stream.getvalue()
    assert out.startswith("botocore.endpoint GET /x?q=")
    assert my_number.REDACTED in out
    assert not my_number.contains(out)


digit_sets = st.sampled_from(["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९"])
separators = st.sampled_from(["", " ", ".", "/", "_", ",", "・", "-", "－", "ー", "—", "\u3000"])


@given(first=eleven_digits, digits=digit_sets, sep=separators, noise=st.text(max_size=30))
def test_the_redactor_masks_exactly_what_the_detector_finds(
    first: str, digits: str, sep: str, noise: str
) -> None:
    """One detector: the log redactor's My Numbers are kentei.my_number's, in any spelling."""
    number = valid(first).translate(str.maketrans("0123456789", digits))
    text = f"{noise} path=/v1/x/{sep.join((number[:4], number[4:8], number[8:]))}?q=1"
    assert redact(text) == my_number.redact(text)
    assert my_number.find(redact(text)) == []
    assert my_number.find(RedactingFormatter().format(_record(text))) == []


@given(st.text(alphabet="0123456789", min_size=13, max_size=30))
def test_a_long_reference_number_in_a_log_line_stays_readable(reference: str) -> None:
    assert redact(f"reference {reference}") == f"reference {reference}"


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, message, None, None)
