"""The one route → callers table, proved through the real intake handler over fakes.

For every route × caller (staff of either prefecture with any set of roles, either bridge)
× own or other data: no route is without a rule; a caller the rule does not admit gets
``403``; another prefecture's (another bridge's) application is always ``404``; and each
allowed access to personal data, and each refusal by staff, leaves an audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, time
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.review.factory import application
from tests.unit.sessions.factory import draft, session, sitting

from intake import dependencies, paths
from intake.api import full_app
from intake.authorization import RULES, Rule
from intake.openapi import document
from kentei.applications.model import Status
from kentei.callers import CHANNELS, Caller, CallerKind, Role
from kentei.change_requests import ChangeRequest, ChangeRequestStatus, request_id_for
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.certificates import CertificateHold, CertificateKind, HeldField
from kentei.data.change_requests import StoredChangeRequest
from kentei.data.initial_registrations import StoredInitialRegistration
from kentei.data.tickets import TicketRecord
from kentei.exemptions.model import PassKind, PassRecord
from kentei.fees.assessment import assess
from kentei.fees.schedule import load_fee_schedule
from kentei.initial_registrations import (
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
)
from kentei.records.codes import Grade, Term
from kentei.results.revocations import PassRevocationRecord
from kentei.roster.parts import ExamRound, Part
from kentei_local.context import LocalContext

from .events import event
from .fakes import Fakes
from .test_receive import FORM

ROUTES: Final = tuple(
    (method, template) for template, methods in paths.METHODS.items() for method in methods
)
PREFECTURES: Final = ("13", "27")
OWNER: Final = {"13": "mynaportal", "27": "egov"}
"""Which bridge submitted each prefecture's seeded application."""
PERSON: Final = "person-0000-abcdef"
ACCEPTED: dict[str, str] = {}
"""Each seeded application under review → the accepted application seeded beside it."""
_SITTING_ROUTES: Final = frozenset(
    {
        paths.SITTING_TICKET,
        paths.SITTING_DELETION,
        paths.SITTING_PAYMENTS,
        paths.RESULTS_CORRECTIONS,
        paths.CERTIFICATE_HOLD_RESOLUTION,
        paths.REVOCATION,
        paths.REVOCATION_RETURN,
    }
)
"""The routes that name the accepted application's sitting (see _seed)."""
RESULTS_GROUP: Final = {
    "fiscal_year": 2026,
    "term": "前期",
    "trade_code": "0101",
    "work_code": "010101",
    "grade": "2級",
}
REASON: Final = {"code": "fix.name_kana", "field": "name_kana", "message": "add the kana"}
SESSION_IDS: Final = {p: f"01J{'A' * 21}{p}" for p in PREFECTURES}
"""The exam session seeded in each prefecture (2026 前期, 0101/010101 2級 production)."""
FAMILY: Final = draft().family.model_dump(mode="json")
CHANGE_REQUEST_IDS: Final = {
    p: request_id_for(p, f"bridge:{OWNER[p]}", "authz-change-0001") for p in PREFECTURES
}
"""The signed change request seeded in each prefecture, sent by its owner bridge."""
REGISTRATION_IDS: Final = {
    p: initial_registration_id_for(p, f"bridge:{OWNER[p]}", "authz-registration-0001")
    for p in PREFECTURES
}
"""The initial registration seeded in each prefecture, sent by its owner bridge."""
FEES: Final = assess(
    load_fee_schedule(),
    prefecture_code="13",
    grade=Grade.SECOND,
    parts=(Part.WRITTEN, Part.PRACTICAL),
    fiscal_year=2026,
    birth_date=None,
    employed=False,
)
"""The seeded sittings' fees: both parts due, unpaid."""


def test_every_route_has_a_rule_and_every_rule_a_route() -> None:
    assert set(RULES) == set(ROUTES)


def test_every_route_the_api_serves_is_in_the_route_table() -> None:
    served = {
        (method.upper(), template.replace("{", "<").replace("}", ">"))
        for template, operations in document(full_app())["paths"].items()
        for method in operations
    }
    assert served == set(ROUTES)


def test_operators_reach_no_route_that_touches_personal_data() -> None:
    for rule in RULES.values():
        assert Role.OPERATOR not in rule.roles
        assert rule.public == (rule.action is None)


