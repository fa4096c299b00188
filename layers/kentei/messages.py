"""Queue messages between the functions: ids and facts only, never personal data.

Every message is a JSON envelope with a ``kind``; each kind is a pydantic model that forbids
unknown fields, so a message can carry only what its model declares (P1, invariant 7).
A body that is not JSON, names an unknown kind, or fails its model is an
:class:`InvalidMessageError`: the consumer reports it as a batch item failure, and the queue
redrives it to its DLQ after ``maxReceiveCount`` receives.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any, Final, Literal, Self
from urllib.parse import unquote_plus

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

APPLICATION_ID_PATTERN: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")
"""``kentei.applications.model.ID_PATTERN``, repeated so that consumers need not import the
form's models to decode a message (a unit test keeps the two equal)."""


class InvalidMessageError(ValueError):
    """The body is not a message this system sends. The text names the problem, not the data."""


class Envelope(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    kind: str


class Heartbeat(Envelope):
    """A wiring check sent by operators (or the demo) through a queue to its consumer."""

    kind: Literal["heartbeat"] = "heartbeat"
    heartbeat_id: uuid.UUID
    sent_at: AwareDatetime


class ApplicationMessage(Envelope):
    """A message about one application: its id and prefecture, nothing personal."""

    application_id: str = Field(pattern=APPLICATION_ID_PATTERN.pattern)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        if self.application_id[:2] != self.prefecture_code:
            raise ValueError("the application id names another prefecture")
        return self


class ApplicationReceived(ApplicationMessage):
    """An application was stored and its raw submission is in the inbox: verify it (R5).

    Ids only: verify reads the form from the records table and the signed bytes from the
    inbox, so nothing personal travels through the queue.
    """

    kind: Literal["application_received"] = "application_received"


class IdentityChosen(ApplicationMessage):
    """Staff chose (or confirmed) the applicant among the candidates verify found by the four
    items: verify finds that person again and enrols them.

    Ids only: the choice (an index) and the candidates' keyed references are on the
    application, which verify reads from the records table.
    """

    kind: Literal["identity_chosen"] = "identity_chosen"


class TicketDue(ApplicationMessage):
    """Staff asked for the exam ticket of an accepted, seated sitting (R8): certify renders it,
    stores it and sends it to the person. Ids only: certify reads the rest."""

    kind: Literal["ticket_due"] = "ticket_due"


class TicketVoid(ApplicationMessage):
    """The sitting was deleted from the roster (R10): certify marks its current exam ticket
    void and tells a Mynaportal applicant so (a ``ticket_void`` notice superseding the
    ticket's). Ids only; safe to deliver twice."""

    kind: Literal["ticket_void"] = "ticket_void"


CHANGE_REQUEST_ID_PATTERN: Final = re.compile(
    r"^(0[1-9]|[1-3][0-9]|4[0-7])-CR-[0-9A-HJKMNP-TV-Z]{26}$"
)
"""``kentei.roster.changes.REQUEST_ID_PATTERN``, repeated for the same reason (a unit test
keeps the two equal)."""


class ChangeRequestReceived(Envelope):
    """A person's signed change request was stored and its raw parts are in the inbox: verify
    it (R9). Ids only: verify reads the signed document from the inbox."""

    kind: Literal["change_request_received"] = "change_request_received"
    request_id: str = Field(pattern=CHANGE_REQUEST_ID_PATTERN.pattern)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        if self.request_id[:2] != self.prefecture_code:
            raise ValueError("the request id names another prefecture")
        return self


class StaffAccountsDue(Envelope):
    """The staff-accounts schedule fired (``kentei.catalog.SCHEDULES``): record failed
    sign-ins and warn or disable idle accounts, as of ``scheduled_at``.

    The instant is the schedule's, not the receiver's clock: a retried or redriven message
    judges the accounts at the same instant, and the job is safe to run twice.
    """

    kind: Literal["staff_accounts_due"] = "staff_accounts_due"
    scheduled_at: AwareDatetime


class RegistryRecheckDue(Envelope):
    """The registry re-check schedule fired (定期照会, ``kentei.catalog.SCHEDULES``): verify
    starts a run in each prefecture with examinees, one batch message per prefecture.

    The instant is the schedule's: the run's id derives from it, so a retried or redriven
    message is the same run.
    """

    kind: Literal["registry_recheck_due"] = "registry_recheck_due"
    scheduled_at: AwareDatetime


class StatusListsDue(Envelope):
    """The status lists schedule fired (``kentei.catalog.SCHEDULES``): certify re-signs every
    status list, valid from ``scheduled_at`` for a week
    (:data:`kentei.credentials.status.STATUS_LIST_VALIDITY`), and re-publishes the JWK Set when
    it is not the key ring's (a rotation).

    The instant is the schedule's: a retried or redriven message signs as of the same instant,
    and a second run of it changes nothing.
    """

    kind: Literal["status_lists_due"] = "status_lists_due"
    scheduled_at: AwareDatetime


class NationalChangesDue(Envelope):
    """The national changes schedule fired (``kentei.catalog.SCHEDULES``, issue 12): sync sends
    one :class:`NationalChangesPull` per prefecture to its own queue."""

    kind: Literal["national_changes_due"] = "national_changes_due"
    scheduled_at: AwareDatetime


class NationalChangesPull(Envelope):
    """Read one prefecture's changes made on the national side, from its cursor on
    (``sync.national_pull``): each becomes a change proposal for staff, or a conflict. A pull
    that stops at its page limit sends the next one (``round`` one more)."""

    kind: Literal["national_changes_pull"] = "national_changes_pull"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    scheduled_at: AwareDatetime
    round: int = Field(0, ge=0, le=1000)


class NationalReconcileDue(Envelope):
    """The national reconciliation schedule fired (``kentei.catalog.SCHEDULES``, issue 12):
    sync sends one :class:`NationalReconcilePrefecture` per prefecture to its own queue."""

    kind: Literal["national_reconcile_due"] = "national_reconcile_due"
    scheduled_at: AwareDatetime


class NationalReconcilePrefecture(Envelope):
    """Compare one prefecture's synced records with the national side's by bucket digests,
    repair what differs, and leave a report (``sync.national_reconcile``). The run's id
    derives from ``scheduled_at``, so a retried message is the same run."""

    kind: Literal["national_reconcile_prefecture"] = "national_reconcile_prefecture"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    scheduled_at: AwareDatetime


class RetentionDue(Envelope):
    """The retention schedule fired (``kentei.catalog.SCHEDULES``, P8), or an operator asked
    for a dry run: sync sends one :class:`RetentionPrefecture` per prefecture to its own
    queue."""

    kind: Literal["retention_due"] = "retention_due"
    scheduled_at: AwareDatetime
    dry_run: bool = False


class RetentionPrefecture(Envelope):
    """Delete what has passed its period in one prefecture at ``scheduled_at``, or (a dry
    run) report what would go (``sync.retention``). The run's id derives from
    ``scheduled_at``, so a retried message is the same run; a page of a phase sends the next."""

    kind: Literal["retention_prefecture"] = "retention_prefecture"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    scheduled_at: AwareDatetime
    dry_run: bool = False
    phase: Literal["index", "settle", "delete", "release"] = Field(
        "index",
        description="index the partition's pages, settle the index once, delete (or report) "
        "page by page, then send the vault releases",
    )
    page: int = Field(0, ge=0, le=999_999, description="the page of the phase, from 0")


class VaultEntryRelease(Envelope):
    """The retention job deleted a person's last examinee or application in a prefecture:
    verify deletes their vault entry (and pseudonym links) if no record of theirs in any
    prefecture needs it and the entry's own period has ended at ``scheduled_at``
    (``verify.vault_release``). The 資格仮名ID and instants only."""

    kind: Literal["vault_entry_release"] = "vault_entry_release"
    qualification_pseudonym_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")
    last_activity: AwareDatetime
    scheduled_at: AwareDatetime
    run_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")


class DisclosureDue(Envelope):
    """A disclosure request (開示請求, P10) was granted (wholly or in part): verify assembles the
    person's records, their audit trail and, in the person's own copy only, their My Number,
    and seals the copy (``verify.disclosures``). Ids and the copy's addressee only."""

    kind: Literal["disclosure_due"] = "disclosure_due"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    request_id: str = Field(pattern=r"^prq-[0-9a-z]{26}$")
    qualification_pseudonym_id: str = Field(pattern=r"^[0-9A-Za-z_-]{8,128}$")
    requester: Literal["person", "representative"]


class UseResumed(Envelope):
    """A person's suspension of use (利用停止, P10) in a prefecture was lifted: verify takes
    their held applications on to review (``verify.suspension``). The prefecture and the
    資格仮名ID only."""

    kind: Literal["use_resumed"] = "use_resumed"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    qualification_pseudonym_id: str = Field(pattern=r"^[0-9A-Za-z_-]{8,128}$")


class ResultsGroupMessage(Envelope):
    """A message about a round's work and grade in one prefecture (its results), asked for by
    a staff member in an API request: ids and codes only."""

    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    fiscal_year: int = Field(ge=2000, le=2100)
    term: Literal["前期", "後期", "随時"]
    trade_code: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$")
    work_code: str | None = Field(None, pattern=r"^[0-9A-Za-z]{1,16}$")
    grade: str = Field(min_length=1, max_length=8)
    requested_by: str = Field(min_length=1, max_length=200, description="the staff id")
    request_id: str = Field(min_length=1, max_length=200)


class ResultsDecisionsDue(ResultsGroupMessage):
    """Decide every registered sitting of the group from its scores (R12); again until the
    group is announced."""

    kind: Literal["results_decisions_due"] = "results_decisions_due"
    after: str | None = Field(
        None, max_length=32, description="a page after the first: the last exam number decided"
    )


class ResultsAnnouncementDue(ResultsGroupMessage):
    """Announce the group (合格発表): check that it is ready, then number each pass and part
    pass, once. A message handles a page of sittings and sends the next page's message: while
    checking, ``check_after`` is the last exam number checked; once ``checked``, ``after`` is
    the last exam number announced."""

    kind: Literal["results_announcement_due"] = "results_announcement_due"
    announced_on: date
    after: str | None = Field(None, max_length=32)
    check_after: str | None = Field(None, max_length=32)
    checked: bool = False

    @property
    def checking(self) -> bool:
        """Still checking that the group is ready (an announcing page has ``after``)."""
        return not self.checked and self.after is None


PASSES_ANNOUNCED_MAX: Final = 100
"""The most application ids one ``passes_announced`` carries: an announcement page's size
(``sync.announcements.PAGE``)."""


class PassesAnnounced(Envelope):
    """One announcement page of a results group is written: certify issues the certificates
    of its passes (合格証書 and the electronic certificate; issue 11). Every pass and part
    pass of the page that is announced, including ones announced before (a redelivered page
    sends them again; issuing is idempotent). Ids only: certify reads the pass records."""

    kind: Literal["passes_announced"] = "passes_announced"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    group_key: str = Field(min_length=1, max_length=200)
    application_ids: tuple[str, ...] = Field(min_length=1, max_length=PASSES_ANNOUNCED_MAX)

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        for application_id in self.application_ids:
            if not APPLICATION_ID_PATTERN.fullmatch(application_id):
                raise ValueError("an application id is malformed")
            if application_id[:2] != self.prefecture_code:
                raise ValueError("an application id names another prefecture")
        return self


class CompletionNoticeDue(ApplicationMessage):
    """An application that came from e-Gov ended its processing (R2): accepted (the person
    registered), rejected, or returned (by verify's refusal or by staff). Certify sends
    e-Gov its completion notice (処理完了通知). Ids only: certify reads the application's
    status and reason codes. Sent after the transaction that ended the application, and again
    on a redelivered or retried request: certify sends each notice once."""

    kind: Literal["completion_notice_due"] = "completion_notice_due"


class ProofRequested(ApplicationMessage):
    """Staff asked for a 合格証明書 (certificate of pass) of the pass of this application:
    certify issues it once (``proof_id`` names the request, kept as ``PROOF_REQUEST#``; the
    language and the Latin name are read from the records). Ids only."""

    kind: Literal["proof_requested"] = "proof_requested"
    proof_id: str = Field(pattern=r"^[0-9a-f]{16}$")


class ReissueRequested(ApplicationMessage):
    """Staff asked for a reissue (再交付) of a printed certificate of the pass of this
    application: certify issues the new certificate once, supersedes the old one and publishes
    its status (``reissue_id`` names the request, kept as ``REISSUE#``). Ids only."""

    kind: Literal["reissue_requested"] = "reissue_requested"
    reissue_id: str = Field(pattern=r"^[0-9a-f]{16}$")


class PassRevoked(ApplicationMessage):
    """Staff revoked the pass of this application (合格の取消し; ``PASS_REVOCATION#`` holds
    what and why): certify revokes its certificates in the status lists, publishes them and
    notifies the person. Ids only."""

    kind: Literal["pass_revoked"] = "pass_revoked"
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)


