"""Applications in the records table, scoped so that a reader can only see what it may.

Layout, in the records table (partition ``prefecture_code``, sort ``record_key``):

- ``APPLICATION#<id>``: the application (``kentei.applications.model.Application`` as JSON,
  the form without the My Number; the residence-card number is stored as given, since the
  table is encrypted under the records key), its ``status``, ``version`` (optimistic
  locking), ``submitted_by`` and ``request_fingerprint`` (which request created it: a keyed
  HMAC, see ``intake.fingerprints``; never an unkeyed hash of the body, which would let a
  reader confirm a guessed My Number). Items written before the fingerprint was keyed hold
  ``request_sha256`` instead: it is not read (the application reads with no fingerprint, so a
  retry of its request is a conflict, not a match) and the next write of the item drops it,
  since a write puts the whole item.
- ``STATUS#<status>#<received_at>#<id>``: one index item per application at its current
  status (none once it is replaced by a verified resubmission), holding a summary without names, so
  staff list a prefecture's applications by status with one ``Query``, oldest first. It
  moves in the same ``TransactWriteItems`` as the application.

Invariant 4: staff reach applications only through :class:`PrefectureApplications`, bound to
the caller's prefecture, which never touches another partition; a bridge only through
:class:`BridgeApplications`, which returns only what that bridge submitted.
:func:`applications_for` picks the one for a caller.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei import aws, settings
from kentei.applications.model import (
    ID_PATTERN,
    Application,
    Channel,
    Status,
    prefecture_of,
)
from kentei.callers import Caller, CallerKind
from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import instant
from kentei.data.roster import PrefectureRoster
from kentei.data.suspensions import use_check
from kentei.data.transactions import cancellation_codes
from kentei.person_requests.suspension import UseCondition
from kentei.records.codes import ExamCategory, Grade, Term
from kentei.records.sensitive import REVEAL
from kentei.retention.kinds import RecordKind
from kentei.roster.exam_numbers import schemes as exam_number_schemes
from kentei.roster.registration import Registration
from kentei.roster.sitting import Sitting

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        TransactWriteItemTypeDef,
    )

_Writes = list["TransactWriteItemTypeDef"]
APPLICATION_PREFIX: Final = "APPLICATION#"
STATUS_PREFIX: Final = "STATUS#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    APPLICATION_PREFIX: RecordKind.APPLICATION,
    STATUS_PREFIX: RecordKind.APPLICATION,
}
"""The retention kind of each item this module writes, by its key prefix."""
MAX_PAGE: Final = 100
_CURSOR_VERSION: Final = 1

Item = dict[str, "AttributeValueTypeDef"]


class ConcurrentChangeError(RuntimeError):
    """The application changed since it was read (API: 409); read it again and retry."""


class IdTakenError(RuntimeError):
    """An application with this id exists and came from another request (API: 409)."""


class InvalidCursorError(ValueError):
    """A page cursor this API did not issue for this listing (API: 422)."""


class ApplicationSummary(BaseModel):
    """What a listing shows of an application: ids, status and exam, never the person."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    channel: Channel
    status: Status
    received_at: AwareDatetime
    fiscal_year: int | None = None
    term: Term | None = None
    grade: Grade | None = None
    trade_code: str | None = None
    work_code: str | None = None
    exam_category: ExamCategory | None = None
    attachment_count: int = Field(ge=0)
    resubmission_of: str | None = None

    @classmethod
    def of(cls, application: Application) -> ApplicationSummary:
        form = application.form
        return cls(
            application_id=application.application_id,
            channel=application.channel,
            status=application.status,
            received_at=application.received_at,
            fiscal_year=form.fiscal_year,
            term=form.term,
            grade=form.grade,
            trade_code=form.trade_code,
            work_code=form.work_code,
            exam_category=form.exam_category,
            attachment_count=len(application.attachments),
            resubmission_of=application.resubmission_of,
        )


@dataclass(frozen=True)
class StoredApplication:
    """An application as read, with the version a write must find unchanged."""

    application: Application
    version: int
    request_fingerprint: str | None
    """The keyed fingerprint of the request that created it; None for an item written before
    fingerprints were keyed (its unkeyed hash is not read, and is dropped by the next write)."""


@dataclass(frozen=True)
class Page:
    items: tuple[ApplicationSummary, ...]
    next_cursor: str | None


class ApplicationReader(Protocol):
    def get(self, application_id: str) -> StoredApplication | None: ...


def applications_for(caller: Caller) -> ApplicationReader:
    """What ``caller`` may read: its prefecture (staff) or its own submissions (a bridge)."""
    if caller.kind is CallerKind.STAFF and caller.prefecture_code is not None:
        return PrefectureApplications(caller.prefecture_code)
    return BridgeApplications(caller.id)


