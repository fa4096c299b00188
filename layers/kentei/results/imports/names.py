"""Whether a name can be written in JIS X 0208 (the character set of the documents and of the
national system's exchange files): 髙 (はしごだか), 𠮷 (つちよし), half-width kana and the like
are outside it, and a name holding one is flagged for staff to check how it will print.

The check is exact: the name must encode in strict ISO-2022-JP (ASCII and JIS X 0208), after
the six characters that CP932 decodes to other code points than JIS X 0208 does (～ − ∥ ￠ ￡
￢, the same JIS X 0208 characters) are mapped back. The name itself is never reported.
"""

from __future__ import annotations

import codecs
from typing import Final

_ENCODE: Final = codecs.lookup("iso2022_jp").encode
_CP932_VARIANTS: Final = str.maketrans(
    {
        "\uff5e": "\u301c",  # FULLWIDTH TILDE → WAVE DASH (1-33)
        "\u2225": "\u2016",  # PARALLEL TO → DOUBLE VERTICAL LINE (1-34)
        "\uff0d": "\u2212",  # FULLWIDTH HYPHEN-MINUS → MINUS SIGN (1-61)
        "\uffe0": "\u00a2",  # FULLWIDTH CENT SIGN → CENT SIGN (1-81)
        "\uffe1": "\u00a3",  # FULLWIDTH POUND SIGN → POUND SIGN (1-82)
        "\uffe2": "\u00ac",  # FULLWIDTH NOT SIGN → NOT SIGN (2-44)
    }
)


def in_jis_x_0208(text: str) -> bool:
    """True when every character of ``text`` is ASCII or in JIS X 0208."""
    return text.isascii() or _encodes(text) or _encodes(text.translate(_CP932_VARIANTS))


def _encodes(text: str) -> bool:
    try:
        _ENCODE(text, "strict")
    except UnicodeEncodeError:
        return False
    return True
