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
- ``CERTIFICATE_COUNT#<fiscal year>#<grade>``: how many certificates were issued in the
  fiscal year (of the issue day in Japan) for the grade, one counter attribute per kind ×
  language × new or reissue (``n#printed#ja#new``), each an atomic ``ADD`` in the issuing
  transaction (:meth:`PrefectureCertificates.counts`).

The issuer's status lists and their index claims are in :mod:`kentei.data.status_lists`.

No name, birth date or My Number in any of these items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.transactions import cancellation_codes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from kentei.credentials.status import StatusSlot

CERTIFICATE_PREFIX: Final = "CERTIFICATE#"
HOLD_PREFIX: Final = "CERTIFICATE_HOLD#"
COUNT_PREFIX: Final = "CERTIFICATE_COUNT#"
PROOF_PREFIX: Final = "PROOF_REQUEST#"
JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
_CONFIG: Final = ConfigDict(extra="forbid", frozen=True)


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

    def certificates_of_pass(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> list[CertificateRecord]:
        return [
            r
            for r in self.certificates_of(qualification_pseudonym_id)
            if r.application_id == application_id
        ]

    def issue(
        self, record: CertificateRecord, *, audit: AuditEvent, proof_id: str | None = None
    ) -> None:
        """Write ``record`` once with ``audit`` and its counts, in one transaction (and, for a
        requested 合格証明書, mark request ``proof_id`` issued by it, once);
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
                    "Item": {
                        **self._key(CERTIFICATE_PREFIX + record.certificate_id),
                        "qualification_pseudonym_id": {"S": record.qualification_pseudonym_id},
                        "application_id": {"S": record.application_id},
                        "status": {"S": record.status.value},
                        "issued_at": {"S": instant(record.issued_at)},
                        "certificate": {"S": record.model_dump_json()},
                    },
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
        try:
            AuditTrail(self._audit_table).transact(writes, [audit])
        except ClientError as exc:
            codes = cancellation_codes(exc)
            taken = "ConditionalCheckFailed"
            if codes is not None and (
                codes[0] == taken or (proof_id is not None and codes[2] == taken)
            ):
                raise CertificateExistsError(record.certificate_id) from None
            raise

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
        from kentei.data.roster import examinee_key

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
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(examinee_key(request.qualification_pseudonym_id)),
                        "UpdateExpression": "SET certificate_name_latin = :n",
                        "ConditionExpression": "attribute_exists(record_key)",
                        "ExpressionAttributeValues": {":n": {"S": name_latin}},
                    }
                }
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
        from kentei.data.roster import examinee_key

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
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(examinee_key(hold.qualification_pseudonym_id)),
                    "UpdateExpression": "SET certificate_name = :n",
                    "ConditionExpression": "attribute_exists(record_key)",
                    "ExpressionAttributeValues": {":n": {"S": printed_name}},
                }
            },
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
    return CertificateRecord.model_validate_json(item["certificate"]["S"])
