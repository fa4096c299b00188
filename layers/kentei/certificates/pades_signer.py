"""pyHanko's side of :func:`kentei.certificates.pades.sign_pdf`: a ``Signer`` over a
:class:`~kentei.certificates.pades_key.DerSigner`, and the incremental signing itself.

Imported only by :func:`~kentei.certificates.pades.sign_pdf` (pyHanko at module level here).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Final

from asn1crypto import algos, core
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kentei.certificates.pades_key import (
    DIGEST_ALGORITHM,
    MAX_DER_SIGNATURE_BYTES,
    SIGNATURE_MECHANISM,
    DerSigner,
    PadesSigningError,
    TimestampUnavailableError,
)

if TYPE_CHECKING:
    from cryptography import x509
    from pyhanko.sign.timestamps import TimeStamper

_PLACEHOLDER: Final = bytes(MAX_DER_SIGNATURE_BYTES)


class DerKeySigner(Signer):
    """A pyHanko ``Signer`` whose raw signatures come from a :class:`DerSigner` (KMS ``Sign``).

    pyHanko hands :meth:`async_sign_raw` the DER of the CMS signed attributes; the key hashes
    them with SHA-256 and signs. A size estimate (``dry_run``) answers a placeholder of the
    longest P-256 signature without calling the key. Every real signature is verified under
    the certificate's public key before pyHanko embeds it.
    """

    def __init__(
        self, key: DerSigner, certificate: x509.Certificate, chain: Sequence[x509.Certificate]
    ) -> None:
        public_key = certificate.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
            public_key.curve, ec.SECP256R1
        ):
            raise PadesSigningError("the signing certificate's key must be EC P-256")
        self._key = key
        self._public_key = public_key
        # pyHanko's certificate store leaves its constructors unannotated.
        issuers = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_asn1(issuer) for issuer in chain]
        )
        super().__init__(
            signing_cert=_asn1(certificate),
            cert_registry=issuers,
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": SIGNATURE_MECHANISM}),
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != DIGEST_ALGORITHM:
            raise PadesSigningError(f"the key signs with {DIGEST_ALGORITHM} only")
        if dry_run:
            return _PLACEHOLDER
        signature = self._key.sign_der(data)
        try:
            self._public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise PadesSigningError(
                "the key's signature does not verify under the signing certificate"
            ) from None
        return signature


class _SignerAt(PdfSigner):
    """A ``PdfSigner`` whose signing sessions take the given time instead of the clock's."""

    def __init__(
        self,
        meta: PdfSignatureMetadata,
        signer: Signer,
        timestamper: TimeStamper | None,
        signed_at: datetime | None,
    ) -> None:
        super().__init__(meta, signer, timestamper=timestamper)
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        if self._signed_at is not None:
            session.system_time = self._signed_at
        return session


def sign_incrementally(
    pdf: bytes,
    key: DerSigner,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    field_name: str,
    reason: str,
    location: str,
    timestamp_source: TimeStamper | None,
    signed_at: datetime | None,
) -> bytes:
    """See :func:`kentei.certificates.pades.sign_pdf`."""
    complete_asn1crypto_names()
    signer = DerKeySigner(key, certificate, chain)
    meta = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=SigSeedSubFilter.PADES,
    )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        output = _SignerAt(meta, signer, timestamp_source, signed_at).sign_pdf(writer)
    except TimestampRequestError as exc:
        raise TimestampUnavailableError("the time-stamping authority did not answer") from exc
    except (SigningError, PdfError) as exc:
        raise PadesSigningError(f"the PDF cannot be signed: {type(exc).__name__}") from exc
    signed: bytes = output.getvalue()
    return signed


def complete_asn1crypto_names() -> None:
    """Give each of asn1crypto's reverse maps (name to OID) every name of its map.

    asn1crypto builds an OID type's ``_reverse_map`` once, on its first use by name, and
    never again; but names are added to the maps later, when a module is imported
    (pyHanko's CMS attributes such as ``signing_certificate_v2``, ``asn1crypto.tsp``'s
    ``tst_info``, ``asn1crypto.pdf``'s extensions). In a process that used such a type
    before those imports (the local runtime, where verify checks CMS signatures in the same
    process), pyHanko then fails to build the signature with ``invalid literal for int()
    with base 10: 'signing_certificate_v2'``. Every ``ObjectIdentifier`` subclass is
    completed: they are a few hundred small dicts, well under a millisecond.
    """
    pending: list[type[core.ObjectIdentifier]] = [core.ObjectIdentifier]
    while pending:
        oid_type = pending.pop()
        pending.extend(oid_type.__subclasses__())
        names, reverse = oid_type._map, oid_type._reverse_map
        if names is not None and reverse is not None:
            for dotted, name in names.items():
                reverse.setdefault(name, dotted)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
