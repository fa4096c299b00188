"""Revocations of passes (合格の取消し, R15) in the records table, under the prefecture.

``PASS_REVOCATION#<資格仮名ID>#<application id>``: one revoked pass
(:class:`kentei.results.revocations.PassRevocationRecord`: when it takes effect, why, the legal
basis, who; the certificates revoked, the exemptions withdrawn, the dependent passes; the
return of the printed certificate, 返納), with ``return_status`` as an attribute so the
pending returns are one filtered query.

:meth:`PrefecturePassRevocations.revoke` writes it once, in one transaction with the pass
record marked revoked (:meth:`kentei.data.passes.PrefecturePasses.revoke_update`), every
certificate of the pass marked revoked, each sitting whose exemption is withdrawn (conditional
on it being as read), and the audit entries: all of it, or nothing.

Ids, dates and staff's texts only; never a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import PrefecturePartition
from kentei.data.roster import PrefectureRoster
from kentei.data.transactions import cancellation_codes
from kentei.exemptions.model import PassRevocation
from kentei.results.revocations import PassRevocationRecord, ReturnStatus
from kentei.retention.kinds import RecordKind
from kentei.roster.sitting import Sitting

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from kentei.data.certificates import CertificateRecord

REVOCATION_PREFIX: Final = "PASS_REVOCATION#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {REVOCATION_PREFIX: RecordKind.PASS}
"""The retention kind of each item this module writes, by its key prefix."""


class RevocationConflictError(RuntimeError):
    """Nothing was written: the pass is revoked already, or something it touches changed
    since it was read (a certificate's status, a sitting)."""


class ReturnClosedError(RuntimeError):
    """The return (返納) of this revocation is recorded already."""


def revocation_key(qualification_pseudonym_id: str, application_id: str) -> str:
    return f"{REVOCATION_PREFIX}{qualification_pseudonym_id}#{application_id}"


class PrefecturePassRevocations(PrefecturePartition):
    """One prefecture's revoked passes and the returns they ask."""

    def revocation(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> PassRevocationRecord | None:
        item = self._get(revocation_key(qualification_pseudonym_id, application_id))
        return None if item is None else _record(item)

    def revocations(self, return_status: ReturnStatus | None = None) -> list[PassRevocationRecord]:
        """The prefecture's revocations, newest first; those whose return is
        ``return_status`` when given."""
        found = (
            self._query(REVOCATION_PREFIX)
            if return_status is None
            else self._query(
                REVOCATION_PREFIX, "return_status = :s", {":s": {"S": return_status.value}}
            )
        )
        return sorted((_record(item) for item in found), key=lambda r: r.revoked_at, reverse=True)

    def sittings_read(self, qualification_pseudonym_id: str) -> list[tuple[Sitting, str]]:
        """The person's sittings, each with its stored JSON (what a rewrite is conditional
        on)."""
        return self._roster.sittings_read(qualification_pseudonym_id)

    def revoke(
        self,
        record: PassRevocationRecord,
        revocation: PassRevocation,
        *,
        certificates: Sequence[CertificateRecord],
        rewrites: Sequence[tuple[Sitting, str]],
        audit: Sequence[AuditEvent],
    ) -> None:
        """Keep ``record`` with the pass record revoked (``revocation``), each of
        ``certificates`` marked revoked (conditional on its status as read), each sitting of
        ``rewrites`` (after, as read) rewritten, and ``audit``, in one transaction;
        :class:`RevocationConflictError` if the pass is revoked already or anything changed."""
        from kentei.data.certificates import PrefectureCertificates
        from kentei.data.passes import PrefecturePasses

        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(record),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        passes = PrefecturePasses(self.prefecture_code, self._table, client=self._client)
        certificate_store = PrefectureCertificates(
            self.prefecture_code, self._table, client=self._client
        )
        writes: list[TransactWriteItemTypeDef] = [
            put,
            passes.revoke_update(revocation, record.revoked_at, by=record.revoked_by),
            *certificate_store.revoke_writes(list(certificates)),
            *(self._roster.sitting_rewrite(after, read) for after, read in rewrites),
        ]
        try:
            AuditTrail(self._audit_table).transact(writes, audit)
        except ClientError as exc:
            if cancellation_codes(exc) is not None:
                raise RevocationConflictError(record.application_id) from None
            raise

    @property
    def _roster(self) -> PrefectureRoster:
        return PrefectureRoster(self.prefecture_code, self._table, client=self._client)

    def record_return(
        self,
        record: PassRevocationRecord,
        status: ReturnStatus,
        *,
        on: dt.date,
        note: str | None,
        by: str,
        at: dt.datetime,
        audit: AuditEvent,
    ) -> PassRevocationRecord:
        """Close the pending return of ``record`` as ``status`` (returned, or not returned with
        a note), with ``audit``, in one transaction; :class:`ReturnClosedError` if it is closed
        already."""
        closed = record.returned(status, on=on, note=note, by=by, at=at)
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(closed),
                "ConditionExpression": "return_status = :pending",
                "ExpressionAttributeValues": {":pending": {"S": ReturnStatus.PENDING.value}},
            }
        }
        try:
            AuditTrail(self._audit_table).transact([put], [audit])
        except ClientError as exc:
            if cancellation_codes(exc) is not None:
                raise ReturnClosedError(record.application_id) from None
            raise
        return closed

    def _item(self, record: PassRevocationRecord) -> dict[str, Any]:
        return {
            **self._key(revocation_key(record.qualification_pseudonym_id, record.application_id)),
            "item_type": {"S": "pass_revocation"},
            "return_status": {"S": record.return_status.value},
            "revocation": {"S": record.model_dump_json()},
        }


def _record(item: dict[str, Any]) -> PassRevocationRecord:
    return PassRevocationRecord.model_validate_json(item["revocation"]["S"])
