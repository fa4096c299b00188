"""The staff's identities: a Cognito user pool, one group per role, one app client.

What the seed's measures ask of staff accounts (one account per person, strong passwords, a
second factor, least privilege by role, recovery that an attacker cannot start by knowing a
user name) is set here, and ``tests/infra`` reads each back from the template:

- **Accounts** are created by the prefecture's administrators only (no self sign-up) and sign
  in by user name; a lost password or authenticator is reset by an administrator, never by a
  self-service message (``admin_only`` recovery), since a message to a mailbox would let whoever
  reads the mailbox into personal data.
- **Sign-in** needs the password (12+ characters, every class, a temporary one expires after
  :data:`TEMPORARY_PASSWORD_DAYS`) and a TOTP code: MFA is required and SMS is off (SIM swaps).
- **Threat protection** (the Plus feature plan, enforced): compromised credentials are refused
  and risky sign-ins blocked; Tokyo offers it.
- **Prefecture**: ``custom:prefecture_code`` (two characters), which the function reads from the
  ID token (:data:`kentei.callers.PREFECTURE_CLAIM`). The app client cannot write it, so only
  an administrator's ``AdminUpdateUserAttributes`` can move a user to another prefecture.
- **Roles**: one group per :class:`kentei.callers.Role`, named by its value (the
  ``cognito:groups`` claim the function parses).
- **The app client** has no secret (staff browsers and the local runtime use it alike), signs
  in with SRP or ``USER_PASSWORD_AUTH``, issues ID tokens valid for an hour, and answers an
  unknown user exactly like a wrong password.

- **Sign-ins are recorded**: threat protection's user activity (each sign-in and failure, with
  its source address, risk and challenges such as MFA) goes to a retained log group
  (:data:`SIGN_IN_LOG_GROUP`), the raw material of the login review the seed asks for.

The pool and its users outlive the stack (retained, deletion protection on): deleting them
would delete every account and its MFA enrolment.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from kentei.callers import PREFECTURE_CLAIM, Role
from kentei_infra.settings import LOG_RETENTION, physical_name

PREFECTURE_ATTRIBUTE: Final = PREFECTURE_CLAIM.removeprefix("custom:")
PASSWORD_MIN_LENGTH: Final = 12
TEMPORARY_PASSWORD_DAYS: Final = 3
ID_TOKEN_MINUTES: Final = 60
"""A stolen ID token is good for an hour at most; the browser refreshes it silently."""
REFRESH_TOKEN_HOURS: Final = 10
"""A working day: after it, staff sign in again with their password and TOTP code."""
SIGN_IN_LOG_GROUP: Final = f"/aws/vendedlogs/{physical_name('staff-sign-ins')}"
"""Under /aws/vendedlogs/, where Cognito's delivery needs no log group resource policy of its
own (a policy per log group would soon reach the account's size limit)."""


class StaffIdentities(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=physical_name("staff"),
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True),
            sign_in_case_sensitive=False,
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=PASSWORD_MIN_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(TEMPORARY_PASSWORD_DAYS),
            ),
            account_recovery=cognito.AccountRecovery.NONE,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            custom_attributes={
                PREFECTURE_ATTRIBUTE: cognito.StringAttribute(min_len=2, max_len=2, mutable=True)
            },
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.groups = {
            role: cognito.CfnUserPoolGroup(
                self,
                f"Group{role.value.title().replace('_', '')}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=role.value,
                description=f"kentei role {role.value}",
            )
            for role in Role
        }
        self.client = self.user_pool.add_client(
            "StaffClient",
            user_pool_client_name=physical_name("staff"),
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.minutes(ID_TOKEN_MINUTES),
            access_token_validity=Duration.minutes(ID_TOKEN_MINUTES),
            refresh_token_validity=Duration.hours(REFRESH_TOKEN_HOURS),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(preferred_username=True, locale=True)
            .with_custom_attributes(PREFECTURE_ATTRIBUTE),
            # What a user may change about themselves. Without a list the client could write
            # every attribute, the prefecture included; the locale grants nothing.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(locale=True),
        )
        self._record_sign_ins()

    def add_trigger(self, name: str, function: lambda_.IFunction) -> None:
        """``function`` as the pool's trigger ``name`` (a :class:`kentei.catalog.FunctionSpec`'s
        ``user_pool_trigger``); CDK adds the permission for Cognito to invoke it."""
        operations = {"PostAuthentication": cognito.UserPoolOperation.POST_AUTHENTICATION}
        self.user_pool.add_trigger(operations[name], function)

    def _record_sign_ins(self) -> None:
        """Threat protection's user activity log (Plus plan) to CloudWatch Logs, unencrypted by
        KMS as Cognito's delivery requires; it names staff users and addresses, never an
        applicant."""
        log_group = logs.LogGroup(
            self,
            "SignIns",
            log_group_name=SIGN_IN_LOG_GROUP,
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        delivery = cognito.CfnLogDeliveryConfiguration(
            self,
            "SignInDelivery",
            user_pool_id=self.user_pool.user_pool_id,
            log_configurations=[
                cognito.CfnLogDeliveryConfiguration.LogConfigurationProperty(
                    event_source="userAuthEvents",
                    log_level="INFO",
                    cloud_watch_logs_configuration=(
                        cognito.CfnLogDeliveryConfiguration.CloudWatchLogsConfigurationProperty(
                            # The log group's ARN without the ":*" Cognito's pattern refuses.
                            log_group_arn=Stack.of(self).format_arn(
                                service="logs",
                                resource="log-group",
                                resource_name=SIGN_IN_LOG_GROUP,
                                arn_format=ArnFormat.COLON_RESOURCE_NAME,
                            )
                        )
                    ),
                )
            ],
        )
        delivery.node.add_dependency(log_group)
