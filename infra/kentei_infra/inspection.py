"""Reading a synthesized template back: resources, what a reference names, who may do what.

The infra tests assert security properties on the template CloudFormation will deploy rather
than on the CDK code that wrote it; this module is how they (and a reviewer with a template in
hand) ask questions of it. References are resolved to logical ids: ``{"Ref": X}``,
``{"Fn::GetAtt": [X, ...]}`` and any ``Fn::Join``/``Fn::Sub`` around them name ``X``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kentei import catalog
from kentei_infra.settings import physical_name

_SUB_REFERENCE: Final = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
SERVICE_OF_TYPE: Final = {
    "AWS::KMS::Key": "kms",
    "AWS::DynamoDB::Table": "dynamodb",
    "AWS::S3::Bucket": "s3",
    "AWS::SQS::Queue": "sqs",
    "AWS::Logs::LogGroup": "logs",
    "AWS::Lambda::Function": "lambda",
}


@dataclass(frozen=True)
class Statement:
    """One IAM statement of a role's identity policies, with its resources resolved."""

    role: str
    effect: str
    actions: frozenset[str]
    named: frozenset[str]
    """Logical ids of the template resources the statement's ``Resource`` refers to."""
    literals: frozenset[str]
    """``Resource`` entries that are plain strings (``*``, an ARN pattern)."""
    conditions: Mapping[str, Any]
    raw: Mapping[str, Any]

    def applies_to(self, logical_id: str, service: str) -> bool:
        """Whether this statement may allow ``service`` actions on resource ``logical_id``."""
        return logical_id in self.named or (
            any("*" in literal for literal in self.literals)
            and any(_service(action) in (service, "*") for action in self.actions)
        )


@dataclass(frozen=True)
class KeyPolicyStatement:
    """One statement of a key's policy, with the principals its condition narrows it to."""

    sid: str | None
    effect: str
    principal: Any
    actions: frozenset[str]
    principal_arns: frozenset[str]
    """Rendered ``aws:PrincipalArn`` values (``arn:${AWS::Partition}:iam::...``); empty when
    the statement is not narrowed to named principals."""
    conditions: Mapping[str, Any]

    @property
    def via(self) -> str | None:
        """The service the statement is confined to (``s3``), if any."""
        service = self.conditions.get("StringEquals", {}).get("kms:ViaService")
        return None if service is None else str(service).split(".", 1)[0]


