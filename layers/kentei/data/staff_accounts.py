"""The staff accounts of one prefecture, read from the Cognito user pool.

``ListUsers`` cannot filter on a custom attribute, so every page is read and only users whose
``custom:prefecture_code`` is the asked prefecture are kept (scoping in this data-access
layer); each kept user's groups (its roles) and MFA settings are then read with
``AdminListGroupsForUser`` and ``AdminGetUser``. Only the staff user's own id, state and
roles are returned: no e-mail, no other attribute.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kentei import aws
from kentei.accounts import Account
from kentei.callers import PREFECTURE_CLAIM


class CognitoStaffAccounts:
    """The pool's users, listed once per instance (an instance serves one request or one
    scheduled run: make a new one to see later changes)."""

    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self._pool = user_pool_id
        self._client = client
        self._listing: dict[str, list[dict[str, Any]]] | None = None

    @property
    def _idp(self) -> Any:
        return self._client or aws.cognito_idp()

    def _users(self) -> dict[str, list[dict[str, Any]]]:
        """Every user with a prefecture, by prefecture (a user without one reaches nothing)."""
        if self._listing is None:
            listing: dict[str, list[dict[str, Any]]] = {}
            for page in self._idp.get_paginator("list_users").paginate(UserPoolId=self._pool):
                for user in page.get("Users", []):
                    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
                    prefecture = attributes.get(PREFECTURE_CLAIM)
                    if prefecture:
                        listing.setdefault(prefecture, []).append(user)
            self._listing = listing
        return self._listing

    def prefectures(self) -> list[str]:
        return sorted(self._users())

    def accounts(self, prefecture_code: str) -> list[Account]:
        return [self._account(u, prefecture_code) for u in self._users().get(prefecture_code, [])]

    def disable(self, username: str) -> None:
        """``AdminDisableUser``: the user can no longer sign in (idempotent)."""
        self._idp.admin_disable_user(UserPoolId=self._pool, Username=username)

    def _account(self, user: dict[str, Any], prefecture_code: str) -> Account:
        username = user["Username"]
        roles: list[str] = []
        for page in self._idp.get_paginator("admin_list_groups_for_user").paginate(
            UserPoolId=self._pool, Username=username
        ):
            roles.extend(group["GroupName"] for group in page.get("Groups", []))
        detail = self._idp.admin_get_user(UserPoolId=self._pool, Username=username)
        created = user.get("UserCreateDate")
        return Account(
            username=username,
            prefecture_code=prefecture_code,
            roles=tuple(sorted(roles)),
            mfa_enabled=bool(detail.get("UserMFASettingList")),
            enabled=bool(user.get("Enabled", True)),
            created_at=created if isinstance(created, datetime) else datetime.now(UTC),
        )
