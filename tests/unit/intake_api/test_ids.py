"""Application ids from (prefecture, caller, key), and request fingerprints."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from intake.application_ids import application_id_for
from intake.fingerprints import Sha256Fingerprinter
from kentei.applications.model import ID_PATTERN, prefecture_of

KEYS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=128
)
PREFECTURES = st.integers(1, 47).map(lambda n: f"{n:02d}")


@given(PREFECTURES, KEYS)
def test_an_id_is_well_formed_and_names_its_prefecture(prefecture: str, key: str) -> None:
    application_id = application_id_for(prefecture, "bridge:egov", key)
    assert ID_PATTERN.fullmatch(application_id)
    assert prefecture_of(application_id) == prefecture


def test_the_same_caller_and_key_give_the_same_id() -> None:
    assert application_id_for("13", "bridge:egov", "key-00001") == application_id_for(
        "13", "bridge:egov", "key-00001"
    )


def test_another_caller_or_key_or_prefecture_gives_another_id() -> None:
    ids = {
        application_id_for("13", "bridge:egov", "key-00001"),
        application_id_for("13", "bridge:mynaportal", "key-00001"),
        application_id_for("13", "bridge:egov", "key-00002"),
        application_id_for("14", "bridge:egov", "key-00001"),
    }
    assert len({i[3:] for i in ids}) == 4


def test_a_fingerprint_covers_the_body_and_what_it_replaces() -> None:
    body = b'{"channel": "egov"}'
    fingerprint = Sha256Fingerprinter().fingerprint
    assert fingerprint(body, None) == fingerprint(body, None)
    assert fingerprint(body, None) != fingerprint(body + b" ", None)
    assert fingerprint(body, None) != fingerprint(body, "13-" + "0" * 26)
