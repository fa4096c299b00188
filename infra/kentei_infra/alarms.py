"""CloudWatch alarms on every catalog queue, DLQ, function, stream and API, and on KMS, all
telling one encrypted SNS topic.

What is alarmed, each derived from the catalog (a new queue, function, stream or API gets its
alarms with nothing more; ``tests/infra/test_alarms.py`` fails for one without them, and for an
alarm ``docs/runbook.md`` does not name):

- **A DLQ's depth** (``kentei-<queue>-dlq-depth``): any message visible in it. Missing data
  keeps the state (an idle queue may stop reporting; a DLQ that held a message stays in alarm
  until a datapoint shows it empty).
- **The oldest message of a queue** (``kentei-<queue>-oldest-message``): older than
  :func:`oldest_message_threshold_s`, what a healthy message can reach (its first receive
  failed and it waited out the hold before the next one, then a whole run of the consumer). An
  older one was refused twice or was never received: the consumer is down, throttled or
  behind.
- **A function's errors and throttles** (``kentei-<function>-errors``, ``-throttles``): any
  in five minutes. A consumer's failed message is not an error (partial batch responses): an
  error is an invocation that crashed or timed out. A throttle cannot happen while reserved
  concurrency and the event sources' maximum concurrency agree, so one is news.
- **A stream's iterator age** (``kentei-<table>-stream-iterator-age``): the reader is further
  behind than a batch that keeps failing holds it (:func:`iterator_age_threshold_s`).
- **An API's 5xx rate and latency** (``kentei-<api>-5xx-rate``, ``-latency-p99``): 5xx above
  1 % of requests in two of three five-minute periods; p99 latency above a quarter of the
  function's timeout (:func:`latency_threshold_ms`), the tail a few slow calls from a 504.
- **KMS request rate** (``kentei-kms-<quota>-requests``): AWS KMS publishes no throttle count
  for keys in its own key store (``ExternalKeyStoreThrottle`` is for external key stores
  only) and a ``ThrottlingException`` appears only in CloudTrail, which a metric filter
  would read at the cost of a trail into CloudWatch Logs. KMS does publish its request rates
  against the account's shared quotas in ``AWS/Usage`` (``CallCount``, ``Service=KMS``,
  ``Type=API``, ``Class=None``, ``Resource=CryptographicOperationsSymmetric`` and the like,
  summed per minute), and ``SERVICE_QUOTA()`` gives the quota (requests per second): the
  alarm fires when a minute's average rate passes :data:`KMS_UTILIZATION_PERCENT` of the
  quota, before KMS throttles. One alarm per quota the catalog's keys draw on (HMAC keys
  share the symmetric one). A throttle that happens anyway is retried by botocore and then
  fails the message or the request: the function and API alarms above.

Alarm and OK notifications go to the topic ``kentei-alarms``, encrypted under its own key
(``alias/kentei-alarms``): no catalog key, since CloudWatch must be let use it, and the
catalog's keys protect personal data. The topic's policy and the key's let the CloudWatch
service publish only for this account's ``kentei-*`` alarms. Its subscriptions come from the
deployment context (``kentei:alarmSubscriptions``, :mod:`kentei_infra.deploy_context`).
Notifications carry alarm names, metrics and thresholds: no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from kentei import catalog
from kentei_infra import deploy_context
from kentei_infra.key_policies import ADMIN_ACTIONS, ADMIN_CONTEXT, ADMIN_SID, admin_arns
from kentei_infra.settings import API_STAGE, physical_name
from sync.national_handler import MAX_BACKOFF_S

TOPIC: Final = "alarms"
"""The alarm topic's catalog-style name: ``kentei-alarms``."""
KEY_ALIAS: Final = f"alias/{catalog.PREFIX}-alarms"
ALARM_NAME_PATTERN: Final = f"{catalog.PREFIX}-*"
"""Every alarm's name starts ``kentei-``: the CloudWatch service may publish for those only."""
CLOUDWATCH_SID: Final = "CloudWatchAlarmsOfThisAccount"

