"""Exam sessions and seats (R8) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``), beside the roster's items
(:mod:`kentei.data.roster`):

- ``SESSION#<round>#<session id>``: a session. ``session`` holds the
  :class:`kentei.sessions.model.ExamSession` as JSON without its seat count; ``seats`` (the
  seats assigned, an atomic counter), ``capacity`` and ``version`` are attributes of their own
  so that conditions can read them; ``family`` (:attr:`Family.key`) and ``exam_date`` serve
  the listings.
- ``SEAT#<session id>#<application id>``: one seat of one sitting in one session (ids only).
- The sitting item ``SITTING#<資格仮名ID>#<application id>`` (the roster's) gains one
  attribute per seat, ``session_<part>`` (``session_written``, ``session_production``...),
  holding the session id. Seating never rewrites the roster's ``sitting`` JSON; readers
  merge the attributes in (:meth:`PrefectureSessions.seated_sitting`).

A seat is one ``TransactWriteItems``: the session's ``seats`` up by one on condition
``seats < capacity``, the seat item put if absent, and the sitting's ``session_<part>`` set on
condition that the sitting is registered and not seated for that part. A full session
cancels the whole transaction, nothing is written, and the caller tries the next session. A
move releases the old seat and takes the new one in one transaction. A staff change of a
session is a conditional update on its ``version`` (optimistic) and on ``seats <= capacity``,
so a capacity lowered below the seats taken meanwhile is refused in the same write.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.roster import SITTING_PREFIX, sitting_key
from kentei.data.transactions import CONDITION_FAILED, CONFLICT, cancellation_codes
from kentei.retention.kinds import RecordKind
from kentei.roster.sitting import ExamRound, Sitting, SittingStatus
from kentei.sessions.errors import (
    SeatRefusedError,
    SessionChangedError,
    SessionNotFoundError,
    SessionRefusedError,
)
from kentei.sessions.model import ExamSession, Family, SessionPart
from kentei.sessions.seating import SeatedSitting, SeatOutcome, in_family

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SESSION_PREFIX: Final = "SESSION#"
SEAT_PREFIX: Final = "SEAT#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    SESSION_PREFIX: RecordKind.EXAM_SESSION,
    SEAT_PREFIX: RecordKind.EXAM_SESSION,
}
"""The retention kind of each item this module writes, by its key prefix."""
SEAT_ATTRIBUTE_PREFIX: Final = "session_"
ATTEMPTS: Final = 8
"""Transactions cancelled by a concurrent one on the same item (TransactionConflict) are
tried again, this many times in all, after a short random pause."""


def session_key(round_key: str, session_id: str) -> str:
    return f"{SESSION_PREFIX}{round_key}#{session_id}"


def seat_key(session_id: str, application_id: str) -> str:
    return f"{SEAT_PREFIX}{session_id}#{application_id}"


def seat_attribute(part: SessionPart) -> str:
    """The sitting item's attribute naming its session for ``part``."""
    return SEAT_ATTRIBUTE_PREFIX + part.value


