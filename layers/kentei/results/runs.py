"""What a decisions run or an announcement of a results group did (``RESULTS_RUN#``): counts,
and the sittings it could not decide or announce, by application id and a code. Ids only."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_PROBLEMS: Final = 1000


class RunKind(StrEnum):
    DECISIONS = "decisions"
    ANNOUNCEMENT = "announcement"


class RunProblemCode(StrEnum):
    SCORES_INCONSISTENT = "scores-inconsistent"
    """Scores a decision cannot rest on (two for one component...): correct them first."""
    NO_DECISION = "no-decision"
    """A registered sitting of the group without a decision (announcement)."""
    HELD = "held"
    """A pass held for an exemption to confirm (announcement)."""
    NO_SCORE = "no-score"
    """A sitting decided without a score for a part it sits (announcement)."""
    STALE = "stale"
    """A score changed after the sitting was decided (announcement): decide again first."""
    NUMBERING = "numbering"
    """Its numbers could not be given (the decision changed meanwhile): run it again."""


class RunProblem(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    application_id: str
    code: RunProblemCode


class ResultsRun(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    group_key: str
    kind: RunKind
    request_id: str
    requested_by: str
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    problems: tuple[RunProblem, ...] = Field((), max_length=MAX_PROBLEMS)
    refused: str | None = Field(
        None, description="why an announcement did not start (its problems name the sittings)"
    )
    through: str | None = Field(
        None,
        description="a run of pages: the last exam number its counts include (a redelivered "
        "page is not counted twice)",
    )
    checking: bool = Field(
        False,
        description="an announcement still checking its group page by page (its counts are "
        "the sittings checked so far); announcing starts once the whole group is checked",
    )

    def continues(self, request_id: str, after: str | None) -> bool:
        """Whether a page of ``request_id`` after ``after`` adds to this run (a later page of
        the same request) rather than starting a new one."""
        return after is not None and self.request_id == request_id

    def counted(self, request_id: str, after: str | None, *, checking: bool = False) -> bool:
        """Whether the page of ``request_id`` that starts after ``after`` is in these counts
        already (a redelivered page). ``checking``: the page is one of an announcement's
        check, which is counted once the run has gone on to announce."""
        if self.request_id != request_id or self.through is None:
            return False
        if checking != self.checking:
            return checking  # a check page once announcing began; the first announcing page
        return after is None or after < self.through
