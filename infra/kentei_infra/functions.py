"""The Lambda functions of the catalog: code, layers, logs, role, environment and trigger."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, cast

from aws_cdk import Annotations, CfnElement, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.aws_lambda_event_sources import SqsEventSource
from constructs import Construct

from kentei import catalog
from kentei_infra import deploy_context, nag
from kentei_infra.deploy_context import ContextError, Tracing
from kentei_infra.external import external_environment
from kentei_infra.layers import INVALIDATION_MODE, Layers, compile_tree
from kentei_infra.permissions import BUCKET_ACCESS, GrantTargets
from kentei_infra.runtime import ARCHITECTURE, PYTHON_RUNTIME
from kentei_infra.settings import (
    FUNCTION_CACHE_DIR,
    FUNCTIONS_DIR,
    LOG_RETENTION,
    physical_name,
    role_name,
)

LOG_LEVEL = "INFO"
_NOT_PACKAGED = ("__pycache__", "*.pyc")
TASK_ROOT: Final = "/var/task"
"""Where Lambda extracts a function's code (``LAMBDA_TASK_ROOT``)."""
ALIAS: Final = "live"
"""With SnapStart, the alias every caller invokes: the version published with the snapshot."""
_MIN_EVENT_SOURCE_CONCURRENCY = 2
"""Lambda's lower bound for an SQS event source's maximum concurrency."""


def function_environment(
    spec: catalog.FunctionSpec,
    targets: GrantTargets,
    external: Mapping[str, str] | None = None,
    tracing: Tracing | None = None,
) -> dict[str, str]:
    """Powertools settings, the catalog's ``env``, the external systems' settings
    (:mod:`kentei_infra.external`), the OpenTelemetry wrapper if tracing uses it, and one
    variable per granted resource."""
    environment = {
        "KENTEI_ENV": "aws",
        "POWERTOOLS_SERVICE_NAME": spec.name,
        "POWERTOOLS_METRICS_NAMESPACE": catalog.PREFIX,
        "POWERTOOLS_LOG_LEVEL": LOG_LEVEL,
        "POWERTOOLS_LOGGER_LOG_EVENT": "false",
        **spec.env,
        **(external or {}),
    }
    if tracing is not None and tracing.opentelemetry:
        # The layer's script starts the runtime under OpenTelemetry's auto-instrumentation
        # (by default only the Lambda handler and botocore: no payloads, no HTTP bodies).
        environment["AWS_LAMBDA_EXEC_WRAPPER"] = deploy_context.OTEL_WRAPPER
    for grant in spec.grants:
        variable = targets.environment(grant)
        if variable is None:
            continue
        name, value = variable
        if environment.setdefault(name, value) != value:
            raise ValueError(f"{spec.name}: {name} is set twice")
    return environment


def stream_filter(stream: catalog.StreamSpec) -> dict[str, Any]:
    """The mapping's filter: a change of an item whose sort key starts with one of the
    catalog's prefixes (the others never invoke the function)."""
    prefixes = [{"prefix": prefix} for prefix in stream.key_prefixes]
    sort_key = catalog.table(stream.table).sort_key
    if sort_key is None:
        raise ValueError(f"the {stream.table} table has no sort key to filter on")
    return {"dynamodb": {"Keys": {sort_key: {"S": prefixes}}}}


def function_code(spec: catalog.FunctionSpec) -> lambda_.Code:
    """Only this function's package, so ``<name>.handler.handler`` works, with its bytecode
    for the pinned runtime (:func:`stage_package`)."""
    package = spec.handler.split(".", 1)[0]
    return lambda_.Code.from_asset(str(stage_package(FUNCTIONS_DIR / package, FUNCTION_CACHE_DIR)))


def sources_digest(package_dir: Path) -> str:
    """What a staged package depends on: its files (no bytecode), the runtime, the mode."""
    digest = hashlib.sha256(f"{PYTHON_RUNTIME.name}/{INVALIDATION_MODE}".encode())
    for path in sorted(package_dir.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(package_dir)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stage_package(package_dir: Path, cache_dir: Path) -> Path:
    """A directory holding only ``<package>/`` with a ``.pyc`` beside every ``.py``, named by
    :func:`sources_digest`: a synth with the same sources reuses it (no bundling, so the infra
    tests synthesize what is deployed). Built in a scratch directory and renamed (atomic)."""
    staged = cache_dir / f"{package_dir.name}-{sources_digest(package_dir)[:20]}"
    if staged.is_dir():
        return staged
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".stage-", dir=cache_dir))
    try:
        shutil.copytree(
            package_dir, scratch / package_dir.name, ignore=shutil.ignore_patterns(*_NOT_PACKAGED)
        )
        compile_tree(scratch, TASK_ROOT)
        try:
            scratch.rename(staged)
        except OSError:
            if not staged.is_dir():
                raise
            # Another synth staged the same sources meanwhile: the same content.
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return staged


