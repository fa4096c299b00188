"""Revocation from an OCSP responder (RFC 6960): the configured ``KENTEI_JPKI_OCSP_URL``.

J-LIS certificates name no responder, so the URL is configured (J-LIS serves OCSP to
registered signature verifiers only). The request is built and the response parsed with
``cryptography``'s OCSP support; this module checks what ``cryptography`` leaves to the caller:

- the response is ``successful`` and signed, with SHA-256/384/512, by the issuing CA itself or
  by a responder certificate the CA issued directly, with extended key usage OCSPSigning, valid
  when the response was produced;
- it answers for this certificate (serial number and issuer hashes of the request);
- it is current: ``thisUpdate`` no later than now (plus :attr:`OcspResponder.skew`) and
  ``nextUpdate`` (if any) not past, or, without ``nextUpdate``, ``thisUpdate`` within
  :attr:`OcspResponder.max_age`.

The status is asked *now*, about the arrival time: ``good`` means not revoked at arrival;
``revoked`` with a revocation time at or before arrival means revoked then, and one after
arrival means it was still valid when the application arrived. ``unknown``, an error status,
a bad signature, a stale response or a transport failure all answer
:class:`~kentei.signatures.revocation.RevocationUnknown`. The whole DER response is the
evidence.

No nonce is sent: responders that pre-produce responses (RFC 5019) ignore it, so freshness is
judged by thisUpdate and nextUpdate instead.

The transport is a port (:class:`OcspTransport`); :class:`UrllibTransport` posts
``application/ocsp-request`` over HTTP(S) with a timeout and a size limit.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from kentei.signatures.revocation import (
    NotRevoked,
    OcspEvidence,
    RevocationStatus,
    RevocationUnknown,
    Revoked,
)

REQUEST_TYPE: Final = "application/ocsp-request"
RESPONSE_TYPE: Final = "application/ocsp-response"
_STRONG_HASHES: Final = (hashes.SHA256, hashes.SHA384, hashes.SHA512)


class OcspTransport(Protocol):
    """Posts a DER OCSP request to ``url`` and returns the DER response body."""

    def post(self, url: str, request: bytes) -> bytes: ...


@dataclass(frozen=True)
class UrllibTransport:
    """HTTP(S) POST with the standard library: no extra dependency in the Lambda layer."""

    timeout_s: float = 5.0
    max_bytes: int = 1 << 20

    def post(self, url: str, request: bytes) -> bytes:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("the OCSP responder URL must be http or https")
        http_request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=request,
            method="POST",
            headers={"Content-Type": REQUEST_TYPE, "Accept": RESPONSE_TYPE},
        )
        with urllib.request.urlopen(http_request, timeout=self.timeout_s) as response:  # noqa: S310
            body: bytes = response.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise ValueError("the OCSP response is too large")
        return body


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OcspResponder:
    """A :class:`~kentei.signatures.revocation.RevocationSource` asking one OCSP responder."""

    url: str
    transport: OcspTransport = field(default_factory=UrllibTransport)
    clock: Callable[[], datetime] = _now
    certificate_id_hash: hashes.HashAlgorithm = field(default_factory=hashes.SHA1)
    """The CertID hash: SHA-1 is what RFC 5019 responders expect (it is an identifier, not a
    signature)."""
    skew: timedelta = timedelta(minutes=5)
    max_age: timedelta = timedelta(days=1)

    def status(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus:
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate(certificate, issuer, self.certificate_id_hash)
            .build()
        )
        try:
            raw = self.transport.post(self.url, request.public_bytes(Encoding.DER))
        except Exception as exc:  # the network, the responder: any failure means "unknown"
            return RevocationUnknown(f"the OCSP responder is unavailable ({type(exc).__name__})")
        return self._interpret(raw, request, issuer, at)

    def _interpret(
        self, raw: bytes, request: ocsp.OCSPRequest, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus:
        try:
            response = ocsp.load_der_ocsp_response(raw)
        except ValueError:
            return RevocationUnknown("the OCSP response is unreadable")
        if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            return RevocationUnknown(f"the OCSP responder answered {response.response_status.name}")
        problem = _signature_problem(response, issuer) or self._freshness_problem(response)
        single = _single_for(response, request)
        if problem or single is None:
            return RevocationUnknown(
                problem or "the OCSP response does not answer for this certificate"
            )
        evidence = OcspEvidence(
            response=raw,
            cert_status=single.certificate_status.name.lower(),
            produced_at=response.produced_at_utc,
            this_update=single.this_update_utc,
            next_update=single.next_update_utc,
            responder_url=self.url,
        )
        revoked_at = single.revocation_time_utc
        if single.certificate_status is ocsp.OCSPCertStatus.GOOD or (
            revoked_at is not None and revoked_at > at
        ):
            return NotRevoked(evidence)
        if single.certificate_status is ocsp.OCSPCertStatus.REVOKED and revoked_at is not None:
            return Revoked(evidence, revoked_at, single.revocation_reason)
        return RevocationUnknown("the OCSP responder does not know the certificate", evidence)

    def _freshness_problem(self, response: ocsp.OCSPResponse) -> str | None:
        now = self.clock()
        for single in response.responses:
            if single.this_update_utc > now + self.skew:
                return "the OCSP response is from the future"
            next_update = single.next_update_utc
            if next_update is not None and now > next_update + self.skew:
                return "the OCSP response is stale (past nextUpdate)"
            if next_update is None and now - single.this_update_utc > self.max_age:
                return "the OCSP response is stale (no nextUpdate, too old)"
        return None


def _single_for(
    response: ocsp.OCSPResponse, request: ocsp.OCSPRequest
) -> ocsp.OCSPSingleResponse | None:
    for single in response.responses:
        if (
            single.serial_number == request.serial_number
            and isinstance(single.hash_algorithm, type(request.hash_algorithm))
            and single.issuer_key_hash == request.issuer_key_hash
            and single.issuer_name_hash == request.issuer_name_hash
        ):
            return single
    return None


def _signature_problem(response: ocsp.OCSPResponse, issuer: x509.Certificate) -> str | None:
    try:
        algorithm = response.signature_hash_algorithm
    except UnsupportedAlgorithm:
        algorithm = None
    if not isinstance(algorithm, _STRONG_HASHES):
        return "the OCSP response is not signed with SHA-256/384/512"
    signer = _responder_certificate(response, issuer)
    if signer is None:
        return "the OCSP response is signed by neither the CA nor a responder it authorised"
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(
                response.signature, response.tbs_response_bytes, padding.PKCS1v15(), algorithm
            )
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            return "the OCSP responder key type is not supported"
    except InvalidSignature:
        return "the OCSP response signature does not verify"
    return None


def _responder_certificate(
    response: ocsp.OCSPResponse, issuer: x509.Certificate
) -> x509.Certificate | None:
    if _is_responder(response, issuer):
        return issuer
    for candidate in response.certificates:
        if _is_responder(response, candidate) and _authorised(candidate, issuer, response):
            return candidate
    return None


def _is_responder(response: ocsp.OCSPResponse, certificate: x509.Certificate) -> bool:
    if response.responder_name is not None:
        return response.responder_name == certificate.subject
    key_hash = x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest
    return response.responder_key_hash == key_hash


def _authorised(
    responder: x509.Certificate, issuer: x509.Certificate, response: ocsp.OCSPResponse
) -> bool:
    try:
        responder.verify_directly_issued_by(issuer)
        usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm, x509.ExtensionNotFound):
        return False
    produced = response.produced_at_utc
    return (
        ExtendedKeyUsageOID.OCSP_SIGNING in usage
        and responder.not_valid_before_utc <= produced <= responder.not_valid_after_utc
    )