RECHECK_BATCH_MAX: Final = 20
"""The most examinees one batch message re-checks: lookups one after another stay well within
verify's timeout, and verify's reserved concurrency bounds the calls on the registry link."""


class RegistryRecheckBatch(Envelope):
    """One page of a prefecture's roster to re-check in a run: the page's number and the
    資格仮名ID it starts after (None: the first page). Ids only. Verify sends the next page's
    message to its own queue when it has read this one."""

    kind: Literal["registry_recheck_batch"] = "registry_recheck_batch"
    run_id: str = Field(pattern=r"^[0-9]{8}T[0-9]{6}Z$")
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    scheduled_at: AwareDatetime
    page: int = Field(ge=0, le=1_000_000)
    after: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    size: int = Field(RECHECK_BATCH_MAX, ge=1, le=RECHECK_BATCH_MAX)


IMPORT_ID_PATTERN: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])-RI-[0-9A-HJKMNP-TV-Z]{26}$")
"""A result import's id: its prefecture, ``RI``, a ULID."""
IMPORT_KEY_PATTERN: Final = re.compile(
    r"^imports/(0[1-9]|[1-3][0-9]|4[0-7])/((?:0[1-9]|[1-3][0-9]|4[0-7])-RI-[0-9A-HJKMNP-TV-Z]{26})\.csv$"
)
"""Where a result file is uploaded (``kentei.catalog.IMPORTS_PREFIX``): its prefecture and its
import are read from the key."""


