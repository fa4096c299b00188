"""The Lambda context object a local invocation receives, as the Python runtime builds it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from aws_lambda_powertools.utilities.typing import LambdaContext
from aws_lambda_powertools.utilities.typing.lambda_cognito_identity import LambdaCognitoIdentity

from kentei import catalog
from kentei_local.resources import ACCOUNT_ID, physical_name

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing.lambda_client_context import (
        LambdaClientContext,
    )


class LocalContext(LambdaContext):
    """One invocation of a catalog function: names, ARN, memory, and a deadline that counts down.

    The deadline is the catalog timeout from the moment the context is made; nothing stops a
    handler at it (threads cannot be killed), but the caller treats an overrun as Lambda does.
    """

    def __init__(self, spec: catalog.FunctionSpec, request_id: str | None = None) -> None:
        name = physical_name(spec.name)
        self._function_name = name
        self._function_version = "$LATEST"
        self._invoked_function_arn = f"arn:aws:lambda:{catalog.REGION}:{ACCOUNT_ID}:function:{name}"
        self._memory_limit_in_mb = spec.memory_mb
        self._aws_request_id = request_id or str(uuid.uuid4())
        self._log_group_name = f"/aws/lambda/{name}"
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        self._log_stream_name = f"{day}/[$LATEST]{uuid.uuid4().hex}"
        self._tenant_id = None
        # The Python runtime passes an identity whose fields are None, and no client context,
        # when the invoker is not a mobile SDK.
        identity = LambdaCognitoIdentity()
        identity._cognito_identity_id = cast("str", None)
        identity._cognito_identity_pool_id = cast("str", None)
        self._identity = identity
        self._client_context = cast("LambdaClientContext", None)
        self.timeout_s = spec.timeout_s
        self._deadline = time.monotonic() + spec.timeout_s

    @classmethod
    def for_function(cls, name: str, request_id: str | None = None) -> LocalContext:
        return cls(catalog.function(name), request_id)

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @property
    def timed_out(self) -> bool:
        return time.monotonic() >= self._deadline

    def log(self, message: str) -> None:
        """What the runtime's ``context.log`` does: write to the function's log (stdout)."""
        print(message, end="", flush=True)

    def __repr__(self) -> str:
        return (
            f"LocalContext(function_name={self._function_name!r}, "
            f"aws_request_id={self._aws_request_id!r})"
        )
