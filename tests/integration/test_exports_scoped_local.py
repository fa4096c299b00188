"""Every staff list and export answers the caller's prefecture only (issue 13, "Exports"; the
incident: a CSV export that showed other institutions' people).

Two prefectures, 13 and 27, get the same round's data through the real data layer on the
local runtime (the same work and grade, so a route that filtered by its query alone would
mix them): registered sittings with decisions announced, a deleted sitting, an application
in review, an audit entry, an exam session, a change proposal, a national conflict, a
certificate hold. Then staff of each prefecture, holding the route's role, call every list
and export route over HTTP (the real gate, token and intake): the answer holds the caller's
own records where the route lists them and no 資格仮名ID, application id, exam number or
other id of the other prefecture; staff of 47 (no data) get none of either.

The routes are derived from :data:`intake.paths.METHODS` and :data:`intake.authorization.RULES`:
every ``GET`` that admits staff is in :data:`CASES` or, when it is not a list (one record by
its id, a document), in :data:`EXEMPT` with the reason, so a new list route fails
:func:`test_every_staff_get_route_is_checked_or_exempt` until it is added here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pytest
from tests.integration.intake_helpers import IntakeSystem, intake_system
from tests.integration.test_passes_data import _decision
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import session

from intake import paths
from intake.authorization import RULES
from kentei.applications.model import IdentityConfirmation, Status
from kentei.callers import Role
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.certificates import (
    CertificateHold,
    CertificateKind,
    CertificateRecord,
    HeldField,
    PrefectureCertificates,
)
from kentei.data.changes import PrefectureChanges
from kentei.data.deletions import PrefectureDeletions
from kentei.data.initial_registrations import PrefectureInitialRegistrations
from kentei.data.national_conflicts import PrefectureNationalConflicts
from kentei.data.national_reconcile import PrefectureNationalReconcile
from kentei.data.notices import PrefectureNotices
from kentei.data.passes import PrefecturePasses
from kentei.data.person_requests import PrefecturePersonRequests
from kentei.data.roster import PrefectureRoster
from kentei.data.sessions import PrefectureSessions
from kentei.initial_registrations import (
    Claimant,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
)
from kentei.national.conflicts import ConflictCause, FieldValues, NationalConflict, new_conflict_id
from kentei.national.model import RecordKind
from kentei.national.reconciliation import KindCounts, ReconcileReport, Repair, RepairReason
from kentei.notice_records import (
    NoticeChannel,
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    PostReason,
    RecordedKind,
    notice_id,
)
from kentei.person_requests.model import received as person_request
from kentei.person_requests.procedures import Channel, RequestKind, procedures
from kentei.records.codes import Grade
from kentei.registry.model import RegistryStatus
from kentei.results.decision import Result
from kentei.results.passes import DecidedSitting
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    RunRecord,
    new_proposal_id,
)
from kentei.roster.deletion import DeletionReason, DeletionReasonCode, DeletionSource
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

TOKYO: Final = "13"
OSAKA: Final = "27"
NOWHERE: Final = "47"
"""A prefecture with no data: its staff must see nobody's."""
AT: Final = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)
ANNOUNCED_ON: Final = dt.date(2026, 10, 2)
GROUP: Final = {
    "fiscal_year": "2026",
    "term": "前期",
    "trade_code": "0101",
    "work_code": "010101",
    "grade": "2級",
}
"""The one results group both prefectures hold sittings of."""
ROUND: Final = {"fiscal_year": "2026", "term": "前期"}
AUDITED: Final = {"from": "2026-09-20T00:00:00Z", "to": "2026-09-21T00:00:00Z"}
"""The day of the seeded audit entries."""
SITTINGS: Final = {TOKYO: 6, NOWHERE: 0, OSAKA: 7}
"""Registered sittings of the group in each prefecture (both at least k, so counted)."""
CERTIFICATES: Final = {TOKYO: 1, NOWHERE: 0, OSAKA: 2}
"""Certificates issued in each prefecture (so the counts tell one from the other)."""


