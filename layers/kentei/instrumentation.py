"""The one way every handler is wrapped: logger context, then metrics.

No tracer: Lambda's active tracing records each invocation (its init, invocation and overhead
segments) without an SDK in the function, and OpenTelemetry, when a deployment switches it on
(``kentei:tracing``, ``kentei_infra.deploy_context``), instruments the handler and botocore from
its own layer (``AWS_LAMBDA_EXEC_WRAPPER``). The X-Ray SDK that Powertools' Tracer patched
with is in maintenance and no longer shipped (README, "Tracing").
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import snapstart
from kentei.observability import NAMESPACE, make_logger, make_metrics, redact_root_handlers

# A request that records no metric is normal (a health check); Powertools warns on each one.
warnings.filterwarnings("ignore", message="No application metrics to publish")

LIBRARY_LOGGER = "kentei"

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class Instruments:
    service: str
    logger: Logger
    metrics: Metrics

    @classmethod
    def for_service(cls, service: str) -> Instruments:
        logger = make_logger(service)
        # The library's own modules (the registry adapter among them) log through standard
        # loggers under "kentei": they reach the function's JSON handler and its redacting
        # formatter through this parent, whenever they are imported.
        logging.getLogger(LIBRARY_LOGGER)
        copy_config_to_registered_loggers(source_logger=logger, include={LIBRARY_LOGGER})
        # Every other library logs through the root logger's handlers: masked there too.
        redact_root_handlers()
        return cls(service, logger, make_metrics(service))

    def wrap(self, handler: LambdaHandler, correlation_id_path: str | None = None) -> LambdaHandler:
        """Stack the Powertools decorators, and register the SnapStart hooks (the shared
        package's clients and caches; a function names its own with :func:`snapstart.keep`)."""
        snapstart.keep()
        measured = self.metrics.log_metrics(handler, raise_on_empty_metrics=False)
        logged: LambdaHandler = self.logger.inject_lambda_context(
            measured, correlation_id_path=correlation_id_path, log_event=False, clear_state=True
        )
        return logged

    def count(self, name: str, value: int = 1, **dimensions: str) -> None:
        """One count with its own dimensions, emitted at once, so a dimension never carries
        over to another metric or invocation. Dimensions are codes, never personal data."""
        with single_metric(
            name=name,
            unit=MetricUnit.Count,
            value=value,
            namespace=NAMESPACE,
            default_dimensions={"service": self.service, **dimensions},
        ):
            pass
