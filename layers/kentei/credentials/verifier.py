"""Verifying an electronic certificate from public documents only (証明書の検証).

Given what a holder presents (the VC-JWT, or the text of the 2D code), the issuer's JWK Set and
the status list credentials, :func:`verify` gives a :class:`Verdict`. The steps, which an
employer's own software can follow with any JOSE/COSE library:

1. **Form.** ``KT1:`` starts a 2D code (:mod:`kentei.credentials.paper_code`); three
   dot-separated parts are a JWS whose header must say ``typ: vc+jwt`` and ``alg: ES256``.
   Anything else is ``malformed``.
2. **Key.** The header's ``kid`` must name a key of the JWK Set (``unknown-key`` otherwise:
   never another key tried in its place), and that key must verify the signature
   (``invalid-signature``). Only then are the claims read, and a credential of another
   type or issuer, or with broken claims, is ``malformed``. The claims include the
   certificate's own id (証書番号): the subject's ``certificateId``, or in the 2D code claim 1,
   ``-`` and claim 13 (an integer serial or ``P<n>``); an id that is not the certificate
   number followed by ``-<serial>`` or ``-P<n>`` is ``malformed`` too.
3. **Status.** The certificate's list number and index name two lists
   (:mod:`kentei.credentials.status`): ``<issuer>/credentials/status/<n>/revocation`` and
   ``…/message``. Each must be a ``BitstringStatusListCredential`` with that ``id`` and
   purpose, signed by a key of the JWK Set; else ``status-unavailable`` (never "valid").
   The revocation bit set, or a message value of revoked or superseded, voids the
   certificate: ``revoked`` or ``superseded`` (the message says which, and its
   ``statusChangedOn`` gives the day). A revocation bit set while the message list is missing
   is ``revoked``: the stricter reading wins.
4. **Freshness.** A list is used only from its ``validFrom`` (:data:`CLOCK_SKEW` allowed for
   the verifier's clock) until its ``validUntil`` (Bitstring Status List v1.0, §3.2); a list
   without them, or outside them, says nothing about validity: ``status-unavailable``. One
   thing a stale list still proves: a set revocation bit, since no entry is ever cleared
   (:mod:`kentei.credentials.status`: the transitions are one way), so it still says
   ``revoked`` (the reason comes from a fresh message list, else it is ``revoked``).

The verdict holds the claims only once the signature verified. Nothing here logs, and no
error message holds a claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from kentei.credentials.bitstring import Bitstring, BitstringError
from kentei.credentials.claims import CertifiedPass
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jose import (
    BadSignatureError,
    Jws,
    MalformedTokenError,
    parse_compact,
    verify_compact,
)
from kentei.credentials.jwks import JwksError, find_key
from kentei.credentials.paper_code import (
    PREFIX,
    PaperCodeError,
    PaperCodeSignatureError,
    decode,
)
from kentei.credentials.status import (
    MESSAGE,
    MESSAGE_STATUS_SIZE,
    REVOCATION,
    VC_JWT_TYPE,
    CertificateStatus,
    StatusSlot,
)
from kentei.credentials.vc import (
    CREDENTIAL_TYPE,
    CredentialContentError,
    certified_pass,
    status_slots,
)

STATUS_LIST_TYPE: Final = "BitstringStatusListCredential"
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
"""How far ahead of the verifier's clock a list's ``validFrom`` may be (clocks differ)."""


class Outcome(StrEnum):
    VALID = "valid"
    """有効: signed by the issuer and neither revoked nor superseded."""
    REVOKED = "revoked"
    """無効: the pass was revoked (合格の取消し)."""
    SUPERSEDED = "superseded"
    """無効: a reissue (再交付) replaced this certificate."""
    INVALID_SIGNATURE = "invalid-signature"
    """無効: the signature does not verify with the key it names (altered or forged)."""
    UNKNOWN_KEY = "unknown-key"
    """無効: the key it names is not one of the issuer's."""
    MALFORMED = "malformed"
    """無効: not a certificate of ours, or damaged."""
    STATUS_UNAVAILABLE = "status-unavailable"
    """Undecided: the signature holds but no trustworthy status list could be read."""


