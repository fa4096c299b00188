"""The public J-LIS JPKI certification authorities (公的個人認証サービス), shipped with the code.

Production trusts exactly the signing CAs (署名用) below, matched by the SHA-256 fingerprint of
the whole certificate, not by name. The user-authentication CAs (利用者証明用) are listed so a
user-authentication certificate can be recognised and refused with its own reason: it is for
login, never for signing an application. Local mode may add trust anchors through the
documented setting ``KENTEI_JPKI_TRUST_ANCHORS``; deployed stacks never set it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final


class CaPurpose(StrEnum):
    SIGNATURE = "signature"
    """署名用電子証明書: may sign applications."""
    USER_AUTHENTICATION = "user_authentication"
    """利用者証明用電子証明書: login only, never an application signature."""


@dataclass(frozen=True)
class ShippedCa:
    file: str
    purpose: CaPurpose
    sha256: str
    """Lower-case hex SHA-256 of the DER certificate."""


SHIPPED_CAS: Final = (
    ShippedCa(
        "jpki-sign-ca-2015.pem",
        CaPurpose.SIGNATURE,
        "19645405a1fe14377434bd55957628ac4038557c542403a2243f21c706fc9355",
    ),
    ShippedCa(
        "jpki-sign-ca-2019.pem",
        CaPurpose.SIGNATURE,
        "79679c33e4cc9319440f1ad120a597ff1844e2ef217063adb176966fd5e6fbeb",
    ),
    ShippedCa(
        "jpki-sign-ca-2023.pem",
        CaPurpose.SIGNATURE,
        "d227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f",
    ),
    ShippedCa(
        "jpki-auth-ca-2015.pem",
        CaPurpose.USER_AUTHENTICATION,
        "4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d",
    ),
    ShippedCa(
        "jpki-auth-ca-2023.pem",
        CaPurpose.USER_AUTHENTICATION,
        "64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5",
    ),
)


class AnchorIntegrityError(RuntimeError):
    """A shipped CA file does not have its listed fingerprint: the package was altered."""


@cache
def shipped_ca_pem(file: str) -> bytes:
    """The PEM of a shipped CA, checked against its listed fingerprint."""
    spec = next(ca for ca in SHIPPED_CAS if ca.file == file)
    pem = resources.files(__package__).joinpath(file).read_bytes()
    if fingerprint_of_pem(pem) != spec.sha256:
        raise AnchorIntegrityError(f"{file} does not match its listed fingerprint")
    return pem


def fingerprint_of_pem(pem: bytes) -> str:
    """SHA-256 of the DER inside one PEM certificate, lower-case hex."""
    lines = pem.decode("ascii").strip().splitlines()
    body = "".join(line for line in lines if not line.startswith("-----"))
    return hashlib.sha256(base64.b64decode(body, validate=True)).hexdigest()