@dataclass
class Seeded:
    """What one prefecture holds: every id that must never reach another's staff."""

    prefecture_code: str
    persons: list[str] = field(default_factory=list)
    application_ids: list[str] = field(default_factory=list)
    exam_numbers: list[str] = field(default_factory=list)
    in_review: str = ""
    deleted: str = ""
    audited_person: str = ""
    session_id: str = ""
    proposal_id: str = ""
    conflict_id: str = ""
    held: str = ""
    posted: str = ""
    """The notice id of the group's post list entry."""
    recheck_run: str = ""
    repaired: str = ""
    """The 資格仮名ID a reconciliation report names."""
    registration: str = ""
    """An initial registration in review."""
    person_request: str = ""
    """An open disclosure request (P10)."""
    certificates: list[str] = field(default_factory=list)
    revoked: str = ""
    """The application id of a revoked pass."""
    decided: list[str] = field(default_factory=list)
    """The exam numbers of the group's decided (and announced) sittings."""
    passed: list[str] = field(default_factory=list)
    """Those of its passes: the announcement."""

    def markers(self) -> list[str]:
        ids = [self.in_review, self.deleted, self.session_id, self.proposal_id]
        ids += [self.conflict_id, self.held, self.audited_person, self.posted]
        ids += [self.recheck_run, self.repaired, self.registration, self.revoked]
        ids += self.certificates
        staff = f"exports-{self.prefecture_code}-"
        return [
            m for m in (*self.persons, *self.application_ids, *self.exam_numbers, *ids) if m
        ] + [staff]


@dataclass(frozen=True)
class Case:
    """How to call a list route, and what of the caller's own it must show."""

    role: Role
    params: Mapping[str, str] = field(default_factory=dict)
    own: Callable[[Seeded], Sequence[str]] = lambda _: ()
    """Ids of the caller's prefecture the answer lists (none: the route lists no ids)."""
    check: Callable[[Any, str], None] | None = None
    """A check of the parsed answer for the caller's prefecture (counts)."""
    empty_status: int = 200
    """The answer to a prefecture that holds nothing of the kind."""


def _total_applicants(body: Any, prefecture: str) -> None:
    expected = SITTINGS[prefecture]
    assert body["total"]["applicants"] == (expected or "x"), body["total"]


def _day_entries(body: Any, prefecture: str) -> None:
    """The seeded day's chain: the examinee read and each certificate issued, no more."""
    seeded = 1 + CERTIFICATES[prefecture] if SITTINGS[prefecture] else 0
    assert (body["entries"], body["intact"]) == (seeded, True), body


def _certificate_total(body: Any, prefecture: str) -> None:
    assert body["total"] == CERTIFICATES[prefecture], body


CASES: Final[Mapping[tuple[str, str], Case]] = {
    ("GET", paths.REVIEW_APPLICATIONS): Case(Role.REVIEWER, own=lambda s: [s.in_review]),
    ("GET", paths.AUDIT): Case(Role.AUDITOR, AUDITED, own=lambda s: [s.audited_person]),
    ("GET", paths.AUDIT_EXPORT): Case(Role.AUDITOR, AUDITED, own=lambda s: [s.audited_person]),
    ("GET", paths.AUDIT_VERIFICATION): Case(
        Role.AUDITOR,
        {"from": AT.date().isoformat(), "to": AT.date().isoformat()},
        check=_day_entries,
    ),
    ("GET", paths.ADMIN_ACCOUNTS): Case(
        Role.ADMIN, own=lambda s: [f"exports-{s.prefecture_code}-admin"]
    ),
    ("GET", paths.SESSIONS): Case(Role.EXAM_ADMIN, ROUND, own=lambda s: [s.session_id]),
    ("GET", paths.ROSTER_DELETIONS): Case(Role.EXAM_ADMIN, own=lambda s: [s.deleted]),
    ("GET", paths.ROSTER_CHANGES): Case(Role.REVIEWER, own=lambda s: [s.proposal_id]),
    ("GET", paths.ROSTER_RECHECKS): Case(Role.REVIEWER, own=lambda s: [s.recheck_run]),
    ("GET", paths.NATIONAL_CONFLICTS): Case(Role.REVIEWER, own=lambda s: [s.conflict_id]),
    ("GET", paths.NATIONAL_RECONCILIATIONS): Case(Role.REVIEWER, own=lambda s: [s.repaired]),
    ("GET", paths.REVIEW_INITIAL_REGISTRATIONS): Case(Role.RESULTS, own=lambda s: [s.registration]),
    ("GET", paths.RESULTS_DECISIONS): Case(Role.RESULTS, GROUP, own=lambda s: s.decided),
    ("GET", paths.RESULTS_ANNOUNCEMENTS): Case(
        Role.RESULTS, GROUP, own=lambda s: s.passed, empty_status=409
    ),
    ("GET", paths.POST_LIST): Case(
        Role.CERTIFICATES, {**GROUP, "format": "csv"}, own=lambda s: [s.posted]
    ),
    ("GET", paths.CERTIFICATE_HOLDS): Case(Role.CERTIFICATES, own=lambda s: [s.held]),
    ("GET", paths.CERTIFICATE_COUNTS): Case(
        Role.CERTIFICATES, {"fiscal_year": "2026"}, check=_certificate_total
    ),
    ("GET", paths.REVOCATIONS): Case(Role.CERTIFICATES, own=lambda s: [s.revoked]),
    ("GET", paths.STATISTICS): Case(Role.RESULTS, ROUND, check=_total_applicants),
    ("GET", paths.PERSON_REQUESTS): Case(Role.PRIVACY, own=lambda s: [s.person_request]),
}
"""Every list and export route a member of staff may call."""

