"""A signer as the standard tools take one: a PEM private key and its PEM certificate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Signer:
    """Paths to the signer's private key and certificate (PEM), e.g. a card's signature
    certificate as :meth:`kentei_local.testpki.Issued.write` writes it."""

    key: Path
    certificate: Path
