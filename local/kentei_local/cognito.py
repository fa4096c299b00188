"""The staff user pool in moto: seeded at start, signed in to with ``InitiateAuth``.

Deployed, staff are users of a Cognito user pool (one per person, one prefecture each in the
administrator-written attribute ``custom:prefecture_code``, roles as groups) and the staff
API's authorizer accepts their ID tokens. Locally moto's cognito-idp plays the pool: it
issues RS256 tokens and serves its keys at ``/<pool id>/.well-known/jwks.json``, which the
local gateway verifies against (:mod:`kentei_local.tokens`). :func:`seed` creates the pool,
one group per :class:`kentei.callers.Role`, an app client allowing ``USER_PASSWORD_AUTH``
(not allowed to write the prefecture), and one user per role in prefectures 13 and 27 with
a fresh random password each (written to ``runtime.json`` for the local tooling). Locally
they skip MFA: moto's pool does not run the TOTP challenge.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Final

import boto3

from kentei import catalog
from kentei.callers import PREFECTURE_CLAIM, Role
from kentei.data.sign_ins import DynamoSignInStore
from kentei.sign_ins import Outcome, SignIn, record_sign_in
from kentei_local.environment import FAKE_CREDENTIALS
from kentei_local.resources import physical_name

POOL_NAME: Final = f"{catalog.PREFIX}-local-staff"
CLIENT_NAME: Final = f"{catalog.PREFIX}-local-staff-desk"
PREFECTURES: Final = ("13", "27")
"""The seeded prefectures: Tokyo and Osaka."""
DESK_ROLES: Final = (Role.CLERK.value, Role.REVIEWER.value)
_PREFECTURE_ATTRIBUTE: Final = PREFECTURE_CLAIM.removeprefix("custom:")
_LOOPBACK: Final = "127.0.0.1"


@dataclass(frozen=True)
class UserPool:
    """Where staff sign in: ``runtime.json``'s ``cognito``."""

    endpoint: str
    region: str
    user_pool_id: str
    client_id: str

    @property
    def issuer(self) -> str:
        """The ``iss`` of the pool's tokens (the AWS URL, as deployed, whatever the endpoint)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        """Where the moto server serves the pool's public keys."""
        return f"{self.endpoint}/{self.user_pool_id}/.well-known/jwks.json"

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class StaffUser:
    """A seeded user: ``runtime.json``'s ``staff_users`` entries."""

    username: str
    password: str
    prefecture_code: str
    roles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "roles": list(self.roles)}


