"""What a round's statistics are counted from, in one prefecture's partition of the records
table: its registered sittings (the roster's ``SITTING#`` items,
:meth:`kentei.data.roster.PrefectureRoster.each_registered_in`) and the results of the
round's decisions (the ``DECISION#<round>#`` items of :mod:`kentei.data.passes`, their
``result`` attribute). It reads, never writes, and returns groups and results only: no
資格仮名ID, application id or exam number leaves it."""

from __future__ import annotations

from kentei.data.partition import PrefecturePartition
from kentei.data.passes import DECISION_PREFIX
from kentei.data.roster import PrefectureRoster
from kentei.results.decision import Result
from kentei.roster.parts import ExamRound
from kentei.statistics.round_table import Group, Outcome


class PrefectureStatistics(PrefecturePartition):
    """One prefecture's counts: every read stays in its partition."""

    def outcomes(self, exam_round: ExamRound) -> list[Outcome]:
        """Each sitting registered in the round, as its group and result (None: no decision
        yet, or absent)."""
        results = {
            item["application_id"]["S"]: Result(item["result"]["S"])
            for item in self._query(f"{DECISION_PREFIX}{exam_round.key}#")
        }
        roster = PrefectureRoster(self.prefecture_code, self._table, client=self._client)
        return [
            Outcome(
                Group(sitting.trade_code, sitting.work_code, sitting.grade.value),
                results.get(sitting.application_id),
            )
            for sitting in roster.each_registered_in(exam_round.key)
        ]
