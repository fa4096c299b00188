"""Key policies, read from the template: administrators administer, the catalog's roles use.

CDK's default key policy gave the account root ``kms:*``, so any IAM policy of the account
could grant any use of any key (an administrator could decrypt the vault). Every test here but
the context ones fails on that policy.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Stack

from kentei import catalog
from kentei.vault import kms as vault_kms
from kentei_infra.inspection import (
    CatalogResources,
    KeyPolicyStatement,
    SynthesizedTemplate,
    render,
)
from kentei_infra.key_policies import ADMIN_ACTIONS, ADMIN_CONTEXT, ADMIN_SID, TABLE_GRANT_SID
from kentei_infra.key_uses import CRYPTOGRAPHIC_ACTIONS, function_key_uses, schedule_key_uses
from kentei_infra.keys import Keys

KEYS = [spec.name for spec in catalog.KEYS]
ADMIN_ROLE = "arn:aws:iam::123456789012:role/KeyAdministrators"


def _cryptographic(actions: frozenset[str]) -> set[str]:
    """The cryptographic actions the (possibly wildcard) ``actions`` allow."""
    return {
        crypto
        for crypto in CRYPTOGRAPHIC_ACTIONS
        for action in actions
        if fnmatchcase(crypto.lower(), action.lower()) or action == "*"
    }


def _allows(template: SynthesizedTemplate, key: str) -> list[KeyPolicyStatement]:
    return [s for s in template.key_policy(key) if s.effect == "Allow"]


def _uses_in_policy(template: SynthesizedTemplate, key: str) -> set[tuple[str, str, str | None]]:
    """(role logical id, action, service) for every use the key policy allows a named role."""
    roles = template.roles_by_arn()
    found = set()
    for statement in _allows(template, key):
        for arn in statement.principal_arns:
            if arn in roles:
                found |= {(roles[arn], action, statement.via) for action in statement.actions}
    return found


def _uses_in_catalog(ids: CatalogResources, key: str) -> set[tuple[str, str, str | None]]:
    by_role = [(ids.role(f.name), function_key_uses(f)) for f in catalog.FUNCTIONS]
    by_role += [(ids.schedule_role(s.name), schedule_key_uses(s)) for s in catalog.SCHEDULES]
    return {
        (role, action, use.via)
        for role, uses in by_role
        for use in uses
        if use.key == key
        for action in use.actions
    }


@pytest.mark.parametrize("name", KEYS)
def test_every_key_has_an_explicit_policy_granting_no_wildcard_action(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    statements = template.key_policy(ids.key(name))
    assert statements
    for statement in statements:
        assert statement.sid, "every statement says what it is for"
        for action in statement.actions:
            assert "*" not in action, (name, statement.sid, action)


@pytest.mark.parametrize("name", KEYS)
def test_the_administrators_may_administer_but_never_use_the_key(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    statements = {s.sid: s for s in template.key_policy(ids.key(name))}
    admin = statements[ADMIN_SID]
    assert admin.actions == set(ADMIN_ACTIONS)
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey"} <= admin.actions
    assert _cryptographic(admin.actions) == set()
    assert "kms:CreateGrant" not in admin.actions, "a grant can hand out any use"


@pytest.mark.parametrize("name", KEYS)
def test_only_the_roles_the_catalog_grants_may_use_the_key_and_only_as_granted(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """Every statement allowing a cryptographic action names exactly one function role, and
    the (role, action, service) triples are exactly the catalog's."""
    key = ids.key(name)
    roles = template.roles_by_arn()
    for statement in _allows(template, key):
        if statement.principal == {"Service": "s3.amazonaws.com"}:
            continue  # S3 encrypting its own event notifications (test_infra_notifications)
        if _cryptographic(statement.actions):
            assert len(statement.principal_arns) == 1, statement.sid
            assert statement.principal_arns <= roles.keys(), statement.sid
    assert _uses_in_policy(template, key) == _uses_in_catalog(ids, name)


