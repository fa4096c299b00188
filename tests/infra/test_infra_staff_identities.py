"""The staff user pool, read back from the template: one account per person, created by
administrators, password and TOTP, recovered by administrators, a prefecture the user
cannot change, one group per role."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kentei import catalog
from kentei.callers import PREFECTURE_CLAIM, Role
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.staff_identities import SIGN_IN_LOG_GROUP


@pytest.fixture(scope="module")
def pool(template: SynthesizedTemplate) -> tuple[str, dict[str, Any]]:
    (logical_id,) = template.of_type("AWS::Cognito::UserPool")
    return logical_id, dict(template.properties(logical_id))


@pytest.fixture(scope="module")
def client(template: SynthesizedTemplate) -> dict[str, Any]:
    (properties,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::Cognito::UserPoolClient").values()
    )
    found: dict[str, Any] = properties
    return found


def test_mfa_is_required_and_only_by_authenticator_app(
    pool: tuple[str, dict[str, Any]],
) -> None:
    _, properties = pool
    assert properties["MfaConfiguration"] == "ON"
    assert properties["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert "SmsConfiguration" not in properties


def test_the_password_policy_is_twelve_characters_of_every_class_and_temporary_ones_expire(
    pool: tuple[str, dict[str, Any]],
) -> None:
    _, properties = pool
    policy = properties["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    for requirement in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"):
        assert policy[requirement] is True, requirement
    assert 1 <= policy["TemporaryPasswordValidityDays"] <= 7


def test_only_administrators_create_accounts_and_recover_them(
    pool: tuple[str, dict[str, Any]],
) -> None:
    _, properties = pool
    assert properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert properties["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]
    }
    assert "UsernameAttributes" not in properties, "sign-in by user name, not by email"
    assert "AliasAttributes" not in properties


def test_threat_protection_is_enforced(pool: tuple[str, dict[str, Any]]) -> None:
    _, properties = pool
    assert properties["UserPoolTier"] == "PLUS"
    assert properties["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_the_pool_is_protected_and_retained(
    pool: tuple[str, dict[str, Any]], template: SynthesizedTemplate
) -> None:
    logical_id, properties = pool
    assert properties["DeletionProtection"] == "ACTIVE"
    assert template.resources[logical_id]["DeletionPolicy"] == "Retain"
    assert template.resources[logical_id]["UpdateReplacePolicy"] == "Retain"


def test_the_prefecture_is_a_two_character_attribute_the_app_client_cannot_write(
    pool: tuple[str, dict[str, Any]], client: dict[str, Any]
) -> None:
    _, properties = pool
    name = PREFECTURE_CLAIM.removeprefix("custom:")
    (attribute,) = (a for a in properties["Schema"] if a["Name"] == name)
    assert attribute["AttributeDataType"] == "String"
    assert attribute["StringAttributeConstraints"] == {"MinLength": "2", "MaxLength": "2"}
    # Absent, the list would mean every attribute is writable.
    assert client["WriteAttributes"]
    assert PREFECTURE_CLAIM not in client["WriteAttributes"]
    assert PREFECTURE_CLAIM in client["ReadAttributes"], "the ID token carries it"


def test_there_is_one_group_per_role(
    pool: tuple[str, dict[str, Any]], template: SynthesizedTemplate
) -> None:
    logical_id, _ = pool
    groups = template.of_type("AWS::Cognito::UserPoolGroup").values()
    names = sorted(group["Properties"]["GroupName"] for group in groups)
    assert names == sorted(role.value for role in Role)
    for group in groups:
        assert template.named(group["Properties"]["UserPoolId"]) == {logical_id}
        assert "RoleArn" not in group["Properties"], "a group grants no AWS role"


def test_the_staff_client_has_no_secret_short_id_tokens_and_hides_unknown_users(
    client: dict[str, Any],
) -> None:
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client["TokenValidityUnits"]["IdToken"] == "minutes"
    assert client["IdTokenValidity"] <= 60
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    assert client["AllowedOAuthFlowsUserPoolClient"] is False


def test_every_sign_in_and_failure_is_logged_to_a_retained_log_group(
    pool: tuple[str, dict[str, Any]], template: SynthesizedTemplate
) -> None:
    logical_id, _ = pool
    (delivery,) = template.of_type("AWS::Cognito::LogDeliveryConfiguration").values()
    assert template.named(delivery["Properties"]["UserPoolId"]) == {logical_id}
    (configuration,) = delivery["Properties"]["LogConfigurations"]
    assert configuration["EventSource"] == "userAuthEvents"
    assert configuration["LogLevel"] == "INFO"
    arn = json.dumps(configuration["CloudWatchLogsConfiguration"]["LogGroupArn"])
    assert f"log-group:{SIGN_IN_LOG_GROUP}" in arn
    assert ":*" not in arn
    (log_group,) = (
        logical
        for logical, resource in template.of_type("AWS::Logs::LogGroup").items()
        if resource["Properties"].get("LogGroupName") == SIGN_IN_LOG_GROUP
    )
    assert template.resources[log_group]["DeletionPolicy"] == "Retain"
    assert "KmsKeyId" not in template.properties(log_group)


def test_each_sign_in_is_recorded_by_the_post_authentication_trigger(
    template: SynthesizedTemplate, ids: CatalogResources, pool: tuple[str, dict[str, Any]]
) -> None:
    pool_id, properties = pool
    (spec,) = (f for f in catalog.FUNCTIONS if f.user_pool_trigger is not None)
    assert spec.user_pool_trigger == catalog.POST_AUTHENTICATION_TRIGGER
    trigger = properties["LambdaConfig"][catalog.POST_AUTHENTICATION_TRIGGER]
    assert template.the_one_named(trigger) == ids.function(spec.name)
    # Cognito may invoke it, and only for this pool.
    (permission,) = (
        p["Properties"]
        for p in template.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
    )
    assert template.the_one_named(permission["FunctionName"]) == ids.function(spec.name)
    assert pool_id in template.named(permission["SourceArn"])
    # It may write sign-ins to the records table and nothing beyond its catalog grants.
    assert {g.resource for g in spec.grants} == {"records"}
