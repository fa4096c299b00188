"""The status bitstring: set/get round trips, the spec's bit order, and its encoding."""

from __future__ import annotations

import base64
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.credentials.bitstring import MAX_BYTES, MIN_ENTRIES, Bitstring, BitstringError

SMALL = 64


@settings(max_examples=60)
@given(
    status_size=st.sampled_from([1, 2, 4, 8]),
    writes=st.lists(st.tuples(st.integers(0, SMALL - 1), st.integers(0, 255)), max_size=40),
)
def test_the_last_value_written_at_each_index_is_read_back(
    status_size: int, writes: list[tuple[int, int]]
) -> None:
    bits = Bitstring(SMALL, status_size)
    expected = [0] * SMALL
    for index, drawn in writes:
        value = drawn % (1 << status_size)
        bits.set(index, value)
        expected[index] = value
    assert [bits.get(index) for index in range(SMALL)] == expected
    assert bits.set_indices() == [i for i, value in enumerate(expected) if value]
    again = Bitstring.from_bytes(bits.to_bytes(), status_size)
    assert [again.get(index) for index in range(SMALL)] == expected


@settings(max_examples=20, deadline=None)
@given(indices=st.sets(st.integers(0, MIN_ENTRIES - 1), max_size=50))
def test_an_encoded_list_decodes_to_the_same_bits(indices: set[int]) -> None:
    bits = Bitstring()
    for index in indices:
        bits.set(index, 1)
    decoded = Bitstring.decode(bits.encode())
    assert decoded.set_indices() == sorted(indices)


def test_index_zero_is_the_left_most_bit_and_a_two_bit_status_reads_high_bit_first() -> None:
    bits = Bitstring(16, 1)
    bits.set(0, 1)
    bits.set(9, 1)
    assert bits.to_bytes() == bytes([0b1000_0000, 0b0100_0000])
    pairs = Bitstring(8, 2)
    pairs.set(1, 2)
    pairs.set(2, 1)
    assert pairs.to_bytes() == bytes([0b0010_0100, 0])


def test_the_encoded_list_is_u_and_base64url_of_gzip_at_the_spec_minimum() -> None:
    bits = Bitstring()
    bits.set(131_071, 1)
    encoded = bits.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16 * 1024
    assert raw[-1] == 1
    assert bits.encode() == encoded  # the same bits always encode the same way


def test_a_list_shorter_than_the_minimum_is_refused() -> None:
    short = Bitstring(MIN_ENTRIES - 8)
    with pytest.raises(BitstringError, match="131072"):
        Bitstring.decode(short.encode())
    two_bit = Bitstring(MIN_ENTRIES, 1)  # 131,072 bits: only 65,536 two-bit entries
    with pytest.raises(BitstringError):
        Bitstring.decode(two_bit.encode(), 2)


@pytest.mark.parametrize(
    ("encoded", "problem"),
    [
        ("z" + "AAAA", "prefix u"),
        ("u!!!", "base64url"),
        ("u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="), "GZIP"),
    ],
)
def test_a_broken_encoded_list_is_refused(encoded: str, problem: str) -> None:
    with pytest.raises(BitstringError, match=problem):
        Bitstring.decode(encoded)


def test_a_gzip_bomb_is_refused_before_it_is_inflated_whole() -> None:
    bomb = gzip.compress(bytes(MAX_BYTES + 1024))
    encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    with pytest.raises(BitstringError, match="limit"):
        Bitstring.decode(encoded)


def test_an_index_or_value_outside_the_list_is_refused() -> None:
    bits = Bitstring(SMALL, 2)
    with pytest.raises(BitstringError):
        bits.set(SMALL, 1)
    with pytest.raises(BitstringError):
        bits.get(-1)
    with pytest.raises(BitstringError):
        bits.set(0, 4)
