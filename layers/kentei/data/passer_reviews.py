"""Staff review of past passers' claims (R17) in the records table: one prefecture's initial
registrations (:mod:`kentei.data.initial_registrations`) and historical pass records
(:mod:`kentei.data.historical_passes`) written together.

A decision (:mod:`kentei.initial_registrations.review`) is one transaction: the registration
(conditional on it still being ``in_review``), the historical record (conditional on its
status and linked person being as read), the claimant's pass record, another person's pass
record revoked when a link replaces theirs, and the audit entries. Any condition failing is
:class:`~kentei.initial_registrations.review.ReviewChangedError`, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from kentei.data.historical_passes import HistoricalChangedError, PrefectureHistoricalPasses
from kentei.data.initial_registrations import (
    PrefectureInitialRegistrations,
    RegistrationDecidedError,
    StoredInitialRegistration,
)
from kentei.initial_registrations.record import (
    InitialRegistrationRequest,
    InitialRegistrationStatus,
)
from kentei.initial_registrations.review import LinkPlan, RejectPlan, ReviewChangedError
from kentei.results.historical.model import StoredHistoricalPass

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from kentei.data.audit import AuditEvent


class PrefecturePasserReviews:
    """One prefecture's registrations in review and the historical records they claim."""

    def __init__(
        self,
        prefecture_code: str,
        table: str | None = None,
        *,
        audit_table: str | None = None,
        client: DynamoDBClient | None = None,
    ) -> None:
        self.prefecture_code = prefecture_code
        self._registrations = PrefectureInitialRegistrations(
            prefecture_code, table, audit_table=audit_table, client=client
        )
        self._historical = PrefectureHistoricalPasses(
            prefecture_code, table, audit_table=audit_table, client=client
        )

    def registration(self, request_id: str) -> StoredInitialRegistration | None:
        return self._registrations.registration(request_id)

    def registrations(
        self, status: InitialRegistrationStatus, limit: int, after: str | None = None
    ) -> tuple[list[InitialRegistrationRequest], str | None]:
        return self._registrations.page(status, limit, after)

    def historical(self, passer_number: str) -> StoredHistoricalPass | None:
        return self._historical.get(passer_number)

    def link(
        self,
        stored: StoredInitialRegistration,
        plan: LinkPlan,
        at: datetime,
        *,
        audit: Sequence[AuditEvent],
    ) -> None:
        """The registration ``linked``, the record linked (or relinked, or only released
        when the claimant's already), with ``audit``, in one transaction."""
        decision = self._registrations.review_put(stored, plan.decided)
        try:
            if plan.link is None or plan.pass_record is None:
                self._historical.release(plan.current, plan.after, writes=[decision], audit=audit)
            else:
                self._historical.link(
                    plan.current,
                    plan.link,
                    plan.pass_record,
                    at,
                    writes=[decision],
                    revoke=plan.revoke,
                    audit=audit,
                )
        except HistoricalChangedError:
            raise ReviewChangedError("the registration or the record changed meanwhile") from None

    def reject(
        self, stored: StoredInitialRegistration, plan: RejectPlan, *, audit: Sequence[AuditEvent]
    ) -> None:
        """The registration ``rejected``, the record's conflict released if it names it,
        with ``audit``, in one transaction."""
        try:
            if plan.current is None or plan.after is None:
                self._registrations.review(stored, plan.decided, audit)
                return
            self._historical.release(
                plan.current,
                plan.after,
                writes=[self._registrations.review_put(stored, plan.decided)],
                audit=audit,
            )
        except (HistoricalChangedError, RegistrationDecidedError):
            raise ReviewChangedError("the registration or the record changed meanwhile") from None
