"""What a verification gives back: :class:`Verified`, or a
:class:`~kentei.signatures.reasons.Rejection`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from kentei.signatures.certificate import SignerCertificate
from kentei.signatures.four_items import FourItems
from kentei.signatures.reasons import Rejection
from kentei.signatures.revocation import RevocationEvidence

Channel = Literal["mynaportal", "egov"]


@dataclass(frozen=True)
class Verified:
    """An accepted signature: who signed, what they certified, and the revocation evidence.

    ``four_items`` is personal data (masked in ``repr``): compare it with the form through
    :func:`kentei.signatures.identity.match_four_items`, never log or store it as such.
    ``signed_files`` (e-Gov only) names every package file the signature covers, which is every
    file but ``kousei.xml``.
    """

    channel: Channel
    signer: SignerCertificate
    four_items: FourItems
    revocation: RevocationEvidence
    algorithm: str
    """E.g. ``rsa-pkcs1v15-sha256`` (CMS) or ``rsa-sha256/c14n-20010315`` (XML)."""
    signed_files: tuple[str, ...] = ()
    signature_value: bytes = field(default=b"", repr=False)
    """The signer's RSA signature as verified (CMS SignerInfo ``signature``, XML
    ``SignatureValue`` decoded): what identifies this signed act, whatever container re-encoding
    it arrives in. Never stored as such (verify keeps only a keyed digest of it)."""

    def evidence(self) -> dict[str, object]:
        """A JSON-ready record to store with the verification result (no personal data)."""
        return {
            "channel": self.channel,
            "algorithm": self.algorithm,
            "signer": self.signer.as_record(),
            "revocation": self.revocation.as_record(),
            "signed_file_count": len(self.signed_files),
        }


VerificationResult: TypeAlias = Verified | Rejection