class ResultFileUploaded(Envelope):
    """Staff put a result file at its presigned URL (R11): sync checks it into a report.

    Not sent by us: the imports bucket's S3 event notification, translated by :func:`decode`
    from S3's event JSON. Ids only: the bucket, the object's key (prefecture and import id),
    its size and version."""

    kind: Literal["result_file_uploaded"] = "result_file_uploaded"
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+$")
    key: str = Field(pattern=IMPORT_KEY_PATTERN.pattern)
    size: int = Field(ge=0)
    version_id: str | None = Field(None, max_length=1024)

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        if self.import_id[:2] != self.prefecture_code:
            raise ValueError("the import id names another prefecture")
        return self

    @property
    def prefecture_code(self) -> str:
        return self.key.split("/")[1]

    @property
    def import_id(self) -> str:
        return self.key.rsplit("/", 1)[1].removesuffix(".csv")


class ResultImportCommit(Envelope):
    """Staff committed a checked, clean result import: sync applies its rows (idempotent),
    a page at a time. Ids and a row number only: the import, its prefecture, the staff user
    who committed it, where the page starts."""

    kind: Literal["result_import_commit"] = "result_import_commit"
    import_id: str = Field(pattern=IMPORT_ID_PATTERN.pattern)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    requested_by: str = Field(min_length=1, max_length=160, pattern=r"^[0-9A-Za-z@._:+-]+$")
    after_row: int | None = Field(None, ge=1)
    """The commit's next page starts after this row of the file (None: the first page, which
    re-checks the file). Sync sends each next page as a message of its own."""

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        if self.import_id[:2] != self.prefecture_code:
            raise ValueError("the import id names another prefecture")
        return self