class Form(StrEnum):
    VC_JWT = "vc-jwt"
    PAPER_CODE = "2d-code"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    form: Form | None = None
    kid: str | None = None
    claims: CertifiedPass | None = None
    """What the certificate says; set only once its signature verified."""
    changed_on: dt.date | None = None
    """The day it was revoked or superseded, as the signed message list states it."""
    detail: str = ""
    """A short reason for developers (never a claim's value)."""

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID


class _RefusedError(Exception):
    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


def _verified_jws(token: str, jwks: Mapping[str, Any]) -> Jws:
    try:
        jws = parse_compact(token)
    except MalformedTokenError as exc:
        raise _RefusedError(Outcome.MALFORMED, str(exc)) from None
    if jws.kid is None:
        raise _RefusedError(Outcome.MALFORMED, "the header names no key")
    try:
        jwk = find_key(jwks, jws.kid)
    except JwksError as exc:
        raise _RefusedError(Outcome.UNKNOWN_KEY, str(exc)) from None
    if jwk is None:
        raise _RefusedError(Outcome.UNKNOWN_KEY, f"{jws.kid} is not one of the issuer's keys")
    try:
        verify_compact(jws, jwk)
    except BadSignatureError as exc:
        raise _RefusedError(Outcome.INVALID_SIGNATURE, str(exc)) from None
    return jws


