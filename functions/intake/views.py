"""What the API answers with, and what review decisions send: the response and request models.

Views carry ids, statuses, codes and reasons. The form appears only in the staff review view
(:class:`ReviewApplication`), without the My Number and with the residence-card number
masked; bridges see statuses and reasons, never a person's data or a staff member's id.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei import redaction
from kentei.applications.model import (
    Application,
    Channel,
    IdentityConfirmation,
    Reason,
    Status,
    StatusChange,
)
from kentei.data.applications import ApplicationSummary, Page
from kentei.review import Finding

MAX_REASONS = 50


class ApplicationAccepted(BaseModel):
    """The answer to a submission: where to follow the application."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str = Field(description="申請受付ID: the application's id, PP-<26 characters>")
    status: Literal["received"]
    status_url: str = Field(description="path of the application's status")


class StatusEntry(BaseModel):
    """One change of status, as a bridge sees it: when and why, not who."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    status: Status
    at: AwareDatetime
    reasons: tuple[Reason, ...] = ()


class ApplicationStatus(BaseModel):
    """Where an application is (申請状況), with the reasons of its current status."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    channel: Channel
    status: Status
    received_at: AwareDatetime
    reasons: tuple[Reason, ...] = Field(description="why it is returned or rejected, if it is")
    history: tuple[StatusEntry, ...]
    resubmission_of: str | None = Field(description="the returned application this corrects")
    replaced_by: str | None = Field(
        description="the verified resubmission of the same person that corrects this one"
    )

    @classmethod
    def of(cls, application: Application) -> Self:
        return cls(
            application_id=application.application_id,
            channel=application.channel,
            status=application.status,
            received_at=application.received_at,
            reasons=application.reasons,
            history=tuple(
                StatusEntry(status=change.status, at=change.at, reasons=change.reasons)
                for change in application.history
            ),
            resubmission_of=application.resubmission_of,
            replaced_by=application.replaced_by,
        )


class ReviewPage(BaseModel):
    """One page of a prefecture's applications at a status, oldest first."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    items: tuple[ApplicationSummary, ...]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null at the end"
    )

    @classmethod
    def of(cls, page: Page) -> Self:
        return cls(items=page.items, next_cursor=page.next_cursor)


class AttachmentView(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    name: str
    media_type: str = Field(description="by content (parsed as a whole), not as declared")
    size: int
    sha256: str


class PaperView(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    entered_by: str
    identity_confirmation: IdentityConfirmation


class ReviewApplication(BaseModel):
    """An application as staff review it (審査): the form, attachments, checks and history."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    prefecture_code: str
    channel: Channel
    status: Status
    received_at: AwareDatetime
    submitted_by: str
    form: dict[str, Any] = Field(
        description="the items as applied, by English name; no My Number (it is in the "
        "identity vault only), the residence-card number masked"
    )
    attachments: tuple[AttachmentView, ...]
    findings: tuple[Finding, ...] = Field(description="what the automatic checks found")
    reasons: tuple[Reason, ...]
    history: tuple[StatusChange, ...]
    paper: PaperView | None
    group: dict[str, Any] | None = Field(
        description="the applying group of a group application (団体申込), by English name "
        "(type, code, name); null for an individual one"
    )
    resubmission_of: str | None
    replaced_by: str | None
    qualification_pseudonym_id: str | None = Field(
        description="the examinee's 資格仮名ID, once verify has registered the applicant"
    )
    verification: dict[str, Any] | None = Field(
        description="verify's evidence (signer certificate, revocation check, outcome), "
        "without personal data; null until verified"
    )

    @classmethod
    def of(cls, application: Application, findings: tuple[Finding, ...]) -> Self:
        paper = application.paper
        return cls(
            application_id=application.application_id,
            prefecture_code=application.prefecture_code,
            channel=application.channel,
            status=application.status,
            received_at=application.received_at,
            submitted_by=application.submitted_by,
            form=application.form.model_dump(mode="json", exclude={"my_number"}),
            attachments=tuple(
                AttachmentView(name=a.name, media_type=a.media_type, size=a.size, sha256=a.sha256)
                for a in application.attachments
            ),
            findings=findings,
            reasons=application.reasons,
            history=application.history,
            paper=PaperView(
                entered_by=paper.entered_by, identity_confirmation=paper.identity_confirmation
            )
            if paper
            else None,
            group=None
            if application.group is None
            else application.group.model_dump(mode="json", exclude_none=True),
            resubmission_of=application.resubmission_of,
            replaced_by=application.replaced_by,
            qualification_pseudonym_id=application.qualification_pseudonym_id,
            verification=application.verification,
        )


class DecisionRequest(BaseModel):
    """Accept, or return for correction with the reasons the applicant will read."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    decision: Literal["accept", "return"]
    reasons: tuple[Reason, ...] = Field(
        default=(),
        max_length=MAX_REASONS,
        description="at least one to return; with accept, notes kept with the decision",
    )

    @model_validator(mode="after")
    def _reasons_fit(self) -> Self:
        if self.decision == "return" and not self.reasons:
            raise ValueError("returning an application needs at least one reason")
        for reason in self.reasons:
            for text in (reason.message, reason.field or ""):
                # Reasons reach the applicant and the status view: never an identifier. A My
                # Number is refused by intake.screening, naming the reason's part.
                if redaction.RESIDENCE_CARD_PATTERN.search(text):
                    raise ValueError("a reason must not quote a residence-card number")
        return self


class IdentityChoiceRequest(BaseModel):
    """The candidate staff choose as the applicant: its index in the application's
    ``verification.identity_candidates`` (never a number or an item)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    candidate: int = Field(ge=0, le=99, strict=True, description="`index` of the candidate chosen")