def test_a_route_without_a_rule_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from intake import authorization

    monkeypatch.setattr(
        authorization,
        "RULES",
        {k: v for k, v in RULES.items() if k != ("GET", paths.REVIEW_APPLICATIONS)},
    )
    status, _ = _call("GET", paths.REVIEW_APPLICATIONS, "staff:13:u:reviewer,auditor")
    assert status == HTTPStatus.FORBIDDEN


@dataclass(frozen=True)
class Who:
    caller: Caller
    header: str

    @property
    def prefecture(self) -> str | None:
        return self.caller.prefecture_code


def _staff(prefecture: str, roles: frozenset[Role]) -> Who:
    names = ",".join(sorted(r.value for r in roles))
    caller = Caller(CallerKind.STAFF, prefecture_code=prefecture, user_id="user1", roles=roles)
    return Who(caller, f"staff:{prefecture}:user1:{names}")


def _bridge(channel: str) -> Who:
    return Who(Caller(CallerKind.BRIDGE, bridge=channel), f"bridge:{channel}")


WHO: Final = st.one_of(
    st.builds(
        _staff,
        st.sampled_from(PREFECTURES),
        st.frozensets(st.sampled_from(list(Role)), min_size=1),
    ),
    st.builds(_bridge, st.sampled_from(sorted(CHANNELS))),
)


def _seed() -> tuple[Fakes, dict[str, str]]:
    """Fresh fakes with one application under review in each prefecture, each submitted by
    one bridge, one audit entry in each prefecture's trail, and one exam session in each."""
    fakes = Fakes()
    ids: dict[str, str] = {}
    for prefecture in PREFECTURES:
        seeded = application(prefecture_code=prefecture).model_copy(
            update={
                "submitted_by": f"bridge:{OWNER[prefecture]}",
                "qualification_pseudonym_id": PERSON,
            }
        )
        fakes.records.applications[seeded.application_id] = StoredApplication(seeded, 3, "fp")
        ids[prefecture] = seeded.application_id
        # An accepted application of the same person with its exam ticket: the roster's and
        # the tickets' routes name it (see _request).
        accepted = application(prefecture_code=prefecture, status=Status.ACCEPTED).model_copy(
            update={
                "submitted_by": f"bridge:{OWNER[prefecture]}",
                "qualification_pseudonym_id": PERSON,
            }
        )
        fakes.records.applications[accepted.application_id] = StoredApplication(accepted, 4, "fp")
        ACCEPTED[seeded.application_id] = accepted.application_id
        fakes.records.sittings[accepted.application_id] = sitting(
            application_id=accepted.application_id,
            prefecture_code=prefecture,
            qualification_pseudonym_id=PERSON,
            fees=FEES.model_dump(mode="json"),
            written_fee_status="未納",
            practical_fee_status="未納",
            group_or_individual="団体",
            applying_group_code="G0001",
        )
        # Its pass, held on the certificate font: the certificates routes name it.
        fakes.records.passes.append(
            PassRecord(
                record_id=accepted.application_id,
                qualification_pseudonym_id=PERSON,
                kind=PassKind.PASS,
                parts=tuple(Part),
                exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
                trade_code="0101",
                work_code="010101",
                grade=Grade.SECOND,
                passed_on=date(2026, 10, 2),
                passer_number=f"{prefecture}G26-000001",
                certificate_number=f"C{prefecture}G262-00001",
            )
        )
        fakes.certificates.held[(prefecture, PERSON, accepted.application_id)] = CertificateHold(
            qualification_pseudonym_id=PERSON,
            application_id=accepted.application_id,
            kind=CertificateKind.PRINTED,
            fields=(HeldField(field="name", missing=1),),
            held_at=fakes.clock.now,
            group_key="2026-前期#0101#010101#2級",
        )
        # Its revocation (合格の取消し), the return pending: the revocation routes name it.
        fakes.revocations.kept[(prefecture, PERSON, accepted.application_id)] = (
            PassRevocationRecord(
                qualification_pseudonym_id=PERSON,
                application_id=accepted.application_id,
                record_id=accepted.application_id,
                effective_on=date(2026, 11, 1),
                reason="不正受検",
                legal_basis="職業能力開発促進法 (unconfirmed)",
                revoked_by="staff:seed",
                revoked_at=fakes.clock.now,
                certificates=(),
            )
        )
        fakes.tickets.current_by_application[accepted.application_id] = TicketRecord(
            accepted.application_id,
            f"{accepted.application_id}-0000abcd",
            "issued",
            "tickets/key.pdf",
            "0" * 64,
            fakes.clock.now,
            (),
        )
        fakes.records.audit.append(
            AuditEvent(
                actor="verify",
                action=AuditAction.APPLICATION_VERIFIED,
                record_type="application",
                record_id=seeded.application_id,
                prefecture_code=prefecture,
                request_id="seed",
                at=fakes.clock.now,
                person_id=PERSON,
            )
        )
        seeded_session = session(starts_at=time(13, 0), ends_at=time(16, 0)).model_copy(
            update={"session_id": SESSION_IDS[prefecture], "prefecture_code": prefecture}
        )
        fakes.records.sessions[seeded_session.session_id] = seeded_session
        request = ChangeRequest(
            request_id=CHANGE_REQUEST_IDS[prefecture],
            prefecture_code=prefecture,
            status=ChangeRequestStatus.RECEIVED,
            received_at=fakes.clock.now,
            submitted_by=f"bridge:{OWNER[prefecture]}",
        )
        fakes.records.change_requests[request.request_id] = StoredChangeRequest(request, "fp")
        registration = InitialRegistrationRequest(
            request_id=REGISTRATION_IDS[prefecture],
            prefecture_code=prefecture,
            status=InitialRegistrationStatus.RECEIVED,
            received_at=fakes.clock.now,
            submitted_by=f"bridge:{OWNER[prefecture]}",
        )
        fakes.records.initial_registrations[registration.request_id] = StoredInitialRegistration(
            registration, "fp"
        )
    dependencies.reset(fakes.dependencies())
    return fakes, ids


