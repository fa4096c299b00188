"""Revocation from CRL files: the folder ``KENTEI_JPKI_CRL_DIR``, DER or PEM.

A CRL is used only if its issuer name is the CA's subject, its signature verifies with the CA's
key (all J-LIS CA generations share one name), it is signed with SHA-256/384/512, it is a
complete and direct CRL (no delta-CRL indicator, no issuing distribution point restricted to
some reasons, to CA or attribute certificates, or marked indirect) and it has no unknown
critical extension. Other files are skipped.

The answer for a certificate at the arrival time ``at``:

1. **Revoked** if a usable CRL lists the serial number with a revocation date at or before
   ``at``. Revocation is permanent, so any CRL, even one published after arrival, proves it;
   a ``certificateHold`` entry counts only in the CRL in effect at ``at`` (a hold may be lifted).
2. **Not revoked** if the CRL in effect at ``at`` (the newest with thisUpdate ≤ ``at``) has
   a nextUpdate at or after ``at`` (or none), or a CRL published after ``at`` exists: it would
   list any revocation dated before ``at``. The evidence is the newest usable CRL.
3. **Unknown** otherwise: every CRL is older than ``at`` and past its nextUpdate (stale), or
   there is none for this CA.

Parsed CRLs are cached per file by size and modification time, so a warm function does not
re-read an unchanged folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import CRLEntryExtensionOID, ExtensionOID

from kentei.signatures.revocation import (
    CrlEvidence,
    NotRevoked,
    RevocationStatus,
    RevocationUnknown,
    Revoked,
)

_PEM_CRL: Final = re.compile(rb"-----BEGIN X509 CRL-----\s+.+?-----END X509 CRL-----", re.DOTALL)
_STRONG_HASHES: Final = (hashes.SHA256, hashes.SHA384, hashes.SHA512)
_KNOWN_CRL_EXTENSIONS: Final = frozenset(
    {
        ExtensionOID.CRL_NUMBER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.ISSUING_DISTRIBUTION_POINT,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
    }
)
_KNOWN_ENTRY_EXTENSIONS: Final = frozenset(
    {CRLEntryExtensionOID.CRL_REASON, CRLEntryExtensionOID.INVALIDITY_DATE}
)


@dataclass(frozen=True)
class _LoadedCrl:
    crl: x509.CertificateRevocationList
    sha256: str


@dataclass
class CrlDirectory:
    """A folder of CRL files (DER, or PEM with one or more CRLs per file)."""

    folder: Path
    _cache: dict[Path, tuple[tuple[int, int], tuple[_LoadedCrl, ...]]] = field(
        default_factory=dict, repr=False
    )

    def status(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus:
        usable = sorted(
            (c for c in self._crls() if _usable(c.crl, issuer)),
            key=lambda c: c.crl.last_update_utc,
            reverse=True,
        )
        if not usable:
            return RevocationUnknown("no usable CRL of the issuing CA")
        issuer_fingerprint = issuer.fingerprint(hashes.SHA256()).hex()
        in_effect = next((c for c in usable if c.crl.last_update_utc <= at), None)
        for loaded in usable:
            entry = loaded.crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
            if entry is None or entry.revocation_date_utc > at:
                continue
            reason = _reason(entry)
            if reason is x509.ReasonFlags.certificate_hold and loaded is not in_effect:
                continue
            return Revoked(_evidence(loaded, issuer_fingerprint), entry.revocation_date_utc, reason)
        newest = usable[0]
        published_after = newest.crl.last_update_utc > at
        if published_after or (in_effect is not None and _covers(in_effect.crl, at)):
            return NotRevoked(_evidence(newest, issuer_fingerprint))
        return RevocationUnknown(
            "no CRL of the issuing CA covers the arrival time (stale)",
            _evidence(newest, issuer_fingerprint),
        )

    def _crls(self) -> list[_LoadedCrl]:
        try:
            paths = sorted(p for p in self.folder.iterdir() if p.is_file())
        except OSError:
            return []
        loaded: list[_LoadedCrl] = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._cache.get(path)
            if cached is None or cached[0] != key:
                cached = (key, _parse(path))
                self._cache[path] = cached
            loaded.extend(cached[1])
        return loaded


def _parse(path: Path) -> tuple[_LoadedCrl, ...]:
    try:
        raw = path.read_bytes()
    except OSError:
        return ()
    blocks = _PEM_CRL.findall(raw)
    parsed: list[_LoadedCrl] = []
    if blocks:
        for block in blocks:
            try:
                crl = x509.load_pem_x509_crl(block)
            except ValueError:
                continue
            parsed.append(_LoadedCrl(crl, _der_sha256(crl)))
        return tuple(parsed)
    try:
        crl = x509.load_der_x509_crl(raw)
    except ValueError:
        return ()
    return (_LoadedCrl(crl, hashlib.sha256(raw).hexdigest()),)


def _der_sha256(crl: x509.CertificateRevocationList) -> str:
    return hashlib.sha256(crl.public_bytes(Encoding.DER)).hexdigest()


def _usable(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        return _signed_by(crl, issuer) and _complete(crl)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def _signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    key = issuer.public_key()
    return (
        crl.issuer == issuer.subject
        and isinstance(crl.signature_hash_algorithm, _STRONG_HASHES)
        and isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
        and crl.is_signature_valid(key)
    )


def _complete(crl: x509.CertificateRevocationList) -> bool:
    """A complete, direct CRL without unknown critical extensions."""
    for extension in crl.extensions:
        value = extension.value
        if (
            (extension.critical and extension.oid not in _KNOWN_CRL_EXTENSIONS)
            or isinstance(value, x509.DeltaCRLIndicator)
            or (isinstance(value, x509.IssuingDistributionPoint) and _partial(value))
        ):
            return False
    return True


def _partial(point: x509.IssuingDistributionPoint) -> bool:
    return bool(
        point.only_contains_ca_certs
        or point.only_contains_attribute_certs
        or point.only_some_reasons
        or point.indirect_crl
    )


def _covers(crl: x509.CertificateRevocationList, at: datetime) -> bool:
    next_update = crl.next_update_utc
    return next_update is None or at <= next_update


def _reason(entry: x509.RevokedCertificate) -> x509.ReasonFlags | None:
    try:
        for extension in entry.extensions:
            if extension.critical and extension.oid not in _KNOWN_ENTRY_EXTENSIONS:
                return x509.ReasonFlags.unspecified
            if isinstance(extension.value, x509.CRLReason):
                return extension.value.reason
    except ValueError:
        return x509.ReasonFlags.unspecified
    return None


def _evidence(loaded: _LoadedCrl, issuer_fingerprint: str) -> CrlEvidence:
    number: int | None
    try:
        number = loaded.crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except (x509.ExtensionNotFound, ValueError):
        number = None
    return CrlEvidence(
        issuer_fingerprint=issuer_fingerprint,
        crl_number=number,
        this_update=loaded.crl.last_update_utc,
        next_update=loaded.crl.next_update_utc,
        sha256=loaded.sha256,
    )
