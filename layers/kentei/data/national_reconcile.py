"""The reports of reconciliation with the national qualifications system (issue 12), in the
records table under the prefecture (:class:`kentei.national.reconciliation.ReconcileReport`).

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``NATIONAL_RECONCILE#<run id>``: one run's report as JSON (counts and ids, never values),
  its ``attempt`` and ``finished_at`` as attributes. A later attempt of the run replaces it;
  an earlier one never replaces a later one (:meth:`PrefectureNationalReconcile.keep`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from botocore.exceptions import ClientError

from kentei.data.partition import PrefecturePartition, instant
from kentei.national.reconciliation import ReconcileReport
from kentei.retention.kinds import RecordKind

REPORT_PREFIX: Final = "NATIONAL_RECONCILE#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {REPORT_PREFIX: RecordKind.JOB_RUN}
"""The retention kind of each item this module writes, by its key prefix."""


def report_key(run_id: str) -> str:
    return REPORT_PREFIX + run_id


class PrefectureNationalReconcile(PrefecturePartition):
    """One prefecture's reconciliation reports."""

    def report(self, run_id: str) -> ReconcileReport | None:
        item = self._get(report_key(run_id))
        return None if item is None else ReconcileReport.model_validate_json(item["report"]["S"])

    def reports(self) -> list[ReconcileReport]:
        """Every report kept, oldest run first."""
        return [
            ReconcileReport.model_validate_json(item["report"]["S"])
            for item in self._query(REPORT_PREFIX)
        ]

    def latest(self, limit: int) -> list[ReconcileReport]:
        """The ``limit`` latest runs' reports, newest first."""
        answer = self._dynamodb.query(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
            ExpressionAttributeValues={
                ":p": {"S": self.prefecture_code},
                ":k": {"S": REPORT_PREFIX},
            },
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        return [ReconcileReport.model_validate_json(i["report"]["S"]) for i in answer["Items"]]

    def keep(self, report: ReconcileReport) -> bool:
        """Keep ``report`` unless its run's report is of the same or a later attempt (False)."""
        if report.prefecture_code != self.prefecture_code:
            raise ValueError("a report of another prefecture")
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(report_key(report.run_id)),
                    "item_type": {"S": "national_reconcile"},
                    "attempt": {"N": str(report.attempt)},
                    "finished_at": {"S": instant(report.finished_at)},
                    "report": {"S": report.model_dump_json()},
                },
                ConditionExpression="attribute_not_exists(record_key) OR attempt < :a",
                ExpressionAttributeValues={":a": {"N": str(report.attempt)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