class PrefectureApplications:
    """The applications of one prefecture: every read and write stays in its partition."""

    def __init__(
        self, prefecture_code: str, table: str | None = None, audit_table: str | None = None
    ) -> None:
        self.prefecture_code = prefecture_code
        self._table = table or settings.table_name("records")
        self._audit_table = audit_table

    def get(self, application_id: str) -> StoredApplication | None:
        """The application, or None when it does not exist here (or the id is malformed)."""
        if prefecture_of(application_id) != self.prefecture_code:
            return None
        item = (
            aws.dynamodb()
            .get_item(
                TableName=self._table,
                Key=self._key(APPLICATION_PREFIX + application_id),
                ConsistentRead=True,
            )
            .get("Item")
        )
        return _stored(item) if item else None

    def list(self, status: Status, limit: int = 25, cursor: str | None = None) -> Page:
        """One page of this prefecture's applications at ``status``, oldest first."""
        prefix = f"{STATUS_PREFIX}{status.value}#"
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "prefecture_code = :p AND begins_with(record_key, :s)",
            "ExpressionAttributeValues": {
                ":p": {"S": self.prefecture_code},
                ":s": {"S": prefix},
            },
            "Limit": max(1, min(limit, MAX_PAGE)),
        }
        if cursor is not None:
            query["ExclusiveStartKey"] = self._key(decode_cursor(cursor, prefix))
        result = aws.dynamodb().query(**query)
        last = result.get("LastEvaluatedKey")
        return Page(
            items=tuple(
                ApplicationSummary.model_validate_json(item["summary"]["S"])
                for item in result.get("Items", [])
            ),
            next_cursor=encode_cursor(last["record_key"]["S"]) if last else None,
        )

    def create(
        self,
        application: Application,
        request_fingerprint: str,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredApplication:
        """Store a new application, and its ``audit`` events in the same transaction; a repeat
        of the same request finds the stored one (and records nothing again)."""
        self._check_own(application)
        try:
            self._write(
                [
                    self._put_application(application, 1, request_fingerprint, expected=None),
                    self._put_index(application),
                ],
                audit,
            )
        except ConcurrentChangeError:
            return self._existing(application.application_id, request_fingerprint)
        return StoredApplication(application, 1, request_fingerprint)

    def replace(
        self,
        stored: StoredApplication,
        updated: Application,
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> StoredApplication:
        """Store ``updated`` in place of ``stored``, which must be unchanged since read, and
        the ``audit`` events of the decision in the same transaction: a decision that loses
        the race (:class:`ConcurrentChangeError`) leaves no audit entry behind. With ``use``,
        only while the person's suspension of use is as it says (a suspension granted or
        lifted meanwhile is a :class:`ConcurrentChangeError` too)."""
        (saved,) = self.replace_all([(stored, updated)], audit, use=use)
        return saved

    def replace_all(
        self,
        changes: Sequence[tuple[StoredApplication, Application]],
        audit: Sequence[AuditEvent] = (),
        *,
        use: UseCondition | None = None,
    ) -> tuple[StoredApplication, ...]:
        """Each updated application in place of its stored version (each unchanged since
        read), their index items moved, and the ``audit`` events, all in one transaction:
        all or nothing (a verified resubmission and the returned application it replaces);
        with ``use``, the person's suspension of use checked in it too."""
        writes, saved = self._replacements(changes)
        if use is not None:
            writes.append(use_check(self._table, self.prefecture_code, use))
        self._write(writes, audit)
        return saved

    def accept(
        self,
        stored: StoredApplication,
        accepted: Application,
        registration: Registration,
        *,
        by: str,
        audit: Sequence[AuditEvent] = (),
        use: UseCondition | None = None,
    ) -> tuple[StoredApplication, Sitting]:
        """``accepted`` in place of ``stored`` and its registration on the roster (R7): the
        examinee, a sitting with an exam number of the prefecture's scheme (R8), the number's
        claim and the ``audit`` events, in one transaction. The sequence is drawn first: a
        transaction that fails (:class:`ConcurrentChangeError`) leaves a gap in the numbers,
        never a number used twice."""
        if registration.application_id != accepted.application_id:
            raise ValueError("the registration is of another application")
        roster = PrefectureRoster(self.prefecture_code, self._table)
        scheme = exam_number_schemes().of(self.prefecture_code)
        at = accepted.history[-1].at
        sitting = registration.drawn_sitting(scheme, roster.draw, at=at, by=by)
        writes, (saved,) = self._replacements([(stored, accepted)])
        writes.extend(roster.registration_writes(registration.examinee, sitting, at))
        if use is not None:
            writes.append(use_check(self._table, self.prefecture_code, use))
        self._write(writes, audit)
        return saved, sitting

    def _replacements(
        self, changes: Sequence[tuple[StoredApplication, Application]]
    ) -> tuple[_Writes, tuple[StoredApplication, ...]]:
        writes: _Writes = []
        saved: list[StoredApplication] = []
        for stored, updated in changes:
            self._check_own(updated)
            if updated.application_id != stored.application.application_id:
                raise ValueError("an application is replaced by a version of itself")
            old_index, new_index = index_key(stored.application), index_key(updated)
            writes.append(
                self._put_application(
                    updated, stored.version + 1, stored.request_fingerprint, expected=stored.version
                )
            )
            if new_index is not None:
                writes.append(self._put_index(updated))
            if old_index is not None and old_index != new_index:
                writes.append({"Delete": {"TableName": self._table, "Key": self._key(old_index)}})
            saved.append(StoredApplication(updated, stored.version + 1, stored.request_fingerprint))
        if len({s.application.application_id for s in saved}) != len(saved):
            raise ValueError("an application is replaced once per transaction")
        return writes, tuple(saved)

    def _existing(self, application_id: str, request_fingerprint: str) -> StoredApplication:
        existing = self.get(application_id)
        if existing is None:
            raise ConcurrentChangeError("the application changed while it was stored")
        if (
            existing.request_fingerprint is None
            or existing.request_fingerprint != request_fingerprint
        ):
            raise IdTakenError("the application id belongs to another request")
        return existing

    def _check_own(self, application: Application) -> None:
        if application.prefecture_code != self.prefecture_code:
            raise ValueError("the application belongs to another prefecture")
        if prefecture_of(application.application_id) != self.prefecture_code:
            raise ValueError("the application id names another prefecture")
        if application.form.my_number is not None:
            raise ValueError("an application is stored without the My Number")

    def _key(self, record_key: str) -> Item:
        return {"prefecture_code": {"S": self.prefecture_code}, "record_key": {"S": record_key}}

    def _put_application(
        self,
        application: Application,
        version: int,
        request_fingerprint: str | None,
        expected: int | None,
    ) -> TransactWriteItemTypeDef:
        item: Item = {
            **self._key(APPLICATION_PREFIX + application.application_id),
            "item_type": {"S": "application"},
            "application_id": {"S": application.application_id},
            "status": {"S": application.status.value},
            "channel": {"S": application.channel.value},
            "received_at": {"S": instant(application.received_at)},
            "submitted_by": {"S": application.submitted_by},
            "version": {"N": str(version)},
            # The residence-card number is kept (review and registry checks need it); the My
            # Number is not there (see _check_own).
            "application": {"S": application.model_dump_json(context={REVEAL: True})},
        }
        if request_fingerprint is not None:
            item["request_fingerprint"] = {"S": request_fingerprint}
        if expected is None:
            return {
                "Put": {
                    "TableName": self._table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            }
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(expected)}},
            }
        }

    def _put_index(self, application: Application) -> TransactWriteItemTypeDef:
        key = index_key(application)
        if key is None:
            raise ValueError("a replaced application has no index item")
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **self._key(key),
                    "item_type": {"S": "status_index"},
                    "application_id": {"S": application.application_id},
                    "summary": {"S": ApplicationSummary.of(application).model_dump_json()},
                },
            }
        }

    def _write(
        self, writes: Sequence[TransactWriteItemTypeDef], audit: Sequence[AuditEvent] = ()
    ) -> None:
        """``writes`` and the ``audit`` events appended to their chain, in one transaction
        (:meth:`kentei.data.audit.AuditTrail.transact`: a conflict on the chain's head alone
        is retried there; a conflict on ``writes`` is this application's)."""
        for event in audit:
            if event.prefecture_code != self.prefecture_code:
                raise ValueError("an audit event of another prefecture")
        try:
            if audit:
                AuditTrail(self._audit_table).transact(writes, audit)
            else:
                aws.dynamodb().transact_write_items(TransactItems=list(writes))
        except ClientError as exc:
            if cancellation_codes(exc) is not None:
                raise ConcurrentChangeError("the application changed since it was read") from None
            raise