_ONE_BY_ID: Final = (
    "one record named by its id in the path or query, not a list: another prefecture's is "
    "404 in the data layer (the application id names its prefecture, other ids are read "
    "under the caller's partition)"
)
EXEMPT: Final[Mapping[tuple[str, str], str]] = {
    ("GET", paths.APPLICATION): _ONE_BY_ID + " (test_intake_review, test_bridges)",
    ("GET", paths.REVIEW_APPLICATION): _ONE_BY_ID + " (test_intake_review)",
    ("GET", paths.ROSTER_EXAMINEE): _ONE_BY_ID + " (tests/unit/intake_api/test_access)",
    ("GET", paths.SITTING_TICKET): _ONE_BY_ID + " (test_tickets_local)",
    ("GET", paths.SESSION_SEATS): _ONE_BY_ID + ": one session's seats (test_sessions_seats)",
    ("GET", paths.REVIEW_INITIAL_REGISTRATION): _ONE_BY_ID,
    ("GET", paths.APPLICATION_NOTICES): _ONE_BY_ID + ": one application's notices",
    ("GET", paths.EXAMINEE_NOTICES): _ONE_BY_ID + ": one examinee's notices",
    ("GET", paths.RESULT_IMPORT): _ONE_BY_ID + ": one import's report",
    ("GET", paths.CERTIFICATES): _ONE_BY_ID + ": one pass's certificates",
    ("GET", paths.CERTIFICATE_PDF): _ONE_BY_ID + ": a link to one certificate's PDF",
    ("GET", paths.REVOCATION): _ONE_BY_ID + ": one revoked pass",
    ("GET", paths.PERSON_REQUEST): _ONE_BY_ID + ": one person request (test_person_requests)",
    ("GET", paths.PERSON_REQUEST_DISCLOSURE): _ONE_BY_ID
    + ": one granted disclosure's copy, a link (test_disclosures_local: Osaka's office 404)",
    **{
        ("GET", template): "a trace of the one subject its query names (a user's window, an "
        "application, an import, a group), read under the caller's partition; its scope is "
        "test_incidents_local's (the same user's reads in Osaka excluded, Osaka's auditor 404)"
        for template in (paths.INCIDENT_TRACE, paths.INCIDENT_TRACE_EXPORT, paths.INCIDENT_REPORT)
    },
}
"""Staff ``GET`` routes that list nothing, with the reason."""


def _staff_get_routes() -> set[tuple[str, str]]:
    return {
        (method, template)
        for template, methods in paths.METHODS.items()
        for method in methods
        if method == "GET" and (rule := RULES.get((method, template))) is not None and rule.roles
    }


