"""Redaction of identifiers that must never leave the system in text: logs, errors, metrics.

The My Number (個人番号) is found by the one detector, :mod:`kentei.my_number` (any Unicode
digits, any separators, confirmed by its check digit, with its rule for longer digit runs),
the same that refuses one at every entry point: what intake would refuse, a log line masks.
Ordinary twelve-digit numbers with a wrong check digit pass; residence-card numbers
(在留カード番号: two letters, eight digits, two letters) are redacted wherever they appear.
"""

from __future__ import annotations

import re
from typing import Final

from kentei import my_number

RESIDENCE_CARD_PATTERN: Final = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{8}[A-Za-z]{2}(?![A-Za-z0-9])"
)
RESIDENCE_CARD_REDACTED: Final = "[residence-card]"


def redact(text: str) -> str:
    """``text`` with every valid My Number and every residence-card number masked."""
    return RESIDENCE_CARD_PATTERN.sub(RESIDENCE_CARD_REDACTED, my_number.redact(text))