PERIOD: Final = Duration.minutes(5)
QUEUE_PERIOD: Final = Duration.minutes(1)
"""SQS reports its queues every minute: a message in a DLQ is news the minute it arrives."""
API_5XX_RATE: Final = 0.01
API_5XX_PERIODS: Final = (2, 3)
"""Datapoints to alarm, of evaluation periods: one bad five minutes of a quiet API (a 5xx in
a few requests) is not an incident; two of three are."""
LATENCY_SHARE_OF_TIMEOUT: Final = 4
KMS_UTILIZATION_PERCENT: Final = 50
"""KMS throttles per second, the usage metric averages a minute: half the quota on average
leaves room for the bursts inside the minute. The system's own rate is a few requests per
application, far below; half the account's quota means something runs away (or another
workload of the account shares it)."""

KMS_QUOTAS: Final[Mapping[str, str]] = {
    "SYMMETRIC_DEFAULT": "symmetric",
    "HMAC_": "symmetric",
    "ECC_": "ecc",
    "RSA_": "rsa",
}
"""Which shared request quota a key spec draws on (by prefix): the KMS request quotas put
GenerateMac and VerifyMac in the symmetric one, Sign and Verify in the key type's own."""
KMS_USAGE_RESOURCE: Final[Mapping[str, str]] = {
    "symmetric": "CryptographicOperationsSymmetric",
    "ecc": "CryptographicOperationsEcc",
    "rsa": "CryptographicOperationsRsa",
}
"""The ``Resource`` dimension of each quota's ``CallCount`` in ``AWS/Usage``."""


def dlq_depth_name(spec: catalog.QueueSpec) -> str:
    return physical_name(f"{spec.dlq_name}-depth")


def oldest_message_name(spec: catalog.QueueSpec) -> str:
    return physical_name(f"{spec.name}-oldest-message")


def function_errors_name(function: str) -> str:
    return physical_name(f"{function}-errors")


def function_throttles_name(function: str) -> str:
    return physical_name(f"{function}-throttles")


def iterator_age_name(stream: catalog.StreamSpec) -> str:
    return physical_name(f"{stream.table}-stream-iterator-age")


def api_5xx_name(api: str) -> str:
    return physical_name(f"{api}-5xx-rate")


def api_latency_name(api: str) -> str:
    return physical_name(f"{api}-latency-p99")


def kms_requests_name(quota: str) -> str:
    return physical_name(f"kms-{quota}-requests")


def hold_s(spec: catalog.QueueSpec) -> int:
    """The longest a healthy message waits between two receives: the visibility timeout after
    a failed receive, or (the national queue) the national side's ``Retry-After``, which
    sync honours up to ``MAX_BACKOFF_S`` by changing the message's visibility."""
    hold = catalog.visibility_timeout_s(spec)
    if spec.name == catalog.NATIONAL_QUEUE:
        hold = max(hold, MAX_BACKOFF_S)
    return hold


def oldest_message_threshold_s(spec: catalog.QueueSpec) -> int:
    """Seconds past which the oldest message of ``spec`` is not a healthy one: one hold and one
    whole run of the consumer (its timeout). verify and sync: 6 × 60 + 60 = 420 s; certify and
    accounts: 6 × 120 + 120 = 840 s; national: 900 + 60 = 960 s."""
    return hold_s(spec) + catalog.function(spec.consumer).timeout_s


def iterator_age_threshold_s(stream: catalog.StreamSpec) -> int:
    """Seconds past which the stream's reader is behind more than a batch that keeps failing
    holds it (each of its attempts a whole run of the consumer, the first
    and ``max_retries`` more): the records stream, 6 × 60 = 360 s."""
    return (stream.max_retries + 1) * catalog.function(stream.consumer).timeout_s


def latency_threshold_ms(function: catalog.FunctionSpec) -> int:
    """p99 latency past which an API's tail is a few slow calls from its function's timeout:
    a quarter of it (intake 29 s: 7,250 ms; public 10 s: 2,500 ms)."""
    return function.timeout_s * 1000 // LATENCY_SHARE_OF_TIMEOUT


def kms_quotas() -> list[str]:
    """The request quotas the catalog's keys draw on, in a stable order."""
    quotas: list[str] = []
    for spec in catalog.KEYS:
        (quota,) = (q for prefix, q in KMS_QUOTAS.items() if spec.key_spec.startswith(prefix))
        if quota not in quotas:
            quotas.append(quota)
    return quotas


@dataclass(frozen=True)
class AlarmedApi:
    """A REST API to alarm on: its name (``staff-api``, :mod:`kentei_infra.api`; deployed
    ``kentei-staff-api``) and the function behind it (whose timeout sets the latency
    threshold)."""

    name: str
    function: catalog.FunctionSpec


