"""The My Number vault and the pseudonyms (P2, P3; privacy invariants 1-3).

Verify enrols each verified person (:meth:`Vault.enrol` → 資格仮名ID), links a Mynaportal
applicant's pseudonym to it (:class:`PseudonymLinks`), and reveals the number only for a
registry re-check (:meth:`Vault.reveal`). ``vault_from_environment()`` and
``links_from_environment()`` give the deployed implementations, from the catalog's settings;
they read the environment on each call, so a caller keeps its instance. :data:`KMS_REQUESTS`
counts the KMS requests of every vault in the process (the bench's "KMS requests per verified
application"; verify can take the difference around one application).
"""

from __future__ import annotations

from kentei.vault.links import PseudonymLinkConflictError, PseudonymLinks
from kentei.vault.port import (
    KMS_REQUESTS,
    KmsRequestCounter,
    UnknownPseudonymError,
    Vault,
    VaultEntry,
    VaultError,
    VaultIntegrityError,
)
from kentei.vault.pseudonym import is_qualification_pseudonym_id, new_qualification_pseudonym_id

__all__ = [
    "KMS_REQUESTS",
    "KmsRequestCounter",
    "PseudonymLinkConflictError",
    "PseudonymLinks",
    "UnknownPseudonymError",
    "Vault",
    "VaultEntry",
    "VaultError",
    "VaultIntegrityError",
    "is_qualification_pseudonym_id",
    "links_from_environment",
    "new_qualification_pseudonym_id",
    "vault_from_environment",
]


def vault_from_environment() -> Vault:
    """The vault table and keys the environment names (verify's grants)."""
    from kentei.vault.dynamo import DynamoVault

    return DynamoVault()


def links_from_environment() -> PseudonymLinks:
    """The pseudonym links in the records table the environment names."""
    from kentei.vault.links import DynamoPseudonymLinks

    return DynamoPseudonymLinks()
