"""Issued certificates of passes (issue 11), their holds and counts, in the records table.

Layout of a prefecture (partition ``prefecture_code``, sort ``record_key``):

- ``CERTIFICATE#<certificate id>``: one issued certificate (:class:`CertificateRecord`, ids
  and facts: kind, language, the pass it belongs to, its status and status list place, the
  S3 keys of its PDF and VC, when and by whom, what it reissues and what superseded it).
  The id is the 合格証書番号 and an issue serial (``<number>-1``,
  :func:`certificate_id`). Written once (``attribute_not_exists``) with its audit entry and
  its count in one transaction (:meth:`PrefectureCertificates.issue`).
- ``CERTIFICATE_HOLD#<資格仮名ID>#<application id>``: a pass whose certificate waits for
  staff, because the font cannot draw its name (:class:`CertificateHold`: the fields and
  their counts of missing characters, never the characters; the results group, so the pass
  can be issued again). Written once; resolved once by staff
  (:meth:`PrefectureCertificates.resolve_hold`), whose substitute spelling for printing is
  kept on the examinee's own item (``certificate_name`` on ``EXAMINEE#<資格仮名ID>``), never
  on the hold.
- ``PROOF_REQUEST#<proof id>``: staff's request for a 合格証明書 (:class:`ProofRequest`: the
  pass, the language, who and when; the certificate id once issued, set in the issuing
  transaction, so a request is issued once). The Latin name of an English one is kept on the
  examinee's own item (``certificate_name_latin``), never here.
- ``REISSUE#<reissue id>``: staff's request for a reissue (再交付) of a printed certificate
  (:class:`ReissueRequest`: the certificate replaced, the reason, the fee paid, who and when;
  the new certificate's id once issued). Requested in one transaction with the audit entry
  and a ``reissue_pending`` mark on the old certificate (so one reissue at a time, and only of
  a valid certificate); issued in one transaction that writes the new certificate, marks the
  old one superseded by it and the request issued (:meth:`PrefectureCertificates.issue`).
- ``CERTIFICATE_COUNT#<fiscal year>#<grade>``: how many certificates were issued in the
  fiscal year (of the issue day in Japan) for the grade, one counter attribute per kind ×
  language × new or reissue (``n#printed#ja#new``), each an atomic ``ADD`` in the issuing
  transaction (:meth:`PrefectureCertificates.counts`).

The issuer's status lists and their index claims are in :mod:`kentei.data.status_lists`.

No name, birth date or My Number in any of these items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.transactions import cancellation_codes
from kentei.fees.payments import PaymentMethod
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from kentei.credentials.status import StatusSlot

CERTIFICATE_PREFIX: Final = "CERTIFICATE#"
HOLD_PREFIX: Final = "CERTIFICATE_HOLD#"
COUNT_PREFIX: Final = "CERTIFICATE_COUNT#"
PROOF_PREFIX: Final = "PROOF_REQUEST#"
REISSUE_PREFIX: Final = "REISSUE#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    CERTIFICATE_PREFIX: RecordKind.CERTIFICATE,
    HOLD_PREFIX: RecordKind.CERTIFICATE,
    COUNT_PREFIX: RecordKind.CERTIFICATE,
    PROOF_PREFIX: RecordKind.CERTIFICATE,
    REISSUE_PREFIX: RecordKind.CERTIFICATE,
}
"""The retention kind of each item this module writes, by its key prefix."""
JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class CertificateKind(StrEnum):
    PRINTED = "printed"
    """合格証書."""
    PROOF = "proof"
    """合格証明書, on request."""
    ELECTRONIC = "electronic"
    """The VC-JWT (電子合格証): counted beside the printed certificate it accompanies."""


class CertificateState(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class CertificateExistsError(RuntimeError):
    """The certificate id is issued already (a redelivered message, or a concurrent one)."""


class ReissueRefusedError(RuntimeError):
    """The certificate cannot be reissued now: it is not valid (superseded or revoked), or a
    reissue of it is pending already."""


class ReissueReason(StrEnum):
    """Why a certificate is reissued (再交付の理由): one procedure covers them all."""

    LOSS = "loss"
    """亡失: lost."""
    DAMAGE = "damage"
    """損傷・汚損: damaged or soiled (the old one is returned)."""
    NAME_CHANGE = "name_change"
    """氏名の変更: the name changed (the roster holds the new name)."""


class ReissueFee(BaseModel):
    """The reissue fee (再交付手数料) as paid: the amount the schedule asks, how and when."""

    model_config = _CONFIG

    amount: int = Field(ge=0, description="yen, from the fee schedule")
    schedule: str = Field(min_length=1, max_length=40, description="the fee table's key@version")
    method: PaymentMethod
    paid_on: dt.date


class ReissueRequest(BaseModel):
    """A request for a reissue (再交付) of one printed certificate: ids and facts."""

    model_config = _CONFIG

    reissue_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    certificate_id: str = Field(min_length=1, max_length=20, description="the one replaced")
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64)
    reason: ReissueReason
    fee: ReissueFee
    requested_by: str = Field(min_length=1, max_length=200)
    requested_at: AwareDatetime
    printed_spelling: bool = Field(
        False, description="staff gave a spelling to print (kept on the examinee's own item)"
    )
    new_certificate_id: str | None = Field(None, max_length=20)


class CertificateRecord(BaseModel):
    """One issued certificate: ids and facts (no name, no birth date)."""

    model_config = _CONFIG

    certificate_id: str = Field(min_length=1, max_length=20)
    kind: CertificateKind
    language: str = Field(pattern=r"^(ja|en)$")
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64)
    certificate_number: str = Field(min_length=1, max_length=32)
    grade: str = Field(min_length=1, max_length=8)
    status: CertificateState = CertificateState.VALID
    list_number: int = Field(ge=1)
    index: int = Field(ge=0)
    pdf_key: str | None = Field(None, max_length=200)
    vc_key: str | None = Field(None, max_length=200)
    issued_at: AwareDatetime
    issued_by: str = Field(min_length=1, max_length=200)
    reissue_of: str | None = Field(None, max_length=20)
    superseded_by: str | None = Field(None, max_length=20)
    signing_kid: str | None = Field(None, max_length=128, exclude=True)
    """The ``kid`` of the key its documents were last signed with (an incident about a key
    finds the certificates it signed); None for a record issued before it was kept. Kept as
    the item's own attribute, never in its document: a repair that signs with another key
    changes only it (:meth:`PrefectureCertificates.signed_with`)."""

    @property
    def slot(self) -> StatusSlot:
        # The credentials' modules (and crypto with them) only when a slot is needed.
        from kentei.credentials.status import StatusSlot

        return StatusSlot(self.list_number, self.index)

    @property
    def counted_kinds(self) -> tuple[CertificateKind, ...]:
        """What the record counts as: the document, and the VC that accompanies it."""
        kinds = [self.kind]
        if self.vc_key is not None and self.kind is not CertificateKind.ELECTRONIC:
            kinds.append(CertificateKind.ELECTRONIC)
        return tuple(kinds)


class HeldField(BaseModel):
    model_config = _CONFIG

    field: str = Field(min_length=1, max_length=40)
    missing: int = Field(ge=1)


class CertificateHold(BaseModel):
    """A pass whose certificate waits for staff: which fields the font cannot draw and how
    many characters of each; never the characters. Resolved by staff with a reason."""

    model_config = _CONFIG

    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64)
    kind: CertificateKind
    fields: tuple[HeldField, ...] = Field(min_length=1)
    held_at: AwareDatetime
    group_key: str | None = Field(None, max_length=200)
    """The results group the pass was announced in (certify is told again under it)."""
    resolved_at: AwareDatetime | None = None
    resolved_by: str | None = Field(None, max_length=200)
    reason: str | None = Field(None, max_length=500)


class HoldNotOpenError(RuntimeError):
    """The hold is gone or resolved already, or the examinee is not on the roster."""


class ProofRequest(BaseModel):
    """A request for a 合格証明書: ids and facts (the Latin name is on the examinee)."""

    model_config = _CONFIG

    proof_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64)
    language: str = Field(pattern=r"^(ja|en)$")
    requested_by: str = Field(min_length=1, max_length=200)
    requested_at: AwareDatetime
    certificate_id: str | None = Field(None, max_length=20)


@dataclass(frozen=True)
class CertificateCount:
    fiscal_year: int
    grade: str
    kind: CertificateKind
    language: str
    reissue: bool
    count: int


def certificate_id(certificate_number: str, serial: int) -> str:
    """``<合格証書番号>-<serial>``: the first issue of a number is serial 1."""
    if serial < 1:
        raise ValueError("an issue serial starts at 1")
    return f"{certificate_number}-{serial}"


def fiscal_year_of(at: dt.datetime) -> int:
    """The fiscal year (April to March) of the day in Japan."""
    day = at.astimezone(JST).date()
    return day.year if day.month >= 4 else day.year - 1


def hold_key(qualification_pseudonym_id: str, application_id: str) -> str:
    return f"{HOLD_PREFIX}{qualification_pseudonym_id}#{application_id}"


def _counter(kind: CertificateKind, language: str, reissue: bool) -> str:
    return f"n#{kind.value}#{language}#{'reissue' if reissue else 'new'}"


class PrefectureCertificates(PrefecturePartition):
    """One prefecture's certificates, holds and counts."""

    def certificate(self, certificate_id: str) -> CertificateRecord | None:
        item = self._get(CERTIFICATE_PREFIX + certificate_id)
        return None if item is None else _record(item)

    def certificates_of(self, qualification_pseudonym_id: str) -> list[CertificateRecord]:
        """A person's certificates (every pass of theirs in the prefecture)."""
        found = self._query(
            CERTIFICATE_PREFIX,
            "qualification_pseudonym_id = :q",
            {":q": {"S": qualification_pseudonym_id}},
        )
        return sorted((_record(item) for item in found), key=lambda r: r.certificate_id)

    def every_certificate(self) -> list[CertificateRecord]:
        """Every certificate of the prefecture, in id order (an incident trace by key)."""
        return [_record(item) for item in self._query(CERTIFICATE_PREFIX)]

    def signed_with(self, certificate_id: str, kid: str) -> None:
        """The certificate's documents were (re)signed with the key ``kid``."""
        self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(CERTIFICATE_PREFIX + certificate_id),
            UpdateExpression="SET signing_kid = :k",
            ConditionExpression="attribute_exists(record_key)",
            ExpressionAttributeValues={":k": {"S": kid}},
        )

    def certificates_of_pass(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> list[CertificateRecord]:
        return [
            r
            for r in self.certificates_of(qualification_pseudonym_id)
            if r.application_id == application_id
        ]

    def issue(
        self,
        record: CertificateRecord,
        *,
        audit: AuditEvent,
        proof_id: str | None = None,
        reissue: tuple[ReissueRequest, CertificateRecord] | None = None,
    ) -> None:
        """Write ``record`` once with ``audit`` and its counts, in one transaction (and, for a
        requested 合格証明書, mark request ``proof_id`` issued by it, once; for a reissue, the
        request issued by it and the old certificate superseded by it, once);
        :class:`CertificateExistsError` if the id is taken or the request issued already."""
        fiscal_year = fiscal_year_of(record.issued_at)
        names: dict[str, str] = {}
        adds: list[str] = []
        for n, kind in enumerate(record.counted_kinds):
            names[f"#c{n}"] = _counter(kind, record.language, record.reissue_of is not None)
            adds.append(f"#c{n} :one")
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._item(record),
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(f"{COUNT_PREFIX}{fiscal_year}#{record.grade}"),
                    "UpdateExpression": "ADD " + ", ".join(adds),
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
        if proof_id is not None:
            writes.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(PROOF_PREFIX + proof_id),
                        "UpdateExpression": "SET certificate_id = :c",
                        "ConditionExpression": (
                            "attribute_exists(record_key) AND attribute_not_exists(certificate_id)"
                        ),
                        "ExpressionAttributeValues": {":c": {"S": record.certificate_id}},
                    }
                }
            )
        if reissue is not None:
            writes += self._reissue_writes(record, *reissue)
        try:
            AuditTrail(self._audit_table).transact(writes, [audit])
        except ClientError as exc:
            codes = cancellation_codes(exc)
            taken = "ConditionalCheckFailed"
            if codes is not None and any(code == taken for code in codes[: len(writes)]):
                raise CertificateExistsError(record.certificate_id) from None
            raise

    def _examinee_spelling(
        self, qualification_pseudonym_id: str, attribute: str, value: str
    ) -> TransactWriteItemTypeDef:
        """For a transaction: a spelling for certificates (``certificate_name``, the one to
        print; ``certificate_name_latin``, the English one) kept on the examinee's own item."""
        from kentei.data.roster import examinee_key

        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(examinee_key(qualification_pseudonym_id)),
                "UpdateExpression": f"SET {attribute} = :n",
                "ConditionExpression": "attribute_exists(record_key)",
                "ExpressionAttributeValues": {":n": {"S": value}},
            }
        }

    def _item(self, record: CertificateRecord) -> dict[str, Any]:
        item: dict[str, Any] = {
            **self._key(CERTIFICATE_PREFIX + record.certificate_id),
            "qualification_pseudonym_id": {"S": record.qualification_pseudonym_id},
            "application_id": {"S": record.application_id},
            "status": {"S": record.status.value},
            "issued_at": {"S": instant(record.issued_at)},
            "certificate": {"S": record.model_dump_json()},
        }
        if record.signing_kid is not None:
            item["signing_kid"] = {"S": record.signing_kid}
        return item

    def _reissue_writes(
        self, record: CertificateRecord, request: ReissueRequest, old: CertificateRecord
    ) -> list[TransactWriteItemTypeDef]:
        """The old certificate superseded by ``record`` (while valid and this request's), and
        the request marked issued by it (once)."""
        if record.reissue_of != old.certificate_id or request.certificate_id != old.certificate_id:
            raise ValueError("a reissue names the certificate it replaces")
        superseded = old.model_copy(
            update={
                "status": CertificateState.SUPERSEDED,
                "superseded_by": record.certificate_id,
            }
        )
        return [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._item(superseded),
                    "ConditionExpression": "#s = :valid AND reissue_pending = :r",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":valid": {"S": CertificateState.VALID.value},
                        ":r": {"S": request.reissue_id},
                    },
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(REISSUE_PREFIX + request.reissue_id),
                    "UpdateExpression": "SET new_certificate_id = :c",
                    "ConditionExpression": (
                        "attribute_exists(record_key) AND attribute_not_exists(new_certificate_id)"
                    ),
                    "ExpressionAttributeValues": {":c": {"S": record.certificate_id}},
                }
            },
        ]

    def next_serial(self, certificate_number: str) -> int:
        """The issue serial a new printed certificate of the number takes: one past the
        highest issued (a 合格証明書's ``P`` serials are their own)."""
        serials = [
            int(item["record_key"]["S"].rsplit("-", 1)[1])
            for item in self._query(f"{CERTIFICATE_PREFIX}{certificate_number}-")
            if item["record_key"]["S"].rsplit("-", 1)[1].isdigit()
        ]
        return max(serials, default=0) + 1

    def request_reissue(
        self, request: ReissueRequest, *, printed_name: str | None, audit: AuditEvent
    ) -> None:
        """Keep ``request`` with ``audit`` and mark the old certificate's reissue pending, in
        one transaction (with ``printed_name``, the spelling to print, on the examinee's own
        item); :class:`ReissueRefusedError` when the certificate is not valid or a reissue
        of it is pending."""

        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(REISSUE_PREFIX + request.reissue_id),
                        "certificate_id": {"S": request.certificate_id},
                        "request": {"S": request.model_dump_json()},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(CERTIFICATE_PREFIX + request.certificate_id),
                    "UpdateExpression": "SET reissue_pending = :r",
                    "ConditionExpression": (
                        "#s = :valid AND attribute_not_exists(reissue_pending)"
                    ),
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":r": {"S": request.reissue_id},
                        ":valid": {"S": CertificateState.VALID.value},
                    },
                }
            },
        ]
        if printed_name is not None:
            writes.append(
                self._examinee_spelling(
                    request.qualification_pseudonym_id, "certificate_name", printed_name
                )
            )
        try:
            AuditTrail(self._audit_table).transact(writes, [audit])
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is not None and codes[1] == "ConditionalCheckFailed":
                raise ReissueRefusedError(request.certificate_id) from None
            raise

    def reissue_request(self, reissue_id: str) -> ReissueRequest | None:
        item = self._get(REISSUE_PREFIX + reissue_id)
        if item is None:
            return None
        request = ReissueRequest.model_validate_json(item["request"]["S"])
        issued = item.get("new_certificate_id", {}).get("S")
        return request.model_copy(update={"new_certificate_id": issued})

    def reissues_of(self, certificate_id: str) -> list[ReissueRequest]:
        """The reissue requests of a certificate (normally one: the one that replaced it)."""
        found = self._query(REISSUE_PREFIX, "certificate_id = :c", {":c": {"S": certificate_id}})
        requests = [ReissueRequest.model_validate_json(item["request"]["S"]) for item in found]
        return sorted(requests, key=lambda r: r.requested_at)

    def revoke_writes(self, records: list[CertificateRecord]) -> list[TransactWriteItemTypeDef]:
        """For a pass's revocation transaction: each certificate marked revoked, conditional on
        it being as read (its status unchanged)."""
        writes: list[TransactWriteItemTypeDef] = []
        for record in records:
            if record.status is CertificateState.REVOKED:
                continue
            revoked = record.model_copy(update={"status": CertificateState.REVOKED})
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._item(revoked),
                        "ConditionExpression": "#s = :read",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":read": {"S": record.status.value}},
                    }
                }
            )
        return writes

    def proof_count(self, certificate_number: str) -> int:
        """How many 合格証明書 of the number were issued (their serials are 1 to this)."""
        return sum(1 for _ in self._query(f"{CERTIFICATE_PREFIX}{certificate_number}-P"))

    def proof_request(self, proof_id: str) -> ProofRequest | None:
        item = self._get(PROOF_PREFIX + proof_id)
        if item is None:
            return None
        request = ProofRequest.model_validate_json(item["request"]["S"])
        issued = item.get("certificate_id", {}).get("S")
        return request.model_copy(update={"certificate_id": issued})

    def request_proof(
        self, request: ProofRequest, *, name_latin: str | None, audit: AuditEvent
    ) -> None:
        """Keep ``request`` (and the Latin name on the examinee's own item) with ``audit``, in
        one transaction."""

        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(PROOF_PREFIX + request.proof_id),
                        "request": {"S": request.model_dump_json()},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            }
        ]
        if name_latin is not None:
            writes.append(
                self._examinee_spelling(
                    request.qualification_pseudonym_id, "certificate_name_latin", name_latin
                )
            )
        AuditTrail(self._audit_table).transact(writes, [audit])

    def counts(self, fiscal_year: int) -> list[CertificateCount]:
        """Every count of the fiscal year, by grade, kind, language and new or reissue."""
        counts: list[CertificateCount] = []
        for item in self._query(f"{COUNT_PREFIX}{fiscal_year}#"):
            grade = item["record_key"]["S"].rsplit("#", 1)[1]
            for name, value in item.items():
                if not name.startswith("n#"):
                    continue
                _, kind, language, which = name.split("#")
                counts.append(
                    CertificateCount(
                        fiscal_year,
                        grade,
                        CertificateKind(kind),
                        language,
                        which == "reissue",
                        int(value["N"]),
                    )
                )
        return sorted(counts, key=lambda c: (c.grade, c.kind, c.language, c.reissue))

    # Holds

    def hold(self, qualification_pseudonym_id: str, application_id: str) -> CertificateHold | None:
        item = self._get(hold_key(qualification_pseudonym_id, application_id))
        return None if item is None else CertificateHold.model_validate_json(item["hold"]["S"])

    def put_hold(self, hold: CertificateHold) -> bool:
        """Keep ``hold`` unless the pass has one already; True if written."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(hold_key(hold.qualification_pseudonym_id, hold.application_id)),
                    "open": {"BOOL": hold.resolved_at is None},
                    "hold": {"S": hold.model_dump_json()},
                },
                ConditionExpression="attribute_not_exists(record_key)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def resolve_hold(
        self,
        hold: CertificateHold,
        *,
        printed_name: str,
        reason: str,
        by: str,
        at: dt.datetime,
        audit: AuditEvent,
    ) -> CertificateHold:
        """Close the open ``hold`` with ``reason``, keeping ``printed_name`` (the spelling to
        print) on the examinee's own item, with ``audit``, in one transaction;
        :class:`HoldNotOpenError` if it is not open (or the examinee is gone)."""

        resolved = hold.model_copy(update={"resolved_at": at, "resolved_by": by, "reason": reason})
        key = hold_key(hold.qualification_pseudonym_id, hold.application_id)
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(key),
                        "open": {"BOOL": False},
                        "hold": {"S": resolved.model_dump_json()},
                    },
                    "ConditionExpression": "attribute_exists(record_key) AND #o = :open",
                    "ExpressionAttributeNames": {"#o": "open"},
                    "ExpressionAttributeValues": {":open": {"BOOL": True}},
                }
            },
            self._examinee_spelling(
                hold.qualification_pseudonym_id, "certificate_name", printed_name
            ),
        ]
        try:
            AuditTrail(self._audit_table).transact(writes, [audit])
        except ClientError as exc:
            if cancellation_codes(exc) is not None:
                raise HoldNotOpenError(key) from None
            raise
        return resolved

    def holds(self) -> list[CertificateHold]:
        return [
            CertificateHold.model_validate_json(item["hold"]["S"])
            for item in self._query(HOLD_PREFIX)
        ]


def _record(item: dict[str, Any]) -> CertificateRecord:
    record = CertificateRecord.model_validate_json(item["certificate"]["S"])
    kid = item.get("signing_kid", {}).get("S")
    return record if kid is None else record.model_copy(update={"signing_kid": kid})