def test_every_staff_get_route_is_checked_or_exempt() -> None:
    routes = _staff_get_routes()
    assert not set(CASES) & set(EXEMPT), "a route is both checked and exempt"
    assert set(CASES) | set(EXEMPT) <= routes, "a route here that the API no longer has"
    missing = sorted(routes - set(CASES) - set(EXEMPT))
    assert not missing, f"a staff list route not checked for its prefecture scope: {missing}"


def test_every_checked_route_admits_the_role_it_is_called_with() -> None:
    for route, case in CASES.items():
        assert case.role in RULES[route].roles, route


def _caller(prefecture: str, role: Role) -> str:
    return f"staff:{prefecture}:exports-{prefecture}-{role.value}:{role.value}"


def _register(prefecture: str, n: int, seeded: Seeded) -> DecidedSitting:
    """An accepted application of the group on the prefecture's roster, and its decision."""
    person = f"exp{prefecture}person{n:04d}"
    accepted = application(
        form(prefecture_code=prefecture, **{**GROUP, "fiscal_year": 2026}),
        status=Status.UNDER_REVIEW,
        prefecture_code=prefecture,
    ).model_copy(update={"qualification_pseudonym_id": person})
    kept = accepted.model_copy(update={"status": Status.ACCEPTED})
    PrefectureApplications(prefecture).create(kept, f"fp-{kept.application_id}")
    registration = registration_of(accepted)
    roster = PrefectureRoster(prefecture)
    scheme = schemes().of(prefecture)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by=f"staff:{prefecture}:r"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    seeded.persons.append(person)
    seeded.application_ids.append(sitting.application_id)
    seeded.exam_numbers.append(sitting.exam_number)
    return DecidedSitting(
        application_id=sitting.application_id,
        prefecture_code=prefecture,
        qualification_pseudonym_id=person,
        exam_round=sitting.exam_round,
        trade_code=sitting.trade_code,
        work_code=sitting.work_code,
        grade=Grade.SECOND,
        exam_number=sitting.exam_number,
        decision=_decision(Result.PASS if n % 2 else Result.FAIL),
        decided_at=AT,
        decided_by=f"staff:{prefecture}:results",
    )


def _issue(prefecture: str, passes: Sequence[DecidedSitting], seeded: Seeded) -> None:
    store = PrefectureCertificates(prefecture)
    for n, passed in enumerate(passes[: CERTIFICATES[prefecture]], start=1):
        number = f"C{prefecture}G262-{n:05d}"
        record = CertificateRecord(
            certificate_id=f"{number}-1",
            kind=CertificateKind.PRINTED,
            language="ja",
            qualification_pseudonym_id=passed.qualification_pseudonym_id,
            application_id=passed.application_id,
            certificate_number=number,
            grade="2級",
            list_number=1,
            index=n,
            issued_at=AT,
            issued_by="certify",
        )
        event = AuditEvent(
            actor="certify",
            action=AuditAction.CERTIFICATE_ISSUED,
            record_type="certificate",
            record_id=record.certificate_id,
            prefecture_code=prefecture,
            request_id=f"exports-{number}",
            at=AT,
            person_id=passed.qualification_pseudonym_id,
        )
        store.issue(record, audit=event)
        seeded.certificates.append(record.certificate_id)


