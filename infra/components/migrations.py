"""Schema migrations, applied through the Data API after every deploy that changes them."""

from __future__ import annotations

from aws_cdk import Duration, triggers
from constructs import Construct

from infra.components.database import PortalDatabase
from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.functions import MIGRATE

# Well inside the migrate function's 300 s, which itself is inside the trigger's 10 minutes.
MIGRATE_RESUME_BUDGET_SECONDS = 240


class SchemaMigrations(Construct):
    """The migrate function, run by a trigger once the cluster exists and whenever it changes.

    The migrations ship in the portal layer, and a new layer version makes a new function
    version, so changed SQL runs on the next deploy.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        database: PortalDatabase,
        layers: PortalLayers,
        config: PortalConfig,
    ) -> None:
        super().__init__(scope, id)
        self.function = PortalFunction(self, "Migrate", spec=MIGRATE, layers=layers, config=config)
        database.grant_admin_data_api(self.function)
        # After an idle night the cluster is paused; a deploy must wait for it, not fail.
        self.function.add_environment(PORTAL_DB_RESUME_BUDGET_SECONDS=str(MIGRATE_RESUME_BUDGET_SECONDS))
        self.trigger = triggers.Trigger(
            self,
            "AfterDeploy",
            handler=self.function.function,
            execute_after=[database.cluster],
            execute_on_handler_change=True,
            # A paused cluster resumes in ~15 s; the function retries while it does.
            timeout=Duration.minutes(10),
        )
