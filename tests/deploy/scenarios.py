"""Representative events for each deployed function, built the way AWS would deliver them.

A chat turn is started through the deployed api function, and each task function gets the input
the state machine would give it (the execution's input, plus the earlier states' results), so
the wiring between functions is the deployed one too.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import boto3

from tests.deploy.assembly import ACCOUNT, REGION, CloudAssembly
from tests.deploy.issuer import issuer_for
from tests.deploy.lambda_runtime import Invocation, LambdaFunction
from tests.deploy.world import DeployedWorld

EMPNO = "E1001"


class FunctionFailed(AssertionError):
    """A function raised where Lambda would report a function error."""


@dataclass
class Deployment:
    """The synthesized app over moto: start any of its functions with its synthesized environment."""

    assembly: CloudAssembly
    world: DeployedWorld
    _functions: dict[str, LambdaFunction] = field(default_factory=dict)

    def function(self, name: str) -> LambdaFunction:
        if name not in self._functions:
            deployed = self.assembly.portal_functions[name]
            env = self.assembly.resolve(deployed.stack, deployed.raw_environment)
            self._functions[name] = LambdaFunction(
                deployed, {k: str(v) for k, v in env.items()}, endpoints=self.world.endpoints
            )
        return self._functions[name]

    def invoke(self, name: str, event: Any) -> Any:
        """The function's result; FunctionFailed with its traceback when it raised."""
        outcome: Invocation = self.function(name).invoke(event)
        if not outcome.ok:
            raise FunctionFailed(f"{name} failed:\n{outcome.error}")
        return outcome.result

    def environment(self, name: str) -> dict[str, str]:
        return self.function(name).environment

    # --- events ------------------------------------------------------------------------

    def bearer_token(self) -> str:
        """A token the deployed api/ws functions accept: an ID token of the issuer they are told of."""
        env = self.environment("api")
        issuer, audience = env.get("PORTAL_OIDC_ISSUER"), env.get("PORTAL_OIDC_AUDIENCE")
        assert issuer and audience, (
            "the api function has no PORTAL_OIDC_ISSUER/AUDIENCE: nobody could sign in"
        )
        claims = {
            env.get("PORTAL_OIDC_EMPNO_CLAIM", "custom:empno"): EMPNO,
            env.get("PORTAL_OIDC_NAME_CLAIM", "name"): "홍길동",
        }
        return issuer_for(issuer).id_token(audience=audience, claims=claims)

    def rest(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> tuple[int, Any]:
        """One request through the api function, as API Gateway's REST proxy integration sends it."""
        headers = {"content-type": "application/json", "host": "api.example.com"}
        if auth:
            headers["authorization"] = f"Bearer {self.bearer_token()}"
        event = {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {"proxy": path.lstrip("/")},
            "stageVariables": None,
            "requestContext": {
                "resourcePath": "/{proxy+}",
                "httpMethod": method,
                "path": f"/dev{path}",
                "stage": "dev",
                "requestId": str(uuid.uuid4()),
                "accountId": ACCOUNT,
                "identity": {"sourceIp": "203.0.113.7", "userAgent": "deploy-test"},
            },
            "body": json.dumps(body) if body is not None else None,
            "isBase64Encoded": False,
        }
        response = self.invoke("api", event)
        text = response.get("body") or "null"
        return int(response["statusCode"]), json.loads(text) if text.startswith(("{", "[", "n")) else text

    def web_socket(self, route: str, connection_id: str, **extra: Any) -> dict[str, Any]:
        endpoint = self.environment("ws")["PORTAL_WS_MANAGEMENT_ENDPOINT"]
        event = {
            "requestContext": {
                "routeKey": route,
                "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
                "connectionId": connection_id,
                "requestId": str(uuid.uuid4()),
                "stage": endpoint.rsplit("/", 1)[1],
                "domainName": endpoint.split("//", 1)[1].split("/", 1)[0],
                "apiId": endpoint.split("//", 1)[1].split(".", 1)[0],
                "connectedAt": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
            **extra,
        }
        return dict(self.invoke("ws", event))

    # --- a chat turn, state by state -------------------------------------------------------

    def start_turn(self, content: str = "안녕하세요, 오늘 회의 요약을 부탁해요") -> dict[str, Any]:
        """POST a message through the api; the chat execution's input, as Step Functions got it."""
        status, conversation = self.rest("POST", "/api/conversations", {"title": "deploy test"})
        assert status in (200, 201), conversation
        status, accepted = self.rest(
            "POST", f"/api/conversations/{conversation['id']}/messages", {"content": content}
        )
        assert status == 202, accepted
        return self.execution_input("PORTAL_CHAT_STATE_MACHINE_ARN", accepted["turn_id"])

    def execution_input(self, variable: str, name: str) -> dict[str, Any]:
        """The input of the execution `name` of the state machine the api's `variable` names."""
        arn = next(env[variable] for env in (f.environment for f in self._all()) if variable in env)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        execution = arn.replace(":stateMachine:", ":execution:") + f":{name}"
        return dict(json.loads(sfn.describe_execution(executionArn=execution)["input"]))

    def _all(self) -> list[LambdaFunction]:
        return [self.function(name) for name in self.assembly.portal_functions]

    def routed_turn(self, agent: str | None = None) -> dict[str, Any]:
        """The worker's input: the turn plus the supervisor's route (the Choice picks by its agent)."""
        turn = self.start_turn()
        route = self.invoke("supervisor", turn)
        if agent:
            route = {**route, "agent": agent}
        return {**turn, "route": route}

    def research_input(self) -> dict[str, Any]:
        """The research execution the deployed deep_research worker starts (once a search key is set)."""
        self.world.put_provider_keys(
            self.environment("worker_deep_research")["PORTAL_PROVIDER_KEYS_SECRET_ARN"],
            TAVILY_API_KEY="tvly-deploy-test",
        )
        turn = self.routed_turn("deep_research")
        self.invoke("worker_deep_research", turn)
        return self.execution_input("PORTAL_RESEARCH_STATE_MACHINE_ARN", turn["turn_id"])

    def research_state(self, until: str) -> dict[str, Any]:
        """The research workflow's state before `until` runs (plan, search, gaps or synthesize)."""
        state = self.research_input()
        if until == "plan":
            return state
        state["plan"] = self.invoke("research_plan", state)
        item = {"turn_id": state["turn_id"], "empno": state["empno"], "query": state["plan"]["queries"][0]}
        if until == "search":
            return {**item, "index": 0, "round": 1}
        state["findings"] = [self.invoke("research_search", {**item, "index": 0, "round": 1})]
        if until == "gaps":
            return state
        state["gaps"] = self.invoke("research_gaps", state)
        return state


def s3_object_created(bucket: str, key: str, size: int, etag: str) -> dict[str, Any]:
    """The notification S3 sends the ingest function."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": "2026-12-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": key, "size": size, "eTag": etag, "sequencer": "0062E99A88DC407460"},
                },
            }
        ]
    }


def scheduled_event(rule_arn: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": "2026-12-01T00:00:00Z",
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


def trigger_event() -> dict[str, Any]:
    """What the CDK trigger's provider passes on: a CloudFormation custom resource Create."""
    return {
        "RequestType": "Create",
        "ServiceToken": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:trigger-provider",
        "ResponseURL": "https://cloudformation-custom-resource-response.example/",
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/Portal-dev-Data/1",
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "MigrationsAfterDeploy",
        "ResourceType": "Custom::Trigger",
        "ResourceProperties": {},
    }
