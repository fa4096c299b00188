"""What the auditors' routes answer with: audit entries (ids and codes only), pages of them,
and the verification of the chain."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.audit_chain import ChainReport
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome, AuditPage


class AuditEntry(BaseModel):
    """One entry of the trail: who, what, when, from where, and how it ended."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    at: AwareDatetime
    prefecture_code: str
    actor: str = Field(description="the caller: `staff:<prefecture>:<user>`, a bridge, a function")
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    actor_prefecture: str | None = None
    action: AuditAction
    outcome: AuditOutcome
    record_type: str
    record_id: str
    person_id: str | None = Field(None, description="資格仮名ID of the person, where known")
    source_ip: str | None = None
    request_id: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEntry:
        return cls.model_validate(event.model_dump(exclude={"expires_at"}))


class AuditSearchPage(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    items: tuple[AuditEntry, ...]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page")

    @classmethod
    def of(cls, page: AuditPage) -> AuditSearchPage:
        return cls(items=tuple(AuditEntry.of(e) for e in page.items), next_cursor=page.next_cursor)


class BrokenLinkView(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    partition: str
    seq: int
    event_key: str | None
    reason: str


class ChainVerification(BaseModel):
    """The chain of a prefecture over a range of UTC days."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    prefecture_code: str
    first_day: date
    last_day: date
    intact: bool
    days: int
    entries: int
    unchained: int = Field(description="entries written before the chain existed")
    first_broken: BrokenLinkView | None = None

    @classmethod
    def of(
        cls, prefecture_code: str, first: date, last: date, report: ChainReport
    ) -> ChainVerification:
        broken = report.broken
        return cls(
            prefecture_code=prefecture_code,
            first_day=first,
            last_day=last,
            intact=report.intact,
            days=report.partitions,
            entries=report.entries,
            unchained=report.unchained,
            first_broken=None
            if broken is None
            else BrokenLinkView(
                partition=broken.partition,
                seq=broken.seq,
                event_key=broken.event_key,
                reason=broken.reason,
            ),
        )
