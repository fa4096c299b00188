"""Incident tracing (P9), for auditors (role ``auditor``) of their own prefecture: a trace of
one subject, its CSV export, and the incident report's skeleton."""

from __future__ import annotations

from typing import Annotated, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import AwareDatetime

from intake import paths
from intake.access import request_id, require_caller
from intake.incident_views import IncidentReport, IncidentTrace
from intake.incidents import TraceRequest, export_incident, report_incident, trace_incident
from intake.responses import CSV, csv_attachment, documented, with_content
from kentei.applications.model import ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]

_ID: Final = r"^[A-Za-z0-9._@+:-]{1,128}$"
KID: Final = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[1-9][0-9]*$"
"""``kentei.signing.keyring.KID_PATTERN``, repeated so that the API's cold start imports no
crypto (a unit test keeps the two equal)."""
_SUBJECT: Final = """Exactly one subject: `user` (a staff user id, with `from` and `to`, at most
31 days apart), `application` (an application id), `import` (a result import id) or `group`
(a results group's key: its notices) or `key` (a certificate signing key's kid: the
certificates it signed). `from`..`to` (ISO 8601 with a zone) narrow the record's
life for the others. Persons are 資格仮名ID, never names; an access refused (403, 404) is
listed but reached no one. Only the caller's prefecture; the trace is written to the audit
trail. Role `auditor`."""

User = Annotated[str | None, Query(alias="user", pattern=_ID, description="staff user id")]
Application = Annotated[
    str | None, Query(alias="application", pattern=ID_PATTERN.pattern, description="application")
]
Import = Annotated[
    str | None,
    Query(alias="import", pattern=r"^[0-9]{2}-RI-[0-9A-Z]{26}$", description="result import id"),
]
Group = Annotated[
    str | None,
    Query(
        alias="group",
        max_length=200,
        pattern=r"^[0-9A-Za-z\u3040-\u30ff\u4e00-\u9fff#_-]+$",
        description="a results group's key, e.g. `2026-前期#0301#030101#2級`",
    ),
]
Key = Annotated[
    str | None,
    Query(
        alias="key",
        pattern=KID,
        description="a certificate signing key's kid, e.g. `kentei-cert-1`",
    ),
]
Since = Annotated[AwareDatetime | None, Query(alias="from", description="from this instant")]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="up to this instant")]


@router.get(
    paths.INCIDENT_TRACE,
    summary="Trace an incident's subject",
    description="The persons and records one subject touched, newest first, with counts by "
    "prefecture, action, record type and outcome. " + _SUBJECT,
    tags=["incidents"],
    responses=documented(200, "The trace", 401, 403, 404, 422),
)
def get_incident_trace(  # noqa: PLR0917 (each query parameter is a parameter of the route)
    user: User = None,
    application: Application = None,
    import_id: Import = None,
    group: Group = None,
    since: Since = None,
    until: Until = None,
    key: Key = None,
) -> IncidentTrace:
    event = router.current_event.raw_event
    asked = TraceRequest(user, application, import_id, group, since, until, key)
    return trace_incident(require_caller(event), asked, request_id(event))


@router.get(
    paths.INCIDENT_TRACE_EXPORT,
    summary="Export an incident trace as CSV",
    description="The trace's records (at most 10,000) as CSV, newest first. " + _SUBJECT,
    tags=["incidents"],
    responses=with_content(
        200, "CSV with a header row", CSV, {"type": "string"}, 401, 403, 404, 422
    ),
)
def get_incident_trace_export(  # noqa: PLR0917 (each query parameter is a parameter of the route)
    user: User = None,
    application: Application = None,
    import_id: Import = None,
    group: Group = None,
    since: Since = None,
    until: Until = None,
    key: Key = None,
) -> Response[str]:
    event = router.current_event.raw_event
    asked = TraceRequest(user, application, import_id, group, since, until, key)
    body = export_incident(require_caller(event), asked, request_id(event))
    return csv_attachment(body, "incident-trace.csv")


@router.get(
    paths.INCIDENT_REPORT,
    summary="Draw up an incident report",
    description="The skeleton of the report for the seven steps of the response (report, "
    "investigate, scope, prevent, contact the persons through the notice channel, publish, "
    "report to the commission), with the trace's counts filled, what staff still have to "
    "write, and the persons to contact (資格仮名ID). " + _SUBJECT,
    tags=["incidents"],
    responses=documented(200, "The report's skeleton", 401, 403, 404, 422),
)
def get_incident_report(  # noqa: PLR0917 (each query parameter is a parameter of the route)
    user: User = None,
    application: Application = None,
    import_id: Import = None,
    group: Group = None,
    since: Since = None,
    until: Until = None,
    key: Key = None,
) -> IncidentReport:
    event = router.current_event.raw_event
    asked = TraceRequest(user, application, import_id, group, since, until, key)
    return report_incident(require_caller(event), asked, request_id(event))
