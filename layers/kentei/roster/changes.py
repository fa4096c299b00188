"""Change proposals (訂正・変更, R9; 削除 proposals, R10) from the periodic registry re-check
(定期照会): what the registry says now against what the roster holds, as a proposal staff
accept or reject, never a silent overwrite; and from the person's own request (a paper
change request keyed in by staff, or one they signed through the Mynaportal bridge,
:func:`requested_changes`; or the items of a correction request, 訂正請求, the
information-disclosure office received, P10), reviewed the same way.

Pure: :func:`compare` turns an examinee and a registry record into a :class:`Difference` (or
nothing), :func:`apply` gives the examinee with a proposal's after-values. The values are
personal data (name, address...): a proposal lives under the records key like the examinee,
and never holds the My Number (the registry's answer to a lookup by number does not carry it).
Each value is a plain string: before and after exactly as the examinee and the registry hold
them; the comparison itself uses the registry's comparison keys
(:mod:`kentei.registry.normalise`), so a width or spacing difference is no change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.applications.model import IdentityConfirmation
from kentei.person_requests.suspension import PERSON_REQUEST_ID_PATTERN
from kentei.records import fields
from kentei.records.examinee import Examinee
from kentei.records.sensitive import REVEAL
from kentei.registry.model import RegistryRecord, RegistryStatus
from kentei.registry.normalise import normalise_address, normalise_name
from kentei.sortable_ids import sortable_id

PROPOSAL_ID_PATTERN: Final = r"^chg-[0-9a-z]{26}$"
RUN_ID_PATTERN: Final = r"^[0-9]{8}T[0-9]{6}Z$"
REQUEST_ID_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])-CR-[0-9A-HJKMNP-TV-Z]{26}$"
"""A change request's id (``kentei.change_requests``): its prefecture, ``CR`` and 26
characters of Crockford base32."""
"""A person request's id (``kentei.person_requests``): ``prq-`` and 26 characters."""
FIELDS: Final = ("name", "name_kana", "birth_date", "sex", "address")
"""The examinee's items the registry answers for (the four items and the reading)."""
REQUEST_FIELDS: Final = (
    "name",
    "name_kana",
    "postal_code",
    "address",
    "address_line2",
    "phone",
    "employer_code",
    "employer_name",
    "employer_postal_code",
    "employer_address",
    "employer_address_line2",
    "employer_phone",
)
"""The examinee's items a person may ask to change (never the My Number, nor the birth date
or sex: those follow the registry)."""
NOT_PERSONS: Final = frozenset(
    {
        "prefecture_code",
        "fiscal_year",
        "term",
        "grade",
        "trade_code",
        "work_code",
        "exam_category",
        "application_receipt_id",
        "exam_number",
        "course_or_exemption",
        "years_of_experience",
        "my_number",
    }
)
"""The examinee's items (受検者テーブル) that are not the person's: the application's exam and
receipt (the sitting's), its prefecture (the partition's), and the My Number (the vault's).
A later application changing them is no change to the person."""
_REQUIRED: Final = frozenset({"name", "address"})


class ChangeSource(StrEnum):
    REGISTRY_RECHECK = "registry_recheck"
    """The periodic registry re-check (定期照会)."""
    PAPER_REQUEST = "paper_request"
    """The person's change request on paper, keyed in by staff who saw their identity."""
    MYNAPORTAL_REQUEST = "mynaportal_request"
    """The person's change request from the Mynaportal bridge, signed with their JPKI
    signature certificate (the signature is the identity confirmation)."""
    NATIONAL_SYSTEM = "national_system"
    """A change the person made on the national side (Mynaportal through the national
    qualifications system, R16): read from its feed by sync's pull (``sync.national_pull``)."""
    PERSON_REQUEST = "person_request"
    """A correction request (訂正請求, P10) the information-disclosure office received: the
    items the person asks to correct, recorded against the request (``person_request_id``),
    whose decision then follows the proposal's (``kentei.person_requests.correction``)."""
    APPLICATION = "application"
    """A later application's items, taken when staff accept it (R7): no proposal, the
    acceptance is the decision."""


class ChangeKind(StrEnum):
    UPDATE = "update"
    """The registry holds other items (a new name, a new address), or the person asks for
    other items: correct them."""
    MOVED_OUT = "moved_out"
    """The person moved out (転出); the items the registry holds, where they differ."""
    DECEASED = "deceased"
    """The person died: a deletion from the roster is proposed (R10), nothing is deleted here."""


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    """A later run found another difference for the person while this one was open."""


