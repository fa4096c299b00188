"""Incident tracing (P9, インシデント対応): given one subject, the persons (資格仮名ID) and
records it touched in the auditor's prefecture, from the audit trail and the records, with
counts; a CSV export, and the skeleton of the incident report's seven steps.

Subjects (exactly one per trace):

- a staff user over a window of at most :data:`MAX_USER_WINDOW_DAYS` days: the trail's
  entries by that user;
- an application: the entries about it, its notices and its scores;
- a result import: the entries about it (and a historical import's entries, written under
  its id), and every score it wrote (from the scores' history);
- a notice batch (a results group's notices): each notice record and post-list entry, and
  the entries about the group;
- a certificate signing key (its ``kid``, e.g. after a suspected compromise): every
  certificate of the prefecture whose documents it signed, with its person; a certificate
  recorded before the kid was kept (none of this system's own) is listed too, as signed by a
  key unknown: the scope errs on the side of the persons to contact.

A download of a results group's post list (names and addresses) reached every person on
it then: each is listed (``listed``) with the download's user and instant. Other lists (the
review list's summaries, seats, exam numbers) name no one and stay one record each.

A person is counted when a record of theirs was reached: an access refused (403, 404) is
listed with its outcome but touched no one. An entry without a 資格仮名ID about an
application takes the application's, read from the records. Only the caller's prefecture is
read (an auditor never sees a national view); every trace, export and report is itself
written to the trail before it is answered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final

from intake.access import staff_prefecture
from intake.audit_search import EARLIEST, LATEST, text_cell
from intake.dependencies import Dependencies, dependencies
from intake.errors import InvalidRequestError, NotFoundError
from intake.incident_views import (
    IncidentReport,
    IncidentTrace,
    PrefectureCount,
    RecordSource,
    ReportStep,
    ResponseStep,
    SubjectKind,
    TraceCounts,
    TracedPerson,
    TracedRecord,
    TraceSubject,
)
from kentei.applications.model import ID_PATTERN
from kentei.callers import Caller
from kentei.data.audit import MAX_SEARCH_DAYS, AuditAction, AuditEvent, AuditOutcome, AuditQuery
from kentei.data.results import slot
from kentei.field_errors import FieldError
from kentei.notice_records import NoticeRecord, PostListEntry

MAX_USER_WINDOW_DAYS: Final = 31
"""The longest window a user's trace covers."""
MAX_TRACE_RECORDS: Final = 10_000
"""The most records one trace holds; a wider one is refused (narrow the window)."""
_PAGE: Final = 500
_SUBJECT_FIELDS: Final = (
    "query.user",
    "query.application",
    "query.import",
    "query.group",
    "query.key",
)
CSV_COLUMNS: Final = (
    "at",
    "source",
    "prefecture_code",
    "record_type",
    "record_id",
    "action",
    "outcome",
    "person_id",
    "user_id",
    "actor",
    "request_id",
)
STEP_TITLES: Final = {
    ResponseStep.REPORT: "報告",
    ResponseStep.INVESTIGATE: "調査",
    ResponseStep.SCOPE: "影響範囲の特定",
    ResponseStep.PREVENT: "再発防止",
    ResponseStep.CONTACT: "本人への通知",
    ResponseStep.PUBLISH: "公表",
    ResponseStep.REPORT_TO_COMMISSION: "個人情報保護委員会への報告",
}


