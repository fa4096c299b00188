"""Comparison keys: two writings of one name or address give one key; different ones do not."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.registry.normalise import (
    VARIANTS,
    kanji_number,
    normalise_address,
    normalise_kana,
    normalise_name,
)

PROPERTY = settings(max_examples=200, database=None)
JAPANESE_TEXT = st.text(
    st.one_of(
        st.sampled_from("山田太郎髙﨑邊齋澤濱國一二三四五六七八九十丁目番地号のケヶが-－ー 　"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("髙橋 一郎", "高橋一郎"),
        ("山﨑　花子", "山崎花子"),
        ("渡邊 太郎", "渡辺太郎"),
        ("渡邉 太郎", "渡辺太郎"),
        ("齋藤 次郎", "斎藤次郎"),
        ("齊藤 次郎", "斉藤次郎"),
        ("澤田 三郎", "沢田三郎"),
        ("濱口 四郎", "浜口四郎"),
        ("國分 五郎", "国分五郎"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),
        ("ＹＡＭＡＤＡ　Ｔａｒｏ", "YAMADATaro"),
        ("葛\U000e0100城 一郎", "葛城一郎"),
    ],
)
def test_given_an_old_or_variant_form_then_the_name_key_is_the_standard_form(
    variant: str, standard: str
) -> None:
    assert normalise_name(variant) == normalise_name(standard) == standard


def test_given_distinct_surnames_people_confuse_then_they_keep_distinct_keys() -> None:
    assert normalise_name("斉藤") != normalise_name("斎藤")


def test_given_the_variant_table_then_every_target_is_already_standard() -> None:
    assert not set(VARIANTS.values()) & set(VARIANTS)
    assert all(len(k) == 1 and len(v) == 1 for k, v in VARIANTS.items())


@pytest.mark.parametrize(
    "written",
    [
        "東京都千代田区見本町一丁目2番3号",
        "東京都千代田区見本町1-2-3",
        "東京都千代田区見本町１－２－３",
        "東京都 千代田区 見本町 1丁目2番地3",
        "東京都千代田区見本町1丁目2番3号",
        "東京都千代田区見本町一丁目二番三号",
        "東京都千代田区見本町1‐2‐3",
        "東京都千代田区見本町1ー2ー3",
        "東京都千代田区見本町1丁目2-3",
    ],
)
def test_given_block_addresses_written_differently_then_one_key(written: str) -> None:
    assert normalise_address(written) == "東京都千代田区見本町1-2-3"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("架空町三丁目十二番地の一", "架空町3-12-1"),
        ("千代田区霞が関1-2-2", "千代田区霞ヶ関一丁目2番2号"),
        ("千代田区霞ケ関1-2-2", "千代田区霞ヶ関1-2-2"),
        ("例示町2丁目3番", "例示町2-3"),
        ("見本通1-23-4 サンプルハイツ101", "見本通一丁目二十三番四号サンプルハイツ１０１"),
        ("千代田区四番町5", "千代田区4番町五番地"),
    ],
)
def test_given_equivalent_addresses_then_one_key(one: str, other: str) -> None:
    assert normalise_address(one) == normalise_address(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("見本町1-2-3", "見本町1-2-4"),
        ("見本町1-2-3", "見本町1-23"),
        ("三鷹市下連雀1-2-3", "3鷹市下連雀1-2-3"),
        ("一番町1", "一町1"),
    ],
)
def test_given_different_addresses_then_different_keys(one: str, other: str) -> None:
    assert normalise_address(one) != normalise_address(other)


def test_given_place_names_with_numerals_then_they_are_left_alone() -> None:
    assert normalise_address("東京都三鷹市八王子九段南") == "東京都三鷹市八王子九段南"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十三", 23),
        ("百五", 105),
        ("千二百", 1200),
        ("一〇五", 105),
    ],
)
def test_given_kanji_numerals_then_their_values(numeral: str, value: int) -> None:
    assert kanji_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "一a", "丁"])
def test_given_no_kanji_numeral_then_refused(numeral: str) -> None:
    with pytest.raises(ValueError, match="kanji numeral"):
        kanji_number(numeral)


def test_given_readings_in_either_script_then_one_kana_key() -> None:
    assert normalise_kana("やまだ たろう") == normalise_kana("ﾔﾏﾀﾞ･ﾀﾛｳ") == "ヤマダタロウ"


@PROPERTY
@given(JAPANESE_TEXT)
def test_given_any_text_then_the_keys_are_idempotent(text: str) -> None:
    for normalise in (normalise_name, normalise_address, normalise_kana):
        key = normalise(text)
        assert normalise(key) == key


@PROPERTY
@given(JAPANESE_TEXT)
def test_given_any_text_then_its_full_width_form_has_the_same_key(text: str) -> None:
    full_width = "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("　" if c == " " else c) for c in text
    )
    assert normalise_address(full_width) == normalise_address(text)
    assert normalise_name(full_width) == normalise_name(text)


@PROPERTY
@given(JAPANESE_TEXT)
def test_given_any_text_then_keys_hold_no_white_space(text: str) -> None:
    for normalise in (normalise_name, normalise_address, normalise_kana):
        key = normalise(text)
        assert not any(c.isspace() for c in key)
        assert unicodedata.is_normalized("NFKC", key)