class S3TestEvent(Envelope):
    """The test event S3 sends to a queue when a bucket's notification is configured: the
    consumer acknowledges and drops it (it is neither a message nor an error)."""

    kind: Literal["s3_test_event"] = "s3_test_event"


INITIAL_REGISTRATION_ID_PATTERN: Final = re.compile(
    r"^(0[1-9]|[1-3][0-9]|4[0-7])-IR-[0-9A-HJKMNP-TV-Z]{26}$"
)
"""``kentei.initial_registrations.INITIAL_REGISTRATION_ID_PATTERN``, repeated (a unit test
keeps the two equal)."""


class InitialRegistrationReceived(Envelope):
    """A person's initial registration (R17) was stored and its raw parts are in the inbox:
    verify it. Ids only: verify reads the signed document from the inbox."""

    kind: Literal["initial_registration_received"] = "initial_registration_received"
    request_id: str = Field(pattern=INITIAL_REGISTRATION_ID_PATTERN.pattern)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")

    @model_validator(mode="after")
    def _same_prefecture(self) -> Self:
        if self.request_id[:2] != self.prefecture_code:
            raise ValueError("the request id names another prefecture")
        return self


class NationalRecordDue(Envelope):
    """A synced record changed (the records table's stream, issue 12): sync sends its current
    state to the national qualifications system. The record's key and the change's version
    (the stream record's sequence number) only, never its data: the consumer reads the item
    as it is now (``kentei.national.records``). Sent to the FIFO ``national`` queue with the
    資格仮名ID as message group (in order per person) and ``dedup_id`` as deduplication id."""

    kind: Literal["national_record_due"] = "national_record_due"
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    record_kind: Literal["examinee", "sitting", "pass", "part_pass", "certificate"]
    record_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")
    qualification_pseudonym_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")
    version: int = Field(ge=1, lt=10**40, description="the stream record's sequence number")
    removed: bool = False
    """The change removed the item (a REMOVE stream record)."""

    @property
    def group_id(self) -> str:
        return self.qualification_pseudonym_id

    @property
    def dedup_id(self) -> str:
        """One per change: the same stream record sent twice is taken once (128 at most)."""
        return f"{self.record_kind}-{self.record_id}-{self.version}"