def _target(who: Who, own: bool) -> str:
    """The prefecture whose application the request names."""
    if who.caller.kind is CallerKind.STAFF:
        mine = who.prefecture or "13"
    else:
        mine = next(p for p, channel in OWNER.items() if channel == who.caller.bridge)
    return mine if own else next(p for p in PREFECTURES if p != mine)


def _request(
    method: str, template: str, who: Who, application_id: str, prefecture: str
) -> dict[str, Any]:
    if template in _SITTING_ROUTES:
        application_id = ACCEPTED[application_id]
    path = (
        template.replace("<application_id>", application_id)
        .replace("<session_id>", SESSION_IDS[prefecture])
        .replace("<request_id>", CHANGE_REQUEST_IDS[prefecture])
        .replace("<registration_id>", REGISTRATION_IDS[prefecture])
    )
    headers = {"Content-Type": "application/json"}
    body: dict[str, Any] | None = None
    if template == paths.APPLICATIONS:
        # A paper form: staff key it in (their prefecture's only); a bridge may not.
        headers["Idempotency-Key"] = "authz-key-0001"
        body = {
            "channel": "paper",
            "form": {**FORM, "prefecture_code": prefecture},
            "identity_confirmation": "my_number_card",
            "attachments": [],
        }
    elif template in (paths.CHANGE_REQUESTS, paths.INITIAL_REGISTRATIONS):
        # Not a signature: admitted, the Mynaportal bridge gets a 422, any other a 403.
        headers["Idempotency-Key"] = "authz-key-0002"
        body = {"channel": "mynaportal", "document": "e30=", "signature": "AAAA"}
    elif template == paths.REVIEW_DECISION:
        body = {"decision": "return", "reasons": [REASON]}
    elif template == paths.REVIEW_IDENTITY:
        body = {"candidate": 0}
    elif (method, template) == ("POST", paths.SESSIONS):
        body = draft().model_dump(mode="json")
    elif template == paths.SESSIONS:
        path += "?fiscal_year=2026&term=" + quote("前期")
    elif template == paths.SESSION:
        body = {"version": 1, "capacity": 30}
    elif template == paths.SESSIONS_SEATING:
        body = FAMILY
    elif template == paths.ROSTER_SEAT:
        # The seeded application is not on the roster: the caller's own is a 409.
        body = {"part": "production", "session_id": SESSION_IDS[prefecture]}
    elif template == paths.SITTING_DELETION:
        body = {"reason_code": "withdrawn", "reason_text": "受検辞退の届出あり"}
    elif template == paths.ROSTER_PAYMENTS:
        # Names the accepted application in the body: another prefecture's is a 404.
        body = {
            "application_ids": [ACCEPTED[application_id]],
            "method": "口座振込",
            "paid_on": "2026-04-01",
        }
    elif template == paths.SITTING_PAYMENTS:
        body = {"parts": ["written"], "method": "口座振込", "paid_on": "2026-04-01"}
    elif template in (paths.RESULTS_DECISIONS, paths.RESULTS_ANNOUNCEMENTS):
        # The caller's own prefecture's group (a 409 before the announcement date).
        if method == "POST":
            body = RESULTS_GROUP
        else:
            path += "?" + urlencode(RESULTS_GROUP)
    elif template == paths.RESULTS_CORRECTIONS:
        body = {"scores": [{"part": "written", "score": 70}], "reason": "再採点"}
    elif template == paths.REVIEW_INITIAL_REGISTRATION_DECISION:
        # The seeded registration is not in review: the caller's own is a 409.
        body = {"decision": "reject", "reason": "記録と一致しない"}
    elif template == paths.CERTIFICATE_HOLD_RESOLUTION:
        # The seeded application has no hold: the caller's own is a 404 too.
        body = {"printed_name": "吉田 花子", "reason": "異体字"}
    elif template == paths.CERTIFICATE_PROOFS:
        body = {"application_id": ACCEPTED[application_id], "language": "ja"}
    elif template == paths.CERTIFICATE_COUNTS:
        path += "?fiscal_year=2026"
    elif template == paths.CERTIFICATE_REISSUE:
        body = {"reason": "loss", "fee": {"method": "現金", "paid_on": "2026-04-01"}}
    elif (method, template) == ("POST", paths.REVOCATIONS):
        # Names the accepted application in the body (revoked already: the own one is a 409).
        body = {
            "application_id": ACCEPTED[application_id],
            "effective_on": "2026-04-01",
            "reason": "不正受検",
            "legal_basis": "規則 第3条",
        }
    elif template == paths.REVOCATION_RETURN:
        body = {"outcome": "returned", "on": "2026-04-01"}
    return event(method, path, caller=who.header, headers=headers, body=body)


