"""What an incident trace (P9) reads of one prefecture's records beyond the audit trail:
whose an application is, which scores a result import wrote, and a results group's notices.
Ids, kinds and instants only: never a name, an address or a score's value.

Read from the layouts of other stores, in the prefecture's partition of ``records`` only
(:class:`~kentei.data.partition.PrefecturePartition`):

- ``APPLICATION#<id>`` (:mod:`kentei.data.applications`): the 資格仮名ID verify gave the
  application (none before its verification), read 100 keys at a time;
- ``RESULT_HISTORY#<application id>#...`` (:mod:`kentei.data.results`): every score a
  source wrote, kept even after a later source replaced it;
- ``NOTICE#<notice id>`` (:mod:`kentei.data.notices`): the notice records of a results
  group (its post list is :meth:`kentei.data.notices.PrefectureNotices.post_list`).

Writes nothing; the trace is audited by its caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kentei.data.applications import APPLICATION_PREFIX
from kentei.data.notices import NOTICE_PREFIX
from kentei.data.partition import PrefecturePartition
from kentei.data.results import HISTORY_PREFIX, ScoreChange, slot
from kentei.notice_records import NoticeRecord


@dataclass(frozen=True)
class ScoreWrite:
    """A score a source wrote: the sitting (its application id), which score, when."""

    application_id: str
    score: str
    """``<part>#<component or ->``."""
    at: datetime
    replaced: bool
    """It replaced a score another source had written."""


class PrefectureIncidentRecords(PrefecturePartition):
    """One prefecture's records, as an incident trace reads them."""

    def persons_of(self, application_ids: Iterable[str]) -> dict[str, str]:
        """The 資格仮名ID of each application that has one, by application id (consistent
        reads; an application of another prefecture, or none, is left out)."""
        wanted = sorted({a for a in application_ids if a[:2] == self.prefecture_code})
        found: dict[str, str] = {}
        items = self._batch_get([APPLICATION_PREFIX + a for a in wanted])
        for key, item in items.items():
            person = json.loads(item["application"]["S"]).get("qualification_pseudonym_id")
            if isinstance(person, str) and person:
                found[key.removeprefix(APPLICATION_PREFIX)] = person
        return found

    def scores_written_by(self, source: str) -> list[ScoreWrite]:
        """Every score ``source`` (an import id) wrote, in key order: from the scores' history,
        so a score a later source replaced is still found."""
        fragment = json.dumps({"after_source": source}, separators=(",", ":"))[1:-1]
        writes: list[ScoreWrite] = []
        for item in self._query(
            HISTORY_PREFIX,
            "contains(#change, :source)",
            {":source": {"S": fragment}},
            {"#change": "change"},
        ):
            change = ScoreChange.model_validate_json(item["change"]["S"])
            if change.after_source != source:
                continue
            writes.append(
                ScoreWrite(
                    application_id=change.application_id,
                    score=slot(change.after),
                    at=change.at,
                    replaced=change.before is not None,
                )
            )
        return writes

    def notices_of_group(self, group_key: str) -> list[NoticeRecord]:
        """The notice records of a results group (pass and part-pass notices), in notice-id
        order."""
        fragment = json.dumps({"group_key": group_key}, separators=(",", ":"), ensure_ascii=False)
        records = (
            NoticeRecord.model_validate_json(item["notice"]["S"])
            for item in self._query(
                NOTICE_PREFIX, "contains(notice, :group)", {":group": {"S": fragment[1:-1]}}
            )
        )
        return [record for record in records if record.group_key == group_key]
