"""The record kinds the system keeps, the events their retention runs from, and how a period
is counted: the vocabulary of the retention schedule (保存期間表).

:class:`RecordKind` is the list the schedule must cover. Every place the system stores
something names its kind: a records-table item by its sort-key prefix (each data module's
``RECORD_KINDS``, gathered in :mod:`kentei.data.record_kinds`), another table by
:attr:`kentei.catalog.TableSpec.record_kind`, a bucket's objects by their key prefix
(:attr:`kentei.catalog.BucketSpec.record_kinds`), the logs by :data:`LOG_KIND`. A store that
names no kind, or a kind the schedule does not hold, fails a test.

Pure data: no file is read here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class RecordKind(StrEnum):
    """What the schedule keeps and deletes, one entry each."""

    INBOX_SUBMISSION = "inbox_submission"
    """A raw signed submission as received (the inbox bucket): holds the My Number."""
    APPLICATION = "application"
    """An application (受検申請), its status index, its signed-act claim and attachments."""
    INITIAL_REGISTRATION = "initial_registration"
    """A past passer's initial registration request (初期登録申請)."""
    VAULT_ENTRY = "vault_entry"
    """The person's My Number under the vault key (the vault table)."""
    PSEUDONYM_LINK = "pseudonym_link"
    """The link between a Mynaportal pseudonym and a 資格仮名ID."""
    EXAMINEE = "examinee"
    """The person's items in a prefecture (氏名, 住所, ...), without the My Number."""
    EXAMINEE_HISTORY = "examinee_history"
    """A change made to an examinee: before and after."""
    CHANGE_PROPOSAL = "change_proposal"
    """A change proposal, its open marker, and a signed change request (R9)."""
    SITTING = "sitting"
    """A sitting (受検): the exam, parts, exemptions, payments."""
    EXAM_SESSION = "exam_session"
    """An exam session and its seats (試験日程・会場)."""
    EXAM_TICKET = "exam_ticket"
    """An exam ticket (受検票): its record and its PDF."""
    NUMBER_CLAIM = "number_claim"
    """The claim of an exam, pass or other number and its sequences: a number never reused."""
    RESULT = "result"
    """Scores (得点), their history and the pass decisions (合否判定)."""
    RESULT_IMPORT = "result_import"
    """A result import's record: ids, counts and problem codes."""
    RESULT_FILE = "result_file"
    """An uploaded result file and its problems report (the imports bucket)."""
    PASS = "pass"  # noqa: S105 (not a secret)
    """A pass or part pass (合格・一部合格), a past pass, a revocation of a pass."""
    CERTIFICATE = "certificate"
    """An issued certificate (合格証書, 合格証明書, 電子合格証): its record, PDF and VC, holds,
    requests and counts."""
    NOTICE = "notice"
    """A notice sent to the person (通知) and the post list."""
    NATIONAL_SYNC = "national_sync"
    """What was sent to and read from the national system: marks, the feed's cursor and
    changes (ids and versions only)."""
    NATIONAL_CONFLICT = "national_conflict"
    """A conflict with the national system and its open marker (both sides' values)."""
    PERSON_REQUEST = "person_request"
    """A person's request about their own data (開示・訂正・利用停止請求, P10), its decision, and
    a suspension of use while it stands."""
    DISCLOSURE_COPY = "disclosure_copy"
    """A sealed disclosure copy (開示の写し) in the disclosures bucket, until it is delivered."""
    DELETION_RECORD = "deletion_record"
    """A record of a deletion: what kind, which ids, when, under which rule."""
    LEGAL_HOLD = "legal_hold"
    """A legal hold (訴訟ホールド) on a person, a kind or a record, placed and lifted."""
    AUDIT_ENTRY = "audit_entry"
    """An entry of the audit trail of access to specific personal information (P6)."""
    IDEMPOTENCY_RECORD = "idempotency_record"
    """A Powertools idempotency record (hashes and the ids answered)."""
    SIGN_IN_EVENT = "sign_in_event"
    """A staff sign-in, its summary and the idle-account warnings (P5)."""
    STAFF_ACCOUNT = "staff_account"
    """A staff user in the user pool (Cognito)."""
    JOB_RUN = "job_run"
    """A scheduled or staff-started run's record: counts and problems by id."""
    HEARTBEAT = "heartbeat"
    """A heartbeat receipt of a function (no person)."""
    ISSUER_RECORD = "issuer_record"
    """The issuer's status lists, their index claims, published keys and documents."""
    SYSTEM_CONFIGURATION = "system_configuration"
    """Public configuration objects: the truststore, the signing certificate chain."""
    LOG = "log"
    """CloudWatch logs of the functions, APIs, firewall and user pool; S3 access logs."""


LOG_KIND: Final = RecordKind.LOG
"""The kind of every CloudWatch log group and of the S3 server access logs."""


class Event(StrEnum):
    """What a retention period runs from (起算の事由)."""

    RECEIVED = "received"
    """The record arrived (a submission received)."""
    DECIDED = "decided"
    """The matter was decided (an application accepted or refused, a result decided, a
    conflict resolved): 文書の完結."""
    LAST_ACTIVITY = "last_activity"
    """The person's (or account's) last activity: their latest application, sitting, pass,
    change or notice in the prefecture."""
    PASS_DATE = "pass_date"  # noqa: S105 (not a secret)
    """The pass's announcement (合格発表)."""
    CREATED = "created"
    """The item's own creation (for an item rewritten in place, its last write)."""
    PERMANENT = "permanent"
    """None: the record is kept for good (永年)."""


class Counting(StrEnum):
    """How a period is counted from its event, in Japan time (:mod:`kentei.retention.periods`)."""

    FISCAL_YEAR = "fiscal_year"
    """Prefectural record rules: from the first day of the fiscal year after the event's (翌年度
    の4月1日起算); N years end on the last day of the N-th fiscal year. Whole years only."""
    CALENDAR = "calendar"
    """民法 第140条・第143条: from the day after the event (初日不算入), by the calendar; the
    period ends at the end of the day before the corresponding day, or at the end of the
    month where there is none."""
    ELAPSED = "elapsed"
    """Exactly so many days from the event's instant: what DynamoDB TTL, S3 lifecycle rules
    and CloudWatch retention count. Days only."""


class DeletedBy(StrEnum):
    """What deletes the kind once its period has ended."""

    JOB = "job"
    """The retention job, per prefecture (holds honoured, a deletion record written)."""
    DYNAMODB_TTL = "dynamodb_ttl"
    """DynamoDB's TTL on the table's ``ttl_attribute``: its writer stores the instant the
    schedule gives."""
    S3_LIFECYCLE = "s3_lifecycle"
    """The bucket's S3 lifecycle rule (``kentei.catalog.Lifecycle``): days after the write."""
    LOG_RETENTION = "log_retention"
    """CloudWatch Logs' retention of the log groups (and the access-log bucket's lifecycle)."""
    NEVER = "never"
    """Kept for good (a permanent period)."""