class ChangeError(ValueError):
    """A decision the proposal's state does not allow (the API: 409)."""


class ProposalDecidedError(ChangeError):
    """The proposal is decided already (or superseded): nothing to decide."""


class ExamineeChangedError(ChangeError):
    """The examinee changed since the proposal was made: its before-values are stale."""


class NothingToChangeError(ValueError):
    """A change request whose items all hold their current values already (the API: 422)."""


class FieldChange(BaseModel):
    """One item: its name on the examinee, and the value before and after (personal data)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    field: str = Field(pattern="^(" + "|".join(dict.fromkeys(FIELDS + REQUEST_FIELDS)) + ")$")
    before: str | None = Field(repr=False)
    after: str | None = Field(repr=False)


class Difference(BaseModel):
    """What a re-check found for one person: the kind and the items that differ."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    kind: ChangeKind
    registry_status: RegistryStatus
    changes: tuple[FieldChange, ...] = ()

    def same_as(self, other: Difference) -> bool:
        """The same finding: the same kind and the same items with the same after-values."""
        return self.kind is other.kind and {(c.field, c.after) for c in self.changes} == {
            (c.field, c.after) for c in other.changes
        }


class Proposal(BaseModel):
    """A change proposal (``CHANGE#<proposal id>`` under the prefecture)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    proposal_id: str = Field(pattern=PROPOSAL_ID_PATTERN)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    kind: ChangeKind
    registry_status: RegistryStatus | None = Field(
        description="what the registry said (a re-check's proposal; None for a request)"
    )
    changes: tuple[FieldChange, ...]
    source: ChangeSource
    run_id: str | None = Field(
        pattern=RUN_ID_PATTERN, description="the re-check run (None for a request)"
    )
    proposed_at: AwareDatetime
    basis: AwareDatetime = Field(
        description="the examinee's updated_at the before-values were read at"
    )
    status: ProposalStatus = ProposalStatus.PROPOSED
    decided_by: str | None = None
    decided_at: AwareDatetime | None = None
    reason: str | None = Field(None, max_length=500, repr=False)
    entered_by: str | None = Field(None, description="staff who keyed in a paper request")
    identity_confirmation: IdentityConfirmation | None = Field(
        None, description="how they confirmed the requester's identity (a paper request)"
    )
    request_id: str | None = Field(
        None,
        pattern=REQUEST_ID_PATTERN,
        description="the signed change request it comes from (a Mynaportal request)",
    )
    national_sequence: int | None = Field(
        None, ge=1, description="the national side's change it comes from (its feed's sequence)"
    )
    person_request_id: str | None = Field(
        None,
        pattern=PERSON_REQUEST_ID_PATTERN,
        description="the correction request it comes from (a person request, P10)",
    )

    @model_validator(mode="after")
    def _decided(self) -> Self:
        open_ = self.status in (ProposalStatus.PROPOSED, ProposalStatus.SUPERSEDED)
        if open_ == (self.decided_at is not None):
            raise ValueError("a proposal has a decision exactly when accepted or rejected")
        if self.kind is not ChangeKind.DECEASED and not self.changes:
            raise ValueError("a correction proposal names the items it changes")
        registry = self.source is ChangeSource.REGISTRY_RECHECK
        finding = (self.registry_status is not None, self.run_id is not None)
        if finding != (registry, registry):
            raise ValueError("a re-check's proposal, and only one, names its run and finding")
        paper = self.source is ChangeSource.PAPER_REQUEST
        keyed = (self.entered_by is not None, self.identity_confirmation is not None)
        if keyed != (paper, paper):
            raise ValueError("a paper request, and only one, names who keyed it in and how")
        signed = self.source is ChangeSource.MYNAPORTAL_REQUEST
        if signed != (self.request_id is not None):
            raise ValueError("a signed request, and only one, names the request it comes from")
        national = self.source is ChangeSource.NATIONAL_SYSTEM
        if national != (self.national_sequence is not None):
            raise ValueError("a national side's change, and only one, names its sequence")
        correction = self.source is ChangeSource.PERSON_REQUEST
        if correction != (self.person_request_id is not None):
            raise ValueError("a correction request's proposal, and only one, names the request")
        if not registry and (
            self.kind is not ChangeKind.UPDATE
            or any(c.field not in REQUEST_FIELDS for c in self.changes)
        ):
            raise ValueError("a request changes only the items a person may ask to change")
        return self

    @property
    def from_registry(self) -> bool:
        """A re-check's finding (the person's open one is marked, a later run supersedes it);
        a request is its own proposal, never superseded by a run."""
        return self.source is ChangeSource.REGISTRY_RECHECK

    @property
    def difference(self) -> Difference:
        if self.registry_status is None:
            raise ValueError("a request is no registry finding")
        return Difference(
            kind=self.kind, registry_status=self.registry_status, changes=self.changes
        )

    def decided(
        self, status: ProposalStatus, by: str, at: datetime, reason: str | None = None
    ) -> Proposal:
        if self.status is not ProposalStatus.PROPOSED:
            raise ProposalDecidedError(f"the proposal is {self.status.value}")
        return self.model_copy(
            update={"status": status, "decided_by": by, "decided_at": at, "reason": reason}
        )


class RequestedItems(BaseModel):
    """The items a person asks to change, as the examinee holds them: an item given is its new
    value (``null`` clears an optional one), an item left out stays as it is. Never the My
    Number (unknown fields are refused)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: fields.ShortText | None = Field(None, description="Full name (氏名).", repr=False)
    name_kana: fields.Kana | None = Field(None, description="Reading (ふりがな).", repr=False)
    postal_code: fields.PostalCode | None = Field(
        None, description="Postal code, seven digits.", repr=False
    )
    address: fields.Text | None = Field(None, description="Address (住所).", repr=False)
    address_line2: fields.Text | None = Field(None, description="方書.", repr=False)
    phone: fields.PhoneNumber | None = Field(None, description="Telephone.", repr=False)
    employer_code: fields.Code | None = Field(None, description="Employer code.", repr=False)
    employer_name: fields.Text | None = Field(None, description="Employer name.", repr=False)
    employer_postal_code: fields.PostalCode | None = Field(
        None, description="Employer postal code.", repr=False
    )
    employer_address: fields.Text | None = Field(None, description="Employer address.", repr=False)
    employer_address_line2: fields.Text | None = Field(
        None, description="Employer 方書.", repr=False
    )
    employer_phone: fields.PhoneNumber | None = Field(
        None, description="Employer telephone.", repr=False
    )

    @model_validator(mode="after")
    def _given(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("a change request names at least one item")
        cleared = sorted(f for f in self.model_fields_set & _REQUIRED if getattr(self, f) is None)
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be cleared")
        return self


def requested_changes(examinee: Examinee, items: RequestedItems) -> tuple[FieldChange, ...]:
    """The items of a request that differ from the examinee's, before and after, in the
    examinee's order. Raises :class:`NothingToChangeError` if none differs."""
    changes = tuple(
        FieldChange(field=name, before=before, after=after)
        for name in REQUEST_FIELDS
        if name in items.model_fields_set
        and (before := _text(getattr(examinee, name))) != (after := _text(getattr(items, name)))
    )
    if not changes:
        raise NothingToChangeError("every item holds the requested value already")
    return changes


class HistoryEntry(BaseModel):
    """A change made to an examinee: when, by whom, from where, the items before and after
    (``EXAMINEE_HISTORY#<資格仮名ID>#<at>#<proposal or application id>``). Never the My
    Number."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    qualification_pseudonym_id: str
    at: AwareDatetime
    by: str
    source: ChangeSource
    proposal_id: str | None = Field(None, description="the accepted proposal")
    application_id: str | None = Field(
        None, description="the accepted application whose items the examinee took"
    )
    before: dict[str, str | None] = Field(repr=False)
    after: dict[str, str | None] = Field(repr=False)

    @model_validator(mode="after")
    def _decided_by_one(self) -> Self:
        by_application = self.source is ChangeSource.APPLICATION
        if (self.application_id is not None, self.proposal_id is not None) != (
            by_application,
            not by_application,
        ):
            raise ValueError("an application's change names it; any other names its proposal")
        return self

    @property
    def decided_in(self) -> str:
        """The proposal or the application the change was decided in."""
        return self.proposal_id or self.application_id or ""


def new_proposal_id(at: datetime) -> str:
    """``chg-`` and 26 characters (:func:`kentei.sortable_ids.sortable_id`): ids sort by
    creation."""
    return sortable_id("chg-", at)


def run_id_of(scheduled_at: datetime) -> str:
    """The run of a schedule's instant (UTC, to the second): a retried message is the same run."""
    return scheduled_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "value", value))


