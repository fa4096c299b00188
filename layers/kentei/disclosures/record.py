"""A disclosure copy's record, kept with the request it answers (``disclosure`` on the
``PERSON_REQUEST#`` item, :mod:`kentei.data.person_requests`): where the sealed copy is, its
SHA-256, what it counts, and when and by whom its passphrase was picked up. Ids, counts and
instants only: never the copy's content, nor the passphrase (kept beside it until picked up).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.person_requests.model import PREFECTURE_PATTERN, REQUEST_ID_PATTERN, Requester

COPIES_PREFIX: Final = "disclosures/"
"""The sealed copies in the disclosures bucket: ``disclosures/<prefecture>/<request id>.sealed``."""


def copy_key(prefecture_code: str, request_id: str) -> str:
    return f"{COPIES_PREFIX}{prefecture_code}/{request_id}.sealed"


class CopyStatus(StrEnum):
    PENDING = "pending"
    """Granted; verify has not sealed the copy yet."""
    READY = "ready"
    """Sealed; the passphrase waits to be picked up."""
    DELIVERED = "delivered"
    """The passphrase was picked up (and erased)."""
    EXPIRED = "expired"
    """The bucket's lifecycle has deleted the copy (the schedule's ``disclosure_copy``)."""


class DisclosureCopy(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    request_id: str = Field(pattern=REQUEST_ID_PATTERN)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    object_key: str = Field(min_length=1, max_length=256)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    generated_at: AwareDatetime
    requester: Requester
    counts: dict[str, int]
    withheld: int = Field(ge=0)
    passphrase_taken_at: AwareDatetime | None = None
    passphrase_taken_by: str | None = Field(None, max_length=128)

    def status(self, now: datetime, lifetime_days: int) -> CopyStatus:
        if now >= self.generated_at + timedelta(days=lifetime_days):
            return CopyStatus.EXPIRED
        return CopyStatus.READY if self.passphrase_taken_at is None else CopyStatus.DELIVERED

    def taken(self, by: str, at: datetime) -> DisclosureCopy:
        return self.model_copy(update={"passphrase_taken_at": at, "passphrase_taken_by": by})