def client(pool: UserPool) -> Any:
    """A cognito-idp client of the local pool (moto takes any credentials)."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=pool.endpoint,
        region_name=pool.region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def seed(endpoint: str, region: str = catalog.REGION) -> tuple[UserPool, list[StaffUser]]:
    """The pool, its groups and app client, and the seeded users (see the module docstring)."""
    idp = client(UserPool(endpoint, region, "", ""))
    pool_id = idp.create_user_pool(
        PoolName=POOL_NAME,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {
                "Name": _PREFECTURE_ATTRIBUTE,
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "2"},
            }
        ],
    )["UserPool"]["Id"]
    for role in Role:
        idp.create_group(GroupName=role.value, UserPoolId=pool_id, Description=role.__doc__ or "")
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", PREFECTURE_CLAIM],
        # Staff cannot move themselves to another prefecture: only administrators write it.
        WriteAttributes=["email"],
        GenerateSecret=False,
    )["UserPoolClient"]["ClientId"]
    pool = UserPool(endpoint, region, pool_id, client_id)
    users = [
        StaffUser(f"{role.value.replace('_', '-')}-{prefecture}", new_password(), prefecture, roles)
        for prefecture in PREFECTURES
        for role, roles in _seeded_roles()
    ]
    for user in users:
        # A new pool: create, set the password, join the groups (no need to compare).
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            UserAttributes=[{"Name": PREFECTURE_CLAIM, "Value": user.prefecture_code}],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        for role_name in user.roles:
            idp.admin_add_user_to_group(
                UserPoolId=pool_id, Username=user.username, GroupName=role_name
            )
    return pool, users


def _seeded_roles() -> Iterable[tuple[Role, tuple[str, ...]]]:
    for role in Role:
        yield role, (role.value,)


def ensure_user(pool: UserPool, user: StaffUser) -> None:
    """Make ``user`` exist in the pool with exactly its prefecture, roles and password."""
    idp = client(pool)
    attributes = [{"Name": PREFECTURE_CLAIM, "Value": user.prefecture_code}]
    try:
        idp.admin_create_user(
            UserPoolId=pool.user_pool_id,
            Username=user.username,
            UserAttributes=attributes,
            MessageAction="SUPPRESS",
        )
    except idp.exceptions.UsernameExistsException:
        idp.admin_update_user_attributes(
            UserPoolId=pool.user_pool_id, Username=user.username, UserAttributes=attributes
        )
    idp.admin_set_user_password(
        UserPoolId=pool.user_pool_id,
        Username=user.username,
        Password=user.password,
        Permanent=True,
    )
    current = {
        group["GroupName"]
        for group in idp.admin_list_groups_for_user(
            UserPoolId=pool.user_pool_id, Username=user.username
        )["Groups"]
    }
    known = {
        group["GroupName"] for group in idp.list_groups(UserPoolId=pool.user_pool_id)["Groups"]
    }
    for role in set(user.roles) - known:
        idp.create_group(GroupName=role, UserPoolId=pool.user_pool_id)
    for role in set(user.roles) - current:
        idp.admin_add_user_to_group(
            UserPoolId=pool.user_pool_id, Username=user.username, GroupName=role
        )
    for role in current - set(user.roles):
        idp.admin_remove_user_from_group(
            UserPoolId=pool.user_pool_id, Username=user.username, GroupName=role
        )


def sign_in(pool: UserPool, username: str, password: str) -> str:
    """The ID token of ``InitiateAuth`` (``USER_PASSWORD_AUTH``): what a staff client sends.

    Moto runs no Lambda triggers, so the sign-in (or the failure) is recorded here with the
    post-authentication trigger's logic (:func:`kentei.sign_ins.record_sign_in`), from
    loopback and without MFA, as the local pool signs in."""
    idp = client(pool)
    try:
        answer = idp.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
    except idp.exceptions.NotAuthorizedException:
        _record(pool, username, Outcome.FAILED)
        raise
    token = answer.get("AuthenticationResult", {}).get("IdToken")
    if not isinstance(token, str):
        raise RuntimeError(f"{username} got a challenge, not tokens: {answer.get('ChallengeName')}")
    _record(pool, username, Outcome.SIGNED_IN)
    return token


def _record(pool: UserPool, username: str, outcome: Outcome) -> None:
    """Record a sign-in attempt of an existing user of the pool (an unknown one: nothing)."""
    try:
        user = client(pool).admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    except client(pool).exceptions.UserNotFoundException:
        return
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    prefecture = attributes.get(PREFECTURE_CLAIM)
    if prefecture is None:
        return
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=pool.endpoint,
        region_name=pool.region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    store = DynamoSignInStore(physical_name("records"), client=dynamodb)
    at = datetime.now(UTC)
    record_sign_in(store, SignIn(username, prefecture, at, outcome, _LOOPBACK, mfa_used=False))


def new_password() -> str:
    """A random password of the pool's policy: 20 characters, every character class."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(16))
    return f"{body}Kt7!"


def find_user(users: Sequence[StaffUser], prefecture: str, roles: Iterable[str]) -> StaffUser:
    """A seeded user of ``prefecture`` with exactly ``roles``; LookupError if none."""
    wanted = set(roles)
    for user in users:
        if user.prefecture_code == prefecture and set(user.roles) == wanted:
            return user
    raise LookupError(f"no seeded user of {prefecture} with roles {sorted(wanted)}")
