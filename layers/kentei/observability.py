"""Logger and metrics for every handler, made the same way everywhere.

Every log line passes through :class:`RedactingFormatter` after it is rendered, so no My
Number or residence-card number reaches a log line whatever a caller passes to the logger
(message, extra keys, exception text). There is no tracer in the function: traces are
Lambda's own segments, or OpenTelemetry's when a deployment switches it on (README, "Tracing").
"""

from __future__ import annotations

import logging
from typing import Final

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from kentei.redaction import redact

NAMESPACE: Final = "kentei"


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with identifiers masked in the finished line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _RedactingWrapper(logging.Formatter):
    """Another handler's formatter, with the same masking applied to its finished line."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def redact_root_handlers() -> int:
    """Mask identifiers in what the root logger's handlers write: the lines of libraries that
    log outside ``kentei`` (botocore, urllib3, pypdf) and of the Lambda runtime's own handler.
    Idempotent; how many handlers were wrapped this time."""
    wrapped = 0
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter or logging.Formatter()
        if not isinstance(formatter, RedactingFormatter | _RedactingWrapper):
            handler.setFormatter(_RedactingWrapper(formatter))
            wrapped += 1
    return wrapped


def make_logger(service: str) -> Logger:
    return Logger(service=service, logger_formatter=RedactingFormatter(), utc=True)


def make_metrics(service: str) -> Metrics:
    return Metrics(namespace=NAMESPACE, service=service)
