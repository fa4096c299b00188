"""The staff accounts of one prefecture, read from the Cognito user pool.

``ListUsers`` cannot filter on a custom attribute, so every page is read and only users whose
``custom:prefecture_code`` is the asked prefecture are kept (scoping in this data-access
layer); the roles come from ``ListUsersInGroup`` (a call per role, not per user) and each
kept user's MFA settings from ``AdminGetUser``. Only the staff user's own id, state and
roles are returned: no e-mail, no other attribute.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Final

from kentei import aws
from kentei.accounts import Account
from kentei.callers import PREFECTURE_CLAIM, Role

MFA_LOOKUPS_AT_ONCE: Final = 8


class CognitoStaffAccounts:
    """The pool's users, listed once per instance (an instance serves one request or one
    scheduled run: make a new one to see later changes)."""

    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self._pool = user_pool_id
        self._client = client
        self._listing: dict[str, list[dict[str, Any]]] | None = None
        self._memberships: dict[str, tuple[str, ...]] | None = None

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
        users = self._users().get(prefecture_code, [])
        if not users:
            return []
        roles = self._roles()
        names = [u["Username"] for u in users]
        # One AdminGetUser per user (the only call that tells the MFA settings), a few at a
        # time: a prefecture of hundreds of accounts answers in seconds, within Cognito's
        # request rate.
        with ThreadPoolExecutor(max_workers=MFA_LOOKUPS_AT_ONCE) as pool:
            mfa = dict(zip(names, pool.map(self._mfa_enabled, names), strict=True))
        return [
            self._account(u, prefecture_code, roles.get(u["Username"], ()), mfa[u["Username"]])
            for u in users
        ]

    def _roles(self) -> dict[str, tuple[str, ...]]:
        """Each user's groups, by listing each role's members (a call per role and page,
        instead of one per user)."""
        if self._memberships is None:
            found: dict[str, list[str]] = {}
            for role in Role:
                pages = self._idp.get_paginator("list_users_in_group").paginate(
                    UserPoolId=self._pool, GroupName=role.value
                )
                try:
                    for page in pages:
                        for user in page.get("Users", []):
                            found.setdefault(user["Username"], []).append(role.value)
                except self._idp.exceptions.ResourceNotFoundException:
                    continue  # a pool without this role's group: nobody holds the role

            self._memberships = {name: tuple(sorted(r)) for name, r in found.items()}
        return self._memberships

    def _mfa_enabled(self, username: str) -> bool:
        detail = self._idp.admin_get_user(UserPoolId=self._pool, Username=username)
        return bool(detail.get("UserMFASettingList"))

    def disable(self, username: str) -> None:
        """``AdminDisableUser``: the user can no longer sign in (idempotent)."""
        self._idp.admin_disable_user(UserPoolId=self._pool, Username=username)

    @staticmethod
    def _account(
        user: dict[str, Any], prefecture_code: str, roles: tuple[str, ...], mfa_enabled: bool
    ) -> Account:
        created = user.get("UserCreateDate")
        return Account(
            username=user["Username"],
            prefecture_code=prefecture_code,
            roles=roles,
            mfa_enabled=mfa_enabled,
            enabled=bool(user.get("Enabled", True)),
            created_at=created if isinstance(created, datetime) else datetime.now(UTC),
        )