class Functions(Construct):
    """One function per :data:`kentei.catalog.FUNCTIONS` entry, by catalog name.

    Each has its own role holding exactly its catalog grants (no managed policy), its own
    retained log group, JSON logs, active tracing (and OpenTelemetry's layer if the deployment
    asks for it), and, if a queue names it as consumer, an SQS event source reporting partial
    batch failures. With SnapStart (``kentei:snapStart``) each function publishes a version
    with a snapshot and an alias, :data:`ALIAS`: the event sources, the APIs and the user
    pool's trigger invoke the alias (:attr:`invocable`), never ``$LATEST``, which has no
    snapshot.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, layers: Layers, targets: GrantTargets
    ) -> None:
        super().__init__(scope, construct_id)
        context = self.node.try_get_context
        self._tracing = deploy_context.tracing(context)
        self._snap_start = deploy_context.snap_start(context(deploy_context.SNAP_START))
        if self._snap_start and not PYTHON_RUNTIME.supports_snap_start:
            raise ContextError(
                f"{deploy_context.SNAP_START}: Lambda has no SnapStart for {PYTHON_RUNTIME.name} "
                "(Python 3.12 and later); the runtime is pinned in kentei_infra.runtime"
            )
        self._otel_layer = (
            lambda_.LayerVersion.from_layer_version_arn(
                self, "OpenTelemetry", self._tracing.otel_layer_arn
            )
            if self._tracing.otel_layer_arn is not None
            else None
        )
        self.by_name: dict[str, lambda_.Function] = {}
        self.invocable: dict[str, lambda_.IFunction] = {}
        """What callers invoke, by catalog name: the alias with SnapStart, else the function."""
        for spec in catalog.FUNCTIONS:
            function, target = self._function(spec, layers, targets)
            self.by_name[spec.name] = function
            self.invocable[spec.name] = target

    def _function(
        self, spec: catalog.FunctionSpec, layers: Layers, targets: GrantTargets
    ) -> tuple[lambda_.Function, lambda_.IFunction]:
        scope = Construct(self, spec.name)
        log_group = logs.LogGroup(
            scope,
            "Logs",
            log_group_name=f"/aws/lambda/{physical_name(spec.name)}",
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        role = iam.Role(
            scope,
            "Role",
            # Named: the key policies name the role by this ARN (kentei_infra.key_policies).
            role_name=role_name(spec.name, Stack.of(self).region),
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"kentei {spec.name}: exactly its catalog grants",
        )
        log_group.grant_write(role)
        for grant in spec.grants:
            for statement in targets.statements(grant):
                role.add_to_policy(statement)
        function = lambda_.Function(
            scope,
            "Function",
            function_name=physical_name(spec.name),
            description=spec.purpose,
            runtime=PYTHON_RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=function_code(spec),
            layers=[*layers.all, *([self._otel_layer] if self._otel_layer else [])],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            reserved_concurrent_executions=spec.reserved_concurrency,
            tracing=lambda_.Tracing.ACTIVE,
            snap_start=(lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if self._snap_start else None),
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            log_group=log_group,
            role=role,
            environment=function_environment(
                spec,
                targets,
                external_environment(spec.name, self.node.try_get_context),
                self._tracing,
            ),
        )
        self._acknowledge(spec, role, function, targets)
        target: lambda_.IFunction = function
        if self._snap_start:
            Annotations.of(function).acknowledge_warning(
                "@aws-cdk/aws-lambda:snapStartRequirePublish",
                "The function publishes a version (current_version) behind its alias, which "
                "every caller invokes.",
            )
            # A new version whenever the function's code or configuration changes.
            target = lambda_.Alias(
                scope, "Alias", alias_name=ALIAS, version=function.current_version
            )
        for queue in catalog.queues_for(spec.name):
            self._consume(target, queue, spec, targets)
        for stream in catalog.streams_for(spec.name):
            self._read_stream(scope, target, role, stream, targets)
        return function, target

    @staticmethod
    def _consume(
        function: lambda_.IFunction,
        queue: catalog.QueueSpec,
        spec: catalog.FunctionSpec,
        targets: GrantTargets,
    ) -> None:
        # With reserved concurrency, let the poller scale only as far: beyond it Lambda would
        # throttle, and each throttled receive counts toward maxReceiveCount, sending healthy
        # messages to the DLQ.
        limit = spec.reserved_concurrency
        source = SqsEventSource(
            targets.queues[queue.name].queue,
            batch_size=queue.batch_size,
            report_batch_item_failures=True,
            max_concurrency=(None if limit is None else max(limit, _MIN_EVENT_SOURCE_CONCURRENCY)),
        )
        function.add_event_source(source)
        # The mapping just added (under the function, or its alias): the last of its mappings.
        mapping = [
            child
            for child in function.node.children
            if isinstance(child, lambda_.EventSourceMapping)
        ][-1]
        nag.acknowledge(
            nag.resource(mapping),
            "Serverless-LambdaEventSourceMappingDestination",
            "SQS event source mappings take no on-failure destination (streams and Kafka "
            "only); a message that keeps failing goes to the queue's DLQ by its redrive "
            "policy after maxReceiveCount receives.",
        )

    @staticmethod
    def _read_stream(
        scope: Construct,
        function: lambda_.IFunction,
        role: iam.Role,
        stream: catalog.StreamSpec,
        targets: GrantTargets,
    ) -> None:
        """The table stream's event source mapping, written out (CDK's ``DynamoEventSource``
        and ``SqsDlq`` would grant the table's and the DLQ's keys without conditions): only the
        catalog's items (filter criteria on the sort key), one batch per shard at a time,
        bisected and retried a bounded number of times, failures reported from the first
        failed record, and a batch that keeps failing described on the DLQ (never its data:
        Lambda sends the batch's shard and sequence numbers)."""
        table = targets.tables[stream.table]
        stream_arn = table.table_stream_arn
        if stream_arn is None:
            raise ValueError(f"the {stream.table} table has no stream")
        # The table's streams only (DynamoDB's own example for a Lambda reader scopes all four
        # actions, ListStreams too, to ``table/<name>/stream/*``).
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                ],
                resources=[f"{table.table_arn}/stream/*"],
            )
        )
        dead_letters = targets.queues[stream.on_failure_queue].dead_letters
        mapping = lambda_.CfnEventSourceMapping(
            scope,
            f"Stream-{stream.table}",
            # The alias's ARN with SnapStart (a qualified ARN names the alias), else the name.
            function_name=(
                function.function_arn
                if isinstance(function, lambda_.Alias)
                else function.function_name
            ),
            event_source_arn=stream_arn,
            starting_position="TRIM_HORIZON",
            batch_size=stream.batch_size,
            parallelization_factor=stream.parallelization_factor,
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=stream.max_retries,
            function_response_types=["ReportBatchItemFailures"],
            destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                    destination=dead_letters.queue_arn
                )
            ),
            filter_criteria=lambda_.CfnEventSourceMapping.FilterCriteriaProperty(
                filters=[
                    lambda_.CfnEventSourceMapping.FilterProperty(
                        pattern=json.dumps(stream_filter(stream), ensure_ascii=False)
                    )
                ]
            ),
        )
        # The role's policy (stream reads, the DLQ's send) exists before the mapping starts.
        mapping.node.add_dependency(role)
        stack = Stack.of(function)
        table_id = stack.get_logical_id(cast(CfnElement, nag.resource(table)))
        nag.acknowledge(
            role.node.find_child("DefaultPolicy"),
            f"AwsSolutions-IAM5[Resource::<{table_id}.Arn>/stream/*]",
            f"The {stream.table} table's streams (a stream's ARN ends in its creation time, "
            "which changes when the stream is re-enabled): only the four read actions a "
            "stream event source mapping needs.",
        )

    @staticmethod
    def _acknowledge(
        spec: catalog.FunctionSpec,
        role: iam.Role,
        function: lambda_.Function,
        targets: GrantTargets,
    ) -> None:
        nag.acknowledge(
            nag.resource(function),
            "Serverless-LambdaDLQ",
            "Nothing invokes this function asynchronously: API Gateway invokes it "
            "synchronously, or an SQS event source mapping does, whose failed messages go to "
            "the queue's DLQ. A function DLQ only receives failed asynchronous events.",
        )
        for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
            nag.acknowledge(
                nag.resource(function),
                rule,
                f"The runtime is pinned to {PYTHON_RUNTIME.name}, the Python the tests run on "
                "(kentei_infra.runtime): deploying the newest runtime would deploy code no test "
                "has run on. tests/infra asserts the pin against the test interpreter.",
            )
        policy = role.node.find_child("DefaultPolicy")
        nag.acknowledge(
            policy,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray (active tracing) has no resource-level permissions: xray:PutTraceSegments "
            "and xray:PutTelemetryRecords only accept Resource '*'.",
        )
        stack = Stack.of(function)
        for grant in spec.grants:
            if grant.access in BUCKET_ACCESS:
                bucket = nag.resource(targets.buckets[grant.resource])
                logical_id = stack.get_logical_id(cast(CfnElement, bucket))
                nag.acknowledge(
                    policy,
                    f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{grant.prefix}*]",
                    f"S3 object actions take object ARNs: the '{grant.resource}' bucket's "
                    f"objects (ARN/{grant.prefix}*), with only the actions of its catalog grant "
                    f"{grant.access.value}.",
                )
