"""The operations dashboard ``kentei-operations``: every alarm's state, then the same signals
grouped by the lifecycle, each group with the business counts its functions publish.

The groups follow an application's way through the system (intake, verify, review, sittings
and results, certificates and notices, national sync), then the staff accounts and KMS. A
group names catalog queues, functions, streams and APIs; ``tests/infra/test_alarms.py`` fails
when one of them is on no group, or a metric a function publishes (``instruments.count``,
``add_metric``) is on none.

Business counts are published with dimensions (``service`` and codes: a channel, an outcome,
a prefecture code; never a person): each graph line is the ``SUM`` of a ``SEARCH`` over every
dimension combination of one metric name in the ``kentei`` namespace, so a new prefecture or
outcome needs no change here; the console's metric browser splits them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from kentei import catalog
from kentei.observability import NAMESPACE
from kentei_infra import alarms
from kentei_infra.alarms import api_metric, lambda_metric, sqs_metric
from kentei_infra.settings import physical_name

DASHBOARD: Final = "operations"
PERIOD: Final = Duration.minutes(5)
WIDTH: Final = 24
"""A dashboard row's width in grid units."""
GRAPH_WIDTH: Final = 8
GRAPH_HEIGHT: Final = 6
COUNTS_PER_GRAPH: Final = 5
CONSUMER_COUNTS: Final = ("MessagesProcessed", "MessagesFailed", "MessagesDeferred")
"""What each queue consumer counts by ``service`` (:mod:`kentei.consumer`), on its graph."""
"""Business counts per graph: each is a SEARCH over its dimension combinations, and a few a
graph keep each query small and each graph readable."""


@dataclass(frozen=True)
class Section:
    """One stage of the lifecycle: what carries it, and what it counts."""

    title: str
    about: str
    apis: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    streams: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    """Metric names in the ``kentei`` namespace (any dimensions)."""
    kms: bool = False


SECTIONS: Final = (
    Section(
        "Intake",
        "Bridges and staff submit applications, change requests and initial registrations "
        "(staff and bridge APIs, the intake function).",
        apis=("staff-api", "bridge-api"),
        functions=("intake",),
        counts=(
            "ApplicationsReceived",
            "ApplicationsResubmitted",
            "ChangeRequestsReceived",
            "InitialRegistrationsReceived",
            "IdentityChoices",
            "AuditRefusalsNotRecorded",
        ),
    ),
    Section(
        "Verify",
        "Signatures, registry lookups, the My Number vault, examinee registration; the weekly "
        "registry re-check.",
        functions=("verify",),
        queues=("verify",),
        counts=(
            "ApplicationsVerified",
            "ChangeRequestsVerified",
            "InitialRegistrationsVerified",
            "RegistryChangesProposed",
            "VaultKmsRequests",
        ),
    ),
    Section(
        "Review",
        "Reviewers decide applications and initial registrations; deletions from the roster.",
        counts=("ReviewDecisions", "InitialRegistrationReviews", "SittingsDeleted"),
    ),
    Section(
        "Sittings and results",
        "Exam tickets, result files, pass decisions and announcements (sync), the retention job.",
        functions=("sync",),
        queues=("sync",),
        counts=("TicketsIssued", "TicketsVoided"),
    ),
    Section(
        "Certificates and notices",
        "Pass certificates, status lists, pass, completion and revocation notices (certify); "
        "the public verification API.",
        apis=("public-api",),
        functions=("certify", "public"),
        queues=("certify",),
        counts=(
            "CertificatesIssued",
            "CertificatesHeld",
            "CertificatesReissued",
            "CertificatesRevoked",
            "HeldPassesResumed",
            "StatusListsResigned",
            "PassNoticesSent",
            "PassNoticesPosted",
            "CompletionNoticesSent",
            "RevocationNoticesSent",
            "CertificateVerified",
        ),
    ),
    Section(
        "National sync",
        "The records stream (the national outbox) into the ordered national queue, sent by "
        "sync; changes pulled from the national side and the daily reconciliation run on the "
        "sync queue.",
        functions=("sync",),
        queues=(catalog.NATIONAL_QUEUE,),
        streams=("records",),
    ),
    Section(
        "Staff accounts",
        "Sign-ins recorded by the user pool's trigger; the hourly review of failed sign-ins "
        "and idle accounts.",
        functions=("signins", "accounts"),
        queues=("accounts",),
        counts=("StaffSignIn", "StaffAccountsWarned", "StaffAccountsDisabled"),
    ),
    Section(
        "KMS",
        "Requests against the account's shared KMS quotas (every workload of the region).",
        kms=True,
    ),
)


def count_line(name: str) -> cloudwatch.MathExpression:
    """Every dimension combination of ``name`` summed into one line."""
    seconds = int(PERIOD.to_seconds())
    return cloudwatch.MathExpression(
        expression=(
            f"SUM(SEARCH('Namespace=\"{NAMESPACE}\" MetricName=\"{name}\"', 'Sum', {seconds}))"
        ),
        label=name,
        period=PERIOD,
    )


