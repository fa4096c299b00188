"""The vault's cryptography, all of it in KMS: the blind index and the number's encryption.

- **Blind index.** ``GenerateMac`` (HMAC-SHA-256) with the blind-index key over
  ``kentei:my-number:v1:`` and the twelve ASCII digits. Keyed, so the 10^11 possible numbers
  cannot be enumerated against the table without the key (an unkeyed hash could); the prefix
  separates this use of the key from any other. Written as ``v1:`` and the MAC in hex: the
  version leaves room for a new key beside the old one.
- **Encryption.** ``Encrypt`` under the vault key with the encryption context
  ``{"purpose": "my-number-vault", "qualification_pseudonym_id": ...}``. KMS binds the
  context to the ciphertext: ``Decrypt`` succeeds only with the same context, so a ciphertext
  moved to another person's item does not decrypt, and CloudTrail records which pseudonym each
  decryption was for.

Only verify holds ``kms:GenerateMac`` on the blind-index key and ``kms:Decrypt`` on the vault
key (invariant 2; asserted on the template).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from kentei import aws
from kentei.my_number import MyNumber
from kentei.vault.port import KMS_REQUESTS, KmsRequestCounter, VaultIntegrityError

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient

BLIND_INDEX_DOMAIN: Final = b"kentei:my-number:v1:"
BLIND_INDEX_VERSION: Final = "v1"
MAC_ALGORITHM: Final = "HMAC_SHA_256"
PURPOSE: Final = "my-number-vault"


def encryption_context(qualification_pseudonym_id: str) -> dict[str, str]:
    return {"purpose": PURPOSE, "qualification_pseudonym_id": qualification_pseudonym_id}


class KmsVaultCrypto:
    def __init__(
        self,
        vault_key_id: str,
        blind_index_key_id: str,
        *,
        counter: KmsRequestCounter | None = None,
        kms: Callable[[], KMSClient] = aws.kms,
    ) -> None:
        self._vault_key_id = vault_key_id
        self._blind_index_key_id = blind_index_key_id
        self.counter = KMS_REQUESTS if counter is None else counter
        self._kms = kms

    def blind_index(self, my_number: MyNumber) -> str:
        self.counter.record("GenerateMac")
        mac = self._kms().generate_mac(
            KeyId=self._blind_index_key_id,
            Message=BLIND_INDEX_DOMAIN + my_number.reveal().encode("ascii"),
            MacAlgorithm=MAC_ALGORITHM,
        )["Mac"]
        return f"{BLIND_INDEX_VERSION}:{mac.hex()}"

    def seal(self, my_number: MyNumber, qualification_pseudonym_id: str) -> bytes:
        self.counter.record("Encrypt")
        return self._kms().encrypt(
            KeyId=self._vault_key_id,
            Plaintext=my_number.reveal().encode("ascii"),
            EncryptionContext=encryption_context(qualification_pseudonym_id),
        )["CiphertextBlob"]

    def open(self, ciphertext: bytes, qualification_pseudonym_id: str) -> MyNumber:
        self.counter.record("Decrypt")
        try:
            plaintext = self._kms().decrypt(
                KeyId=self._vault_key_id,
                CiphertextBlob=ciphertext,
                EncryptionContext=encryption_context(qualification_pseudonym_id),
            )["Plaintext"]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"InvalidCiphertextException", "IncorrectKeyException"}:
                raise VaultIntegrityError(
                    f"the vault entry of {qualification_pseudonym_id} does not decrypt "
                    "under its own context"
                ) from None
            raise
        try:
            return MyNumber(plaintext.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise VaultIntegrityError(
                f"the vault entry of {qualification_pseudonym_id} is not a My Number"
            ) from None