class SynthesizedTemplate:
    def __init__(self, template: Mapping[str, Any]) -> None:
        self.template = template
        self.resources: Mapping[str, Mapping[str, Any]] = template["Resources"]

    @classmethod
    def load(cls, path: Path) -> SynthesizedTemplate:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def of_type(self, resource_type: str) -> dict[str, Mapping[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def properties(self, logical_id: str) -> Mapping[str, Any]:
        properties: Mapping[str, Any] = self.resources[logical_id].get("Properties", {})
        return properties

    def named(self, value: Any) -> set[str]:
        """The logical ids of this template's resources that ``value`` refers to."""
        return {name for name in _references(value) if name in self.resources}

    def the_one_named(self, value: Any) -> str:
        (logical_id,) = self.named(value)
        return logical_id

    def by_property(self, resource_type: str, name: str, value: Any) -> str:
        """The logical id of the only ``resource_type`` whose property ``name`` is ``value``."""
        (logical_id,) = (
            logical_id
            for logical_id, resource in self.of_type(resource_type).items()
            if resource.get("Properties", {}).get(name) == value
        )
        return logical_id

    def role_of(self, function_id: str) -> str:
        return self.the_one_named(self.properties(function_id)["Role"])

    def statements(self) -> list[Statement]:
        """Every statement of every role's inline and attached (``AWS::IAM::Policy``) policies."""
        found: list[Statement] = []
        for policy in self.of_type("AWS::IAM::Policy").values():
            properties = policy["Properties"]
            for role in self.named(properties.get("Roles", [])):
                found.extend(self._statements(role, properties["PolicyDocument"]))
        for role, resource in self.of_type("AWS::IAM::Role").items():
            for inline in resource.get("Properties", {}).get("Policies", []):
                found.extend(self._statements(role, inline["PolicyDocument"]))
        return found

    def actions_on(self, role: str, logical_id: str) -> set[str]:
        """Every action ``role`` is allowed that may apply to resource ``logical_id``."""
        service = SERVICE_OF_TYPE[self.resources[logical_id]["Type"]]
        return {
            action
            for statement in self.statements()
            if statement.role == role
            and statement.effect == "Allow"
            and statement.applies_to(logical_id, service)
            for action in statement.actions
            if _service(action) in (service, "*")
        }

    def key_policy(self, key_id: str) -> list[KeyPolicyStatement]:
        """The statements of key ``key_id``'s policy."""
        found = []
        for raw in self.properties(key_id)["KeyPolicy"]["Statement"]:
            conditions = raw.get("Condition", {})
            arns = _as_list(conditions.get("ArnEquals", {}).get("aws:PrincipalArn", []))
            found.append(
                KeyPolicyStatement(
                    sid=raw.get("Sid"),
                    effect=raw["Effect"],
                    principal=raw["Principal"],
                    actions=frozenset(_as_list(raw["Action"])),
                    principal_arns=frozenset(render(arn) for arn in arns),
                    conditions=conditions,
                )
            )
        return found

    def roles_by_arn(self) -> dict[str, str]:
        """Role logical ids by the ARN their ``RoleName`` gives them, rendered like
        :func:`render` does (only roles with a name)."""
        account_role = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
        return {
            account_role + resource["Properties"]["RoleName"]: logical_id
            for logical_id, resource in self.of_type("AWS::IAM::Role").items()
            if isinstance(resource["Properties"].get("RoleName"), str)
        }

    def _statements(self, role: str, document: Mapping[str, Any]) -> Iterator[Statement]:
        for raw in document["Statement"]:
            resources = _as_list(raw.get("Resource", []))
            yield Statement(
                role=role,
                effect=raw["Effect"],
                actions=frozenset(_as_list(raw.get("Action", []))),
                named=frozenset(self.named(resources)),
                literals=frozenset(r for r in resources if isinstance(r, str)),
                conditions=raw.get("Condition", {}),
                raw=raw,
            )


def render(value: Any) -> str:
    """A string built of literals, pseudo parameters and ``Fn::Join``, as ``${AWS::...}`` text."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return "${" + str(value["Ref"]) + "}"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(render(part) for part in parts)
    raise ValueError(f"cannot render {value!r}")


def _service(action: str) -> str:
    return action.split(":", 1)[0] if ":" in action else action


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            yield value["Ref"]
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            yield str(attribute[0])
        elif isinstance(attribute, str):
            yield attribute.split(".", 1)[0]
        substitution = value.get("Fn::Sub")
        if isinstance(substitution, list) and substitution:
            substitution = substitution[0]
        if isinstance(substitution, str):
            yield from _SUB_REFERENCE.findall(substitution)
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


class CatalogResources:
    """The logical ids of the catalog's resources in a template, found by their physical names."""

    def __init__(self, template: SynthesizedTemplate) -> None:
        self._template = template

    def table(self, name: str) -> str:
        return self._template.by_property("AWS::DynamoDB::Table", "TableName", physical_name(name))

    def queue(self, name: str) -> str:
        return self._template.by_property(
            "AWS::SQS::Queue", "QueueName", physical_name(name) + catalog.queue_suffix(name)
        )

    def function(self, name: str) -> str:
        return self._template.by_property(
            "AWS::Lambda::Function", "FunctionName", physical_name(name)
        )

    def user_pool(self, name: str) -> str:
        return self._template.by_property(
            "AWS::Cognito::UserPool", "UserPoolName", physical_name(name)
        )

    def schedule(self, name: str) -> str:
        return self._template.by_property("AWS::Scheduler::Schedule", "Name", physical_name(name))

    def schedule_role(self, name: str) -> str:
        target = self._template.properties(self.schedule(name))["Target"]
        return self._template.the_one_named(target["RoleArn"])

    def role(self, function_name: str) -> str:
        return self._template.role_of(self.function(function_name))

    def key(self, name: str) -> str:
        alias = self._template.by_property("AWS::KMS::Alias", "AliasName", catalog.key(name).alias)
        return self._template.the_one_named(self._template.properties(alias)["TargetKeyId"])

    def bucket(self, name: str) -> str:
        prefix = f"{physical_name(name)}-"
        (logical_id,) = (
            logical_id
            for logical_id, resource in self._template.of_type("AWS::S3::Bucket").items()
            if _leading_text(resource["Properties"]["BucketName"]).startswith(prefix)
        )
        return logical_id


def _leading_text(value: Any) -> str:
    """The literal text an ``Fn::Join`` (or plain string) starts with."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        text = ""
        for part in parts:
            if not isinstance(part, str):
                break
            text += part + separator
        return text
    return ""
