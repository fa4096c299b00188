"""The least each record kind must be kept (最低保存期間), in code, beside the schedule's data.

The schedule (``schedule.json``) is data a prefecture's records officer maintains; this table
is what no entry of it, the default or a prefecture's, may go below, and it changes only with
a reviewed code change. Each minimum says why. Validation (:mod:`kentei.retention.schedule`)
refuses a schedule whose period for a kind is not :func:`~kentei.retention.periods.at_least`
its minimum, so a shorter period fails ``make lint`` and the build.

``prefectural`` says whether a prefecture may set its own period for the kind: a kind that
is the deployment's (one bucket lifecycle, one table TTL, one log retention) or the issuer's
has one period for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kentei.retention.kinds import Counting, RecordKind
from kentei.retention.periods import PERMANENT, Period, Permanent


@dataclass(frozen=True)
class Minimum:
    period: Period | Permanent
    counting: Counting
    prefectural: bool
    why: str


_YEARS_5: Final = Period(years=5)
_FY: Final = Counting.FISCAL_YEAR
_K = RecordKind

MINIMUMS: Final[Mapping[RecordKind, Minimum]] = {
    _K.INBOX_SUBMISSION: Minimum(
        Period(days=14),
        Counting.ELAPSED,
        prefectural=False,
        why="a submission verify could not finish waits in the verify DLQ (14 days) for a "
        "redrive, which must still find it",
    ),
    _K.APPLICATION: Minimum(
        _YEARS_5,
        _FY,
        True,
        "申請書 and the examination of an application (許認可等の審査): 5-year class",
    ),
    _K.INITIAL_REGISTRATION: Minimum(
        _YEARS_5, _FY, True, "a request decided on a person's qualification: 5-year class"
    ),
    _K.VAULT_ENTRY: Minimum(
        Period(years=1),
        _FY,
        False,
        "番号法: the My Number only while a record of the person needs it; the entry "
        "outlives the examinee it serves (kept_while), at least the year of its last use",
    ),
    _K.PSEUDONYM_LINK: Minimum(
        Period(years=1), _FY, False, "notices reach the person only through it"
    ),
    _K.EXAMINEE: Minimum(
        _YEARS_5,
        _FY,
        True,
        "受検者の記録: as long as the applications and sittings it stands behind",
    ),
    _K.EXAMINEE_HISTORY: Minimum(
        _YEARS_5, _FY, True, "who changed a person's items, and when: as the examinee"
    ),
    _K.CHANGE_PROPOSAL: Minimum(
        _YEARS_5, _FY, True, "a decision on a person's items (訂正): 5-year class"
    ),
    _K.PERSON_REQUEST: Minimum(
        _YEARS_5, _FY, True, "a request under the personal information act and its decision"
    ),
    _K.DISCLOSURE_COPY: Minimum(
        Period(days=14),
        Counting.ELAPSED,
        prefectural=False,
        why="the office picks the sealed copy up and sends it with the passphrase in a "
        "separate letter; two weeks cover a re-send of a letter that came back",
    ),
    _K.SITTING: Minimum(_YEARS_5, _FY, True, "受検の記録 (exemptions, fees): 5-year class"),
    _K.EXAM_SESSION: Minimum(
        Period(years=1), _FY, True, "the round's sessions and seats: 1-year class"
    ),
    _K.EXAM_TICKET: Minimum(
        Period(years=1), _FY, True, "受検票 as issued: until the round is closed"
    ),
    _K.NUMBER_CLAIM: Minimum(
        PERMANENT, Counting.CALENDAR, False, "a number is never given twice nor reused"
    ),
    _K.RESULT: Minimum(
        _YEARS_5,
        _FY,
        True,
        "採点結果 and 合否判定: the basis of a pass, asked for in disclosure (開示)",
    ),
    _K.RESULT_IMPORT: Minimum(
        _YEARS_5, _FY, True, "the scores' source (which import brought each score)"
    ),
    _K.RESULT_FILE: Minimum(
        Period(days=30),
        Counting.ELAPSED,
        prefectural=False,
        why="a file is checked and committed within days; its report decided on within 30",
    ),
    _K.PASS: Minimum(
        PERMANENT,
        Counting.CALENDAR,
        False,
        "合格者: the qualification (技能士) lasts for life; exemptions and 合格証明書 rest on it",
    ),
    _K.CERTIFICATE: Minimum(
        PERMANENT,
        Counting.CALENDAR,
        False,
        "合格証書 交付台帳: a certificate's status is verifiable for good",
    ),
    _K.NOTICE: Minimum(Period(years=3), _FY, True, "通知の記録: that and when a notice went"),
    _K.NATIONAL_SYNC: Minimum(Period(years=1), _FY, True, "reconciliation starts from the marks"),
    _K.NATIONAL_CONFLICT: Minimum(
        _YEARS_5, _FY, True, "a decision on a person's items: as a change proposal"
    ),
    _K.DELETION_RECORD: Minimum(
        PERMANENT,
        Counting.CALENDAR,
        False,
        "廃棄の記録: the proof that nothing was deleted before its time (P8)",
    ),
    _K.LEGAL_HOLD: Minimum(
        PERMANENT,
        Counting.CALENDAR,
        False,
        "a hold and its lifting explain why a record outlived its period (P8)",
    ),
    _K.AUDIT_ENTRY: Minimum(
        _YEARS_5,
        _FY,
        True,
        "P6: access to specific personal information, searchable for the set period",
    ),
    _K.IDEMPOTENCY_RECORD: Minimum(
        Period(days=1),
        Counting.ELAPSED,
        prefectural=False,
        why="a bridge's retry within a day gets the stored answer",
    ),
    _K.SIGN_IN_EVENT: Minimum(Period(years=1), _FY, True, "P5: the periodic review of sign-ins"),
    _K.STAFF_ACCOUNT: Minimum(
        Period(years=1), _FY, False, "who held an account, for the audit trail's actors"
    ),
    _K.JOB_RUN: Minimum(Period(years=1), _FY, False, "what a run did, for its next run"),
    _K.HEARTBEAT: Minimum(
        Period(days=30), Counting.ELAPSED, False, "a month of liveness to compare against"
    ),
    _K.ISSUER_RECORD: Minimum(
        PERMANENT, Counting.CALENDAR, False, "a certificate's status list and keys, for good"
    ),
    _K.SYSTEM_CONFIGURATION: Minimum(
        PERMANENT, Counting.CALENDAR, False, "replaced, never expired"
    ),
    _K.LOG: Minimum(
        Period(days=365),
        Counting.ELAPSED,
        prefectural=False,
        why="an incident reported late is investigated in the logs (a year)",
    ),
}
"""Every kind's minimum (a test fails for a kind without one)."""
