"""Comparison keys for names and addresses (名寄せ): two writings of one person compare equal.

The registry, the signature certificate and the form each write a name or an address their own
way: full- or half-width, with or without the space between family and given name, with an old
character form (旧字体) or a variant (異体字) where another source has the standard form, and an
address with ``1丁目2番3号`` where another has ``1-2-3``. These functions turn each into a
*comparison key*: two writings of the same name give the same key. A key is for comparing only,
never for display or storage.

What a key does, in order:

1. NFKC: full-width ASCII becomes ASCII, half-width katakana becomes full-width, and the CJK
   compatibility ideographs that have a decomposition become their unified forms.
2. Ideographic variation selectors (IVS, U+E0100-E01EF) and standardised variation selectors
   (U+FE00-FE0F) are removed: they pick a glyph, not a different character.
3. White space of any kind is removed.
4. Old and variant character forms become the standard form of :data:`VARIANTS`.
5. Addresses only: kanji numerals in the block part become digits, and ``丁目``, ``番地``,
   ``番``, ``号`` and ``の`` between numbers become hyphens (``一丁目2番地3号`` and ``1-2-3``
   are one key); hyphen look-alikes between digits become ``-``; ``ヶ``, ``ケ``, ``ヵ`` and ``が``
   between kanji (霞が関, 霞ヶ関, 霞ケ関) become ``ケ``.

What a key does not do: it does not add an omitted prefecture, 大字 or 字, nor fold readings,
nor fold distinct surnames that people confuse (斉藤 and 斎藤 are different names; each keeps its
own key, while the old forms 齊 and 齋 fold into 斉 and 斎 respectively).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

VARIANTS: Final[dict[str, str]] = {
    # Old forms (旧字体) and variants (異体字) common in names and place names, to the standard
    # form of the Jōyō or Jinmeiyō list. Compatibility ideographs that NFKC already maps (e.g.
    # U+FA10 塚) are not listed; U+FA11 﨑 has no decomposition, so it is.
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "齊": "斉",
    "澤": "沢",
    "濱": "浜",
    "濵": "浜",
    "國": "国",
    "圀": "国",
    "廣": "広",
    "櫻": "桜",
    "關": "関",
    "眞": "真",
    "實": "実",
    "惠": "恵",
    "榮": "栄",
    "壽": "寿",
    "德": "徳",
    "藏": "蔵",
    "豐": "豊",
    "與": "与",
    "淺": "浅",
    "冨": "富",
    "舘": "館",
    "嶋": "島",
    "嶌": "島",
    "峯": "峰",
    "桒": "桑",
    "瀨": "瀬",
    "曾": "曽",
    "槇": "槙",
    "萬": "万",
    "𠮷": "吉",
    "黑": "黒",
    "圓": "円",
    "戶": "戸",
    "靑": "青",
    "驒": "騨",
    "恆": "恒",
    "條": "条",
    "禮": "礼",
    "彌": "弥",
    "龜": "亀",
    "綠": "緑",
    "晉": "晋",
    "斷": "断",
    "縣": "県",
    "區": "区",
    "驛": "駅",
    "冰": "氷",
    "學": "学",
    "澁": "渋",
    "莊": "荘",
    "兒": "児",
    "傳": "伝",
    "辨": "弁",
    "瀧": "滝",
    "鐵": "鉄",
}
_VARIANT_TABLE: Final = str.maketrans(VARIANTS)
_SELECTORS: Final = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_WHITESPACE: Final = re.compile(r"\s+")

_KANJI_DIGITS: Final = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER: Final = "[〇零一二三四五六七八九十百千]+"
_BLOCK_MARK: Final = "丁目|番地|番|号|の"
# A kanji number is converted only where it is part of the block address: before a block
# mark, or after one or after a hyphen. Elsewhere (三鷹市, 九段南, 八王子) it is a place name.
_KANJI_BEFORE_MARK: Final = re.compile(f"({_KANJI_NUMBER})(?={_BLOCK_MARK})")
_KANJI_AFTER_MARK: Final = re.compile(f"(?<=[目地番号の-])({_KANJI_NUMBER})")
_HYPHEN_LIKE: Final = re.compile(r"(?<=[0-9])[‐‑‒–—―−ー－ｰ](?=[0-9])")
_MARK_BETWEEN_NUMBERS: Final = re.compile(r"(?<=[0-9])(?:(?:丁目|番地|番)の?|の)(?=[0-9])")
# A mark after the last number goes, unless a kanji follows: 四番町 is a town, not block 4.
_TRAILING_MARK: Final = re.compile(r"(?<=[0-9])(?:丁目|番地|番|号)(?![\u4e00-\u9fff])")
_SMALL_KE: Final = re.compile(r"(?<=[\u4e00-\u9fff])[ヶケヵが](?=[\u4e00-\u9fff])")


def _base(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SELECTORS.sub("", text)
    # Again: removing a space can leave a combining mark (NFKC spells ´ as space + U+0301)
    # next to a letter it now composes with.
    text = unicodedata.normalize("NFKC", _WHITESPACE.sub("", text))
    return text.translate(_VARIANT_TABLE)


def normalise_name(name: str) -> str:
    """The comparison key of a person's name (氏名)."""
    return _base(name)


def normalise_kana(kana: str) -> str:
    """The comparison key of a reading (ふりがな): katakana, no spaces or middle dots."""
    text = _base(kana).replace("・", "")
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalise_address(address: str) -> str:
    """The comparison key of an address (住所)."""
    text = _base(address)
    text = _KANJI_BEFORE_MARK.sub(lambda m: str(kanji_number(m.group(1))), text)
    text = _KANJI_AFTER_MARK.sub(lambda m: str(kanji_number(m.group(1))), text)
    text = _HYPHEN_LIKE.sub("-", text)
    text = _MARK_BETWEEN_NUMBERS.sub("-", text)
    text = _TRAILING_MARK.sub("", text)
    return _SMALL_KE.sub("ケ", text)


def kanji_number(numeral: str) -> int:
    """A kanji numeral as an integer: positional (二十三) or digit by digit (二三, 一〇五)."""
    if not numeral or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in numeral):
        raise ValueError("not a kanji numeral")
    if not any(c in _KANJI_UNITS for c in numeral):
        return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))
    total, digit = 0, None
    for c in numeral:
        if c in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _KANJI_UNITS[c]
            digit = None
    return total + (digit or 0)
