"""The resource catalog: every table, queue, key, bucket and function, declared once.

The CDK stacks (``infra/``) and the local runtime (``local/``) both build from this module,
and the functions find their resources through the environment variables named here, so
deployed and local cannot drift. It also declares who may do what: the stacks turn each
:class:`Grant` into least-privilege IAM, and the infra tests read the template back.

Pure data: importing it costs nothing at cold start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal, TypeVar

from kentei.retention.kinds import RecordKind

REGION: Final = "ap-northeast-1"
"""Tokyo: the only region the system runs in."""
DR_REGION: Final = "ap-northeast-3"
"""Osaka: allowed only for disaster-recovery copies."""
ALLOWED_REGIONS: Final = frozenset({REGION, DR_REGION})
PREFIX: Final = "kentei"


class KeyUsage(StrEnum):
    ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
    GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
    SIGN_VERIFY = "SIGN_VERIFY"


@dataclass(frozen=True)
class KeySpec:
    """A customer-managed KMS key.

    ``encryption_context`` holds the fixed pairs every direct call with the key carries (the
    vault's ``purpose``): the key policy and IAM refuse a direct call without them, so the key
    cannot be used for anything but that purpose even by a function granted it.
    """

    name: str
    purpose: str
    key_spec: str
    usage: KeyUsage
    env_var: str
    encryption_context: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def rotation(self) -> bool:
        """AWS rotates symmetric encryption keys only; HMAC and asymmetric keys cannot rotate."""
        return self.key_spec == "SYMMETRIC_DEFAULT"

    @property
    def alias(self) -> str:
        return f"alias/{PREFIX}-{self.name}"


TableClass = Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
INFREQUENT_ACCESS: Final = "STANDARD_INFREQUENT_ACCESS"


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table, encrypted under a customer-managed key."""

    name: str
    purpose: str
    partition_key: str
    sort_key: str | None
    key: str
    env_var: str
    ttl_attribute: str | None = None
    stream: str | None = None
    """The DynamoDB stream's view type (``NEW_AND_OLD_IMAGES``), None: no stream."""
    record_kind: RecordKind | None = None
    """What every item is, for the retention schedule; None: the items name their kinds by
    sort-key prefix (the records table, :mod:`kentei.data.record_kinds`)."""
    table_class: TableClass = "STANDARD"
    """DynamoDB's table class: :data:`INFREQUENT_ACCESS` for a table written often and read
    rarely (storage 60 % cheaper, requests 25 % dearer)."""


@dataclass(frozen=True)
class StreamSpec:
    """A table's stream read by one function (a Lambda event source mapping): only the items
    whose sort key starts with one of ``key_prefixes`` (the mapping's filter criteria), one
    batch at a time per shard (order), a failing batch bisected and retried
    ``max_retries`` times, then described (never its data) on ``on_failure_queue``'s DLQ."""

    table: str
    purpose: str
    consumer: str
    key_prefixes: tuple[str, ...]
    on_failure_queue: str
    batch_size: int = 100
    max_retries: int = 5
    parallelization_factor: int = 1


@dataclass(frozen=True)
class Lifecycle:
    """How long S3 keeps a bucket's objects, in days, before deleting them on its own.

    ``current_days`` expires the current version (on a versioned bucket it becomes noncurrent
    behind a delete marker), ``noncurrent_days`` then deletes noncurrent versions for good,
    and ``incomplete_upload_days`` aborts unfinished multipart uploads. The longest an object
    can outlive its last write is ``current_days + noncurrent_days`` (plus S3's lag of about a
    day in running lifecycle rules).
    """

    current_days: int
    noncurrent_days: int
    incomplete_upload_days: int

    @property
    def longest_days(self) -> int:
        return self.current_days + self.noncurrent_days


@dataclass(frozen=True)
class BucketSpec:
    """An S3 bucket. ``key`` None means SSE-S3: the access-log bucket (S3 cannot log to
    SSE-KMS) and the truststore (public CA certificates that API Gateway reads with the
    deploying principal's permissions, which hold no use of any catalog key).

    ``lifecycle`` None keeps objects until the code deletes them.
    """

    name: str
    purpose: str
    key: str | None
    env_var: str | None
    lifecycle: Lifecycle | None = None
    notify_queue: str | None = None
    """The catalog queue S3 tells of each object created under ``notify_prefix`` (an S3
    event notification, ``s3:ObjectCreated:*``); None: no notification."""
    notify_prefix: str = ""
    record_kinds: Mapping[str, RecordKind] = field(default_factory=dict, hash=False)
    """What its objects are, for the retention schedule, by key prefix (``""``: every key)."""


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue with its dead-letter queue, consumed by one function."""

    name: str
    purpose: str
    consumer: str
    env_var: str
    key: str = "records"
    batch_size: int = 10
    max_receive_count: int = 3
    retention_days: int = 4
    dlq_retention_days: int = 14
    fifo: bool = False
    """A FIFO queue (and DLQ): in order per message group, each message once per
    deduplication id within five minutes; its physical names end in ``.fifo``."""

    @property
    def dlq_name(self) -> str:
        return f"{self.name}-dlq"

    @property
    def dlq_env_var(self) -> str:
        return f"{self.env_var}_DLQ"

    @property
    def suffix(self) -> str:
        """What SQS requires at the end of a FIFO queue's name."""
        return ".fifo" if self.fifo else ""


class Access(StrEnum):
    """What a function may do with a resource; the stacks map each to IAM actions."""

    TABLE_READ = "table:read"
    TABLE_READ_WRITE = "table:read-write"
    KEY_ENCRYPT_ONLY = "key:encrypt-only"
    KEY_ENCRYPT_DECRYPT = "key:encrypt-decrypt"
    KEY_GENERATE_MAC = "key:generate-mac"
    KEY_SIGN = "key:sign"
    BUCKET_PUT = "bucket:put"
    BUCKET_READ = "bucket:read"
    BUCKET_READ_DELETE = "bucket:read-delete"
    """Read objects and delete them with every version (the inbox once verification ends)."""
    BUCKET_READ_WRITE = "bucket:read-write"
    QUEUE_SEND = "queue:send"
    QUEUE_SEND_DLQ = "queue:send-dlq"
    """Send to the queue's DLQ: set aside what can never succeed, with its error."""
    USER_POOL_READ = "user-pool:read"
    """Read staff accounts: users, their groups, MFA settings and sign-in events."""
    USER_POOL_DISABLE = "user-pool:disable"
    """Read staff accounts and disable one (the idle-account job)."""


@dataclass(frozen=True)
class UserPoolSpec:
    """A Cognito user pool (the staff's accounts); functions find its id in ``env_var``."""

    name: str
    purpose: str
    env_var: str
    record_kind: RecordKind | None = None
    """What its users are, for the retention schedule."""


@dataclass(frozen=True)
class ScheduleSpec:
    """A scheduled job: EventBridge Scheduler sends a message of ``kind`` into ``queue`` on
    ``expression`` (Scheduler's syntax, in ``timezone``), with the scheduled instant in its
    ``scheduled_at`` field, so a retried message acts at the same instant."""

    name: str
    purpose: str
    queue: str
    kind: str
    expression: str
    timezone: str = "Asia/Tokyo"


@dataclass(frozen=True)
class Grant:
    resource: str
    access: Access
    prefix: str = ""
    """For a bucket: the key prefix the object actions are confined to (empty: every key)."""


@dataclass(frozen=True)
class FunctionSpec:
    """A Lambda function: its code folder under ``functions/``, its trigger, and its grants."""

    name: str
    purpose: str
    handler: str
    memory_mb: int
    timeout_s: int
    grants: tuple[Grant, ...]
    reserved_concurrency: int | None = None
    api: bool = False
    """Intake: the staff and bridge APIs' function."""
    public_api: bool = False
    """The public verification API's function: no login, no personal data but what a visitor
    presents."""
    env: dict[str, str] = field(default_factory=dict)
    user_pool_trigger: str | None = None
    """The staff user pool's Lambda trigger it is (``PostAuthentication``), if any."""


KEYS: Final = (
    KeySpec(
        "records",
        "examinee records, queues and certificates at rest",
        "SYMMETRIC_DEFAULT",
        KeyUsage.ENCRYPT_DECRYPT,
        "KENTEI_KEY_RECORDS",
    ),
    KeySpec(
        "vault",
        "the My Number vault and raw signed submissions in the inbox",
        "SYMMETRIC_DEFAULT",
        KeyUsage.ENCRYPT_DECRYPT,
        "KENTEI_KEY_VAULT",
        # kentei.vault.kms.encryption_context: every direct call names its purpose.
        encryption_context={"purpose": "my-number-vault"},
    ),
    KeySpec(
        "blind-index",
        "HMAC-SHA-256 blind index of the My Number",
        "HMAC_256",
        KeyUsage.GENERATE_VERIFY_MAC,
        "KENTEI_KEY_BLIND_INDEX",
    ),
    KeySpec(
        "fingerprint",
        "HMAC-SHA-256 of request bodies: application fingerprints and idempotency payload hashes",
        "HMAC_256",
        KeyUsage.GENERATE_VERIFY_MAC,
        "KENTEI_KEY_FINGERPRINT",
    ),
    # ECDSA P-256 (ES256), not RSA: its signature is 64 bytes against RSA-3072's 384, which
    # keeps the certificate's 2D code (a COSE_Sign1 in a QR code) small enough to print and
    # scan (kentei.credentials.paper_code), and ES256 is what JOSE, COSE and PAdES all accept.
    KeySpec(
        "certificate-signing",
        "signature of electronic pass certificates, their 2D codes, status lists and PDFs",
        "ECC_NIST_P256",
        KeyUsage.SIGN_VERIFY,
        "KENTEI_KEY_CERTIFICATE_SIGNING",
    ),
)

TABLES: Final = (
    TableSpec(
        "records",
        "examinee, application and result records, keyed by prefecture",
        "prefecture_code",
        "record_key",
        "records",
        "KENTEI_TABLE_RECORDS",
        # The national outbox (issue 12): each committed change of a synced record, in
        # order per partition (a prefecture), with its images.
        stream="NEW_AND_OLD_IMAGES",
    ),
    TableSpec(
        "vault",
        "identity vault: the My Number under the vault key, by blind index",
        "blind_index",
        None,
        "vault",
        "KENTEI_TABLE_VAULT",
        record_kind=RecordKind.VAULT_ENTRY,
    ),
    TableSpec(
        "audit",
        "audit trail of access to specific personal information",
        "audit_partition",
        "event_key",
        "records",
        "KENTEI_TABLE_AUDIT",
        "expires_at",
        record_kind=RecordKind.AUDIT_ENTRY,
        # Written with nearly every change, read for a disclosure, a chain check or an
        # incident: about a quarter of the stored bytes per examinee (bench/lifecycle_cost.py).
        table_class=INFREQUENT_ACCESS,
    ),
    TableSpec(
        "idempotency",
        "Powertools idempotency records (ids and hashes only)",
        "id",
        None,
        "records",
        "KENTEI_TABLE_IDEMPOTENCY",
        "expiration",
        record_kind=RecordKind.IDEMPOTENCY_RECORD,
    ),
)

INBOX_LIFECYCLE: Final = Lifecycle(current_days=30, noncurrent_days=1, incomplete_upload_days=1)
"""The inbox holds a submission's My Number only until verify has read it and deleted every
version, normally minutes after arrival. A submission verify cannot finish is retried and
then waits in the verify DLQ for an operator's redrive; a standard queue's message keeps its
enqueue time in the DLQ, so the DLQ's retention (14 days) bounds that wait from arrival. 30
days cover it with margin for a redrive and its retries; a test keeps ``current_days`` at
least the DLQ's retention. A noncurrent version is never read again: gone a day later.
``current_days`` is the retention schedule's ``inbox_submission`` (a test holds them equal)."""

IMPORTS_LIFECYCLE: Final = Lifecycle(current_days=30, noncurrent_days=1, incomplete_upload_days=1)
"""Result files (R11) hold exam numbers, scores and possibly names: a file is read twice (the
check, then the commit) within days of its upload, and its problems report holds row numbers
and codes only. 30 days cover a slow decision on a report; the scores, once committed, live
in the records table with the import's id as their source. ``current_days`` is the retention
schedule's ``result_file`` (a test holds them equal)."""
IMPORTS_BUCKET: Final = "imports"
IMPORTS_PREFIX: Final = "imports/"
"""Uploaded result files: ``imports/<prefecture>/<import id>.csv``."""
REPORTS_PREFIX: Final = "reports/"
"""Their problems reports: ``reports/<prefecture>/<import id>.csv``."""

CERTIFICATES_BUCKET: Final = "certificates"
PUBLISHED_PREFIX: Final = "published/"
"""The issuer's public documents in the certificates bucket: the JWK Set and the status list
credentials (``kentei.data.published``), which the public function alone reads."""

DISCLOSURES_LIFECYCLE: Final = Lifecycle(
    current_days=30, noncurrent_days=1, incomplete_upload_days=1
)
"""A sealed disclosure copy (開示の写し, P10) is delivered within days: the office downloads
it and sends it with the passphrase in a separate letter; its request keeps what was
disclosed. ``current_days`` is the retention schedule's ``disclosure_copy`` (a test holds them
equal); a copy sealed again (a redelivered message) leaves a noncurrent version, gone a day
later."""
DISCLOSURES_BUCKET: Final = "disclosures"
DISCLOSURES_PREFIX: Final = "disclosures/"
"""``disclosures/<prefecture>/<request id>.sealed`` (:func:`kentei.disclosures.record.copy_key`)."""

ACCESS_LOGS_LIFECYCLE: Final = Lifecycle(
    current_days=365, noncurrent_days=1, incomplete_upload_days=1
)
"""S3 server access logs (addresses, keys and ids, no body) as long as the other logs: the
retention schedule's ``log`` (a test holds them equal)."""
ACCESS_LOGS_BUCKET: Final = "access-logs"
TRUSTSTORE_BUCKET: Final = "truststore"

BUCKETS: Final = (
    BucketSpec(
        ACCESS_LOGS_BUCKET,
        "S3 server access logs of the other buckets",
        None,
        None,
        lifecycle=ACCESS_LOGS_LIFECYCLE,
        record_kinds={"": RecordKind.LOG},
    ),
    BucketSpec(
        TRUSTSTORE_BUCKET,
        "the bridge API's mutual TLS truststore: the CA certificates of the bridges' clients",
        None,
        None,
        record_kinds={"": RecordKind.SYSTEM_CONFIGURATION},
    ),
    BucketSpec(
        "inbox",
        "raw signed submissions as received",
        "vault",
        "KENTEI_BUCKET_INBOX",
        lifecycle=INBOX_LIFECYCLE,
        record_kinds={"applications/": RecordKind.INBOX_SUBMISSION},
    ),
    BucketSpec(
        "attachments",
        "attached documents of applications",
        "records",
        "KENTEI_BUCKET_ATTACHMENTS",
        record_kinds={"applications/": RecordKind.APPLICATION},
    ),
    BucketSpec(
        CERTIFICATES_BUCKET,
        "issued pass certificates",
        "records",
        "KENTEI_BUCKET_CERTIFICATES",
        record_kinds={
            "certificates/": RecordKind.CERTIFICATE,
            "tickets/": RecordKind.EXAM_TICKET,
            PUBLISHED_PREFIX: RecordKind.ISSUER_RECORD,
            # The certificate-signing key's chain (kentei.certificates.pades_chain).
            "signing/": RecordKind.SYSTEM_CONFIGURATION,
        },
    ),
    BucketSpec(
        IMPORTS_BUCKET,
        "result files as uploaded by staff (presigned PUT), and their problems reports",
        "records",
        "KENTEI_BUCKET_IMPORTS",
        lifecycle=IMPORTS_LIFECYCLE,
        notify_queue="sync",
        notify_prefix=IMPORTS_PREFIX,
        record_kinds={
            IMPORTS_PREFIX: RecordKind.RESULT_FILE,
            REPORTS_PREFIX: RecordKind.RESULT_FILE,
        },
    ),
    BucketSpec(
        DISCLOSURES_BUCKET,
        "sealed disclosure copies (開示の写し): encrypted under a one-time passphrase, until "
        "the privacy office delivers them",
        "records",
        "KENTEI_BUCKET_DISCLOSURES",
        lifecycle=DISCLOSURES_LIFECYCLE,
        record_kinds={DISCLOSURES_PREFIX: RecordKind.DISCLOSURE_COPY},
    ),
)

STAFF_USER_POOL: Final = "staff"
USER_POOLS: Final = (
    UserPoolSpec(
        STAFF_USER_POOL,
        "staff accounts: one user per person, a prefecture each, roles as groups",
        "KENTEI_USER_POOL_STAFF",
        record_kind=RecordKind.STAFF_ACCOUNT,
    ),
)

NATIONAL_QUEUE: Final = "national"

QUEUES: Final = (
    QueueSpec(
        "verify",
        "received applications awaiting identity verification",
        "verify",
        "KENTEI_QUEUE_VERIFY",
    ),
    QueueSpec(
        "sync",
        "results and passer records to decide and sync nationally",
        "sync",
        "KENTEI_QUEUE_SYNC",
    ),
    QueueSpec(
        "certify", "passes awaiting certificates and notices", "certify", "KENTEI_QUEUE_CERTIFY"
    ),
    QueueSpec(
        NATIONAL_QUEUE,
        "changed records due to the national qualifications system, in order per person "
        "(message group: the 資格仮名ID); keys and versions only",
        "sync",
        "KENTEI_QUEUE_NATIONAL",
        fifo=True,
        # A throttled or unreachable national side is retried by the visibility timeout;
        # a record refused by the national side goes to the DLQ at once (sync sends it).
        max_receive_count=10,
    ),
    QueueSpec(
        "accounts",
        "scheduled reviews of the staff accounts: failed sign-ins, idle accounts",
        "accounts",
        "KENTEI_QUEUE_ACCOUNTS",
    ),
)

NATIONAL_SYNCED_PREFIXES: Final = ("EXAMINEE#", "SITTING#", "PASS#", "CERTIFICATE#")
"""The records items the national system holds a copy of (``kentei.national.records``)."""

STREAMS: Final = (
    StreamSpec(
        "records",
        "the national outbox: changes of synced records become national_record_due messages",
        "sync",
        NATIONAL_SYNCED_PREFIXES,
        on_failure_queue="sync",
    ),
)

SCHEDULES: Final = (
    ScheduleSpec(
        "staff-accounts",
        "every hour: record failed staff sign-ins, warn and disable idle accounts",
        "accounts",
        "staff_accounts_due",
        "cron(7 * * * ? *)",
    ),
    ScheduleSpec(
        "registry-recheck",
        "weekly registry re-check (定期照会): every active examinee's four items and status "
        "against the registry, differences proposed to staff",
        "verify",
        "registry_recheck_due",
        # Mondays 02:30 JST, off-peak for the registry link. Weekly rather than monthly: a
        # moved or deceased examinee is caught before the next round's tickets and notices
        # go out (rounds run for weeks), and a run of a prefecture's roster is small.
        "cron(30 2 ? * MON *)",
    ),
    ScheduleSpec(
        "status-lists",
        "daily: re-sign every status list (validUntil a week on) and re-publish the JWKS when "
        "the key ring's differs (a rotation)",
        "certify",
        "status_lists_due",
        # Daily at 03:15 JST, away from issuing hours: each list is then a day old at most,
        # of the week it is valid for (kentei.credentials.status.STATUS_LIST_VALIDITY).
        "cron(15 3 * * ? *)",
    ),
    ScheduleSpec(
        "national-changes",
        "every 15 minutes: read the changes people made on the national qualifications system "
        "(name, address, contact) into change proposals for staff, or conflicts",
        "sync",
        "national_changes_due",
        "rate(15 minutes)",
    ),
    ScheduleSpec(
        "national-reconcile",
        "daily: compare each prefecture's synced records with the national system's by bucket "
        "digests, repair what differs (sent again, or a conflict for staff), report",
        "sync",
        "national_reconcile_due",
        # Daily at 04:10 JST, after the night's imports and the status lists' re-signing.
        "cron(10 4 * * ? *)",
    ),
    ScheduleSpec(
        "retention",
        "daily: per prefecture, delete what has passed its retention period (holds honoured, "
        "S3 versions and derived items with it), leave a deletion record, ask verify to "
        "release vault entries nothing needs",
        "sync",
        "retention_due",
        # Daily at 01:20 JST: a record becomes deletable at 00:00 JST of a day, and the
        # national reconciliation (04:10) then sees the outbox's deletions acknowledged.
        "cron(20 1 * * ? *)",
    ),
)

POST_AUTHENTICATION_TRIGGER: Final = "PostAuthentication"
"""The name of the user pool's post-authentication trigger (CloudFormation's ``LambdaConfig``)."""

_G = Grant
# What every function does: keep records (under the records key), audit, idempotency.
_RECORD_KEEPING: Final = (
    _G("records", Access.TABLE_READ_WRITE),
    _G("audit", Access.TABLE_READ_WRITE),
    _G("idempotency", Access.TABLE_READ_WRITE),
    _G("records", Access.KEY_ENCRYPT_DECRYPT),
)
FUNCTIONS: Final = (
    FunctionSpec(
        "intake",
        "HTTPS API for the bridges and staff: applications, review, status",
        "intake.handler.handler",
        memory_mb=512,
        timeout_s=29,
        api=True,
        # Both APIs share it: a flood of requests can take this many instances and no more,
        # so it cannot take the account's concurrency from verify, sync and certify (and
        # those reserve their own). The stage throttles keep the APIs well below it.
        reserved_concurrency=50,
        grants=(
            *_RECORD_KEEPING,
            _G("vault", Access.KEY_ENCRYPT_ONLY),
            _G("fingerprint", Access.KEY_GENERATE_MAC),
            _G("inbox", Access.BUCKET_PUT),
            _G("attachments", Access.BUCKET_PUT),
            _G("verify", Access.QUEUE_SEND),
            # Staff ask for an exam ticket (certify issues it) and download it.
            _G("certify", Access.QUEUE_SEND),
            _G("certificates", Access.BUCKET_READ),
            # Staff ask for a results group's decisions and announcement (sync runs them).
            _G("sync", Access.QUEUE_SEND),
            # GET /v1/admin/accounts: the admin's prefecture's accounts, read only.
            _G(STAFF_USER_POOL, Access.USER_POOL_READ),
            # Result files: presigned PUTs of uploads, presigned GETs of problems reports;
            # the commit of a checked import goes to sync.
            _G(IMPORTS_BUCKET, Access.BUCKET_PUT, prefix=IMPORTS_PREFIX),
            _G(IMPORTS_BUCKET, Access.BUCKET_READ, prefix=REPORTS_PREFIX),
            _G("sync", Access.QUEUE_SEND),
            # Sealed disclosure copies: a presigned GET for the privacy office (verify seals).
            _G(DISCLOSURES_BUCKET, Access.BUCKET_READ, prefix=DISCLOSURES_PREFIX),
        ),
    ),
    FunctionSpec(
        "verify",
        "signatures, registry lookups, the My Number vault, examinee registration",
        "verify.handler.handler",
        memory_mb=1024,
        timeout_s=60,
        # The registry link server accepts a bounded number of concurrent lookups.
        reserved_concurrency=20,
        grants=(
            *_RECORD_KEEPING,
            _G("vault", Access.TABLE_READ_WRITE),
            _G("vault", Access.KEY_ENCRYPT_DECRYPT),
            _G("blind-index", Access.KEY_GENERATE_MAC),
            _G("inbox", Access.BUCKET_READ_DELETE),
            _G("attachments", Access.BUCKET_READ),
            _G("sync", Access.QUEUE_SEND),
            # The registry re-check fans out into batch messages on its own queue.
            _G("verify", Access.QUEUE_SEND),
            # An e-Gov application verify refused: its completion notice (certify sends it).
            _G("certify", Access.QUEUE_SEND),
            # A granted disclosure (P10): the person's records, their audit trail and (their
            # own copy only) the My Number, sealed and put here; never read back.
            _G(DISCLOSURES_BUCKET, Access.BUCKET_PUT, prefix=DISCLOSURES_PREFIX),
        ),
    ),
    FunctionSpec(
        "sync",
        "results, pass decisions and sync with the national qualifications system",
        "sync.handler.handler",
        memory_mb=512,
        timeout_s=60,
        # The national system's API is rate-limited per exam body.
        reserved_concurrency=10,
        grants=(
            *_RECORD_KEEPING,
            _G("certify", Access.QUEUE_SEND),
            # An announcement sends its next page to its own queue.
            _G("sync", Access.QUEUE_SEND),
            # Result files: read the upload (twice: check, commit), write the report, and
            # delete every version of an upload that holds a My Number.
            _G(IMPORTS_BUCKET, Access.BUCKET_READ_WRITE),
            _G(IMPORTS_BUCKET, Access.BUCKET_READ_DELETE, prefix=IMPORTS_PREFIX),
            # The national outbox: the records stream's changes onto the national queue;
            # a record the national side refuses straight to its DLQ, with the error; a
            # stream batch that keeps failing described on sync's DLQ (the mapping's
            # on-failure destination sends with this role).
            _G(NATIONAL_QUEUE, Access.QUEUE_SEND),
            _G(NATIONAL_QUEUE, Access.QUEUE_SEND_DLQ),
            _G("sync", Access.QUEUE_SEND_DLQ),
            # The retention job (P8): an application's attachments and a ticket's PDF with
            # every version; a person's vault entry is verify's to release (the only reader).
            _G("attachments", Access.BUCKET_READ_DELETE, prefix="applications/"),
            _G(CERTIFICATES_BUCKET, Access.BUCKET_READ_DELETE, prefix="tickets/"),
            _G("verify", Access.QUEUE_SEND),
        ),
    ),
    FunctionSpec(
        "certify",
        "pass certificates (PDF and electronic) and notices",
        "certify.handler.handler",
        memory_mb=1024,
        timeout_s=120,
        reserved_concurrency=10,
        # The electronic certificates' issuer name (its URL is the deployment's: CDK context).
        env={"KENTEI_CREDENTIAL_ISSUER_NAME": "技能検定 電子合格証 発行者"},
        grants=(
            *_RECORD_KEEPING,
            _G("certificate-signing", Access.KEY_SIGN),
            _G("certificates", Access.BUCKET_READ_WRITE),
        ),
    ),
    FunctionSpec(
        "public",
        "the public verification page and API: certificates checked against the published "
        "keys and status lists, no login",
        "public.handler.handler",
        memory_mb=512,
        timeout_s=10,
        public_api=True,
        # Anyone may call it: a flood takes this many instances and no more, never the
        # account's concurrency from the back office (the stage throttle and the web ACL's
        # rate rule stop it well before).
        reserved_concurrency=10,
        # Only the published documents (keys and status lists: no person), and the bucket
        # key's decrypt through S3 for them. No table: it stores nothing, audits nothing
        # (no personal data of ours is read) and is not idempotent (it changes nothing).
        grants=(_G(CERTIFICATES_BUCKET, Access.BUCKET_READ, prefix=PUBLISHED_PREFIX),),
    ),
    FunctionSpec(
        "signins",
        "records each staff sign-in: the staff user pool's post-authentication trigger",
        "signins.handler.handler",
        memory_mb=256,
        # Cognito waits five seconds for a trigger, then fails the sign-in.
        timeout_s=5,
        reserved_concurrency=5,
        user_pool_trigger=POST_AUTHENTICATION_TRIGGER,
        # Its summary and attempts in the records table, under the user's prefecture: no
        # audit (no personal data of applicants is read), no idempotency.
        grants=(
            _G("records", Access.TABLE_READ_WRITE),
            _G("records", Access.KEY_ENCRYPT_DECRYPT),
        ),
    ),
    FunctionSpec(
        "accounts",
        "staff account review: failed sign-ins recorded, idle accounts warned and disabled",
        "accounts.handler.handler",
        memory_mb=256,
        timeout_s=120,
        # Lambda's least for an SQS event source; the review is safe to run twice.
        reserved_concurrency=2,
        # The deployed pool runs threat protection, which keeps every sign-in attempt
        # (accounts.dependencies.SIGN_IN_EVENTS_ENV; the local runtime sets "none").
        env={"KENTEI_STAFF_SIGN_IN_EVENTS": "cognito"},
        # Sign-in summaries and warnings in the records table, each disable in the audit
        # trail; no applicant data is read.
        grants=(
            _G("records", Access.TABLE_READ_WRITE),
            _G("audit", Access.TABLE_READ_WRITE),
            _G("records", Access.KEY_ENCRYPT_DECRYPT),
            _G(STAFF_USER_POOL, Access.USER_POOL_DISABLE),
        ),
    ),
)

VISIBILITY_TIMEOUT_FACTOR: Final = 6
"""Lambda's guidance: a queue's visibility timeout at least six times the consumer's timeout."""


def key(name: str) -> KeySpec:
    return _one(KEYS, name)


def table(name: str) -> TableSpec:
    return _one(TABLES, name)


def bucket(name: str) -> BucketSpec:
    return _one(BUCKETS, name)


def queue(name: str) -> QueueSpec:
    return _one(QUEUES, name)


def function(name: str) -> FunctionSpec:
    return _one(FUNCTIONS, name)


def user_pool(name: str) -> UserPoolSpec:
    return _one(USER_POOLS, name)


def schedule(name: str) -> ScheduleSpec:
    return _one(SCHEDULES, name)


def queues_for(function_name: str) -> tuple[QueueSpec, ...]:
    """The queues that trigger ``function_name`` (none, one, or sync's two)."""
    return tuple(q for q in QUEUES if q.consumer == function_name)


def streams_for(function_name: str) -> tuple[StreamSpec, ...]:
    """The table streams ``function_name`` reads."""
    return tuple(s for s in STREAMS if s.consumer == function_name)


def queue_suffix(name: str) -> str:
    """``.fifo`` for a FIFO queue's name or its DLQ's (SQS requires it at the end of the
    physical name), else nothing."""
    for spec in QUEUES:
        if name in (spec.name, spec.dlq_name):
            return spec.suffix
    raise KeyError(f"no queue named {name!r} in the catalog")


def visibility_timeout_s(spec: QueueSpec) -> int:
    return VISIBILITY_TIMEOUT_FACTOR * function(spec.consumer).timeout_s


_Spec = TypeVar(
    "_Spec", KeySpec, TableSpec, BucketSpec, QueueSpec, FunctionSpec, UserPoolSpec, ScheduleSpec
)


def _one(items: tuple[_Spec, ...], name: str) -> _Spec:
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no resource named {name!r} in the catalog")
