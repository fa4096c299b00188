"""Fonts the documents embed, committed with their licence and provenance (``PROVENANCE.md``):
a Lambda layer carries them, and nothing reads the system's fonts."""

from __future__ import annotations

from pathlib import Path
from typing import Final

FONTS: Final = Path(__file__).parent

IPAEX_GOTHIC: Final = FONTS / "ipaexg.ttf"
"""IPAexゴシック (IPA Font License v1.0: embedding and redistribution allowed)."""

IPAEX_MINCHO: Final = FONTS / "ipaexm.ttf"
"""IPAex明朝, the certificates' font (IPA Font License v1.0: embedding and redistribution
allowed)."""
