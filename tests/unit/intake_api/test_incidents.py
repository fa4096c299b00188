"""Incident tracing over fakes: a user's window, an application, a result import and a notice
batch each list exactly the persons (資格仮名ID) and records they touched in the auditor's
prefecture, with counts; the CSV export and the report's seven steps; exactly one subject;
every trace audited; the routes' refusals (401, 403, 404, 422)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from tests.unit.review.factory import application

from intake.errors import InvalidRequestError, NotFoundError
from intake.incident_views import ResponseStep, SubjectKind
from intake.incidents import (
    CSV_COLUMNS,
    TraceRequest,
    export_incident,
    report_incident,
    trace_incident,
)
from intake.routes import incidents as incident_routes
from kentei.applications.model import Status
from kentei.callers import Caller, CallerKind, Role
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.certificates import CertificateKind, CertificateRecord
from kentei.data.results import StoredScore
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    PostReason,
    RecordedKind,
    notice_id,
)
from kentei.results.decision import ScoreEntry
from kentei.results.imports.record import ImportStatus, ResultImport, new_import_id
from kentei.roster.parts import ExamRound, Part
from kentei.signing.keyring import KID_PATTERN

from .events import event, invoke
from .fakes import Fakes

NOW = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
DAY = datetime(2026, 7, 1, tzinfo=UTC)
AUDITOR = Caller(
    CallerKind.STAFF, prefecture_code="13", user_id="aud1", roles=frozenset({Role.AUDITOR})
)
GROUP = "2026-前期#0101#010101#2級"


def _fakes() -> Fakes:
    fakes = Fakes()
    fakes.clock.now = NOW
    fakes.dependencies()
    return fakes


def _applied(fakes: Fakes, person: str, prefecture: str = "13") -> str:
    made = application(status=Status.UNDER_REVIEW, prefecture_code=prefecture)
    made = made.model_copy(update={"qualification_pseudonym_id": person})
    fakes.records.applications[made.application_id] = StoredApplication(made, 1, "fp")
    return made.application_id


def _entry(
    record_id: str,
    *,
    user: str = "rev1",
    at: datetime = DAY + timedelta(hours=3),
    person: str | None = None,
    prefecture: str = "13",
    action: AuditAction = AuditAction.APPLICATION_OPENED,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    request_id: str = "req-1",
) -> AuditEvent:
    return AuditEvent(
        actor=f"staff:{prefecture}:{user}",
        action=action,
        record_type="application",
        record_id=record_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        outcome=outcome,
        user_id=user,
        actor_prefecture=prefecture,
        person_id=person,
    )


def _one_day(user: str = "rev1") -> TraceRequest:
    return TraceRequest(user_id=user, since=DAY, until=DAY + timedelta(days=1))


def test_given_a_users_day_when_traced_then_exactly_the_persons_they_opened_are_listed() -> None:
    fakes = _fakes()
    opened = [_applied(fakes, f"person-{n:04d}-abcdef") for n in range(3)]
    others = _applied(fakes, "person-9000-abcdef")
    trail = fakes.records.audit
    trail.extend(_entry(a, person=f"person-{n:04d}-abcdef") for n, a in enumerate(opened))
    trail.append(_entry(others, user="rev2", person="person-9000-abcdef"))
    trail.append(_entry(others, at=DAY - timedelta(hours=1), person="person-9000-abcdef"))
    trail.append(_entry("27-X", prefecture="27", person="person-9001-abcdef"))
    trail.append(_entry("13-unknown", outcome=AuditOutcome.NOT_FOUND))

    found = trace_incident(AUDITOR, _one_day(), "req-t", deps=fakes.dependencies())

    assert [p.person_id for p in found.persons] == [f"person-{n:04d}-abcdef" for n in range(3)]
    assert (found.counts.persons, found.counts.records, found.counts.refused) == (3, 4, 1)
    assert [(c.prefecture_code, c.records, c.persons) for c in found.counts.by_prefecture] == [
        ("13", 4, 3)
    ]
    assert found.counts.by_outcome == {"allowed": 3, "not_found": 1}
    assert {r.user_id for r in found.records} == {"rev1"}
    (traced,) = fakes.audit.events
    assert (traced.action, traced.record_id, traced.outcome) == (
        AuditAction.INCIDENT_TRACED,
        "rev1",
        AuditOutcome.ALLOWED,
    )


def test_given_an_entry_without_a_person_when_traced_then_the_applications_person_is_read() -> None:
    fakes = _fakes()
    opened = _applied(fakes, "person-0042-abcdef")
    fakes.records.audit.append(_entry(opened, person=None))

    found = trace_incident(AUDITOR, _one_day(), "req-t", deps=fakes.dependencies())

    assert [p.person_id for p in found.persons] == ["person-0042-abcdef"]
    assert found.records[0].person_id == "person-0042-abcdef"


def test_given_a_post_list_download_when_its_user_is_traced_then_each_person_on_it_is_listed() -> (
    None
):
    fakes = _fakes()
    download_at = DAY + timedelta(hours=5)
    people = {"person-0001-posted": DAY, "person-0002-posted": download_at + timedelta(hours=1)}
    fakes.notices.post[GROUP] = [
        PostListEntry(
            group_key=GROUP,
            application_id=f"13-{n:026d}",
            qualification_pseudonym_id=person,
            notice_id=notice_id(RecordedKind.PASS, f"13-{n:026d}"),
            kind=RecordedKind.PASS,
            reason=PostReason.NO_ONLINE_CHANNEL,
            added_at=added,
        )
        for n, (person, added) in enumerate(people.items())
    ]
    fakes.records.audit.append(
        _entry(GROUP, user="cert1", at=download_at, action=AuditAction.POST_LIST_DOWNLOADED)
    )

    found = trace_incident(AUDITOR, _one_day("cert1"), "req-t", deps=fakes.dependencies())

    assert [p.person_id for p in found.persons] == ["person-0001-posted"]
    listed = [r for r in found.records if r.source == "listed"]
    assert [(r.user_id, r.at, r.record_type) for r in listed] == [
        ("cert1", download_at, "post_list_entry")
    ]


@pytest.mark.parametrize(
    ("asked", "fields"),
    [
        (
            TraceRequest(),
            {"query.user", "query.application", "query.import", "query.group", "query.key"},
        ),
        (
            TraceRequest(user_id="rev1", application_id="13-X", since=DAY, until=DAY),
            {"query.user", "query.application", "query.import", "query.group", "query.key"},
        ),
        (TraceRequest(user_id="rev1", since=DAY), {"query.to"}),
        (TraceRequest(user_id="rev1", since=DAY, until=DAY + timedelta(days=32)), {"query.from"}),
        (TraceRequest(user_id="rev1", since=DAY, until=DAY - timedelta(days=1)), {"query.from"}),
    ],
)
def test_given_not_exactly_one_subject_or_a_bad_window_when_traced_then_it_is_refused(
    asked: TraceRequest, fields: set[str]
) -> None:
    fakes = _fakes()
    with pytest.raises(InvalidRequestError) as refused:
        trace_incident(AUDITOR, asked, "req-t", deps=fakes.dependencies())
    assert {e.field for e in refused.value.errors} == fields
    assert fakes.audit.events == []


def test_given_an_application_when_traced_then_its_accesses_notices_and_scores_are_listed() -> None:
    fakes = _fakes()
    person = "person-0007-abcdef"
    traced = _applied(fakes, person)
    other = _applied(fakes, "person-0008-abcdef")
    fakes.records.audit.extend(
        [_entry(traced, user="rev1"), _entry(traced, user="rev2"), _entry(other, user="rev1")]
    )
    fakes.notices.records[traced] = [_notice(traced, person)]
    fakes.records.put_scores(
        [_score(traced, "13-RI-01JZ0000000000000000000000"), _score(other, "13-RI-other")]
    )

    found = trace_incident(
        AUDITOR, TraceRequest(application_id=traced), "req-t", deps=fakes.dependencies()
    )

    assert found.subject.kind is SubjectKind.APPLICATION
    assert [p.person_id for p in found.persons] == [person]
    assert sorted((r.record_type, r.user_id or "-") for r in found.records) == [
        ("application", "rev1"),
        ("application", "rev2"),
        ("notice", "-"),
        ("score", "-"),
    ]


def test_given_another_prefectures_application_when_traced_then_it_is_not_found() -> None:
    fakes = _fakes()
    osaka = _applied(fakes, "person-0027-abcdef", prefecture="27")
    with pytest.raises(NotFoundError):
        trace_incident(
            AUDITOR, TraceRequest(application_id=osaka), "req-t", deps=fakes.dependencies()
        )


def test_given_a_result_import_when_traced_then_every_person_it_wrote_a_score_for_is_listed() -> (
    None
):
    fakes = _fakes()
    import_id = new_import_id("13", DAY)
    fakes.result_imports.records[import_id] = ResultImport(
        import_id=import_id,
        prefecture_code="13",
        source="association",
        exam_round=ExamRound(fiscal_year=2026, term="前期"),
        status=ImportStatus.COMMITTED,
        created_by="res1",
        created_at=DAY,
        updated_at=DAY,
    )
    written = [_applied(fakes, f"person-{n:04d}-scored") for n in range(2)]
    untouched = _applied(fakes, "person-0099-scored")
    fakes.records.put_scores(
        [*(_score(a, import_id) for a in written), _score(untouched, "correction-1")]
    )
    commit = _entry(import_id, user="res1", action=AuditAction.RESULT_IMPORT_COMMIT_REQUESTED)
    fakes.records.audit.extend([commit, _entry("0001234", user="sync", request_id=import_id)])

    found = trace_incident(
        AUDITOR, TraceRequest(import_id=import_id), "req-t", deps=fakes.dependencies()
    )

    assert [p.person_id for p in found.persons] == ["person-0000-scored", "person-0001-scored"]
    assert found.counts.by_record_type == {"application": 2, "score": 2}
    assert found.counts.by_action["score.written"] == 2


def test_given_an_unknown_import_when_traced_then_it_is_not_found() -> None:
    fakes = _fakes()
    with pytest.raises(NotFoundError):
        trace_incident(
            AUDITOR,
            TraceRequest(import_id=new_import_id("13", DAY)),
            "req-t",
            deps=fakes.dependencies(),
        )


def test_given_a_notice_batch_when_traced_then_its_notices_post_list_and_readers_are_listed() -> (
    None
):
    fakes = _fakes()
    people = [f"person-{n:04d}-noticed" for n in range(3)]
    applied = [_applied(fakes, p) for p in people]
    for application_id, person in zip(applied, people, strict=True):
        fakes.notices.records[application_id] = [_notice(application_id, person)]
    posted = PostListEntry(
        group_key=GROUP,
        application_id=applied[2],
        qualification_pseudonym_id=people[2],
        notice_id=notice_id(RecordedKind.PASS, applied[2]),
        kind=RecordedKind.PASS,
        reason=PostReason.NO_ONLINE_CHANNEL,
        added_at=DAY,
    )
    fakes.notices.post[GROUP] = [posted]
    elsewhere = _applied(fakes, "person-0100-noticed")
    fakes.notices.records[elsewhere] = [_notice(elsewhere, "person-0100-noticed", "other#g")]
    fakes.records.audit.append(
        _entry(GROUP[:64], user="cert1", action=AuditAction.POST_LIST_DOWNLOADED)
    )

    found = trace_incident(
        AUDITOR, TraceRequest(group_key=GROUP), "req-t", deps=fakes.dependencies()
    )

    assert [p.person_id for p in found.persons] == people
    assert found.counts.by_record_type == {"application": 1, "notice": 3, "post_list_entry": 2}
    assert sorted(r.source for r in found.records if r.record_type == "post_list_entry") == [
        "listed",
        "records",
    ]


def test_given_a_group_without_notices_when_traced_then_it_is_not_found() -> None:
    fakes = _fakes()
    with pytest.raises(NotFoundError):
        trace_incident(AUDITOR, TraceRequest(group_key=GROUP), "req-t", deps=fakes.dependencies())


def test_given_a_trace_when_exported_then_each_record_is_a_row_and_the_export_is_audited() -> None:
    fakes = _fakes()
    opened = _applied(fakes, "person-0001-abcdef")
    fakes.records.audit.append(_entry(opened, person="person-0001-abcdef", request_id="=cmd"))

    text = export_incident(AUDITOR, _one_day(), "req-e", deps=fakes.dependencies())

    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 2
    row = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert (row["person_id"], row["request_id"]) == ("person-0001-abcdef", "'=cmd")
    assert [e.action for e in fakes.audit.events] == [AuditAction.INCIDENT_EXPORTED]


def test_given_a_trace_when_reported_then_the_seven_steps_carry_its_counts_and_persons() -> None:
    fakes = _fakes()
    opened = [_applied(fakes, f"person-{n:04d}-abcdef") for n in range(2)]
    fakes.records.audit.extend(
        _entry(a, person=f"person-{n:04d}-abcdef") for n, a in enumerate(opened)
    )

    report = report_incident(AUDITOR, _one_day(), "req-r", deps=fakes.dependencies())

    assert [s.step for s in report.steps] == list(ResponseStep)
    assert [s.number for s in report.steps] == list(range(1, 8))
    scope = report.steps[2]
    assert (scope.facts["persons"], scope.facts["prefecture:13"]) == (2, 2)
    assert report.persons_to_contact == ("person-0000-abcdef", "person-0001-abcdef")
    assert report.drawn_up_by == "aud1"
    assert [e.action for e in fakes.audit.events] == [AuditAction.INCIDENT_REPORTED]


def _query(**params: str) -> str:
    return "/v1/incidents/trace?" + urlencode(params)


def test_given_the_route_when_an_auditor_asks_then_the_trace_is_answered(fakes: Fakes) -> None:
    fakes.records.audit.append(_entry("13-record", at=fakes.clock.now, person="person-0001-x1y2z3"))
    since = (fakes.clock.now - timedelta(hours=1)).isoformat()
    until = (fakes.clock.now + timedelta(hours=1)).isoformat()
    status, _, body = invoke(
        event(
            "GET", _query(user="rev1", **{"from": since, "to": until}), caller="staff:13:a1:auditor"
        )
    )
    assert status == 200, body
    assert [p["person_id"] for p in body["persons"]] == ["person-0001-x1y2z3"]


@pytest.mark.parametrize(
    ("caller", "path", "expected"),
    [
        (None, _query(group=GROUP), 401),
        ("staff:13:rev1:reviewer", _query(group=GROUP), 403),
        ("staff:13:a1:auditor", _query(group=GROUP), 404),
        ("staff:13:a1:auditor", "/v1/incidents/report", 422),
        ("staff:13:a1:auditor", _query(user="900000000010"), 422),
        ("staff:13:a1:auditor", "/v1/incidents/trace/export?user=rev1", 422),
    ],
)
def test_given_a_refused_request_when_routed_then_the_status_says_why(
    caller: str | None, path: str, expected: int
) -> None:
    status, _, body = invoke(event("GET", path, caller=caller))
    assert status == expected, body


def _notice(application_id: str, person: str, group: str = GROUP) -> NoticeRecord:
    return NoticeRecord(
        notice_id=notice_id(RecordedKind.PASS, application_id),
        kind=RecordedKind.PASS,
        application_id=application_id,
        qualification_pseudonym_id=person,
        group_key=group,
        channel=NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.SENT,
        receipt_id="mp-00000001",
        created_at=DAY,
        updated_at=DAY,
    )


def _score(application_id: str, source: str) -> StoredScore:
    return StoredScore(
        application_id=application_id,
        entry=ScoreEntry(part=Part.WRITTEN, score=80),
        source=source,
        row=2,
        recorded_at=DAY + timedelta(hours=1),
        recorded_by="sync",
    )


def _certificate(
    fakes: Fakes, n: int, person: str, kid: str | None, prefecture: str = "13"
) -> CertificateRecord:
    the_id = f"C{prefecture}G262-{n:05d}-1"
    record = CertificateRecord(
        certificate_id=the_id,
        kind=CertificateKind.PRINTED,
        language="ja",
        qualification_pseudonym_id=person,
        application_id=f"{prefecture}-01J0000000000000000000{n:04d}",
        certificate_number=the_id[:-2],
        grade="2級",
        list_number=1,
        index=n,
        pdf_key=f"certificates/{prefecture}/{the_id}.pdf",
        vc_key=f"certificates/{prefecture}/{the_id}.jwt",
        issued_at=DAY + timedelta(hours=n),
        issued_by="certify",
        signing_kid=kid,
    )
    fakes.certificates.records[(prefecture, the_id)] = record
    return record


def test_given_a_signing_key_when_traced_then_every_certificate_it_signed_and_whose() -> None:
    """A suspected key compromise: the persons whose certificates the key signed in the
    auditor's prefecture (and those signed by a key unknown, to err on the side of contact);
    not another key's, not another prefecture's."""
    fakes = _fakes()
    _certificate(fakes, 1, "person-0001-aaaaaa", "kentei-cert-1")
    _certificate(fakes, 2, "person-0002-bbbbbb", "kentei-cert-1")
    _certificate(fakes, 3, "person-0003-cccccc", "kentei-cert-2")
    _certificate(fakes, 4, "person-0004-dddddd", None)
    _certificate(fakes, 5, "person-0005-eeeeee", "kentei-cert-1", prefecture="27")

    found = trace_incident(
        AUDITOR, TraceRequest(signing_kid="kentei-cert-1"), "req-9", deps=fakes.dependencies()
    )

    assert found.subject.kind is SubjectKind.SIGNING_KEY
    assert {p.person_id for p in found.persons} == {
        "person-0001-aaaaaa",
        "person-0002-bbbbbb",
        "person-0004-dddddd",
    }
    assert sorted((r.record_id, r.action) for r in found.records) == [
        ("C13G262-00001-1", "certificate.signed"),
        ("C13G262-00002-1", "certificate.signed"),
        ("C13G262-00004-1", "certificate.signed_key_unknown"),
    ]
    assert [e.action for e in fakes.audit.events][-1] is AuditAction.INCIDENT_TRACED
    with pytest.raises(NotFoundError):
        trace_incident(
            AUDITOR, TraceRequest(signing_kid="kentei-cert-9"), "req-9", deps=fakes.dependencies()
        )


def test_given_the_route_with_a_key_then_it_is_traced_and_a_malformed_kid_is_422(
    fakes: Fakes,
) -> None:
    fakes.clock.now = NOW
    _certificate(fakes, 1, "person-0001-aaaaaa", "kentei-cert-1")
    status, _, body = invoke(
        event("GET", _query(key="kentei-cert-1"), caller="staff:13:a1:auditor")
    )
    assert status == 200, body
    assert [p["person_id"] for p in body["persons"]] == ["person-0001-aaaaaa"]
    status, _, _ = invoke(event("GET", _query(key="Not A Kid"), caller="staff:13:a1:auditor"))
    assert status == 422


def test_the_routes_kid_pattern_is_the_key_rings() -> None:
    assert KID_PATTERN.pattern == incident_routes.KID
