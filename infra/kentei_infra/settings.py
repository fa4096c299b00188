"""Names and operating settings of the deployed system that are not resources of the catalog.

The catalog (:mod:`kentei.catalog`) declares what exists and who may do what; this module
holds how the CDK app lays it out: paths of the code it packages, physical names, log
retention and API limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aws_cdk import Aws
from aws_cdk import aws_logs as logs

from kentei import catalog
from kentei_infra.routes import RouteClass

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR: Final = REPO_ROOT / "functions"
LAYERS_DIR: Final = REPO_ROOT / "layers"
SHARED_PACKAGE_DIR: Final = LAYERS_DIR / "kentei"
REQUIREMENTS_FILE: Final = LAYERS_DIR / "requirements.txt"
CONSTRAINTS_FILE: Final = REPO_ROOT / "constraints.txt"
CACHE_DIR: Final = REPO_ROOT / ".cache" / "layers"
FUNCTION_CACHE_DIR: Final = REPO_ROOT / ".cache" / "functions"
"""Each function's package with its bytecode, staged by a digest of its sources."""
CDK_JSON: Final = REPO_ROOT / "cdk.json"

STACK_ID: Final = "Kentei"
"""Construct id of the one stack, hence its template ``Kentei.template.json``."""
STACK_NAME: Final = catalog.PREFIX
OPERATIONS_STACK_ID: Final = "KenteiOperations"
"""The alarms and the dashboard (:class:`kentei_infra.stack.OperationsStack`)."""
OPERATIONS_STACK_NAME: Final = f"{catalog.PREFIX}-operations"

LOG_RETENTION: Final = logs.RetentionDays.ONE_YEAR
"""Function and API access logs: a year, to investigate an incident reported late."""

API_STAGE: Final = "prod"
API_THROTTLE_RATE_PER_S: Final = 50
"""Steady requests per second for a whole stage: bridges submit in batches, staff browse."""
API_THROTTLE_BURST: Final = 100


@dataclass(frozen=True)
class Throttle:
    rate_per_s: int
    burst: int


THROTTLES: Final[Mapping[RouteClass, Throttle]] = {
    # Submissions carry up to 10 MB, verify signatures and write: bridges send them in
    # batches, clerks one paper form at a time.
    RouteClass.SUBMIT: Throttle(rate_per_s=20, burst=40),
    # Bridges poll the status of what they submitted: cheap reads, the most frequent call.
    RouteClass.STATUS: Throttle(rate_per_s=40, burst=80),
    # A person's change request: a few kilobytes signed, rarer than applications (a move, a
    # new employer), one write and one message each.
    RouteClass.CHANGE_REQUEST: Throttle(rate_per_s=5, burst=10),
    # Reviewers page through lists and open one application at a time.
    RouteClass.REVIEW: Throttle(rate_per_s=20, burst=40),
    RouteClass.STAFF: Throttle(rate_per_s=10, burst=20),
    # Health and the contract: monitoring and a developer's browser, nothing more.
    RouteClass.PUBLIC: Throttle(rate_per_s=5, burst=10),
    # The public page and verifications: employers checking certificates one at a time, an
    # HR system checking a batch; each verification costs signature checks and S3 reads.
    RouteClass.VERIFICATION: Throttle(rate_per_s=20, burst=40),
    # The JWK Set and the status lists: cached by verifiers for an hour and five minutes.
    RouteClass.PUBLISHED: Throttle(rate_per_s=20, burst=40),
}
"""Per route class, each API stage's method settings; no class exceeds the stage's own
limit, and the intake function's reserved concurrency stays above what they add up to at
the function's usual latency."""

STAFF_RATE_LIMIT_PER_5_MIN: Final = 2000
"""Requests per source address in any five minutes before the staff web ACL blocks it: an
office's terminals may share one NAT address, so the limit is for a room, not a person."""
BRIDGE_RATE_LIMIT_PER_5_MIN: Final = 6000
"""The bridges come from a few addresses each and submit in batches."""
PUBLIC_RATE_LIMIT_PER_5_MIN: Final = 300
"""Requests per source address in any five minutes before the public web ACL blocks it: a
person checks a few certificates, an employer's system a batch at one a second; anyone
trying codes by the thousand is stopped."""


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