class BridgeApplications:
    """What one bridge submitted: any prefecture, but only its own applications."""

    def __init__(self, submitter: str, table: str | None = None) -> None:
        self.submitter = submitter
        self._table = table

    def get(self, application_id: str) -> StoredApplication | None:
        prefecture = prefecture_of(application_id)
        if prefecture is None:
            return None
        stored = PrefectureApplications(prefecture, self._table).get(application_id)
        if stored is None or stored.application.submitted_by != self.submitter:
            return None
        return stored


def index_key(application: Application) -> str | None:
    """The index item's sort key; None once the application is replaced (it left the lists)."""
    if application.replaced_by is not None:
        return None
    return (
        f"{STATUS_PREFIX}{application.status.value}#"
        f"{instant(application.received_at)}#{application.application_id}"
    )


def encode_cursor(record_key: str) -> str:
    raw = json.dumps({"v": _CURSOR_VERSION, "k": record_key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, prefix: str) -> str:
    """The sort key a cursor resumes after; it must belong to the listing (``prefix``)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursorError("the cursor is not one this API issued") from None
    key = raw.get("k") if isinstance(raw, dict) and raw.get("v") == _CURSOR_VERSION else None
    if not isinstance(key, str) or not key.startswith(prefix):
        raise InvalidCursorError("the cursor is not one this API issued for this listing")
    application_id = key.rsplit("#", 1)[-1]
    if not ID_PATTERN.fullmatch(application_id):
        raise InvalidCursorError("the cursor is not one this API issued")
    return key


def _stored(item: Item) -> StoredApplication:
    return StoredApplication(
        application=Application.model_validate_json(item["application"]["S"]),
        version=int(item["version"]["N"]),
        request_fingerprint=item["request_fingerprint"]["S"]
        if "request_fingerprint" in item
        else None,
    )