def alarmed_apis() -> list[AlarmedApi]:
    """The APIs of :mod:`kentei_infra.api`, from the catalog's API functions: intake's staff
    and bridge APIs, the public function's API (``tests/infra`` compares them with the
    template's REST APIs)."""
    apis: list[AlarmedApi] = []
    for spec in catalog.FUNCTIONS:
        if spec.api:
            apis += [AlarmedApi("staff-api", spec), AlarmedApi("bridge-api", spec)]
        if spec.public_api:
            apis.append(AlarmedApi("public-api", spec))
    return apis


def queue_name(name: str) -> str:
    """The deployed name of catalog queue (or DLQ) ``name``."""
    return physical_name(name) + catalog.queue_suffix(name)


def sqs_metric(metric: str, queue: str, *, period: Duration = QUEUE_PERIOD) -> cloudwatch.Metric:
    """``metric`` of catalog queue (or DLQ) ``queue``, its maximum over ``period``."""
    return cloudwatch.Metric(
        namespace="AWS/SQS",
        metric_name=metric,
        dimensions_map={"QueueName": queue_name(queue)},
        period=period,
        statistic=cloudwatch.Stats.MAXIMUM,
    )


def lambda_metric(
    metric: str, function: str, statistic: str, *, period: Duration = PERIOD
) -> cloudwatch.Metric:
    """``metric`` of catalog function ``function``."""
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=metric,
        dimensions_map={"FunctionName": physical_name(function)},
        period=period,
        statistic=statistic,
    )


def api_metric(
    metric: str, api: str, statistic: str, *, period: Duration = PERIOD
) -> cloudwatch.Metric:
    """``metric`` of the REST API ``api``'s stage."""
    return cloudwatch.Metric(
        namespace="AWS/ApiGateway",
        metric_name=metric,
        dimensions_map={"ApiName": physical_name(api), "Stage": API_STAGE},
        period=period,
        statistic=statistic,
    )


