"""cdk-nag 3: the AwsSolutions and Serverless packs, and acknowledgments with their reasons.

Packs are validation plugins (``Validations.of(app).add_plugins``); the v2 style
``Aspects.of(app).add(...)`` fails with ``aspect.visit is not a function``. An acknowledgment
is recorded on the construct it concerns, next to the code that makes the finding necessary,
and is also written into the template metadata (``cdk_nag.rules_to_suppress``) so the infra
tests and a reviewer of the template see every reason.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from constructs import IConstruct


def install(app: App) -> None:
    """Run both packs on every stack of ``app``; any unacknowledged finding fails synth."""
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
        ServerlessChecks(app),
    )


def resource(construct: IConstruct) -> IConstruct:
    """The CloudFormation resource of an L2 construct: acknowledge there, not on its children."""
    child = construct.node.default_child
    if child is None:
        raise ValueError(f"{construct.node.path} has no CloudFormation resource")
    return child


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge the finding ``rule`` (e.g. ``AwsSolutions-IAM5[Resource::*]``) on ``scope``.

    The finding is acknowledged for ``scope`` and the constructs it contains, and only for the
    exact finding named: cdk-nag 3 has no prefix matching, so each wildcard is its own entry.
    """
    if not reason.strip():
        raise ValueError(f"acknowledging {rule} needs a reason")
    pack = rule.split("-", 1)[0]
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{pack}::{rule}", reason=reason))