def test_only_verify_may_decrypt_with_the_vault_key_or_mac_with_the_blind_index_key(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    verify = {arn for arn, role in template.roles_by_arn().items() if role == ids.role("verify")}
    for key, action in (
        (ids.key("vault"), "kms:Decrypt"),
        (ids.key("blind-index"), "kms:GenerateMac"),
    ):
        allowing = [s for s in _allows(template, key) if action in _cryptographic(s.actions)]
        assert allowing, action
        for statement in allowing:
            assert statement.principal_arns == verify, (action, statement.sid)


@pytest.mark.parametrize("name", KEYS)
def test_a_use_through_a_service_is_confined_to_it_and_a_direct_one_carries_the_context(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    context = catalog.key(name).encryption_context
    for statement in _allows(template, ids.key(name)):
        if not _cryptographic(statement.actions):
            continue
        equals = statement.conditions.get("StringEquals", {})
        if statement.via is not None:
            assert statement.via in {"dynamodb", "s3", "sqs"}
            assert equals["kms:ViaService"] == f"{statement.via}.{catalog.REGION}.amazonaws.com"
        for pair, value in context.items():
            if statement.via is None:
                assert equals[f"kms:EncryptionContext:{pair}"] == value, statement.sid


def test_the_vault_context_in_the_key_policy_is_the_one_verify_sends() -> None:
    sent = vault_kms.encryption_context("qualification-pseudonym-id")
    assert catalog.key("vault").encryption_context.items() <= sent.items()


def test_an_object_use_is_confined_to_its_bucket(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    inbox = f"arn:${{AWS::Partition}}:s3:::kentei-inbox-${{AWS::AccountId}}-{catalog.REGION}"
    for statement in _allows(template, ids.key("vault")):
        if statement.via == "s3":
            arns = statement.conditions["StringLike"]["kms:EncryptionContext:aws:s3:arn"]
            assert {render(arn) for arn in arns} == {inbox, f"{inbox}/*"}, statement.sid


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_the_key_policies_and_the_role_allow_the_same_actions_on_each_key(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """Built from the same catalog data: KMS needs both, so a gap either way is a bug."""
    role = ids.role(spec.name)
    for name in KEYS:
        key = ids.key(name)
        in_policy = {action for r, action, _ in _uses_in_policy(template, key) if r == role}
        assert template.actions_on(role, key) == in_policy, name


def test_only_keys_under_a_table_let_dynamodb_take_a_grant(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    table_keys = {table.key for table in catalog.TABLES}
    for name in KEYS:
        grants = [s for s in template.key_policy(ids.key(name)) if s.sid == TABLE_GRANT_SID]
        if name not in table_keys:
            assert grants == []
            continue
        (grant,) = grants
        assert grant.actions == {"kms:CreateGrant"}
        assert grant.via == "dynamodb"
        assert grant.conditions["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_keys_do_not_refer_to_roles_or_policies(template: SynthesizedTemplate) -> None:
    """Roles' policies refer to keys; a key referring back would be a deployment cycle."""
    iam = set(template.of_type("AWS::IAM::Role")) | set(template.of_type("AWS::IAM::Policy"))
    for logical_id in template.of_type("AWS::KMS::Key"):
        assert template.named(template.resources[logical_id]) & iam == set(), logical_id


def _keys_template(tmp_path: Path, admins: object) -> SynthesizedTemplate:
    app = App(outdir=str(tmp_path), context={ADMIN_CONTEXT: admins})
    stack = Stack(app, "Keys", env=Environment(region=catalog.REGION))
    Keys(stack, "Keys")
    app.synth()
    return SynthesizedTemplate.load(tmp_path / "Keys.template.json")


def test_given_an_admin_role_in_the_context_then_only_it_administers(tmp_path: Path) -> None:
    template = _keys_template(tmp_path, ADMIN_ROLE)
    for key in template.of_type("AWS::KMS::Key"):
        for statement in template.key_policy(key):
            if statement.sid in (ADMIN_SID, TABLE_GRANT_SID):
                assert statement.principal_arns == {ADMIN_ROLE}, statement.sid


@pytest.mark.parametrize("admins", ["AdminRole", [], [42]])
def test_given_an_admin_context_that_is_no_arn_then_synth_refuses_it(
    tmp_path: Path, admins: object
) -> None:
    with pytest.raises(ValueError, match=ADMIN_CONTEXT):
        _keys_template(tmp_path, admins)