class AlarmTopic(Construct):
    """The one SNS topic every alarm tells, under its own key, with the operator's
    subscriptions from the context."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        admins = admin_arns(self.node.try_get_context(ADMIN_CONTEXT))
        alarm_arns = (
            f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:"
            f"{ALARM_NAME_PATTERN}"
        )
        from_our_alarms = {
            "ArnLike": {"aws:SourceArn": alarm_arns},
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
        }
        self.key = kms.Key(
            self,
            "Key",
            alias=KEY_ALIAS,
            description="kentei: the alarm topic's messages (alarm names and metrics only)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
            policy=iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        sid=ADMIN_SID,
                        principals=[iam.AccountRootPrincipal()],
                        actions=list(ADMIN_ACTIONS),
                        resources=["*"],
                        conditions=(
                            {"ArnEquals": {"aws:PrincipalArn": admins}} if admins else None
                        ),
                    ),
                    # What CloudWatch needs to publish to an encrypted topic (SNS, "Enable
                    # compatibility between event sources from AWS services and encrypted
                    # topics"); SNS itself decrypts for the subscribers.
                    iam.PolicyStatement(
                        sid=CLOUDWATCH_SID,
                        principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                        actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                        resources=["*"],
                        conditions=from_our_alarms,
                    ),
                ]
            ),
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=physical_name(TOPIC),
            display_name="kentei alarms",
            master_key=self.key,
            enforce_ssl=True,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid=CLOUDWATCH_SID,
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=from_our_alarms,
            )
        )
        given = self.node.try_get_context(deploy_context.ALARM_SUBSCRIPTIONS)
        for subscription in deploy_context.alarm_subscriptions(given):
            if subscription.protocol == "email":
                self.topic.add_subscription(subscriptions.EmailSubscription(subscription.endpoint))
            else:
                self.topic.add_subscription(subscriptions.UrlSubscription(subscription.endpoint))


class Alarms(Construct):
    """Every alarm of the module docstring, by name, each with the topic as its alarm and OK
    action."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.topic = AlarmTopic(self, "Topic").topic
        self._action = cloudwatch_actions.SnsAction(self.topic)
        self.by_name: dict[str, cloudwatch.Alarm] = {}
        for spec in catalog.QUEUES:
            self._queue(spec)
        for function in catalog.FUNCTIONS:
            self._function(function.name)
        for stream in catalog.STREAMS:
            self._stream(stream)
        for api in alarmed_apis():
            self._api(api)
        for quota in kms_quotas():
            self._kms(quota)

    def _alarm(
        self,
        name: str,
        description: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        *,
        periods: tuple[int, int] = (1, 1),
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> None:
        datapoints, evaluation_periods = periods
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=name,
            alarm_description=f"{description} Runbook: docs/runbook.md#{name}",
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints,
            treat_missing_data=missing,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.by_name[name] = alarm

    def _queue(self, spec: catalog.QueueSpec) -> None:
        self._alarm(
            dlq_depth_name(spec),
            f"A message is in the {spec.dlq_name} queue: {spec.consumer} gave up on it.",
            sqs_metric("ApproximateNumberOfMessagesVisible", spec.dlq_name),
            0,
            missing=cloudwatch.TreatMissingData.IGNORE,
        )
        threshold = oldest_message_threshold_s(spec)
        self._alarm(
            oldest_message_name(spec),
            f"The oldest message of the {spec.name} queue waited more than {threshold} s: "
            f"{spec.consumer} is down, throttled or behind.",
            sqs_metric("ApproximateAgeOfOldestMessage", spec.name),
            threshold,
            periods=(2, 2),
        )

    def _function(self, name: str) -> None:
        self._alarm(
            function_errors_name(name),
            f"The {name} function failed invocations (crashed or timed out).",
            lambda_metric("Errors", name, cloudwatch.Stats.SUM),
            0,
        )
        self._alarm(
            function_throttles_name(name),
            f"Lambda throttled invocations of the {name} function.",
            lambda_metric("Throttles", name, cloudwatch.Stats.SUM),
            0,
        )

    def _stream(self, stream: catalog.StreamSpec) -> None:
        threshold = iterator_age_threshold_s(stream)
        self._alarm(
            iterator_age_name(stream),
            f"{stream.consumer} reads the {stream.table} table's stream more than {threshold} s "
            "behind.",
            lambda_metric(
                "IteratorAge", stream.consumer, cloudwatch.Stats.MAXIMUM, period=QUEUE_PERIOD
            ),
            threshold * 1000,
            periods=(2, 2),
        )

    def _api(self, api: AlarmedApi) -> None:
        self._alarm(
            api_5xx_name(api.name),
            f"More than {API_5XX_RATE:.0%} of the {api.name}'s requests answered 5xx.",
            api_metric("5XXError", api.name, cloudwatch.Stats.AVERAGE),
            API_5XX_RATE,
            periods=API_5XX_PERIODS,
        )
        threshold = latency_threshold_ms(api.function)
        self._alarm(
            api_latency_name(api.name),
            f"The {api.name}'s p99 latency passed {threshold} ms (a quarter of "
            f"{api.function.name}'s timeout).",
            api_metric("Latency", api.name, cloudwatch.Stats.p(99)),
            threshold,
            periods=API_5XX_PERIODS,
        )

    def _kms(self, quota: str) -> None:
        self._alarm(
            kms_requests_name(quota),
            f"KMS {quota} cryptographic requests passed {KMS_UTILIZATION_PERCENT} % of the "
            "account's quota: throttling is near.",
            kms_utilization(quota),
            KMS_UTILIZATION_PERCENT,
        )


def kms_usage(quota: str) -> cloudwatch.Metric:
    """Requests of ``quota`` per minute, the account's (every workload of the region)."""
    return cloudwatch.Metric(
        namespace="AWS/Usage",
        metric_name="CallCount",
        dimensions_map={
            "Service": "KMS",
            "Type": "API",
            "Resource": KMS_USAGE_RESOURCE[quota],
            "Class": "None",
        },
        period=QUEUE_PERIOD,
        statistic=cloudwatch.Stats.SUM,
    )


def kms_utilization(quota: str) -> cloudwatch.MathExpression:
    """The minute's average requests per second as a percentage of the quota (per second)."""
    return cloudwatch.MathExpression(
        expression="100 * (usage / PERIOD(usage)) / SERVICE_QUOTA(usage)",
        using_metrics={"usage": kms_usage(quota)},
        label=f"KMS {quota} requests, % of quota",
        period=QUEUE_PERIOD,
    )
