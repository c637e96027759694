"""One Step Functions state machine from an ASL file in statemachines/."""

from __future__ import annotations

from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.defaults import log_group
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import suppress, suppress_grant_wildcard
from infra.workflows import Workflow


class MissingSubstitutionError(ValueError):
    """An ASL placeholder that no function in infra/functions.py supplies."""


class PortalWorkflow(Construct):
    """The ASL's ${...} placeholders become the task functions' ARNs; logs and X-Ray are on."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workflow: Workflow,
        functions: dict[str, PortalFunction],
        config: PortalConfig,
    ) -> None:
        super().__init__(scope, id)
        self.workflow = workflow
        self.name = f"portal-{config.stage}-{workflow.name}"
        missing = sorted(workflow.substitutions - functions.keys())
        if missing:
            raise MissingSubstitutionError(
                f"{workflow.path.name} uses {', '.join('${' + m + '}' for m in missing)}, which no function "
                "supplies: add it to AGENT_TASKS in infra/functions.py"
            )
        used = {name: functions[name] for name in sorted(workflow.substitutions)}
        # The vendedlogs prefix keeps CloudWatch's resource-policy size limit out of the way.
        self.log_group = log_group(
            self, "Logs", config, name=f"/aws/vendedlogs/states/portal-{config.stage}-{workflow.name}"
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=self.name,
            state_machine_type=workflow.type,
            definition_body=sfn.DefinitionBody.from_file(str(workflow.path)),
            definition_substitutions={name: fn.function_arn for name, fn in used.items()},
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=sfn.LogLevel.ALL,
                # Inputs and outputs carry users' messages; the event trail is enough to debug.
                include_execution_data=False,
            ),
            tracing_enabled=True,
        )
        for fn in used.values():
            fn.function.grant_invoke(self.state_machine)
        suppress(
            self.state_machine.role,
            "AwsSolutions-IAM5",
            "grant_invoke on a task function also allows its versions and aliases (`<arn>:*`); "
            "logging to CloudWatch and X-Ray need Resource '*' (no resource-level permissions).",
            applies_to=["regex:/^Resource::<.*Function[0-9A-F]{8}\\.Arn>:\\*$/", "Resource::*"],
        )

    @property
    def arn(self) -> str:
        return self.state_machine.state_machine_arn

    def grant_start(self, fn: PortalFunction) -> None:
        """Start executions, and tell the function the ARN (no StartSyncExecution: see launcher.py)."""
        self.state_machine.grant_start_execution(fn.function)
        fn.add_environment(**{self.workflow.env_var: self.arn})

    def grant_stop(self, fn: PortalFunction) -> None:
        """Stop this machine's executions (deleting a conversation stops its running research)."""
        self.state_machine.grant_execution(fn.function, "states:StopExecution")
        suppress_grant_wildcard(
            fn.role,
            r"arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*:\*",
            "Executions are named by turn id at run time; the grant covers the executions of this "
            "one state machine only (StopExecution has no finer resource).",
        )