class PrefectureSessions(PrefecturePartition):
    """One prefecture's sessions and seats: every read and write stays in its partition."""

    # Sessions

    def create(self, session: ExamSession, *, audit: Sequence[AuditEvent] = ()) -> None:
        """Store a new session with ``audit``'s entries in the same transaction (a second
        create of the same id fails: ValueError, and nothing is written)."""
        self._own(session)
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._session_item(session),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        if self._transact([put], audit) is not None:
            raise ValueError(f"session {session.session_id} exists already")

    def update(
        self, session: ExamSession, expected_version: int, *, audit: Sequence[AuditEvent] = ()
    ) -> None:
        """Replace the session as staff changed it (``session.version`` is the new one), if
        it is still at ``expected_version`` and its capacity covers the seats taken, with
        ``audit``'s entries in the same transaction: :class:`SessionChangedError` or
        :class:`SessionRefusedError` (capacity) otherwise, and nothing written."""
        self._own(session)
        if session.version != expected_version + 1:
            raise ValueError("a change moves the version one up")
        key = self._key(session_key(session.exam_round.key, session.session_id))
        change: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": key,
                "UpdateExpression": (
                    "SET #session = :session, #capacity = :capacity, version = :version, "
                    "exam_date = :date"
                ),
                "ConditionExpression": "version = :expected AND seats <= :capacity",
                "ExpressionAttributeNames": {"#session": "session", "#capacity": "capacity"},
                "ExpressionAttributeValues": {
                    ":session": {"S": _session_json(session)},
                    ":capacity": {"N": str(session.capacity)},
                    ":version": {"N": str(session.version)},
                    ":expected": {"N": str(expected_version)},
                    ":date": {"S": session.exam_date.isoformat()},
                },
            }
        }
        if self._transact([change], audit) is not None:
            stored = self.session(session.exam_round.key, session.session_id)
            if stored is None:
                raise SessionNotFoundError("session_id", session.session_id)
            if stored.version != expected_version:
                raise SessionChangedError(session.session_id)
            raise SessionRefusedError.one(
                "capacity", f"cannot be below the {stored.seats} seats already assigned"
            )

    def session(self, round_key: str, session_id: str) -> ExamSession | None:
        item = self._get(session_key(round_key, session_id))
        return None if item is None else _session_of(item)

    def sessions_of(self, exam_round: ExamRound) -> list[ExamSession]:
        """Every session of the round, in seating order."""
        return self._sessions(exam_round.key)

    def family_sessions(self, family: Family) -> list[ExamSession]:
        """The sessions of one round, work, grade and part, in seating order."""
        return self._sessions(family.exam_round.key, family=family.key)

    def sessions_on(self, day: date, rounds: Iterable[ExamRound]) -> list[ExamSession]:
        """The sessions on ``day`` of the given rounds (:func:`kentei.sessions.rules.rounds_on`
        names those that may hold one), for the overlap check."""
        return [s for r in rounds for s in self._sessions(r.key, exam_date=day)]

    def _sessions(
        self, round_key: str, *, family: str | None = None, exam_date: date | None = None
    ) -> list[ExamSession]:
        conditions: list[str] = []
        values: dict[str, Any] = {}
        names: dict[str, str] = {}
        if family is not None:
            conditions.append("#family = :family")
            values[":family"] = {"S": family}
            names["#family"] = "family"
        if exam_date is not None:
            conditions.append("exam_date = :date")
            values[":date"] = {"S": exam_date.isoformat()}
        found = [
            _session_of(item)
            for item in self._query(
                f"{SESSION_PREFIX}{round_key}#", " AND ".join(conditions), values, names
            )
        ]
        return sorted(found, key=lambda s: s.order)

    # Seats

    def take_seat(
        self,
        session: ExamSession,
        sitting: Sitting,
        part: SessionPart,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        """One transaction: a seat in ``session`` for ``sitting``'s ``part`` (see the module),
        with ``audit``'s entries (nothing of either when the seat is not taken)."""
        self._own(session)
        self._own_sitting(sitting)
        writes: list[TransactWriteItemTypeDef] = [
            self._seat_count(session, +1),
            self._put_seat(session, sitting, part, at),
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(_sitting_key(sitting)),
                    "UpdateExpression": "SET #seat = :session",
                    "ConditionExpression": (
                        "attribute_exists(record_key) AND #status = :registered "
                        "AND attribute_not_exists(#seat)"
                    ),
                    "ExpressionAttributeNames": {
                        "#seat": seat_attribute(part),
                        "#status": "status",
                    },
                    "ExpressionAttributeValues": {
                        ":session": {"S": session.session_id},
                        ":registered": {"S": SittingStatus.REGISTERED.value},
                    },
                }
            },
        ]
        failed = self._transact(writes, audit)
        if failed is None:
            return SeatOutcome.SEATED
        if 2 in failed or 1 in failed:
            item = self._get(_sitting_key(sitting))
            if item is None or item.get("status", {}).get("S") != SittingStatus.REGISTERED:
                return SeatOutcome.NOT_SEATABLE
            return SeatOutcome.ALREADY_SEATED
        if self.session(session.exam_round.key, session.session_id) is None:
            raise SessionNotFoundError("session_id", session.session_id)
        return SeatOutcome.FULL

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        """One transaction: the seat in ``source`` released, one in ``target`` taken, and
        ``audit``'s entries."""
        for session in (source, target):
            self._own(session)
        self._own_sitting(sitting)
        if source.session_id == target.session_id:
            raise ValueError("a move goes to another session")
        writes: list[TransactWriteItemTypeDef] = [
            self._seat_count(source, -1),
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": self._key(seat_key(source.session_id, sitting.application_id)),
                    "ConditionExpression": "attribute_exists(record_key)",
                }
            },
            self._seat_count(target, +1),
            self._put_seat(target, sitting, part, at),
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(_sitting_key(sitting)),
                    "UpdateExpression": "SET #seat = :target",
                    "ConditionExpression": "#seat = :source AND #status = :registered",
                    "ExpressionAttributeNames": {
                        "#seat": seat_attribute(part),
                        "#status": "status",
                    },
                    "ExpressionAttributeValues": {
                        ":source": {"S": source.session_id},
                        ":target": {"S": target.session_id},
                        ":registered": {"S": SittingStatus.REGISTERED.value},
                    },
                }
            },
        ]
        failed = self._transact(writes, audit)
        if failed is None:
            return SeatOutcome.SEATED
        if failed & {0, 1, 3, 4}:
            raise SeatRefusedError(
                "part", f"the sitting is not seated in session {source.session_id} (any more)"
            )
        if self.session(target.exam_round.key, target.session_id) is None:
            raise SessionNotFoundError("session_id", target.session_id)
        return SeatOutcome.FULL

    def seats_in(self, session_id: str) -> list[str]:
        """The application ids seated in the session."""
        return [
            item["application_id"]["S"]
            for item in self._query(f"{SEAT_PREFIX}{session_id}#", "", {})
        ]

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None:
        item = self._get(sitting_key(qualification_pseudonym_id, application_id))
        return None if item is None else _seated_of(item)

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        """The registered sittings of the family's round, work and grade that sit its part,
        with their seats, in order of acceptance."""
        found = [
            _seated_of(item)
            for item in self._query(
                SITTING_PREFIX,
                "#round = :round AND #status = :registered",
                {
                    ":round": {"S": family.exam_round.key},
                    ":registered": {"S": SittingStatus.REGISTERED.value},
                },
                names={"#round": "round", "#status": "status"},
            )
        ]
        members = [one for one in found if in_family(one.sitting, family)]
        return sorted(
            members, key=lambda one: (one.sitting.accepted_at, one.sitting.application_id)
        )

    def waiting(self, family: Family) -> list[SeatedSitting]:
        """The sittings of the family still without a seat for its part (status waiting)."""
        return [one for one in self.family_sittings(family) if family.part not in one.seats]

    # Plumbing

    def _seat_count(self, session: ExamSession, step: int) -> TransactWriteItemTypeDef:
        """The session's counter one up (if a seat is free) or one down (if one is taken).
        ``capacity`` is a reserved word, hence its name placeholder."""
        key = self._key(session_key(session.exam_round.key, session.session_id))
        if step > 0:
            return {
                "Update": {
                    "TableName": self._table,
                    "Key": key,
                    "UpdateExpression": "ADD seats :one",
                    "ConditionExpression": "attribute_exists(record_key) AND seats < #capacity",
                    "ExpressionAttributeNames": {"#capacity": "capacity"},
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            }
        return {
            "Update": {
                "TableName": self._table,
                "Key": key,
                "UpdateExpression": "ADD seats :minus",
                "ConditionExpression": "attribute_exists(record_key) AND seats > :zero",
                "ExpressionAttributeValues": {":minus": {"N": "-1"}, ":zero": {"N": "0"}},
            }
        }

    def _put_seat(
        self, session: ExamSession, sitting: Sitting, part: SessionPart, at: datetime
    ) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **self._key(seat_key(session.session_id, sitting.application_id)),
                    "item_type": {"S": "seat"},
                    "session_id": {"S": session.session_id},
                    "application_id": {"S": sitting.application_id},
                    "qualification_pseudonym_id": {"S": sitting.qualification_pseudonym_id},
                    "round": {"S": session.exam_round.key},
                    "part": {"S": part.value},
                    "seated_at": {"S": instant(at)},
                },
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }

    def _transact(
        self, writes: list[TransactWriteItemTypeDef], audit: Sequence[AuditEvent] = ()
    ) -> set[int] | None:
        """None when the transaction (``writes`` and ``audit``'s entries appended to their
        chain) went through; else the indexes of the writes whose condition failed.
        Conflicts with concurrent transactions are tried again."""
        for attempt in range(ATTEMPTS):
            try:
                self._write_audited(writes, audit)
            except ClientError as exc:
                codes = cancellation_codes(exc)
                if codes is None:
                    raise
                failed = {
                    i for i, code in enumerate(codes[: len(writes)]) if code == CONDITION_FAILED
                }
                if failed:
                    return failed
                if attempt + 1 < ATTEMPTS and CONFLICT in codes:
                    time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - jitter
                    continue
                raise
            return None
        raise AssertionError("unreachable")  # pragma: no cover

    def _session_item(self, session: ExamSession) -> dict[str, Any]:
        return {
            **self._key(session_key(session.exam_round.key, session.session_id)),
            "item_type": {"S": "exam_session"},
            "session_id": {"S": session.session_id},
            "round": {"S": session.exam_round.key},
            "family": {"S": session.family.key},
            "exam_date": {"S": session.exam_date.isoformat()},
            "session": {"S": _session_json(session)},
            "capacity": {"N": str(session.capacity)},
            "seats": {"N": str(session.seats)},
            "version": {"N": str(session.version)},
        }

    def _own(self, session: ExamSession) -> None:
        if session.prefecture_code != self.prefecture_code:
            raise ValueError("the session belongs to another prefecture")

    def _own_sitting(self, sitting: Sitting) -> None:
        if sitting.prefecture_code != self.prefecture_code:
            raise ValueError("the sitting belongs to another prefecture")


def _sitting_key(sitting: Sitting) -> str:
    return sitting_key(sitting.qualification_pseudonym_id, sitting.application_id)


def _session_json(session: ExamSession) -> str:
    return session.model_dump_json(exclude={"seats"})


def _session_of(item: dict[str, Any]) -> ExamSession:
    """The stored JSON with the live counter and capacity merged in."""
    session = ExamSession.model_validate_json(item["session"]["S"])
    return session.model_copy(
        update={"seats": int(item["seats"]["N"]), "capacity": int(item["capacity"]["N"])}
    )


def _seated_of(item: dict[str, Any]) -> SeatedSitting:
    seats = {
        part: item[seat_attribute(part)]["S"]
        for part in SessionPart
        if seat_attribute(part) in item
    }
    return SeatedSitting(Sitting.model_validate_json(item["sitting"]["S"]), seats)
