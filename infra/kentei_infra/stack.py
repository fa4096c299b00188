"""The one kentei stack: every catalog resource, wired by the catalog's grants.

One stack rather than a data stack and an app stack: every resource shares the lifecycle of
one small system, the stateful ones are protected in place (retained, deletion protection on
tables), and a single template keeps grants as plain references, with no cross-stack exports
that would pin the data stack's outputs and no cycles between key policies and roles.

The alarms and the dashboard are a second stack (:class:`OperationsStack`): the one stack is
close to CloudFormation's 500 resources, and they refer to what they watch by its deployed
name (a metric's dimensions), never by a reference, so the two stacks share no export.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from kentei import catalog
from kentei_infra import deploy_context
from kentei_infra.alarms import Alarms
from kentei_infra.api import BridgeApi, PublicApi, StaffApi
from kentei_infra.buckets import Buckets
from kentei_infra.dashboard import Dashboard
from kentei_infra.functions import Functions
from kentei_infra.keys import Keys
from kentei_infra.layers import Layers
from kentei_infra.notifications import BucketNotifications
from kentei_infra.permissions import GrantTargets
from kentei_infra.queues import Queues
from kentei_infra.schedules import Schedules
from kentei_infra.staff_identities import StaffIdentities
from kentei_infra.tables import Tables


class KenteiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        keys = Keys(self, "Keys").by_name
        buckets = Buckets(self, "Buckets", keys=keys).by_name
        # Before the functions, which read it; its trigger is added once they exist.
        staff = StaffIdentities(self, "Staff")
        queues = Queues(self, "Queues", keys=keys).by_name
        BucketNotifications(self, "Notifications", buckets=buckets, queues=queues)
        targets = GrantTargets(
            keys=keys,
            tables=Tables(self, "Tables", keys=keys).by_name,
            buckets=buckets,
            queues=queues,
            user_pools={catalog.STAFF_USER_POOL: staff.user_pool},
            region=self.region,
        )
        functions = Functions(self, "Functions", layers=Layers(self, "Layers"), targets=targets)
        Schedules(self, "Schedules", targets=targets)
        (api_function,) = (spec.name for spec in catalog.FUNCTIONS if spec.api)
        # The alias with SnapStart (kentei:snapStart), else the function.
        handler = functions.invocable[api_function]
        context = self.node.try_get_context
        for spec in catalog.FUNCTIONS:
            if spec.user_pool_trigger is not None:
                staff.add_trigger(spec.user_pool_trigger, functions.invocable[spec.name])
        staff_api = StaffApi(
            self,
            "StaffApi",
            handler=handler,
            user_pool=staff.user_pool,
            allowed=deploy_context.staff_cidrs(context(deploy_context.STAFF_ALLOWED_CIDRS)),
        )
        bridge_api = BridgeApi(
            self,
            "BridgeApi",
            handler=handler,
            truststore=buckets[catalog.TRUSTSTORE_BUCKET],
            domain=deploy_context.bridge_domain(context),
            logging_role=staff_api.logging_role,
        )
        (public_function,) = (spec.name for spec in catalog.FUNCTIONS if spec.public_api)
        PublicApi(
            self,
            "PublicApi",
            handler=functions.invocable[public_function],
            logging_role=staff_api.logging_role,
        )
        # What an operator needs after a deployment (besides the staff API's URL, which the
        # API outputs itself): where staff sign in, what the bridge domain's DNS points at.
        CfnOutput(self, "StaffUserPoolId", value=staff.user_pool.user_pool_id)
        CfnOutput(self, "StaffClientId", value=staff.client.user_pool_client_id)
        if bridge_api.domain is not None:
            CfnOutput(
                self, "BridgeDomainTarget", value=bridge_api.domain.domain_name_alias_domain_name
            )


class OperationsStack(Stack):
    """Alarms on every catalog queue, DLQ, function, stream and API and on KMS, their topic,
    and the dashboard (:mod:`kentei_infra.alarms`, :mod:`kentei_infra.dashboard`)."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        alarms = Alarms(self, "Alarms")
        Dashboard(self, "Dashboard", alarms_by_name=alarms.by_name)
