"""Names and operating settings of the deployed system that are not resources of the catalog.

The catalog (:mod:`kentei.catalog`) declares what exists and who may do what; this module
holds how the CDK app lays it out: paths of the code it packages, physical names, log
retention and API limits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from aws_cdk import Aws
from aws_cdk import aws_logs as logs

from kentei import catalog

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR: Final = REPO_ROOT / "functions"
LAYERS_DIR: Final = REPO_ROOT / "layers"
SHARED_PACKAGE_DIR: Final = LAYERS_DIR / "kentei"
REQUIREMENTS_FILE: Final = LAYERS_DIR / "requirements.txt"
CONSTRAINTS_FILE: Final = REPO_ROOT / "constraints.txt"
CACHE_DIR: Final = REPO_ROOT / ".cache" / "layers"
CDK_JSON: Final = REPO_ROOT / "cdk.json"

STACK_ID: Final = "Kentei"
"""Construct id of the one stack, hence its template ``Kentei.template.json``."""
STACK_NAME: Final = catalog.PREFIX

LOG_RETENTION: Final = logs.RetentionDays.ONE_YEAR
"""Function and API access logs: a year, to investigate an incident reported late."""

API_STAGE: Final = "prod"
API_THROTTLE_RATE_PER_S: Final = 50
"""Steady requests per second for the whole stage: bridges submit in batches, staff browse."""
API_THROTTLE_BURST: Final = 100


def physical_name(name: str) -> str:
    """The deployed name of the catalog resource ``name`` (table, queue, function, API)."""
    return f"{catalog.PREFIX}-{name}"


def bucket_name(name: str, region: str) -> str:
    """The global name of the catalog bucket ``name``: the account and region make it ours.

    Known before the bucket exists, so a key policy can name the bucket's objects without a
    reference to the bucket (which depends on the key: a cycle).
    """
    return f"{physical_name(name)}-{Aws.ACCOUNT_ID}-{region}"


def role_name(function: str, region: str) -> str:
    """The name of the catalog function ``function``'s role.

    IAM names are global to the account, hence the region; it comes before the function's
    name, since ``sync-ap-northeast-1`` reads as a region code to the region guard. Known
    before the role exists, so the key policies name each role by its ARN built from this name
    (``aws:PrincipalArn``) rather than by a reference: see :mod:`kentei_infra.key_policies`.
    """
    return f"{catalog.PREFIX}-{region}-{function}"


def role_arn(function: str, region: str) -> str:
    """The ARN of ``function``'s role, built from its name (no reference to the role)."""
    return f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/{role_name(function, region)}"
