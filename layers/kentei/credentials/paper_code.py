"""The 2D code printed on certificates (二次元コード): a signed COSE_Sign1 of the minimal claims.

The pattern of the EU digital COVID certificate and of the Digital Agency's qualification
certificate, with our own prefix and claims:

1. **Claims**: a CBOR map with small integer keys (one byte each), :data:`CLAIM_KEYS`:

   ====  ====================  ==========================================
   key   claim                 CBOR value
   ====  ====================  ==========================================
   1     certificate number    text (合格証書番号)
   2     name                  text, as on the certificate (氏名)
   3     name in Latin         text; absent when not given
   4     birth date            text, ISO 8601 date (生年月日)
   5     trade                 [code, name] (職種)
   6     work                  [code, name] (作業)
   7     grade                 text, the label (``1級``)
   8     pass date             text, ISO 8601 date (合格日)
   9     issuing authority     text (``厚生労働大臣``, ``東京都知事``)
   10    status list number    unsigned integer
   11    status index          unsigned integer
   12    issued at             unsigned integer, seconds since the epoch
   13    issue mark            unsigned integer (the serial) or text ``P<n>``
   ====  ====================  ==========================================

   The certificate id (証書番号) is claim 1, ``-``, then claim 13: ``13-1-2026-000123-1``
   from ``"13-1-2026-000123"`` and ``1`` (the first issue; 2, 3, … its reissues), and
   ``…-P2`` from ``"P2"`` (the second 合格証明書). Only the mark is carried, not the id
   again: one byte for a serial up to 23, three for ``P<n>``. A mark that is not a positive
   integer (a boolean, zero, a negative) nor ``P<n>`` makes the code invalid.

   The status list number and index are the same as the VC-JWT's: the verifier reads
   ``<issuer>/credentials/status/<n>/revocation`` and ``/message`` at that index.
2. **COSE_Sign1** (RFC 9052 §4.2, tag 18): protected header ``{1: -7, 4: kid}`` (ES256 and the
   signing key's ``kid`` as a byte string), an empty unprotected header, the claims as the
   payload, and the ES256 signature (raw ``r || s``) of ``["Signature1", protected, b"",
   payload]``.
3. **zlib** (RFC 1950, level 9), then **Base45** (RFC 9285), after :data:`PREFIX`.

The text is in the QR alphanumeric alphabet, so the QR code (:func:`qr_code`) stays in
alphanumeric mode at error-correction level :data:`QR_ERROR` (Q, 25 % of the code may be
damaged: a printed certificate is folded, stamped and scanned from phones). Measured in
``tests/unit/credentials/test_paper_code.py`` on a realistic certificate (a long Japanese
name, ``勅使河原　龍之介左衛門``; 機械加工 / 数値制御旋盤作業; a six-digit status index):

- with the name's Latin spelling (the English certificate of pass, id ``…-P1``): 468
  characters, QR version :data:`QR_VERSION_TYPICAL` (16, 81 × 81 modules; 13 at level M);
- without it (the Japanese certificates, id ``…-1``): 420 characters, version 15 (77 × 77;
  13 at M).

The issue mark (claim 13) added 6 characters to the first and 3 to the second (462 and 417
without it); neither changed version at level Q.

With the quiet zone of four modules, version 16 in the certificate PDFs' 30 mm square
(``kentei.certificates.pdf``) prints modules of 0.34 mm, and 0.40 mm in the 36 mm one:
:func:`qr_png` gives the PNG those squares take; drawn there by every layout and rasterized
at 200 dpi, it scans back to the same text (``tests/integration/test_paper_code_printed.py``;
at 100 dpi, 1.3 pixels a module, some codes do not).
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import base45
import cbor2

from kentei.credentials.claims import CertifiedPass, certificate_id_of, issue_mark
from kentei.credentials.status import StatusSlot
from kentei.records.codes import Grade
from kentei.signing.ecdsa import KeyFormatError, public_key_from_jwk, verify_raw
from kentei.signing.port import COSE_ES256, SigningKey

if TYPE_CHECKING:
    import segno

PREFIX: Final = "KT1:"
"""Version 1 of our 2D code (``KT`` for 技能検定)."""
COSE_SIGN1_TAG: Final = 18
HEADER_ALG: Final = 1
HEADER_KID: Final = 4
QR_ERROR: Final = "Q"
QR_VERSION_TYPICAL: Final = 16
MAX_INFLATED: Final = 4096
"""The longest COSE message we inflate: a real one is under a kilobyte."""

CLAIM_KEYS: Final = {
    "certificate_number": 1,
    "name": 2,
    "name_latin": 3,
    "birth_date": 4,
    "trade": 5,
    "work": 6,
    "grade": 7,
    "passed_on": 8,
    "issuing_authority": 9,
    "status_list": 10,
    "status_index": 11,
    "issued_at": 12,
    "issue_mark": 13,
}


class PaperCodeError(ValueError):
    """Not one of our 2D codes, or one whose structure is broken."""


class PaperCodeSignatureError(ValueError):
    """The code's signature does not verify with the key it names."""


