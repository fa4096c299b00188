"""What certificate issuance (:mod:`certify.certificates`) works with: its ports, and their
deployed (or local) adapters.

The signing key is the catalog's ``certificate-signing`` KMS key (:mod:`kentei.signing.kms`),
known by the key ring's active ``kid``; the PDF's signing chain is read once from the
certificates bucket (:mod:`kentei.certificates.pades_chain`) and checked against the key's
public half. The issuer (:class:`kentei.credentials.issuer.IssuerProfile`) comes from the
environment (:func:`kentei.credentials.issuer.issuer_from_environment`). Each is built when
first used:
the PDF, crypto and pyHanko imports stay off the cold-start path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Final, Protocol

from kentei.data.published import VC_JWT_MEDIA_TYPE

if TYPE_CHECKING:
    from kentei.certificates.content import Certificate
    from kentei.certificates.pades_chain import SigningChain
    from kentei.credentials.issuer import IssuerProfile
    from kentei.credentials.status import CertificateStatus, StatusSlot
    from kentei.data.audit import AuditEvent
    from kentei.data.certificates import (
        CertificateHold,
        CertificateRecord,
        ProofRequest,
        ReissueRequest,
    )
    from kentei.data.published_jwks import JwksPublication
    from kentei.data.status_lists import StoredStatusList
    from kentei.exemptions.model import PassRecord
    from kentei.results.passes import DecidedSitting
    from kentei.results.revocations import PassRevocationRecord
    from kentei.signing.keyring import KeyRing
    from kentei.signing.port import SigningKey

PDF_MEDIA_TYPE: Final = "application/pdf"
VC_MEDIA_TYPE: Final = VC_JWT_MEDIA_TYPE


class Passes(Protocol):
    """One prefecture's decisions and pass records
    (:class:`kentei.data.passes.PrefecturePasses`)."""

    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None: ...

    def pass_of(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRecord | None: ...


class Certificates(Protocol):
    """One prefecture's certificates (:class:`kentei.data.certificates.PrefectureCertificates`)."""

    def certificate(self, certificate_id: str) -> CertificateRecord | None: ...

    def issue(
        self,
        record: CertificateRecord,
        *,
        audit: AuditEvent,
        proof_id: str | None = None,
        reissue: tuple[ReissueRequest, CertificateRecord] | None = None,
    ) -> None: ...

    def proof_request(self, proof_id: str) -> ProofRequest | None: ...

    def proof_count(self, certificate_number: str) -> int: ...

    def hold(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> CertificateHold | None: ...

    def put_hold(self, hold: CertificateHold) -> bool: ...

    def reissue_request(self, reissue_id: str) -> ReissueRequest | None: ...

    def next_serial(self, certificate_number: str) -> int: ...

    def signed_with(self, certificate_id: str, kid: str) -> None: ...


class StatusLists(Protocol):
    """The issuer's status lists (:class:`kentei.data.certificates.StatusLists`)."""

    def status_list(self, list_number: int) -> StoredStatusList | None: ...

    def list_numbers(self) -> list[int]: ...

    def mark_signed(
        self, list_number: int, version: int, *, kid: str, signed_at: datetime
    ) -> bool: ...

    def set_status(self, slot: StatusSlot, status: CertificateStatus, on: date) -> bool:
        """False when the entry had ``status`` already."""
        ...


class Revocations(Protocol):
    """One prefecture's revoked passes (:class:`kentei.data.pass_revocations.
    PrefecturePassRevocations`)."""

    def revocation(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRevocationRecord | None: ...


class Allocator(Protocol):
    """A status index allocator for one message
    (:class:`kentei.data.certificates.DynamoStatusIndexAllocator`): ``created`` names the lists
    it opened."""

    created: list[int]

    def allocate(self, claimed_for: str = "") -> StatusSlot: ...


class Files(Protocol):
    """The certificates bucket (:class:`kentei.data.certificate_files.CertificateFiles`)."""

    def exists(self, key: str) -> bool: ...

    def put(
        self, key: str, body: bytes, content_type: str, *, cache_control: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class CertificatePorts:
    passes: Callable[[str], Passes]
    """By prefecture."""
    certificates: Callable[[str], Certificates]
    """By prefecture."""
    status_lists: StatusLists
    allocator: Callable[[], Allocator]
    """A new allocator for each message."""
    files: Files
    key_ring: Callable[[], KeyRing]
    """The active signing key and the retired ones."""
    issuer: Callable[[], IssuerProfile]
    sign_pdf: Callable[[bytes, SigningKey, datetime], bytes]
    """The PDF with its PAdES signature by the key, at the instant."""
    render: Callable[[Certificate, bytes], bytes]
    """The certificate's PDF with its 2D code (PNG)."""
    revocations: Callable[[str], Revocations]
    """By prefecture."""


def _issuer() -> IssuerProfile:
    from kentei.credentials.issuer import issuer_from_environment

    return issuer_from_environment(os.environ)


@cache
def _key_ring() -> KeyRing:
    from kentei import settings
    from kentei.signing.keyring import load_key_ring, load_key_ring_data
    from kentei.signing.kms import KmsSigningKey

    data = load_key_ring_data()
    key = KmsSigningKey(settings.key_id("certificate-signing"), data.active_kid)
    return load_key_ring(key, data)


@cache
def _chain(public_key_der: bytes) -> SigningChain:
    from kentei.certificates.pades_chain import load_signing_chain
    from kentei.data.signing_chains import BucketChainSource

    return load_signing_chain(BucketChainSource(), os.environ, public_key_der=public_key_der)


def _sign_pdf(pdf: bytes, key: SigningKey, at: datetime) -> bytes:
    # Crypto and pyHanko only when a PDF is signed (cold start).
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from kentei.certificates.pades import sign_pdf
    from kentei.signing.ecdsa import public_key_from_jwk

    public = public_key_from_jwk(key.public_jwk()).public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    )
    chain = _chain(public)
    return sign_pdf(
        pdf,
        key,
        chain.certificate,
        chain.chain,
        field_name="KenteiCertificate",
        reason="技能検定 合格証書の交付",
        location="JP",
        signed_at=at,
    )


def _render(certificate: Certificate, code_png: bytes) -> bytes:
    from kentei.certificates.pdf import render

    return render(certificate, code_png)


def deployed() -> CertificatePorts:
    from kentei.data.certificate_files import CertificateFiles
    from kentei.data.certificates import PrefectureCertificates
    from kentei.data.pass_revocations import PrefecturePassRevocations
    from kentei.data.passes import PrefecturePasses
    from kentei.data.status_lists import DynamoStatusIndexAllocator, StatusLists

    lists = StatusLists()
    return CertificatePorts(
        passes=PrefecturePasses,
        certificates=PrefectureCertificates,
        status_lists=lists,
        allocator=lambda: DynamoStatusIndexAllocator(lists),
        files=CertificateFiles(),
        key_ring=_key_ring,
        issuer=_issuer,
        sign_pdf=_sign_pdf,
        render=_render,
        revocations=PrefecturePassRevocations,
    )


class JwksRecord(Protocol):
    """The record of the JWK Set last published
    (:class:`kentei.data.published_jwks.PublishedJwks`)."""

    def last(self) -> JwksPublication | None: ...

    def record(self, digest: str, at: datetime) -> bool: ...


@dataclass(frozen=True)
class RenewalPorts:
    """What the daily re-signing of the status lists and the JWKS works with
    (:mod:`certify.status_renewal`)."""

    certificates: CertificatePorts
    jwks: JwksRecord


def deployed_renewal() -> RenewalPorts:
    from kentei.data.published_jwks import PublishedJwks

    return RenewalPorts(certificates=deployed(), jwks=PublishedJwks())