def _same(field: str, before: str | None, after: str | None) -> bool:
    if before is None or after is None:
        return before == after
    if field in ("name", "name_kana"):
        return normalise_name(before) == normalise_name(after)
    if field == "address":
        return normalise_address(before) == normalise_address(after)
    return before == after


def compare(examinee: Examinee, record: RegistryRecord) -> Difference | None:
    """What differs between the roster's examinee and the registry's answer, or None.

    A person the registry does not know (``unknown``) is no difference: the caller counts it
    as an error for staff to look at another way (nothing to propose). An item the registry
    does not hold (a reading) is never proposed away.
    """
    if record.person is None:
        return None
    changes = []
    for name in FIELDS:
        before = _text(getattr(examinee, name))
        after = _text(getattr(record.person, name))
        if after is None or _same(name, before, after):
            continue
        changes.append(FieldChange(field=name, before=before, after=after))
    if record.status is RegistryStatus.DECEASED:
        return Difference(kind=ChangeKind.DECEASED, registry_status=record.status)
    if record.status is RegistryStatus.MOVED:
        return Difference(
            kind=ChangeKind.MOVED_OUT, registry_status=record.status, changes=tuple(changes)
        )
    if not changes:
        return None
    return Difference(kind=ChangeKind.UPDATE, registry_status=record.status, changes=tuple(changes))