def _call(method: str, template: str, header: str, **options: Any) -> tuple[int, str]:
    from intake.handler import handler

    response = handler(
        event(method, template, caller=header, **options), LocalContext.for_function("intake")
    )
    return response["statusCode"], response.get("body") or ""


def _invoke(proxy_event: dict[str, Any]) -> tuple[int, str]:
    from intake.handler import handler

    response = handler(proxy_event, LocalContext.for_function("intake"))
    return response["statusCode"], response.get("body") or ""


def _entries(fakes: Fakes, who: Who) -> list[AuditEvent]:
    return [e for e in fakes.audit.all() if e.actor == who.caller.id and e.request_id != "seed"]


Check = Callable[[int, str, list[AuditEvent]], None]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(ROUTES), who=WHO, own=st.booleans())
def test_every_route_every_caller_every_prefecture(
    no_idempotency_store: None, route: tuple[str, str], who: Who, own: bool
) -> None:
    method, template = route
    rule = RULES[route]
    fakes, ids = _seed()
    target = _target(who, own)
    status, body = _invoke(_request(method, template, who, ids[target], target))
    entries = _entries(fakes, who)
    staff = who.caller.kind is CallerKind.STAFF

    if not rule.admits(who.caller):
        assert status == HTTPStatus.FORBIDDEN, body
        if staff and rule.action is not None:
            assert [(e.action, e.outcome) for e in entries] == [(rule.action, AuditOutcome.DENIED)]
            assert entries[0].prefecture_code == who.prefecture
        return

    other = ids[_target(who, own=False)]
    assert other not in body or own, body  # another prefecture's id is never answered
    if "<application_id>" in template and not own:
        assert status == HTTPStatus.NOT_FOUND, body
        named = ACCEPTED[ids[target]] if template in _SITTING_ROUTES else ids[target]
        assert [(e.action, e.outcome, e.record_id) for e in entries] == [
            (rule.action, AuditOutcome.NOT_FOUND, named)
        ]
        return
    named_in_body = (paths.ROSTER_PAYMENTS, paths.CERTIFICATE_PROOFS)
    if (template in named_in_body or route == ("POST", paths.REVOCATIONS)) and not own:
        assert status == HTTPStatus.NOT_FOUND, body
        assert [(e.action, e.outcome, e.record_id) for e in entries] == [
            (rule.action, AuditOutcome.NOT_FOUND, "-")
        ]
        return
    if "<session_id>" in template and not own:
        assert status == HTTPStatus.NOT_FOUND, body
        assert [(e.action, e.outcome, e.record_id) for e in entries] == [
            (rule.action, AuditOutcome.NOT_FOUND, SESSION_IDS[target])
        ]
        return
    if "<request_id>" in template and not own:
        assert status == HTTPStatus.NOT_FOUND, body
        assert [(e.action, e.outcome, e.record_id) for e in entries] == [
            (rule.action, AuditOutcome.NOT_FOUND, CHANGE_REQUEST_IDS[target])
        ]
        return
    if "<registration_id>" in template and not own:
        assert status == HTTPStatus.NOT_FOUND, body
        assert [(e.action, e.outcome, e.record_id) for e in entries] == [
            (rule.action, AuditOutcome.NOT_FOUND, REGISTRATION_IDS[target])
        ]
        return
    signed = (paths.CHANGE_REQUESTS, paths.INITIAL_REGISTRATIONS)
    if template in signed and who.caller.bridge != "mynaportal":
        assert status == HTTPStatus.FORBIDDEN, body  # change requests come from Mynaportal
        return
    if template == paths.APPLICATIONS and (not staff or not own):
        # A bridge submits its own channel only (this is paper); staff key in paper forms
        # of their own prefecture only.
        assert status == HTTPStatus.FORBIDDEN, body
        return
    assert status not in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}, body
    _allowed(rule, who, status, body, entries)