def minimal_claims(
    certified: CertifiedPass, slot: StatusSlot, issued_at: dt.datetime
) -> dict[int, Any]:
    claims: dict[int, Any] = {
        1: certified.certificate_number,
        2: certified.name,
        4: certified.birth_date.isoformat(),
        5: [certified.trade_code, certified.trade_name],
        6: [certified.work_code, certified.work_name],
        7: certified.grade.value,
        8: certified.passed_on.isoformat(),
        9: certified.issuing_authority,
        10: slot.list_number,
        11: slot.index,
        12: int(issued_at.timestamp()),
        13: issue_mark(certified.certificate_id, certified.certificate_number),
    }
    if certified.name_latin is not None:
        claims[3] = certified.name_latin
    return dict(sorted(claims.items()))


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def encode(
    certified: CertifiedPass, slot: StatusSlot, key: SigningKey, issued_at: dt.datetime
) -> str:
    """The 2D code's text: ``KT1:`` + Base45(zlib(COSE_Sign1(claims)))."""
    protected = cbor2.dumps({HEADER_ALG: COSE_ES256, HEADER_KID: key.kid.encode("ascii")})
    payload = cbor2.dumps(minimal_claims(certified, slot, issued_at))
    signature = key.sign(_sig_structure(protected, payload))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    encoded: bytes = base45.b45encode(zlib.compress(message, 9))
    return PREFIX + encoded.decode("ascii")


@dataclass(frozen=True)
class PaperCode:
    """A decoded, not yet verified, 2D code."""

    kid: str
    protected: bytes
    payload: bytes
    signature: bytes
    claims: dict[int, Any]

    def verify(self, jwk: Mapping[str, object]) -> None:
        """Raises :class:`PaperCodeSignatureError` unless ``jwk`` verifies the code."""
        try:
            key = public_key_from_jwk(jwk)
        except KeyFormatError as exc:
            raise PaperCodeSignatureError(f"the key {self.kid} is not usable") from exc
        if not verify_raw(key, _sig_structure(self.protected, self.payload), self.signature):
            raise PaperCodeSignatureError(f"the signature does not verify with {self.kid}")

    def certified_pass(self) -> CertifiedPass:
        claims = self.claims
        try:
            trade_code, trade_name = claims[5]
            work_code, work_name = claims[6]
            return CertifiedPass(
                certificate_number=claims[1],
                certificate_id=certificate_id_of(claims[1], claims[13]),
                name=claims[2],
                name_latin=claims.get(3),
                birth_date=dt.date.fromisoformat(claims[4]),
                trade_code=trade_code,
                trade_name=trade_name,
                work_code=work_code,
                work_name=work_name,
                grade=Grade(claims[7]),
                passed_on=dt.date.fromisoformat(claims[8]),
                issuing_authority=claims[9],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PaperCodeError("the code's claims are incomplete or invalid") from exc

    def slot(self) -> StatusSlot:
        try:
            list_number, index = self.claims[10], self.claims[11]
            if not isinstance(list_number, int) or not isinstance(index, int):
                raise TypeError
            return StatusSlot(list_number, index)
        except (KeyError, TypeError, ValueError) as exc:
            raise PaperCodeError("the code's status claims are missing") from exc

    def issued_at(self) -> dt.datetime | None:
        value = self.claims.get(12)
        return dt.datetime.fromtimestamp(value, dt.UTC) if isinstance(value, int) else None


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(compressed, MAX_INFLATED + 1)
    except zlib.error as exc:
        raise PaperCodeError("the code is not zlib data") from exc
    if len(data) > MAX_INFLATED or inflater.unconsumed_tail or not inflater.eof:
        raise PaperCodeError("the code inflates to more than a 2D code holds")
    return data


def _cbor(data: bytes, what: str) -> Any:
    try:
        return cbor2.load(io.BytesIO(data))
    except (cbor2.CBORDecodeError, ValueError, TypeError, EOFError) as exc:
        raise PaperCodeError(f"the {what} is not CBOR") from exc


def decode(text: str) -> PaperCode:
    """The parts of a ``KT1:`` code; checks its structure, not its signature."""
    text = text.strip()
    if not text.startswith(PREFIX):
        raise PaperCodeError(f"a 2D code starts with {PREFIX}")
    try:
        compressed = base45.b45decode(text[len(PREFIX) :])
    except ValueError as exc:
        raise PaperCodeError("the code is not Base45") from exc
    message = _cbor(_inflate(compressed), "message")
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise PaperCodeError("the code is not a COSE_Sign1")
        message = message.value
    if not (isinstance(message, list) and len(message) == 4):
        raise PaperCodeError("a COSE_Sign1 has four parts")
    protected, _unprotected, payload, signature = message
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)):
        raise PaperCodeError("the COSE_Sign1's parts are not byte strings")
    header = _cbor(protected, "protected header")
    if not isinstance(header, dict) or header.get(HEADER_ALG) != COSE_ES256:
        raise PaperCodeError("the code is not signed with ES256")
    kid = header.get(HEADER_KID)
    if not isinstance(kid, bytes):
        raise PaperCodeError("the code names no key")
    claims = _cbor(payload, "payload")
    if not isinstance(claims, dict):
        raise PaperCodeError("the payload is not a claims map")
    try:
        kid_text = kid.decode("ascii")
    except UnicodeDecodeError as exc:
        raise PaperCodeError("the key id is not ASCII") from exc
    return PaperCode(kid_text, protected, payload, signature, claims)


def qr_code(text: str) -> segno.QRCode:
    """The 2D code as a ``segno`` QR code at :data:`QR_ERROR` (``.version``, ``.save``).

    ``segno`` is imported here: only the PDF renderer draws QR codes."""
    import segno

    return segno.make_qr(text, error=QR_ERROR, mode="alphanumeric", boost_error=False)


QUIET_ZONE: Final = 4
"""Modules of white around the code (ISO/IEC 18004's minimum)."""


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """The QR code of ``text`` as PNG bytes, ``scale`` pixels a module, with its quiet zone:
    what :func:`kentei.certificates.pdf.render` draws in its square."""
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()
