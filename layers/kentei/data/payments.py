"""Fee payments on the roster's sittings, in the records table, under the prefecture.

A payment rewrites the sitting item's ``sitting`` JSON (``SITTING#<資格仮名ID>#<application
id>``) with the parts' 支払状況, 支払方法 and 支払日 (:func:`kentei.fees.payments.
record_payment`), in one ``TransactWriteItems`` with its audit entries
(:meth:`kentei.data.audit.AuditTrail.transact`), on condition that the JSON is the one read
and the sitting still registered: a payment, deletion or change meanwhile cancels it, and it
is read and tried again (:data:`ATTEMPTS`). Seats are the item's other attributes and are
left as they are. A group's combined payment rewrites every member's sitting in one such
transaction (all or none), with one audit entry per sitting that changed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition
from kentei.data.roster import sitting_key, sitting_rewrite
from kentei.fees.payments import (
    FeePayment,
    PaymentConflictError,
    PaymentMethod,
    record_group_payment,
    record_payment,
)
from kentei.roster.deletion import SittingNotOnRosterError
from kentei.roster.sitting import Sitting

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

ATTEMPTS: Final = 5


class PrefecturePayments(PrefecturePartition):
    """One prefecture's fee payments: every read and write stays in its partition."""

    def record_payment(
        self,
        qualification_pseudonym_id: str,
        application_id: str,
        payment: FeePayment,
        *,
        today: date,
        audit: Sequence[AuditEvent] = (),
    ) -> Sitting:
        """The sitting with ``payment`` recorded (see the module), with ``audit`` in the same
        transaction. :class:`SittingNotOnRosterError` when there is no such sitting here, the
        refusals of :func:`~kentei.fees.payments.record_payment`, or
        :class:`PaymentConflictError`. The same payment again writes nothing (and records no
        audit entry: nothing changed)."""
        for event in audit:
            if event.prefecture_code != self.prefecture_code:
                raise ValueError("an audit event of another prefecture")
        key = sitting_key(qualification_pseudonym_id, application_id)
        for attempt in range(ATTEMPTS):
            item = self._get(key)
            if item is None:
                raise SittingNotOnRosterError("no such sitting on this prefecture's roster")
            read = item["sitting"]["S"]
            sitting = Sitting.model_validate_json(read)
            paid = record_payment(sitting, payment, today=today)
            if paid == sitting:
                return sitting
            write = self._rewrite(sitting, paid, read)
            try:
                self._write_audited([write], audit)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - jitter
                continue
            return paid
        raise PaymentConflictError("the sitting kept changing while the payment was recorded")

    def record_group_payment(
        self,
        members: Sequence[tuple[str, str]],
        method: PaymentMethod,
        paid_on: date,
        *,
        today: date,
        audit: Mapping[str, AuditEvent],
    ) -> list[Sitting]:
        """Every member's sitting (by 資格仮名ID and application id) with the combined
        payment (:func:`~kentei.fees.payments.record_group_payment`), written in one
        transaction with the audit event (by application id) of each sitting that changed.
        :class:`SittingNotOnRosterError` when a member has no sitting here, the domain's
        refusals, or :class:`PaymentConflictError`."""
        for event in audit.values():
            if event.prefecture_code != self.prefecture_code:
                raise ValueError("an audit event of another prefecture")
        for attempt in range(ATTEMPTS):
            reads: list[str] = []
            sittings: list[Sitting] = []
            for person, application_id in members:
                item = self._get(sitting_key(person, application_id))
                if item is None:
                    raise SittingNotOnRosterError("no such sitting on this prefecture's roster")
                reads.append(item["sitting"]["S"])
                sittings.append(Sitting.model_validate_json(reads[-1]))
            paid = record_group_payment(sittings, method, paid_on, today=today)
            writes = [
                self._rewrite(before, after, read)
                for before, after, read in zip(sittings, paid, reads, strict=True)
                if after != before
            ]
            if not writes:
                return paid
            events = [
                audit[after.application_id]
                for before, after in zip(sittings, paid, strict=True)
                if after != before and after.application_id in audit
            ]
            try:
                self._write_audited(writes, events)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - jitter
                continue
            return paid
        raise PaymentConflictError("a sitting kept changing while the payment was recorded")

    def _rewrite(self, before: Sitting, after: Sitting, read: str) -> TransactWriteItemTypeDef:
        key = self._key(sitting_key(before.qualification_pseudonym_id, before.application_id))
        return sitting_rewrite(self._table, key, after, read)
