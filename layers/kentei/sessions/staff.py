"""What staff (exam_admin) do with sessions, over a store port: create one, change one.

The caller (an API function, later) gives the prefecture of the signed-in staff member, the
catalogue and rounds, and a clock; this module reads the sessions that may collide (those of
the rounds holding the day: :func:`kentei.sessions.rules.rounds_on`), applies the rules and
writes. Two staff creating colliding sessions at the same instant could both pass the overlap
check (it reads, then writes); the store's write is conditional on the id and the version only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from kentei.exams.catalogue import Catalogue
from kentei.exams.rounds import Rounds
from kentei.roster.sitting import ExamRound
from kentei.sessions import rules
from kentei.sessions.errors import SessionChangedError, SessionNotFoundError
from kentei.sessions.model import ExamSession, SessionChange, SessionDraft, new_session_id


class SessionStore(Protocol):
    """One prefecture's sessions (:class:`kentei.data.sessions.PrefectureSessions`)."""

    prefecture_code: str

    def create(self, session: ExamSession) -> None: ...

    def update(self, session: ExamSession, expected_version: int) -> None: ...

    def session(self, round_key: str, session_id: str) -> ExamSession | None: ...

    def sessions_on(self, day: date, rounds: Iterable[ExamRound]) -> list[ExamSession]: ...


def create_session(
    draft: SessionDraft,
    store: SessionStore,
    *,
    by: str,
    at: datetime,
    catalogue: Catalogue,
    rounds: Rounds,
) -> ExamSession:
    """A new session of the store's prefecture, stored; :class:`SessionRefusedError` naming
    every broken rule otherwise."""
    same_day = store.sessions_on(draft.exam_date, rules.rounds_on(rounds, draft.exam_date))
    session = rules.create(
        draft,
        prefecture_code=store.prefecture_code,
        session_id=new_session_id(at),
        by=by,
        at=at,
        catalogue=catalogue,
        rounds=rounds,
        same_day=same_day,
    )
    store.create(session)
    return session


def change_session(
    exam_round: ExamRound,
    session_id: str,
    changes: SessionChange,
    store: SessionStore,
    *,
    expected_version: int,
    by: str,
    at: datetime,
    catalogue: Catalogue,
    rounds: Rounds,
) -> ExamSession:
    """The session changed as staff asked, if it is still at ``expected_version`` (the one
    they saw): :class:`SessionChangedError` otherwise, :class:`SessionRefusedError` naming
    every broken rule, :class:`SessionNotFoundError` for an id not of the prefecture."""
    current = store.session(exam_round.key, session_id)
    if current is None:
        raise SessionNotFoundError("session_id", session_id)
    if current.version != expected_version:
        raise SessionChangedError(session_id)
    day = changes.exam_date or current.exam_date
    same_day = store.sessions_on(day, rules.rounds_on(rounds, day))
    changed = rules.change(
        current, changes, by=by, at=at, catalogue=catalogue, rounds=rounds, same_day=same_day
    )
    store.update(changed, expected_version)
    return changed
