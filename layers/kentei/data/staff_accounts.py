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
    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self._pool = user_pool_id
        self._client = client

    @property
    def _idp(self) -> Any:
        return self._client or aws.cognito_idp()

    def accounts(self, prefecture_code: str) -> list[Account]:
        found: list[Account] = []
        for page in self._idp.get_paginator("list_users").paginate(UserPoolId=self._pool):
            for user in page.get("Users", []):
                attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
                if attributes.get(PREFECTURE_CLAIM) != prefecture_code:
                    continue
                found.append(self._account(user, prefecture_code))
        return found

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
