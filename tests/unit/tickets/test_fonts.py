"""The committed fonts are the files their provenance names, licensed for embedding."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kentei.fonts import FONTS, IPAEX_GOTHIC, IPAEX_MINCHO


def test_each_font_file_has_the_sha256_and_size_of_its_provenance() -> None:
    provenance = (FONTS / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+\.ttf)` \|.*\| `([0-9a-f]{64})` \| (\d+) \|$", provenance, re.M)
    fonts = sorted(path.name for path in FONTS.glob("*.ttf"))

    assert sorted(name for name, _, _ in rows) == fonts == ["ipaexg.ttf", "ipaexm.ttf"]
    for name, sha256, size in rows:
        data = (FONTS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256
        assert len(data) == int(size)


def test_the_licence_travels_with_the_font() -> None:
    licence = (FONTS / "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")
    assert "IPAフォントライセンスv1.0" in licence
    assert "IPA Font License Agreement v1.0" in licence


@pytest.mark.parametrize("path", [IPAEX_GOTHIC, IPAEX_MINCHO], ids=lambda path: path.name)
def test_the_font_allows_embedding(path: Path) -> None:
    with TTFont(path, lazy=True) as font:
        # fsType 0: installable embedding; bit 1 (0x2) would forbid embedding, bit 9 (0x200)
        # would allow bitmaps only.
        assert font["OS/2"].fsType & 0x0202 == 0
        assert font["glyf"] is not None  # TrueType outlines, not CFF
