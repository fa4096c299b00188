"""A staff user's authentication events from the Cognito user pool (threat protection).

``AdminListUserAuthEvents`` returns the user's sign-in attempts newest first, the failed ones
included, with the challenges passed and the source address: what the post-authentication
trigger cannot see (it runs only after a success). Read back to ``since``; the caller keeps
only the failures (:func:`kentei.sign_ins.failures_from_auth_events`). The pool must run
threat protection (the Plus plan, as deployed); moto has none, so the local runtime records
failures where it signs in (``kentei_local.cognito``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from kentei import aws

PAGE_SIZE: Final = 60
"""Cognito's largest page."""


class CognitoAuthEvents:
    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self._pool = user_pool_id
        self._client = client

    @property
    def _idp(self) -> Any:
        return self._client or aws.cognito_idp()

    def events(self, username: str, since: datetime) -> list[dict[str, Any]]:
        """The user's events created at or after ``since``, newest first."""
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "UserPoolId": self._pool,
            "Username": username,
            "MaxResults": PAGE_SIZE,
        }
        while True:
            page = self._idp.admin_list_user_auth_events(**request)
            for event in page.get("AuthEvents", []):
                created = event.get("CreationDate")
                if isinstance(created, datetime) and created < since:
                    return found
                found.append(event)
            token = page.get("NextToken")
            if not token:
                return found
            request["NextToken"] = token
