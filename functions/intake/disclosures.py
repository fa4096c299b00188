"""A granted disclosure's sealed copy, for the information-disclosure office (P10; role
``privacy``, own prefecture): its state and a short-lived download link, and its one-time
passphrase, given once.

Verify seals the copy (``verify.disclosures``) under a passphrase it draws and keeps on the
request. The office downloads the copy (``GET``: a presigned GET valid for
:data:`DOWNLOAD_SECONDS`, with its SHA-256 to check it against) and picks up the passphrase
once (``POST .../passphrase``): the answer is the only time it leaves the system; it is erased
in the transaction that records who took it and when (audited). The office sends the copy
and, in a separate sealed letter, the passphrase to the person (or their representative); the
person opens the copy with ``python -m kentei.disclosures open FILE``.

Refusals: another prefecture's request, or a request that is not a granted disclosure:
``404``; the passphrase picked up already (or the copy not sealed yet, or expired): ``409``.
Every read is audited before it is answered.
"""

from __future__ import annotations

from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from kentei import catalog
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.disclosures.record import CopyStatus
from kentei.person_requests.model import ConcurrentRequestChangeError, PersonRequest, Requester

DOWNLOAD_SECONDS: Final = 300
LIFETIME_DAYS: Final = catalog.DISCLOSURES_LIFECYCLE.current_days
_NOT_FOUND: Final = "no granted disclosure request with this id in the caller's prefecture"
SEPARATE_LETTER: Final = (
    "Send this passphrase to the requester in a sealed letter of its own, separately from the "
    "copy; it is not shown again."
)


class DisclosureView(BaseModel):
    """A disclosure copy's state: ids, digest, counts and instants (never its content)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    request_id: str
    status: CopyStatus = Field(
        description="`pending` (not sealed yet), `ready` (the passphrase waits), `delivered` "
        "(the passphrase was picked up) or `expired` (the bucket deleted the copy)."
    )
    requester: Requester = Field(description="Whom the copy is for.")
    download_url: str | None = Field(
        None, description="A presigned GET of the sealed copy, while it is kept."
    )
    expires_in_s: int | None = None
    sha256: str | None = Field(None, description="The sealed file's SHA-256 (hex).")
    size: int | None = None
    generated_at: AwareDatetime | None = None
    counts: dict[str, int] = Field(
        default_factory=dict, description="Items in the copy, by section."
    )
    withheld: int = Field(0, description="Items left out because they name other persons too.")
    passphrase_taken_at: AwareDatetime | None = None
    passphrase_taken_by: str | None = None


class PassphraseView(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    request_id: str
    passphrase: str = Field(description="The copy's one-time passphrase: shown this once.")
    sha256: str = Field(description="The sealed file's SHA-256, to print beside it.")
    instructions: str = SEPARATE_LETTER


def _granted(deps: Dependencies, staff: Caller, request_key: str) -> PersonRequest:
    request = deps.person_requests(staff_prefecture(staff)).request(request_key)
    if request is None or not request.discloses:
        raise NotFoundError(_NOT_FOUND)
    return request


def read_disclosure(
    staff: Caller, request_key: str, request_id: str, deps: Dependencies | None = None
) -> DisclosureView:
    deps = deps or dependencies()
    request = _granted(deps, staff, request_key)
    store = deps.person_requests(request.prefecture_code)
    copy = store.disclosure(request.request_id)
    now = deps.clock()
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.DISCLOSURE_READ,
            ("person_request", request.request_id),
            person=request.qualification_pseudonym_id,
            at=now,
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    if copy is None:
        return DisclosureView(
            request_id=request.request_id, status=CopyStatus.PENDING, requester=request.requester
        )
    status = copy.status(now, LIFETIME_DAYS)
    kept = status is not CopyStatus.EXPIRED
    return DisclosureView(
        request_id=request.request_id,
        status=status,
        requester=copy.requester,
        download_url=(
            deps.disclosure_links.download_url(copy.object_key, DOWNLOAD_SECONDS) if kept else None
        ),
        expires_in_s=DOWNLOAD_SECONDS if kept else None,
        sha256=copy.sha256,
        size=copy.size,
        generated_at=copy.generated_at,
        counts=copy.counts,
        withheld=copy.withheld,
        passphrase_taken_at=copy.passphrase_taken_at,
        passphrase_taken_by=copy.passphrase_taken_by,
    )


def take_passphrase(
    staff: Caller, request_key: str, request_id: str, deps: Dependencies | None = None
) -> PassphraseView:
    """The passphrase, once: erased in the transaction that records who took it (audited)."""
    deps = deps or dependencies()
    request = _granted(deps, staff, request_key)
    store = deps.person_requests(request.prefecture_code)
    copy = store.disclosure(request.request_id)
    if copy is None:
        raise ConflictError("the copy is not sealed yet; try again later", slug="copy-pending")
    now = deps.clock()
    if copy.status(now, LIFETIME_DAYS) is CopyStatus.EXPIRED:
        raise ConflictError("the copy has expired; decide the request again", slug="copy-expired")
    passphrase = store.passphrase(request.request_id)
    if passphrase is None:
        raise ConflictError("the passphrase was picked up already", slug="passphrase-taken")
    event = staff_event(
        staff,
        AuditAction.DISCLOSURE_PASSPHRASE_TAKEN,
        ("person_request", request.request_id),
        person=request.qualification_pseudonym_id,
        at=now,
        request_id=request_id,
    )
    try:
        store.take_passphrase(copy.taken(staff.id, now), passphrase, [event])
    except ConcurrentRequestChangeError:
        raise ConflictError(
            "the passphrase was picked up already", slug="passphrase-taken"
        ) from None
    return PassphraseView(request_id=request.request_id, passphrase=passphrase, sha256=copy.sha256)
