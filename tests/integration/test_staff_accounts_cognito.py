"""A prefecture's staff accounts from moto's user pool: that prefecture's only, with groups,
MFA state and enabled flag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from kentei import catalog
from kentei.callers import PREFECTURE_CLAIM, Role
from kentei.data.staff_accounts import CognitoStaffAccounts


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name=catalog.REGION)
        pool_id = idp.create_user_pool(
            PoolName="staff",
            Schema=[{"Name": "prefecture_code", "AttributeDataType": "String", "Mutable": True}],
        )["UserPool"]["Id"]
        for group in ("admin", "clerk", "reviewer"):
            idp.create_group(GroupName=group, UserPoolId=pool_id)
        for name, prefecture, groups in (
            ("admin-13", "13", ("admin",)),
            ("desk-13", "13", ("clerk", "reviewer")),
            ("admin-27", "27", ("admin",)),
        ):
            idp.admin_create_user(
                UserPoolId=pool_id,
                Username=name,
                UserAttributes=[{"Name": PREFECTURE_CLAIM, "Value": prefecture}],
                MessageAction="SUPPRESS",
            )
            for group in groups:
                idp.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName=group)
        idp.admin_disable_user(UserPoolId=pool_id, Username="desk-13")
        yield idp, pool_id


def test_only_the_prefectures_accounts_with_their_roles_and_state(pool: tuple[Any, str]) -> None:
    idp, pool_id = pool
    accounts = {a.username: a for a in CognitoStaffAccounts(pool_id, idp).accounts("13")}
    assert set(accounts) == {"admin-13", "desk-13"}
    assert accounts["desk-13"].roles == ("clerk", "reviewer")
    assert accounts["desk-13"].enabled is False
    assert accounts["admin-13"].enabled is True
    assert accounts["admin-13"].mfa_enabled is False
    assert all(a.prefecture_code == "13" for a in accounts.values())


def test_disabling_an_account_twice_leaves_it_disabled(pool: tuple[Any, str]) -> None:
    idp, pool_id = pool
    accounts = CognitoStaffAccounts(pool_id, idp)
    accounts.disable("admin-13")
    accounts.disable("admin-13")
    # The listing is read once per instance (a run): a new one sees the change.
    (admin,) = [
        a for a in CognitoStaffAccounts(pool_id, idp).accounts("13") if a.username == "admin-13"
    ]
    assert admin.enabled is False


def test_the_pool_is_listed_once_per_instance_and_its_prefectures_named(
    pool: tuple[Any, str],
) -> None:
    idp, pool_id = pool
    calls: list[str] = []
    for operation in ("ListUsers", "ListUsersInGroup", "AdminListGroupsForUser"):
        idp.meta.events.register(
            f"before-call.cognito-idp.{operation}", lambda op=operation, **_: calls.append(op)
        )
    accounts = CognitoStaffAccounts(pool_id, idp)
    assert accounts.prefectures() == ["13", "27"]
    accounts.accounts("13")
    accounts.accounts("27")
    # The pool once, each role's members once: no call per user for the roles.
    assert calls.count("ListUsers") == 1
    assert calls.count("ListUsersInGroup") == len(Role)
    assert "AdminListGroupsForUser" not in calls
