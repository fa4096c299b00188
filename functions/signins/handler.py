"""Signins: the staff user pool's post-authentication trigger.

Cognito calls it after a staff user passed every challenge (the pool requires a TOTP code, so
each sign-in reaching it used MFA) and before the tokens are issued; it records the sign-in
under the user's prefecture (:func:`kentei.sign_ins.record_sign_in`) and returns the event
unchanged, as Cognito expects. A sign-in that cannot be recorded fails (Cognito then refuses
it): no staff session exists that the login review cannot see. Logs and metrics name no user.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei.data.sign_ins import DynamoSignInStore
from kentei.instrumentation import Instruments
from kentei.sign_ins import record_sign_in, sign_in_from_event

FUNCTION = "signins"
MFA_REQUIRED = True
"""The pool's MFA setting (``infra/kentei_infra/staff_identities.py``: ``Mfa.REQUIRED``)."""

instruments = Instruments.for_service(FUNCTION)


def _handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sign_in = sign_in_from_event(event, datetime.now(UTC), mfa_required=MFA_REQUIRED)
    record_sign_in(DynamoSignInStore(), sign_in)
    instruments.count("StaffSignIn", prefecture_code=sign_in.prefecture_code)
    return event


handler = instruments.wrap(_handler)