@dataclass(frozen=True)
class TraceRequest:
    """What the caller asked to trace: exactly one subject, and a window (a user's needs
    one; for the others it narrows the record's life, the default)."""

    user_id: str | None = None
    application_id: str | None = None
    import_id: str | None = None
    group_key: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    signing_kid: str | None = None

    def subject(self) -> TraceSubject:
        given = [
            (kind, value)
            for kind, value in (
                (SubjectKind.USER, self.user_id),
                (SubjectKind.APPLICATION, self.application_id),
                (SubjectKind.IMPORT, self.import_id),
                (SubjectKind.NOTICE_BATCH, self.group_key),
                (SubjectKind.SIGNING_KEY, self.signing_kid),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise InvalidRequestError(
                "a trace takes exactly one subject: a user, an application, an import, a "
                "notice batch (group) or a signing key",
                [FieldError(field=name, problem="give exactly one") for name in _SUBJECT_FIELDS],
            )
        kind, value = given[0]
        return TraceSubject(kind=kind, id=value)


def trace_incident(
    auditor: Caller, request: TraceRequest, request_id: str, *, deps: Dependencies | None = None
) -> IncidentTrace:
    """The trace of ``request``'s subject; audited before it is answered."""
    deps = deps or dependencies()
    found = _trace(auditor, request, deps)
    deps.audit.record(_traced(auditor, AuditAction.INCIDENT_TRACED, found, request_id, deps))
    return found


def export_incident(
    auditor: Caller, request: TraceRequest, request_id: str, *, deps: Dependencies | None = None
) -> str:
    """The trace's records as CSV (UTF-8, a header row), newest first; audited."""
    deps = deps or dependencies()
    found = _trace(auditor, request, deps)
    deps.audit.record(_traced(auditor, AuditAction.INCIDENT_EXPORTED, found, request_id, deps))
    return to_csv(found.records)


def report_incident(
    auditor: Caller, request: TraceRequest, request_id: str, *, deps: Dependencies | None = None
) -> IncidentReport:
    """The incident report's skeleton for the subject: the seven steps with what the trace
    establishes, and the persons to contact through the notice channel; audited."""
    deps = deps or dependencies()
    found = _trace(auditor, request, deps)
    deps.audit.record(_traced(auditor, AuditAction.INCIDENT_REPORTED, found, request_id, deps))
    return _report(auditor, found)


Touched = tuple[datetime, datetime, list[TracedRecord]]
"""A subject's window and what it touched there."""


def _trace(auditor: Caller, request: TraceRequest, deps: Dependencies) -> IncidentTrace:
    subject = request.subject()
    prefecture = staff_prefecture(auditor)
    now = deps.clock()
    since, until, records = _SUBJECTS[subject.kind](subject.id, request, prefecture, now, deps)
    records = _with_persons(deps, prefecture, _unique(records + _listed(deps, prefecture, records)))
    if len(records) > MAX_TRACE_RECORDS:
        raise _too_wide()
    records.sort(key=lambda r: (r.at, r.record_type, r.record_id, r.action), reverse=True)
    return IncidentTrace(
        prefecture_code=prefecture,
        subject=subject,
        since=since,
        until=until,
        traced_at=now,
        counts=_counts(records),
        persons=_persons(records),
        records=tuple(records),
    )


def _of_user(
    user_id: str, request: TraceRequest, prefecture: str, now: datetime, deps: Dependencies
) -> Touched:
    """The entries by the user in the window (this prefecture's trail only)."""
    del now
    since, until = _user_window(request)
    return since, until, _from_trail(deps, prefecture, since, until, user_id=user_id)


def _of_application(
    application_id: str, request: TraceRequest, prefecture: str, now: datetime, deps: Dependencies
) -> Touched:
    """The entries about the application since it was received, its notices and scores."""
    stored = deps.applications(prefecture).get(application_id)
    if stored is None:
        raise NotFoundError("no such application in your prefecture")
    since, until = _window(request, stored.application.received_at, now)
    records = _from_trail(deps, prefecture, since, until, record_id=application_id)
    records += _notices(prefecture, deps.notices(prefecture).of_application(application_id))
    records += [
        TracedRecord(
            at=score.recorded_at,
            source=RecordSource.RECORDS,
            prefecture_code=prefecture,
            record_type="score",
            record_id=f"{score.application_id}#{slot(score.entry)}",
            action="score.recorded",
            actor=score.recorded_by,
            request_id=score.source,
        )
        for score in deps.scores(prefecture).scores_of(application_id)
    ]
    return since, until, records


def _of_import(
    import_id: str, request: TraceRequest, prefecture: str, now: datetime, deps: Dependencies
) -> Touched:
    """The entries about the import (and those written under its id: a historical import's
    records), and every score it wrote."""
    found = deps.result_imports(prefecture).get(import_id)
    if found is None:
        raise NotFoundError("no such result import in your prefecture")
    since, until = _window(request, found.created_at, now)
    records = _from_trail(deps, prefecture, since, until, record_id=import_id)
    records += _from_trail(deps, prefecture, since, until, request_id=import_id)
    records += [
        TracedRecord(
            at=write.at,
            source=RecordSource.RECORDS,
            prefecture_code=prefecture,
            record_type="score",
            record_id=f"{write.application_id}#{write.score}",
            action="score.replaced" if write.replaced else "score.written",
            actor="sync",
            request_id=import_id,
        )
        for write in deps.incident_records(prefecture).scores_written_by(import_id)
    ]
    return since, until, records


def _of_notice_batch(
    group_key: str, request: TraceRequest, prefecture: str, now: datetime, deps: Dependencies
) -> Touched:
    """A results group's notice records, its post list, and the entries about the group."""
    notices = deps.incident_records(prefecture).notices_of_group(group_key)
    posted = deps.notices(prefecture).post_list(group_key)
    if not notices and not posted:
        raise NotFoundError("no notices of such a results group in your prefecture")
    first = min([n.created_at for n in notices] + [p.added_at for p in posted])
    since, until = _window(request, first, now)
    records = _from_trail(deps, prefecture, since, until, record_id=group_key[:64])
    records += _notices(prefecture, notices)
    records += [
        TracedRecord(
            at=entry.added_at,
            source=RecordSource.RECORDS,
            prefecture_code=prefecture,
            record_type="post_list_entry",
            record_id=entry.notice_id,
            action=f"notice.post_list.{entry.reason.value}",
            person_id=entry.qualification_pseudonym_id,
        )
        for entry in posted
    ]
    return since, until, records


def _of_signing_key(
    kid: str, request: TraceRequest, prefecture: str, now: datetime, deps: Dependencies
) -> Touched:
    """Every certificate of the prefecture the key signed (and those of a key unknown), issued
    in the window."""
    signed = [
        r for r in deps.certificates(prefecture).every_certificate() if r.signing_kid in (kid, None)
    ]
    if not any(r.signing_kid == kid for r in signed):
        raise NotFoundError("no certificate of your prefecture was signed with such a key")
    since, until = _window(request, min(r.issued_at for r in signed), now)
    records = [
        TracedRecord(
            at=r.issued_at,
            source=RecordSource.RECORDS,
            prefecture_code=prefecture,
            record_type="certificate",
            record_id=r.certificate_id,
            action="certificate.signed" if r.signing_kid else "certificate.signed_key_unknown",
            person_id=r.qualification_pseudonym_id,
            actor=r.issued_by,
        )
        for r in signed
        if since <= r.issued_at <= until
    ]
    return since, until, records


_SUBJECTS: Final[
    dict[SubjectKind, Callable[[str, TraceRequest, str, datetime, Dependencies], Touched]]
] = {
    SubjectKind.USER: _of_user,
    SubjectKind.APPLICATION: _of_application,
    SubjectKind.IMPORT: _of_import,
    SubjectKind.NOTICE_BATCH: _of_notice_batch,
    SubjectKind.SIGNING_KEY: _of_signing_key,
}


def _user_window(request: TraceRequest) -> tuple[datetime, datetime]:
    if request.since is None or request.until is None:
        raise InvalidRequestError(
            "a user's trace needs its window: from and to",
            [
                FieldError(field=name, problem="required with user")
                for name, value in (("query.from", request.since), ("query.to", request.until))
                if value is None
            ],
        )
    since, until = _checked(request.since, request.until)
    if until - since > timedelta(days=MAX_USER_WINDOW_DAYS):
        raise InvalidRequestError(
            f"a user's trace covers at most {MAX_USER_WINDOW_DAYS} days",
            [FieldError(field="query.from", problem="too wide a window for a user's trace")],
        )
    return since, until


def _window(request: TraceRequest, start: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The record's life (from ``start`` to now), or the narrower window asked for."""
    return _checked(request.since or start, request.until or now)


def _checked(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    for name, given in (("query.from", since), ("query.to", until)):
        if not EARLIEST <= given <= LATEST:
            raise InvalidRequestError(
                "the window lies outside the years the trail can hold",
                [FieldError(field=name, problem="must fall between 2000 and 2100")],
            )
    if since > until:
        raise InvalidRequestError(
            "the window runs forwards", [FieldError(field="query.from", problem="after to")]
        )
    return since.astimezone(UTC), until.astimezone(UTC)


def _from_trail(
    deps: Dependencies,
    prefecture: str,
    since: datetime,
    until: datetime,
    *,
    user_id: str | None = None,
    record_id: str | None = None,
    request_id: str | None = None,
) -> list[TracedRecord]:
    """Every entry of the prefecture's trail in the window matching the filter: the window
    walked in spans the trail's search takes (at most its :data:`MAX_SEARCH_DAYS` days)."""
    records: list[TracedRecord] = []
    end = until
    while end >= since:
        first_day = end.date() - timedelta(days=MAX_SEARCH_DAYS - 1)
        start = max(since, datetime.combine(first_day, time.min, UTC))
        query = AuditQuery(
            prefecture_code=prefecture,
            since=start,
            until=end,
            user_id=user_id,
            record_id=record_id,
            request_id=request_id,
            limit=_PAGE,
        )
        cursor: str | None = None
        while True:
            page = deps.audit.search(query, cursor)
            records.extend(_of_entry(event) for event in page.items)
            if len(records) > MAX_TRACE_RECORDS:
                raise _too_wide()
            cursor = page.next_cursor
            if cursor is None:
                break
        end = start - timedelta(microseconds=1)
    return records


def _of_entry(event: AuditEvent) -> TracedRecord:
    return TracedRecord(
        at=event.at,
        source=RecordSource.AUDIT,
        prefecture_code=event.prefecture_code,
        record_type=event.record_type,
        record_id=event.record_id,
        action=event.action.value,
        outcome=event.outcome.value,
        person_id=event.person_id,
        user_id=event.user_id,
        actor=event.actor,
        request_id=event.request_id,
    )


def _notices(prefecture: str, notices: Iterable[NoticeRecord]) -> list[TracedRecord]:
    return [
        TracedRecord(
            at=notice.updated_at,
            source=RecordSource.RECORDS,
            prefecture_code=prefecture,
            record_type="notice",
            record_id=notice.notice_id,
            action=f"notice.{notice.channel.value}.{notice.outcome.value}",
            person_id=notice.qualification_pseudonym_id,
            actor="certify",
            request_id=notice.application_id,
        )
        for notice in notices
    ]


def _listed(
    deps: Dependencies, prefecture: str, records: Sequence[TracedRecord]
) -> list[TracedRecord]:
    """The persons a list's download reached, one record each: a post list (names and
    addresses) holds the group's entries added before the download."""
    downloads = [
        r
        for r in records
        if r.source is RecordSource.AUDIT
        and r.action == AuditAction.POST_LIST_DOWNLOADED.value
        and r.reached
    ]
    listed: list[TracedRecord] = []
    lists: dict[str, list[PostListEntry]] = {}
    for download in downloads:
        if download.record_id not in lists:
            lists[download.record_id] = deps.notices(prefecture).post_list(download.record_id)
        listed.extend(
            download.model_copy(
                update={
                    "source": RecordSource.LISTED,
                    "record_type": "post_list_entry",
                    "record_id": entry.notice_id,
                    "person_id": entry.qualification_pseudonym_id,
                }
            )
            for entry in lists[download.record_id]
            if entry.added_at <= download.at
        )
    return listed


def _unique(records: Sequence[TracedRecord]) -> list[TracedRecord]:
    """Each record once (an entry found by its record id and by its request id)."""
    seen: set[tuple[str, ...]] = set()
    kept: list[TracedRecord] = []
    for record in records:
        key = (
            record.source.value,
            record.at.isoformat(),
            record.record_type,
            record.record_id,
            record.action,
            record.outcome or "",
            record.actor or "",
            record.request_id or "",
        )
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def _with_persons(
    deps: Dependencies, prefecture: str, records: list[TracedRecord]
) -> list[TracedRecord]:
    """Each record about an application that names no person takes the application's
    資格仮名ID from the records (one batch read)."""
    ids = {_application_of(r) for r in records if r.person_id is None} - {None}
    if not ids:
        return records
    persons = deps.incident_records(prefecture).persons_of(i for i in ids if i is not None)
    return [
        r
        if r.person_id is not None or _application_of(r) not in persons
        else r.model_copy(update={"person_id": persons[_application_of(r) or ""]})
        for r in records
    ]


def _application_of(record: TracedRecord) -> str | None:
    """The application a record is about: its id, or a score's or notice's application."""
    candidate = record.record_id.split("#", 1)[0]
    if record.record_type == "notice" and record.request_id is not None:
        candidate = record.request_id
    return candidate if ID_PATTERN.fullmatch(candidate) else None


def _counts(records: Sequence[TracedRecord]) -> TraceCounts:
    by: dict[str, dict[str, int]] = {"action": {}, "record_type": {}, "outcome": {}}
    prefectures: dict[str, tuple[int, set[str]]] = {}
    for record in records:
        for name, key in (
            ("action", record.action),
            ("record_type", record.record_type),
            ("outcome", record.outcome or "recorded"),
        ):
            by[name][key] = by[name].get(key, 0) + 1
        count, people = prefectures.get(record.prefecture_code, (0, set()))
        if record.reached and record.person_id is not None:
            people.add(record.person_id)
        prefectures[record.prefecture_code] = (count + 1, people)
    return TraceCounts(
        persons=len({r.person_id for r in records if r.reached and r.person_id is not None}),
        records=len(records),
        refused=sum(not r.reached for r in records),
        by_prefecture=tuple(
            PrefectureCount(prefecture_code=code, records=count, persons=len(people))
            for code, (count, people) in sorted(prefectures.items())
        ),
        by_action=dict(sorted(by["action"].items())),
        by_record_type=dict(sorted(by["record_type"].items())),
        by_outcome=dict(sorted(by["outcome"].items())),
    )


def _persons(records: Sequence[TracedRecord]) -> tuple[TracedPerson, ...]:
    seen: dict[tuple[str, str], list[datetime]] = {}
    for record in records:
        if record.reached and record.person_id is not None:
            seen.setdefault((record.person_id, record.prefecture_code), []).append(record.at)
    return tuple(
        TracedPerson(
            person_id=person,
            prefecture_code=prefecture,
            records=len(times),
            first_at=min(times),
            last_at=max(times),
        )
        for (person, prefecture), times in sorted(seen.items())
    )


def _report(auditor: Caller, found: IncidentTrace) -> IncidentReport:
    counts = found.counts
    subject = f"{found.subject.kind.value}:{found.subject.id}"
    facts: dict[ResponseStep, dict[str, str | int]] = {
        ResponseStep.REPORT: {"prefecture_code": found.prefecture_code, "subject": subject},
        ResponseStep.INVESTIGATE: {
            "since": found.since.isoformat(),
            "until": found.until.isoformat(),
            "records": counts.records,
            "refused": counts.refused,
            **{f"action:{k}": v for k, v in counts.by_action.items()},
        },
        ResponseStep.SCOPE: {
            "persons": counts.persons,
            **{f"prefecture:{p.prefecture_code}": p.persons for p in counts.by_prefecture},
            **{f"record_type:{k}": v for k, v in counts.by_record_type.items()},
        },
        ResponseStep.PREVENT: {},
        ResponseStep.CONTACT: {"persons": counts.persons, "channel": "notice"},
        ResponseStep.PUBLISH: {},
        ResponseStep.REPORT_TO_COMMISSION: {
            "persons": counts.persons,
            "records": counts.records,
            "prefecture_code": found.prefecture_code,
        },
    }
    to_complete: dict[ResponseStep, tuple[str, ...]] = {
        ResponseStep.REPORT: ("discovered_at", "discovered_by", "summary"),
        ResponseStep.INVESTIGATE: ("cause", "findings"),
        ResponseStep.SCOPE: ("data_items_affected",),
        ResponseStep.PREVENT: ("measures", "responsible"),
        ResponseStep.CONTACT: ("notice_text", "sent_at"),
        ResponseStep.PUBLISH: ("decision", "published_at"),
        ResponseStep.REPORT_TO_COMMISSION: ("preliminary_report_at", "final_report_at"),
    }
    return IncidentReport(
        prefecture_code=found.prefecture_code,
        subject=found.subject,
        since=found.since,
        until=found.until,
        drawn_up_at=found.traced_at,
        drawn_up_by=auditor.user_id or auditor.id,
        counts=counts,
        steps=tuple(
            ReportStep(
                number=number,
                step=step,
                title=STEP_TITLES[step],
                facts=facts[step],
                to_complete=to_complete[step],
            )
            for number, step in enumerate(ResponseStep, start=1)
        ),
        persons_to_contact=tuple(p.person_id for p in found.persons),
    )


def to_csv(records: Iterable[TracedRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = record.model_dump(mode="json")
        writer.writerow([text_cell(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _too_wide() -> InvalidRequestError:
    return InvalidRequestError(
        f"the trace would exceed {MAX_TRACE_RECORDS} records; narrow the window",
        [FieldError(field="query.from", problem="too wide for one trace")],
    )


def _traced(
    auditor: Caller,
    action: AuditAction,
    found: IncidentTrace,
    request_id: str,
    deps: Dependencies,
) -> AuditEvent:
    return AuditEvent.by(
        auditor,
        action,
        record_type="incident",
        record_id=found.subject.id[:64],
        prefecture_code=found.prefecture_code,
        request_id=request_id,
        at=deps.clock(),
        outcome=AuditOutcome.ALLOWED,
    )
