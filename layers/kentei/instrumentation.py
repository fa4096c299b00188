"""The one way every handler is wrapped: logger context, tracer, metrics, in that order."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei.observability import (
    NAMESPACE,
    make_logger,
    make_metrics,
    make_tracer,
    redact_root_handlers,
)

# A request that records no metric is normal (a health check); Powertools warns on each one.
warnings.filterwarnings("ignore", message="No application metrics to publish")

LIBRARY_LOGGER = "kentei"

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class Instruments:
    service: str
    logger: Logger
    tracer: Tracer
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
        return cls(service, logger, make_tracer(service), make_metrics(service))

    def wrap(self, handler: LambdaHandler, correlation_id_path: str | None = None) -> LambdaHandler:
        """Stack the Powertools decorators; traces never capture responses (may be personal)."""
        traced = self.tracer.capture_lambda_handler(handler, capture_response=False)
        measured = self.metrics.log_metrics(traced, raise_on_empty_metrics=False)
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