class Dashboard(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alarms_by_name: Mapping[str, cloudwatch.Alarm],
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=physical_name(DASHBOARD),
            default_interval=Duration.hours(6),
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(
                title="Alarms (docs/runbook.md names each)",
                alarms=list(alarms_by_name.values()),
                width=WIDTH,
                height=4,
                sort_by=cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
            )
        )
        for section in SECTIONS:
            self.dashboard.add_widgets(
                cloudwatch.TextWidget(
                    markdown=f"## {section.title}\n{section.about}", width=WIDTH, height=2
                )
            )
            graphs = self._graphs(section)
            for start in range(0, len(graphs), WIDTH // GRAPH_WIDTH):
                self.dashboard.add_widgets(*graphs[start : start + WIDTH // GRAPH_WIDTH])

    def _graphs(self, section: Section) -> list[cloudwatch.IWidget]:
        graphs: list[cloudwatch.IWidget] = []
        graphs += [_api(name) for name in section.apis]
        graphs += [_queue(catalog.queue(name)) for name in section.queues]
        graphs += [_stream(name) for name in section.streams]
        graphs += [_function(name) for name in section.functions]
        for start in range(0, len(section.counts), COUNTS_PER_GRAPH):
            names = section.counts[start : start + COUNTS_PER_GRAPH]
            graphs.append(_graph(f"{section.title}: counts", [count_line(n) for n in names]))
        if section.kms:
            graphs += [
                _graph(
                    f"KMS {quota}: % of the quota",
                    [alarms.kms_utilization(quota)],
                    annotation=alarms.KMS_UTILIZATION_PERCENT,
                )
                for quota in alarms.kms_quotas()
            ]
        return graphs


def _api(name: str) -> cloudwatch.IWidget:
    sums = [
        api_metric(metric, name, cloudwatch.Stats.SUM)
        for metric in ("Count", "4XXError", "5XXError")
    ]
    return _graph(
        f"{name}: requests, 4xx, 5xx; latency p50, p99 (ms, right)",
        sums,
        right=[api_metric("Latency", name, cloudwatch.Stats.p(p)) for p in (50, 99)],
    )


def _queue(spec: catalog.QueueSpec) -> cloudwatch.IWidget:
    return _graph(
        f"{spec.name} queue: visible, in its DLQ; oldest (s, right)",
        [
            sqs_metric("ApproximateNumberOfMessagesVisible", spec.name, period=PERIOD),
            sqs_metric("ApproximateNumberOfMessagesVisible", spec.dlq_name, period=PERIOD).with_(
                label=f"{spec.dlq_name} visible"
            ),
        ],
        right=[sqs_metric("ApproximateAgeOfOldestMessage", spec.name, period=PERIOD)],
        right_annotation=alarms.oldest_message_threshold_s(spec),
    )


def _stream(table: str) -> cloudwatch.IWidget:
    (stream,) = (s for s in catalog.STREAMS if s.table == table)
    return _graph(
        f"{table} stream: {stream.consumer}'s iterator age (ms)",
        [lambda_metric("IteratorAge", stream.consumer, cloudwatch.Stats.MAXIMUM, period=PERIOD)],
        annotation=alarms.iterator_age_threshold_s(stream) * 1000,
    )


def _function(name: str) -> cloudwatch.IWidget:
    left: list[cloudwatch.IMetric] = [
        lambda_metric(metric, name, cloudwatch.Stats.SUM, period=PERIOD)
        for metric in ("Invocations", "Errors", "Throttles")
    ]
    if catalog.queues_for(name):
        left += [
            cloudwatch.Metric(
                namespace=NAMESPACE,
                metric_name=metric,
                dimensions_map={"service": name},
                period=PERIOD,
                statistic=cloudwatch.Stats.SUM,
            )
            for metric in CONSUMER_COUNTS
        ]
    return _graph(
        f"{name} function: invocations, errors, throttles; duration p99 (ms, right)",
        left,
        right=[lambda_metric("Duration", name, cloudwatch.Stats.p(99), period=PERIOD)],
        right_annotation=catalog.function(name).timeout_s * 1000,
    )


def _graph(
    title: str,
    left: Sequence[cloudwatch.IMetric],
    *,
    right: Sequence[cloudwatch.IMetric] = (),
    annotation: float | None = None,
    right_annotation: float | None = None,
) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(
        title=title,
        left=list(left),
        right=list(right),
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
        left_annotations=(
            None if annotation is None else [cloudwatch.HorizontalAnnotation(value=annotation)]
        ),
        right_annotations=(
            None
            if right_annotation is None
            else [cloudwatch.HorizontalAnnotation(value=right_annotation)]
        ),
    )
