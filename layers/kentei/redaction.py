"""Redaction of identifiers that must never leave the system in text: logs, errors, metrics.

The My Number (個人番号) is found by pattern and confirmed by its check digit, so ordinary
twelve-digit numbers (exam numbers, timestamps) pass; residence-card numbers (在留カード番号:
two letters, eight digits, two letters) are redacted wherever they appear.
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
