"""A result file's encoding comes from its bytes, and its text is decoded as a stream."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kentei.results.imports.encoding import SourceEncoding, decode, detect
from kentei.results.imports.errors import UndecodableFileError

from .support import chunked, encoded

TEXT = "年度,期,氏名\r\n2026,前期,山田 太郎\r\n2026,後期,髙橋 ① ～\r\n"


def _reads_as_utf8(data: bytes, window: int) -> bool:
    """The detector's step 2: the window from the first non-ASCII byte is valid UTF-8 (a
    character cut by the window's end is no error)."""
    start = next((i for i, byte in enumerate(data) if byte >= 0x80), None)
    if start is None:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[start : start + window], final=False)
    except UnicodeDecodeError:
        return False
    return True


def _read(data: bytes, size: int, window: int = 64) -> tuple[str, SourceEncoding | None]:
    text = decode(chunked(data, size), window=window)
    return "".join(text), text.encoding


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("cp932", SourceEncoding.CP932),
        ("utf-8", SourceEncoding.UTF8),
        ("utf-8-bom", SourceEncoding.UTF8_BOM),
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 64 * 1024])
def test_each_encoding_is_detected_and_decoded_in_any_chunking(
    encoding: str, expected: SourceEncoding, size: int
) -> None:
    assert _read(encoded(TEXT, encoding), size) == (TEXT, expected)


def test_detection_from_a_prefix() -> None:
    assert detect(codecs.BOM_UTF8 + b"abc", at_end=False) is SourceEncoding.UTF8_BOM
    assert detect("年度".encode(), at_end=True) is SourceEncoding.UTF8
    assert detect("年度".encode("cp932"), at_end=True) is SourceEncoding.CP932
    assert detect(b"plain ascii", at_end=True) is SourceEncoding.UTF8


def test_a_character_cut_by_the_window_end_is_not_a_reason_for_cp932() -> None:
    # A three-byte UTF-8 character straddles the end of the 4-byte detection window.
    data = "a,年年,b\n".encode()
    for window in (4, 5, 6):
        assert _read(data, 1, window=window) == ("a,年年,b\n", SourceEncoding.UTF8)
    assert detect("年年".encode()[:4], at_end=False) is SourceEncoding.UTF8
    assert detect("年年".encode()[:4], at_end=True) is SourceEncoding.CP932


def test_ascii_before_the_first_non_ascii_byte_is_not_held() -> None:
    """English headers and a long ASCII stretch, then Japanese: still CP932."""
    text = "Exam number,Name\r\n" + "1,a\r\n" * 50_000 + "2,山田\r\n"
    data = text.encode("cp932")
    stream = decode(chunked(data, 4096), window=64)
    parts = iter(stream)
    first = next(parts)
    assert stream.encoding is None  # nothing non-ASCII yet: passed on, not held
    assert first + "".join(parts) == text
    assert stream.encoding is SourceEncoding.CP932


@pytest.mark.parametrize(
    ("data", "offset", "label"),
    [
        ("abc,あ\n".encode() + b"x" * 20 + b"\xe3\x81", 28, "UTF-8"),  # cut at the end
        ("abc,あ\n".encode() + b"x" * 100 + b"\xff\n", 108, "UTF-8"),  # after the window
        ("abc,あ\n".encode("cp932") + b"\x81\x20\n", 7, "CP932"),  # bad trail byte
        ("あ".encode("cp932") + b"\x81", 2, "CP932"),  # cut at the end of the file
        (b"\xef", 0, "CP932"),
    ],
)
@pytest.mark.parametrize("size", [1, 3, 4096])
def test_an_undecodable_file_names_the_byte_offset(
    data: bytes, offset: int, label: str, size: int
) -> None:
    with pytest.raises(UndecodableFileError) as raised:
        _read(data, size, window=8)
    assert raised.value.offset == offset
    assert f"byte offset {offset}: not valid {label}" in str(raised.value)


def test_the_error_does_not_carry_the_bytes() -> None:
    data = "受検番号,氏名\n1,山田\n".encode("cp932") + b"\x81\x20"
    with pytest.raises(UndecodableFileError) as raised:
        _read(data, 7)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None
    assert "山田" not in str(raised.value)


def test_an_empty_file_is_utf8_and_empty() -> None:
    assert _read(b"", 1) == ("", SourceEncoding.UTF8)


# Characters CP932 encodes but decodes to another code point (¬ → ￢) do not round-trip.
_CP932_TEXT = st.text(
    st.characters(codec="cp932", exclude_characters="\x00¢£¬‖−〜"), max_size=40
).filter(lambda text: not text.startswith("\ufeff"))


@settings(max_examples=150, deadline=None)
@given(
    text=_CP932_TEXT,
    encoding=st.sampled_from(["cp932", "utf-8", "utf-8-bom"]),
    size=st.integers(1, 9),
    window=st.integers(4, 12),
)
def test_any_text_reads_back_whatever_the_chunking(
    text: str, encoding: str, size: int, window: int
) -> None:
    """Any text, save CP932 text whose first non-ASCII bytes also read as UTF-8 within the
    window: those bytes are both, and detection takes them for UTF-8 as documented (a real
    result file's Japanese header never is: "受検番号" in CP932 starts with a byte UTF-8 has
    only inside a character)."""
    data = encoded(text, encoding)
    assume(encoding != "cp932" or not _reads_as_utf8(data, window))
    read, found = _read(data, size, window)
    assert read == text
    if encoding == "utf-8-bom":
        assert found is SourceEncoding.UTF8_BOM
    elif text.isascii():
        assert found is SourceEncoding.UTF8