def _allowed(rule: Rule, who: Who, status: int, body: str, entries: list[AuditEvent]) -> None:
    """An admitted access: a success to personal data is audited, by this caller."""
    if not 200 <= status < 300 or rule.action is None:
        return
    if who.caller.kind is CallerKind.BRIDGE and status == HTTPStatus.OK:
        return  # a bridge polling its own submission's status: no personal data
    assert entries, f"no audit entry for an allowed {rule.action} ({status}: {body[:200]})"
    for entry in entries:
        assert entry.outcome in {AuditOutcome.ALLOWED, AuditOutcome.SUCCEEDED}
        if who.caller.kind is CallerKind.STAFF:
            assert entry.prefecture_code == who.prefecture
            assert entry.user_id == "user1"
            assert set(entry.roles) == {r.value for r in who.caller.roles}
        assert entry.source_ip == "127.0.0.1"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("route", ROUTES)
def test_each_single_role_on_each_route(
    no_idempotency_store: None, route: tuple[str, str], role: Role
) -> None:
    """The exhaustive corner of the property: one role at a time, own prefecture."""
    method, template = route
    _, ids = _seed()
    who = _staff("13", frozenset({role}))
    status, body = _invoke(_request(method, template, who, ids["13"], "13"))
    if RULES[route].admits(who.caller):
        assert status not in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}, body
    else:
        assert status == HTTPStatus.FORBIDDEN, body


def test_an_auditor_sees_only_their_prefectures_trail() -> None:
    _, ids = _seed()
    status, body = _call("GET", paths.AUDIT, "staff:27:aud1:auditor")
    assert status == HTTPStatus.OK, body
    items = json.loads(body)["items"]
    assert {item["prefecture_code"] for item in items} == {"27"}
    assert ids["13"] not in body


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    dependencies.reset()


def test_the_seed_has_one_application_under_review_per_prefecture() -> None:
    fakes, ids = _seed()
    for prefecture, application_id in ids.items():
        stored = fakes.records.applications[application_id]
        assert stored.application.status is Status.UNDER_REVIEW
        assert replace(stored).application.prefecture_code == prefecture