def _types(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _issuer_id(value: object) -> object:
    return value.get("id") if isinstance(value, dict) else value


def _credential(
    token: str, jwks: Mapping[str, Any], issuer: IssuerProfile
) -> tuple[str, CertifiedPass, StatusSlot]:
    jws = _verified_jws(token, jwks)
    if jws.header.get("typ") != VC_JWT_TYPE:
        raise _RefusedError(Outcome.MALFORMED, f"the header's typ is not {VC_JWT_TYPE}")
    claims = jws.payload
    if CREDENTIAL_TYPE not in _types(claims.get("type")):
        raise _RefusedError(Outcome.MALFORMED, f"the credential is not a {CREDENTIAL_TYPE}")
    if _issuer_id(claims.get("issuer")) != issuer.id:
        raise _RefusedError(Outcome.MALFORMED, "the credential names another issuer")
    try:
        certified = certified_pass(claims.get("credentialSubject"))
        slots = status_slots(claims.get("credentialStatus"), issuer)
    except CredentialContentError as exc:
        raise _RefusedError(Outcome.MALFORMED, str(exc)) from None
    if REVOCATION not in slots or slots.get(MESSAGE, slots[REVOCATION]) != slots[REVOCATION]:
        raise _RefusedError(Outcome.MALFORMED, "the credential has no consistent revocation entry")
    return str(jws.kid), certified, slots[REVOCATION]


def _paper_code(text: str, jwks: Mapping[str, Any]) -> tuple[str, CertifiedPass, StatusSlot]:
    try:
        code = decode(text)
    except PaperCodeError as exc:
        raise _RefusedError(Outcome.MALFORMED, str(exc)) from None
    try:
        jwk = find_key(jwks, code.kid)
    except JwksError as exc:
        raise _RefusedError(Outcome.UNKNOWN_KEY, str(exc)) from None
    if jwk is None:
        raise _RefusedError(Outcome.UNKNOWN_KEY, f"{code.kid} is not one of the issuer's keys")
    try:
        code.verify(jwk)
    except PaperCodeSignatureError as exc:
        raise _RefusedError(Outcome.INVALID_SIGNATURE, str(exc)) from None
    try:
        return code.kid, code.certified_pass(), code.slot()
    except PaperCodeError as exc:
        raise _RefusedError(Outcome.MALFORMED, str(exc)) from None


@dataclass(frozen=True)
class _ListReading:
    value: int
    changed_on: dt.date | None
    stale: str | None = None
    """Why the list may not be used at this instant (None: it may)."""


def _instant(value: object) -> dt.datetime | None:
    """An RFC 3339 date-time with a zone (``2027-01-15T03:15:00Z``), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _stale(payload: Mapping[str, Any], url: str, now: dt.datetime) -> str | None:
    """Why the list at ``url`` may not be used ``now``: outside ``validFrom``..``validUntil``
    (or stating neither); None when it may."""
    valid_from = _instant(payload.get("validFrom"))
    valid_until = _instant(payload.get("validUntil"))
    if valid_from is None or valid_until is None:
        return f"{url} states no validity period"
    if now + CLOCK_SKEW < valid_from:
        return f"{url} is valid only from {valid_from.isoformat()}"
    if now >= valid_until:
        return f"{url} expired at {valid_until.isoformat()}"
    return None


def _read_list(
    url: str,
    purpose: str,
    index: int,
    *,
    jwks: Mapping[str, Any],
    status_lists: Mapping[str, str],
    issuer: IssuerProfile,
    now: dt.datetime,
) -> _ListReading:
    token = status_lists.get(url)
    if token is None:
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, f"no status list at {url}")
    try:
        jws = _verified_jws(token, jwks)
    except _RefusedError as exc:
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, f"the status list: {exc.detail}") from None
    payload = jws.payload
    subject = payload.get("credentialSubject")
    if (
        STATUS_LIST_TYPE not in _types(payload.get("type"))
        or payload.get("id") != url
        or _issuer_id(payload.get("issuer")) != issuer.id
        or not isinstance(subject, dict)
        or subject.get("statusPurpose") != purpose
    ):
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, f"{url} is not that status list")
    size = MESSAGE_STATUS_SIZE if purpose == MESSAGE else 1
    if subject.get("statusSize", 1) != size:
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, f"{url} has another status size")
    try:
        bits = Bitstring.decode(str(subject.get("encodedList")), size)
        value = bits.get(index)
    except BitstringError as exc:
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, f"{url}: {exc}") from None
    return _ListReading(
        value, _changed_on(subject.get("statusChangedOn"), index), _stale(payload, url, now)
    )


def _changed_on(by_day: object, index: int) -> dt.date | None:
    """The day ``statusChangedOn`` gives for ``index`` (None when it gives none or no date)."""
    if not isinstance(by_day, dict):
        return None
    for day, indices in by_day.items():
        if isinstance(indices, list) and index in indices:
            try:
                return dt.date.fromisoformat(str(day))
            except ValueError:
                return None
    return None


def _status(
    slot: StatusSlot,
    jwks: Mapping[str, Any],
    status_lists: Mapping[str, str],
    issuer: IssuerProfile,
    now: dt.datetime,
) -> tuple[Outcome, dt.date | None, str]:
    def read(purpose: str) -> _ListReading:
        url = issuer.status_list_url(slot.list_number, purpose)
        return _read_list(
            url, purpose, slot.index, jwks=jwks, status_lists=status_lists, issuer=issuer, now=now
        )

    revocation = read(REVOCATION)
    revoked = revocation.value == 1
    if revocation.stale is not None and not revoked:
        # A stale list proves a revocation (bits are never cleared), never validity.
        raise _RefusedError(Outcome.STATUS_UNAVAILABLE, revocation.stale)
    try:
        message = read(MESSAGE)
        if message.stale is not None:
            raise _RefusedError(Outcome.STATUS_UNAVAILABLE, message.stale)
    except _RefusedError as exc:
        if revoked:
            return Outcome.REVOKED, None, f"the reason is unavailable: {exc.detail}"
        raise
    if message.value == CertificateStatus.SUPERSEDED:
        return Outcome.SUPERSEDED, message.changed_on, ""
    if message.value == CertificateStatus.REVOKED or revoked:
        return Outcome.REVOKED, message.changed_on, ""
    return Outcome.VALID, None, ""


def verify(
    presented: str,
    *,
    jwks: Mapping[str, Any],
    status_lists: Mapping[str, str],
    issuer: IssuerProfile,
    now: dt.datetime,
) -> Verdict:
    """The verdict on ``presented`` (a VC-JWT or a 2D code's text) at the instant ``now``
    (the verifier's clock: it decides which status lists are fresh)."""
    if now.tzinfo is None:
        raise ValueError("the verifier's clock gives an instant with its zone")
    text = presented.strip()
    form = Form.PAPER_CODE if text.startswith(PREFIX) else Form.VC_JWT
    kid: str | None = None
    claims: CertifiedPass | None = None
    try:
        if form is Form.PAPER_CODE:
            kid, claims, slot = _paper_code(text, jwks)
        elif text.count(".") == 2:
            kid, claims, slot = _credential(text, jwks, issuer)
        else:
            return Verdict(Outcome.MALFORMED, detail="neither a 2D code nor a JWT")
        outcome, changed_on, detail = _status(slot, jwks, status_lists, issuer, now)
    except _RefusedError as exc:
        return Verdict(exc.outcome, form, kid, claims, detail=exc.detail)
    return Verdict(outcome, form, kid, claims, changed_on, detail)
