"""What the incident routes answer with: a trace (the persons and records a subject touched,
with counts), and the incident report's skeleton of the seven steps. Pseudonyms (資格仮名ID),
ids, kinds and instants only: never a name, an address or a record's value."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class SubjectKind(StrEnum):
    USER = "user"
    """A staff user over a time window: what they opened, listed, changed."""
    APPLICATION = "application"
    """An application: who touched it, and the records kept of it."""
    IMPORT = "import"
    """A result import: who handled it, and every score it wrote."""
    NOTICE_BATCH = "notice_batch"
    """A results group's notices: each notice, the post list, who read them."""
    SIGNING_KEY = "signing_key"
    """A certificate signing key (its ``kid``): every certificate it signed, and whose."""


class RecordSource(StrEnum):
    AUDIT = "audit"
    """An entry of the audit trail: an access by a user or a function."""
    RECORDS = "records"
    """A record the subject wrote (a score, a notice), read from the records table."""
    LISTED = "listed"
    """A person on a list an audited access read (a post list's download), from the
    records: the access's user and instant, the person's entry on the list."""


class TraceSubject(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    kind: SubjectKind
    id: str = Field(description="the user id, application id, import id or group key")


class TracedRecord(BaseModel):
    """One record the subject touched: an audit entry, or a record it wrote."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    at: AwareDatetime
    source: RecordSource
    prefecture_code: str
    record_type: str
    record_id: str
    action: str = Field(description="the audit action, or what the record says was done")
    outcome: str | None = Field(None, description="the audit entry's outcome")
    person_id: str | None = Field(None, description="資格仮名ID, from the entry or the record")
    user_id: str | None = Field(None, description="the staff user, for an access by staff")
    actor: str | None = None
    request_id: str | None = None

    @property
    def reached(self) -> bool:
        """Whether the data was reached: a refused access (403, 404) touched nothing."""
        return self.outcome not in ("denied", "not_found")


class TracedPerson(BaseModel):
    """A person whose records the subject reached."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    person_id: str = Field(description="資格仮名ID")
    prefecture_code: str
    records: int = Field(ge=1)
    first_at: AwareDatetime
    last_at: AwareDatetime


class PrefectureCount(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    prefecture_code: str
    records: int = Field(ge=0)
    persons: int = Field(ge=0)


class TraceCounts(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    persons: int = Field(ge=0, description="persons whose records were reached")
    records: int = Field(ge=0)
    refused: int = Field(ge=0, description="accesses refused (403, 404): nothing reached")
    by_prefecture: tuple[PrefectureCount, ...]
    by_action: dict[str, int]
    by_record_type: dict[str, int]
    by_outcome: dict[str, int]


class IncidentTrace(BaseModel):
    """The persons and records one subject touched in the caller's prefecture."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    prefecture_code: str
    subject: TraceSubject
    since: AwareDatetime
    until: AwareDatetime
    traced_at: AwareDatetime
    counts: TraceCounts
    persons: tuple[TracedPerson, ...]
    records: tuple[TracedRecord, ...] = Field(description="newest first")


class ResponseStep(StrEnum):
    """The seven steps of the response to an incident."""

    REPORT = "report"
    INVESTIGATE = "investigate"
    SCOPE = "scope"
    PREVENT = "prevent"
    CONTACT = "contact"
    PUBLISH = "publish"
    REPORT_TO_COMMISSION = "report_to_commission"


class ReportStep(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    number: int = Field(ge=1, le=7)
    step: ResponseStep
    title: str = Field(description="the step's name in the prefecture's procedure")
    facts: dict[str, str | int] = Field(description="what the trace establishes for the step")
    to_complete: tuple[str, ...] = Field(description="what staff still have to write")


class IncidentReport(BaseModel):
    """The skeleton of an incident report: the seven steps with the trace's counts filled,
    and the persons to contact through the notice channel (pseudonyms only)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    prefecture_code: str
    subject: TraceSubject
    since: AwareDatetime
    until: AwareDatetime
    drawn_up_at: AwareDatetime
    drawn_up_by: str = Field(description="the auditor's staff user id")
    counts: TraceCounts
    steps: tuple[ReportStep, ...]
    persons_to_contact: tuple[str, ...] = Field(
        description="資格仮名ID of each person to notify through the notice channel"
    )
    contact_channel: str = "notice"
