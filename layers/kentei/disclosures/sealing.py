"""The sealed disclosure copy: AES-256-GCM under a key derived with scrypt from a one-time
passphrase that verify draws and the privacy office hands the person separately.

The passphrase is 100 random bits written as four groups of five base32 characters
(``A-Z``, ``2-7``: no ``0``/``O`` or ``1``/``I`` to confuse), typeable from a letter; it is
read back with any case, spaces or hyphens. The sealed file is a UTF-8 JSON envelope: the
format and its version, the KDF's name, parameters and salt, the cipher's name and nonce,
and the ciphertext (base64). Everything but the ciphertext is the cipher's associated data,
so a changed parameter fails the opening as a wrong passphrase does. Nothing in the envelope
names the person.

``cryptography`` is imported when sealing or opening, never at import time: verify's
handler imports this module only on a disclosure message.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any, Final

FORMAT: Final = "kentei-disclosure-copy"
VERSION: Final = 1
ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
GROUPS: Final = 4
GROUP_LENGTH: Final = 5
SCRYPT_N: Final = 2**15
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
SCRYPT_N_MAX: Final = 2**20
"""The most costly KDF an opener accepts (a crafted file must not exhaust the reader)."""
SALT_BYTES: Final = 16
NONCE_BYTES: Final = 12
KEY_BYTES: Final = 32


class SealError(ValueError):
    """The file is not a sealed copy this code reads (its text names the problem, never the
    content), or the passphrase does not open it."""


class WrongPassphraseError(SealError):
    """The passphrase (or a changed envelope) does not open the copy."""


def new_passphrase() -> str:
    """Four groups of five base32 characters from :mod:`secrets`: 100 bits. One that the My
    Number detector would take for a number (digits only, by chance) is drawn again."""
    from kentei.my_number import contains  # the detector: only when a passphrase is drawn

    while True:
        groups = (
            "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
        )
        drawn = "-".join(groups)
        if not contains(drawn):
            return drawn


def normalised(passphrase: str) -> str:
    """The passphrase's characters as drawn: upper case, without spaces and hyphens."""
    compact = "".join(c for c in passphrase.upper() if c not in " -\t\r\n\u3000")
    if len(compact) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in compact):
        raise WrongPassphraseError(
            f"a passphrase is {GROUPS} groups of {GROUP_LENGTH} characters A-Z and 2-7"
        )
    return compact


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(
        normalised(passphrase).encode("ascii")
    )


def _associated(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal(plaintext: bytes, passphrase: str) -> bytes:
    """``plaintext`` sealed under ``passphrase``: the envelope's bytes."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {
            "name": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode("ascii"),
        },
        "cipher": {"name": "AES-256-GCM", "nonce": base64.b64encode(nonce).decode("ascii")},
    }
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _associated(header))
    envelope = {**header, "ciphertext": base64.b64encode(ciphertext).decode("ascii")}
    return json.dumps(envelope, sort_keys=True, indent=1).encode("utf-8")


def open_sealed(sealed: bytes, passphrase: str) -> bytes:
    """The plaintext of a sealed copy; :class:`WrongPassphraseError` if ``passphrase`` (or a
    changed envelope) does not open it, :class:`SealError` for a file of another kind."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        envelope = json.loads(sealed.decode("utf-8"))
        header = {k: envelope[k] for k in ("format", "version", "kdf", "cipher")}
        kdf, cipher = header["kdf"], header["cipher"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(cipher["nonce"], validate=True)
        ciphertext = base64.b64decode(envelope["ciphertext"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SealError("not a sealed disclosure copy") from None
    if header["format"] != FORMAT or header["version"] != VERSION:
        raise SealError("not a sealed disclosure copy of this version")
    if (kdf["name"], cipher["name"]) != ("scrypt", "AES-256-GCM"):
        raise SealError("an unknown KDF or cipher")
    if not (2 <= n <= SCRYPT_N_MAX and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise SealError("KDF parameters out of range")
    key = _key(passphrase, salt, n, r, p)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _associated(header))
    except InvalidTag:
        raise WrongPassphraseError("the passphrase does not open this copy") from None