def apply(examinee: Examinee, proposal: Proposal) -> Examinee:
    """The examinee with the proposal's after-values (validated as the examinee's items).

    Raises :class:`ExamineeChangedError` if an item no longer holds its before-value.
    """
    return apply_changes(examinee, proposal.changes)


def apply_changes(examinee: Examinee, changes: tuple[FieldChange, ...]) -> Examinee:
    """The examinee with ``changes``' after-values; raises :class:`ExamineeChangedError` if an
    item no longer holds its before-value."""
    data = examinee.model_dump(mode="json", context={REVEAL: True})
    for change in changes:
        current = _text(getattr(examinee, change.field))
        if current != change.before:
            raise ExamineeChangedError(f"the examinee's {change.field} changed since the proposal")
        data[change.field] = change.after
    return Examinee.model_validate(data)


def history_of(proposal: Proposal, by: str, at: datetime) -> HistoryEntry:
    return HistoryEntry(
        qualification_pseudonym_id=proposal.qualification_pseudonym_id,
        at=at,
        by=by,
        source=proposal.source,
        proposal_id=proposal.proposal_id,
        before={c.field: c.before for c in proposal.changes},
        after={c.field: c.after for c in proposal.changes},
    )


def application_history(
    qualification_pseudonym_id: str,
    before: Examinee,
    after: Examinee,
    *,
    application_id: str,
    by: str,
    at: datetime,
) -> HistoryEntry | None:
    """The history entry of an examinee taking a later application's items on its acceptance:
    every item of the person (not :data:`NOT_PERSONS`) whose stored value changes, to the
    letter, or None when the application states the person's items as held already."""
    changed: dict[str, tuple[str | None, str | None]] = {}
    for name in Examinee.model_fields:
        if name in NOT_PERSONS:
            continue
        old = _text(getattr(before, name))
        new = _text(getattr(after, name))
        if old != new:
            changed[name] = (old, new)
    if not changed:
        return None
    return HistoryEntry(
        qualification_pseudonym_id=qualification_pseudonym_id,
        at=at,
        by=by,
        source=ChangeSource.APPLICATION,
        application_id=application_id,
        before={name: pair[0] for name, pair in changed.items()},
        after={name: pair[1] for name, pair in changed.items()},
    )


class RunRecord(BaseModel):
    """A re-check run in one prefecture (``RECHECK_RUN#<run id>``): counts only."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    run_id: str = Field(pattern=RUN_ID_PATTERN)
    prefecture_code: str
    scheduled_at: AwareDatetime
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    batches: int = 0
    queried: int = 0
    differences: int = 0
    proposed: int = 0
    errors: int = 0