def _revoke(system: IntakeSystem, prefecture: str, passed: DecidedSitting) -> str:
    """A pass revoked through the route (its store writes it with the certificates)."""
    body = {
        "application_id": passed.application_id,
        "effective_on": "2026-10-10",
        "reason": "不正な受検が判明したため",
        "legal_basis": "職業能力開発促進法第51条",
    }
    answer = system.client.request(
        "POST",
        paths.REVOCATIONS,
        _caller(prefecture, Role.CERTIFICATES),
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 201, answer.text[:300]
    return passed.application_id


def _seed(system: IntakeSystem, prefecture: str) -> Seeded:
    seeded = Seeded(prefecture)
    if not SITTINGS[prefecture]:
        return seeded
    passes = PrefecturePasses(prefecture)
    decided = [_register(prefecture, n, seeded) for n in range(SITTINGS[prefecture])]
    for one in decided:
        passes.put_decision(one)
        passes.announce(one, ANNOUNCED_ON, AT)
    seeded.decided = [one.exam_number for one in decided]
    seeded.passed = [d.exam_number for d in decided if d.decision.result is Result.PASS]

    gone = _register(prefecture, 99, seeded)
    PrefectureDeletions(prefecture).delete_sitting(
        gone.qualification_pseudonym_id,
        gone.application_id,
        DeletionReason(code=DeletionReasonCode.WITHDRAWN, text="受検辞退"),
        source=DeletionSource.STAFF,
        by=f"staff:{prefecture}:exam-admin",
        at=AT,
    )
    seeded.deleted = gone.application_id

    waiting = application(form(prefecture_code=prefecture), prefecture_code=prefecture)
    waiting = waiting.model_copy(update={"qualification_pseudonym_id": f"exp{prefecture}review"})
    PrefectureApplications(prefecture).create(waiting, f"fp-{waiting.application_id}")
    seeded.in_review = waiting.application_id
    seeded.persons.append(f"exp{prefecture}review")

    seeded.audited_person = f"exp{prefecture}audited"
    AuditTrail().record(
        AuditEvent(
            actor=f"staff:{prefecture}:reviewer",
            action=AuditAction.EXAMINEE_OPENED,
            record_type="examinee",
            record_id=seeded.audited_person,
            prefecture_code=prefecture,
            request_id=f"exports-{prefecture}",
            at=AT,
            person_id=seeded.audited_person,
        )
    )

    held = session().model_copy(
        update={"prefecture_code": prefecture, "created_by": f"staff:{prefecture}:exam-admin"}
    )
    PrefectureSessions(prefecture).create(held)
    seeded.session_id = held.session_id

    first = decided[0]
    proposal = Proposal(
        proposal_id=new_proposal_id(AT),
        prefecture_code=prefecture,
        qualification_pseudonym_id=first.qualification_pseudonym_id,
        kind=ChangeKind.UPDATE,
        registry_status=RegistryStatus.CURRENT,
        changes=(FieldChange(field="address", before="旧住所", after="新住所"),),
        source=ChangeSource.REGISTRY_RECHECK,
        run_id="20260601T090000Z",
        proposed_at=AT,
        basis=AT,
    )
    PrefectureChanges(prefecture).propose(proposal, None)
    seeded.proposal_id = proposal.proposal_id

    second = decided[1]
    conflict = NationalConflict(
        conflict_id=new_conflict_id(AT),
        prefecture_code=prefecture,
        qualification_pseudonym_id=second.qualification_pseudonym_id,
        record_kind=RecordKind.EXAMINEE,
        record_id=second.qualification_pseudonym_id,
        cause=ConflictCause.BOTH_CHANGED,
        fields=(FieldValues(field="name", ours="試験 一郎", theirs="試験 二郎"),),
        national_sequence=42,
        found_at=AT,
    )
    PrefectureNationalConflicts(prefecture).open(conflict)
    seeded.conflict_id = conflict.conflict_id

    passed, *others = [d for d in decided if d.decision.result is Result.PASS]
    _issue(prefecture, others, seeded)
    seeded.revoked = _revoke(system, prefecture, others[-1])
    PrefectureCertificates(prefecture).put_hold(
        CertificateHold(
            qualification_pseudonym_id=passed.qualification_pseudonym_id,
            application_id=passed.application_id,
            kind=CertificateKind.PRINTED,
            fields=(HeldField(field="name", missing=1),),
            held_at=AT,
            group_key=passed.group_key,
        )
    )
    seeded.held = passed.application_id

    notice = NoticeRecord(
        notice_id=notice_id(RecordedKind.PASS, passed.application_id),
        kind=RecordedKind.PASS,
        application_id=passed.application_id,
        qualification_pseudonym_id=passed.qualification_pseudonym_id,
        group_key=passed.group_key,
        channel=NoticeChannel.MYNAPORTAL,
        outcome=NoticeOutcome.RETRYING,
        created_at=AT,
        updated_at=AT,
    )
    PrefectureNotices(prefecture).save(
        notice,
        PostListEntry(
            group_key=passed.group_key,
            application_id=passed.application_id,
            qualification_pseudonym_id=passed.qualification_pseudonym_id,
            notice_id=notice.notice_id,
            kind=notice.kind,
            reason=PostReason.NO_ONLINE_CHANNEL,
            added_at=AT,
        ),
    )
    seeded.posted = notice.notice_id

    # Runs are named by their instant: each prefecture's at its own, so each is an id.
    ran = AT + dt.timedelta(hours=int(prefecture))
    run_id = ran.strftime("%Y%m%dT%H%M%SZ")
    PrefectureChanges(prefecture).start_run(
        RunRecord(run_id=run_id, prefecture_code=prefecture, scheduled_at=ran, started_at=ran)
    )
    seeded.recheck_run = run_id
    PrefectureNationalReconcile(prefecture).keep(
        ReconcileReport(
            run_id=run_id,
            prefecture_code=prefecture,
            scheduled_at=ran,
            started_at=ran,
            finished_at=ran,
            kinds={RecordKind.EXAMINEE: KindCounts(compared=1, buckets=1, differing=1, repaired=1)},
            repairs=(
                Repair(
                    kind=RecordKind.EXAMINEE,
                    record_id=second.qualification_pseudonym_id,
                    version=2,
                    reason=RepairReason.OLDER,
                ),
            ),
        )
    )
    seeded.repaired = second.qualification_pseudonym_id

    registrations = PrefectureInitialRegistrations(prefecture)
    received = InitialRegistrationRequest(
        request_id=initial_registration_id_for(prefecture, "bridge:mynaportal", "exports"),
        prefecture_code=prefecture,
        status=InitialRegistrationStatus.RECEIVED,
        received_at=AT,
        submitted_by="bridge:mynaportal",
    )
    stored = registrations.create(received, f"fp-exports-{prefecture}")
    claimant = f"exp{prefecture}claimant"
    in_review = received.model_copy(
        update={
            "status": InitialRegistrationStatus.IN_REVIEW,
            "verified_at": AT,
            "qualification_pseudonym_id": claimant,
            "passer_number": f"{prefecture}-2-000123",
            "reasons": ("historical.name_mismatch",),
            "claimant": Claimant(name="山田 花子", birth_date=dt.date(1970, 1, 2)),
        }
    )
    registrations.decide(stored, in_review)
    seeded.registration = received.request_id

    disclosure = person_request(
        prefecture_code=prefecture,
        person=second.qualification_pseudonym_id,
        kind=RequestKind.DISCLOSURE,
        channel=Channel.WINDOW,
        identity_confirmation=IdentityConfirmation.MY_NUMBER_CARD,
        entered_by=f"staff:{prefecture}:privacy",
        at=AT,
        procedure=procedures().of(prefecture, RequestKind.DISCLOSURE),
    )
    PrefecturePersonRequests(prefecture).receive(disclosure)
    seeded.person_request = disclosure.request_id
    seeded.persons.append(claimant)
    return seeded


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


@pytest.fixture(scope="module")
def seeded(system: IntakeSystem) -> dict[str, Seeded]:
    return {prefecture: _seed(system, prefecture) for prefecture in SITTINGS}


@pytest.mark.parametrize("route", sorted(CASES), ids=lambda route: f"{route[0]} {route[1]}")
def test_given_two_prefectures_when_staff_of_each_call_a_list_then_only_their_own_is_there(
    system: IntakeSystem, seeded: dict[str, Seeded], route: tuple[str, str]
) -> None:
    method, template = route
    case = CASES[route]
    for prefecture in SITTINGS:
        answer = system.client.request(
            method, template, _caller(prefecture, case.role), params=case.params
        )
        status = 200 if SITTINGS[prefecture] else case.empty_status
        assert answer.status_code == status, (prefecture, answer.text[:300])
        text = answer.text
        for other in SITTINGS:
            if other == prefecture:
                continue
            leaked = [marker for marker in seeded[other].markers() if marker in text]
            assert not leaked, f"staff of {prefecture} got {other}'s records: {leaked}"
        own = case.own(seeded[prefecture]) if SITTINGS[prefecture] else ()
        shown = [marker for marker in own if marker in text]
        assert shown == list(own), f"staff of {prefecture} miss their own: {own}"
        if case.check is not None and status == 200:
            case.check(json.loads(text), prefecture)