KINDS: dict[str, type[Envelope]] = {
    "heartbeat": Heartbeat,
    "application_received": ApplicationReceived,
    "identity_chosen": IdentityChosen,
    "staff_accounts_due": StaffAccountsDue,
    "ticket_due": TicketDue,
    "ticket_void": TicketVoid,
    "registry_recheck_due": RegistryRecheckDue,
    "registry_recheck_batch": RegistryRecheckBatch,
    "status_lists_due": StatusListsDue,
    "national_changes_due": NationalChangesDue,
    "national_changes_pull": NationalChangesPull,
    "national_reconcile_due": NationalReconcileDue,
    "national_reconcile_prefecture": NationalReconcilePrefecture,
    "retention_due": RetentionDue,
    "retention_prefecture": RetentionPrefecture,
    "vault_entry_release": VaultEntryRelease,
    "disclosure_due": DisclosureDue,
    "use_resumed": UseResumed,
    "results_decisions_due": ResultsDecisionsDue,
    "results_announcement_due": ResultsAnnouncementDue,
    "passes_announced": PassesAnnounced,
    "completion_notice_due": CompletionNoticeDue,
    "proof_requested": ProofRequested,
    "reissue_requested": ReissueRequested,
    "pass_revoked": PassRevoked,
    "change_request_received": ChangeRequestReceived,
    "result_file_uploaded": ResultFileUploaded,
    "result_import_commit": ResultImportCommit,
    "initial_registration_received": InitialRegistrationReceived,
    "national_record_due": NationalRecordDue,
}


def heartbeat(now: datetime | None = None) -> Heartbeat:
    return Heartbeat(heartbeat_id=uuid.uuid4(), sent_at=now or datetime.now(UTC))


def encode(message: Envelope) -> str:
    return message.model_dump_json()


def decode(body: str) -> Envelope:
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidMessageError("the message body is not JSON") from None
    if not isinstance(raw, dict):
        raise InvalidMessageError("the message body is not a JSON object")
    if "kind" not in raw and ("Records" in raw or "Event" in raw):
        return _from_s3(raw)
    kind = raw.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise InvalidMessageError("the message kind is missing or unknown")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "(body)" for e in exc.errors())
        raise InvalidMessageError(f"the {kind} message is invalid at: {fields}") from None


def _from_s3(raw: dict[str, Any]) -> Envelope:
    """An S3 event notification as our message: the test event S3 sends when a notification is
    configured (:class:`S3TestEvent`), or one ``ObjectCreated`` record (what S3 sends per
    event) as :class:`ResultFileUploaded`. Anything else is invalid, and names only where."""
    if raw.get("Event") == "s3:TestEvent" and raw.get("Service") == "Amazon S3":
        return S3TestEvent()
    records = raw.get("Records")
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        raise InvalidMessageError("the S3 event does not have exactly one record")
    record = records[0]
    name = record.get("eventName")
    if record.get("eventSource") != "aws:s3" or not isinstance(name, str):
        raise InvalidMessageError("the S3 event record is not from S3")
    if not name.startswith("ObjectCreated:"):
        raise InvalidMessageError("the S3 event record is not an ObjectCreated event")
    s3 = record.get("s3")
    bucket = s3.get("bucket") if isinstance(s3, dict) else None
    target = s3.get("object") if isinstance(s3, dict) else None
    if not isinstance(bucket, dict) or not isinstance(target, dict):
        raise InvalidMessageError("the S3 event record names no bucket or object")
    key = target.get("key")
    try:
        return ResultFileUploaded(
            bucket=bucket.get("name"),
            # S3 sends the key URL-encoded (a space as "+").
            key=unquote_plus(key) if isinstance(key, str) else key,
            size=target.get("size"),
            version_id=target.get("versionId"),
        )
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "(body)" for e in exc.errors())
        raise InvalidMessageError(f"the S3 event record is invalid at: {fields}") from None
