"""The electronic certificate as a W3C Verifiable Credential 2.0 secured as a JWT (``vc+jwt``).

Per VC-JOSE-COSE (§3.1), the JWT claims set *is* the credential: ``@context``, ``type``,
``issuer``, ``validFrom``, ``credentialSubject`` and ``credentialStatus`` are top-level
claims, plus ``iat`` (the signing time, seconds). The protected header is ``{"typ":
"vc+jwt", "alg": "ES256", "kid": <the signing key's kid>}``; the JWS is built over the
:class:`~kentei.signing.SigningKey` (:func:`kentei.credentials.jose.sign_compact`).

The type is ``["VerifiableCredential", "SkillsTestPassCredential"]`` (技能検定合格証). The
subject (``"type": "SkillsTestPass"``) holds exactly the :class:`CertifiedPass`: ``name``,
``nameLatin`` (when given), ``birthDate``, ``trade`` and ``work`` (each ``code`` and
``name``), ``grade`` (the label, ``1級``), ``passDate``, ``certificateNumber`` (合格証書番号,
the pass's), ``certificateId`` (証書番号, this certificate's: ``<合格証書番号>-<serial>``, serial
1 the first issue and 2, 3, … its reissues, or ``<合格証書番号>-P<n>`` for the n-th 合格証明書;
the id printed under the PDF's 2D code) and ``issuingAuthority``; it has no ``id`` (the holder
is not identified by any number). These terms are not in the VC 2.0 context, which maps them to
its issuer-dependent vocabulary (``https://www.w3.org/ns/credentials/issuer-dependent#``); this
docstring is their definition.

The certificate id is a subject term rather than the credential's own ``id`` (a URN such as
``urn:kentei:certificate:<id>``): the subject then holds the whole :class:`CertifiedPass`, as
the 2D code does, so both forms carry the id in the same place and a verifier reads it with
the other facts; ``kentei`` is no registered URN namespace (RFC 8141), and an ``https`` id
would promise a document per certificate that the issuer does not publish. The credential
itself has no ``id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from pydantic import ValidationError

from kentei.credentials.claims import CertifiedPass
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jose import sign_compact
from kentei.credentials.status import VC_CONTEXT, VC_JWT_TYPE, StatusSlot, status_entries
from kentei.records.codes import Grade
from kentei.signing.port import SigningKey

CREDENTIAL_TYPE: Final = "SkillsTestPassCredential"
SUBJECT_TYPE: Final = "SkillsTestPass"


class CredentialContentError(ValueError):
    """A credential's claims are not those of a certificate we issue."""


def timestamp(moment: dt.datetime) -> str:
    """An XML Schema ``dateTimeStamp`` in UTC, to the second (``2027-03-19T01:00:00Z``)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_subject(certified: CertifiedPass) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "type": SUBJECT_TYPE,
        "name": certified.name,
        "birthDate": certified.birth_date.isoformat(),
        "trade": {"code": certified.trade_code, "name": certified.trade_name},
        "work": {"code": certified.work_code, "name": certified.work_name},
        "grade": certified.grade.value,
        "passDate": certified.passed_on.isoformat(),
        "certificateNumber": certified.certificate_number,
        "certificateId": certified.certificate_id,
        "issuingAuthority": certified.issuing_authority,
    }
    if certified.name_latin is not None:
        subject["nameLatin"] = certified.name_latin
    return subject


def credential(
    certified: CertifiedPass, slot: StatusSlot, issuer: IssuerProfile, issued_at: dt.datetime
) -> dict[str, Any]:
    """The unsecured credential (the JWT's claims, less ``iat``)."""
    return {
        "@context": [VC_CONTEXT],
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": {"id": issuer.id, "name": issuer.name},
        "validFrom": timestamp(issued_at),
        "credentialSubject": credential_subject(certified),
        "credentialStatus": status_entries(slot, issuer),
    }


def issue_vc_jwt(
    certified: CertifiedPass,
    slot: StatusSlot,
    issuer: IssuerProfile,
    key: SigningKey,
    issued_at: dt.datetime,
) -> str:
    """The certificate as a ``vc+jwt`` signed by ``key``."""
    claims = {**credential(certified, slot, issuer, issued_at), "iat": int(issued_at.timestamp())}
    return sign_compact({"typ": VC_JWT_TYPE}, claims, key)


def certified_pass(subject: object) -> CertifiedPass:
    """The :class:`CertifiedPass` a credential subject states; refuses any other shape."""
    if not isinstance(subject, dict) or subject.get("type") != SUBJECT_TYPE:
        raise CredentialContentError(f"the subject is not a {SUBJECT_TYPE}")
    try:
        trade, work = subject["trade"], subject["work"]
        return CertifiedPass(
            certificate_number=subject["certificateNumber"],
            certificate_id=subject["certificateId"],
            name=subject["name"],
            name_latin=subject.get("nameLatin"),
            birth_date=dt.date.fromisoformat(subject["birthDate"]),
            trade_code=trade["code"],
            trade_name=trade["name"],
            work_code=work["code"],
            work_name=work["name"],
            grade=Grade(subject["grade"]),
            passed_on=dt.date.fromisoformat(subject["passDate"]),
            issuing_authority=subject["issuingAuthority"],
        )
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise CredentialContentError("the subject's claims are incomplete or invalid") from exc


def status_slots(credential_status: object, issuer: IssuerProfile) -> dict[str, StatusSlot]:
    """The slot each status purpose of ``credentialStatus`` names, by purpose; refuses an entry
    that is not one of ``issuer``'s lists."""
    entries = credential_status if isinstance(credential_status, list) else [credential_status]
    slots: dict[str, StatusSlot] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            raise CredentialContentError("a status entry is not a BitstringStatusListEntry")
        located = issuer.parse_status_list_url(str(entry.get("statusListCredential")))
        index = entry.get("statusListIndex")
        if located is None or located[1] != entry.get("statusPurpose"):
            raise CredentialContentError("a status entry names a list of another issuer")
        if not isinstance(index, str) or not index.isdigit() or not index.isascii():
            raise CredentialContentError("a status index is a base-10 string")
        slots[located[1]] = StatusSlot(located[0], int(index))
    return slots
