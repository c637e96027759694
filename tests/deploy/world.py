"""AWS as the templates declare it, in moto: tables with their synthesized key schemas, buckets,
secrets, state machines; plus stand-ins for what moto lacks (the Data API, Titan embeddings).

Each resource gets the name the assembly's resolver gives its Ref, so a function's environment,
its role's policies and the resources it reaches all name the same things.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.response import StreamingBody
from moto import mock_aws

from tests.deploy.assembly import REGION, CloudAssembly
from tests.deploy.bedrock import bedrock_runtime
from tests.deploy.data_api import DataApiOnPostgres
from tests.deploy.recorder import RECORDER


@dataclass(frozen=True)
class Login:
    """Who a secret signs in as: None for the cluster's master user."""

    username: str | None
    password: str


@dataclass
class Cluster:
    """The Aurora cluster the Data API serves: what a caller must name to reach it."""

    arn: str
    logins: dict[str, Login]  # secret ARN -> who it signs in as
    database: str

    def secret_for(self, username: str | None) -> str:
        """The ARN of the attached secret that signs in as `username` (None: the master user)."""
        return next(arn for arn, login in self.logins.items() if login.username == username)


class DeployedWorld:
    """The resources of every stack, created in the active moto mock."""

    def __init__(self, assembly: CloudAssembly) -> None:
        self.assembly = assembly
        self.secret_values: dict[str, str] = {}  # ARN -> value
        self.cluster: Cluster | None = None
        self.data_api: DataApiOnPostgres | None = None
        self.endpoints: dict[str, str] = {}  # stand-ins the functions reach by URL

    def create(self) -> None:
        a = self.assembly
        for stack, logical, res in a.resources("AWS::SecretsManager::Secret"):
            self._secret(stack, logical, res["Properties"])
        ddb = boto3.client("dynamodb", region_name=REGION)
        for stack, logical, res in a.resources("AWS::DynamoDB::Table"):
            self._table(ddb, a.resolve(stack, {"Ref": logical}), a.resolve(stack, res["Properties"]))
        s3 = boto3.client("s3", region_name=REGION)
        for stack, logical, _ in a.resources("AWS::S3::Bucket"):
            s3.create_bucket(
                Bucket=a.resolve(stack, {"Ref": logical}),
                CreateBucketConfiguration={"LocationConstraint": REGION},
            )
        for stack, logical, res in a.resources("AWS::StepFunctions::StateMachine"):
            self._state_machine(stack, logical, res["Properties"])
        for stack, logical, res in a.resources("AWS::RDS::DBCluster"):
            # The Data API takes any secret attached to the cluster (the admin's and the app role's).
            attached = [
                a.resolve(stack, r["Properties"]["SecretId"])
                for s, _, r in a.resources("AWS::SecretsManager::SecretTargetAttachment")
                if s == stack and r["Properties"]["TargetId"] == {"Ref": logical}
            ]
            master = str(a.resolve(stack, res["Properties"]["MasterUsername"]))
            self.cluster = Cluster(
                arn=a.resolve(stack, {"Fn::GetAtt": [logical, "Arn"]}),
                logins={arn: self._login(arn, master) for arn in attached},
                database=str(res["Properties"].get("DatabaseName", "postgres")),
            )

    def _login(self, arn: str, master: str) -> Login:
        value = json.loads(self.secret_values[arn])
        # The master user is this server's superuser (the URL's user); any other logs in as itself.
        return Login(None if value["username"] == master else value["username"], value["password"])

    def _table(self, ddb: Any, name: str, props: dict[str, Any]) -> None:
        kwargs: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        if "GlobalSecondaryIndexes" in props:
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        ddb.create_table(**kwargs)
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)

    def _secret(self, stack: str, logical: str, props: dict[str, Any]) -> None:
        arn = self.assembly.resolve(stack, {"Ref": logical})
        value = props.get("SecretString")
        generate = props.get("GenerateSecretString")
        if value is None and generate is not None:
            # Derived from the ARN, not random: libraries cache secrets per process (Powertools
            # parameters), and every test's world must agree with what an earlier one cached.
            password = hashlib.sha256(arn.encode()).hexdigest()[: int(generate.get("PasswordLength", 32))]
            # The app role's names its master secret's ARN (Fn::Join): resolve before parsing.
            template = self.assembly.resolve(stack, generate.get("SecretStringTemplate"))
            value = (
                json.dumps({**json.loads(template), generate["GenerateStringKey"]: password})
                if template
                else password
            )
        value = str(self.assembly.resolve(stack, value or ""))
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=arn.rsplit(":", 1)[1], SecretString=value
        )
        self.secret_values[arn] = value

    def _state_machine(self, stack: str, logical: str, props: dict[str, Any]) -> None:
        a = self.assembly
        if "DefinitionS3Location" in props:  # the ASL file as an asset: cdk.out/asset.<hash>.json
            key = props["DefinitionS3Location"]["Key"]
            definition = (a.outdir / f"asset.{key}").read_text()
        else:
            definition = str(a.resolve(stack, props["DefinitionString"]))
        substitutions = a.resolve(stack, props.get("DefinitionSubstitutions", {}))
        definition = re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: str(substitutions[m.group(1)]), definition)
        arn = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
            name=a.resolve(stack, {"Ref": logical}).rsplit(":", 1)[1],
            definition=definition,
            roleArn=a.resolve(stack, props["RoleArn"]),
            type=props.get("StateMachineType", "STANDARD"),
        )["stateMachineArn"]
        assert arn == a.resolve(stack, {"Ref": logical}), arn

    # --- stand-ins ---------------------------------------------------------------------

    def serve_database(self, database_url: str) -> None:
        """Answer the deployed cluster's Data API from this PostgreSQL database."""
        assert self.cluster, "the templates declare no Aurora cluster"
        if self.data_api:
            self.data_api.close()
        self.data_api = DataApiOnPostgres(
            database_url,
            cluster_arn=self.cluster.arn,
            logins={arn: (login.username, login.password) for arn, login in self.cluster.logins.items()},
            database=self.cluster.database,
        )
        RECORDER.stand_ins["rds-data"] = self.data_api.answer

    def put_provider_keys(self, arn: str, **keys: str) -> None:
        """What an operator does after the first deploy: put-secret-value with the API keys."""
        value = json.dumps({**json.loads(self.secret_values[arn]), **keys})
        boto3.client("secretsmanager", region_name=REGION).put_secret_value(SecretId=arn, SecretString=value)
        self.secret_values[arn] = value

    def close(self) -> None:
        RECORDER.stand_ins.pop("rds-data", None)
        RECORDER.stand_ins.pop("bedrock-runtime", None)
        if self.data_api:
            self.data_api.close()


def titan_embeddings(operation: str, params: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    """bedrock-runtime InvokeModel for Titan Text Embeddings v2 (moto has no bedrock-runtime)."""
    if operation != "InvokeModel" or "titan-embed" not in str(params.get("modelId")):
        parsed = {"Error": {"Code": "ValidationException", "Message": f"no stand-in for {operation}"}}
        return AWSResponse("https://bedrock-runtime", 400, {}, None), parsed  # type: ignore[arg-type]
    request = json.loads(params["body"])
    size = int(request.get("dimensions", 1024))
    seed = sum(request["inputText"].encode()) or 1
    vector = [((seed * (i + 1)) % 97) / 97 for i in range(size)]
    body = json.dumps(
        {"embedding": vector, "inputTextTokenCount": len(request["inputText"].split())}
    ).encode()
    parsed = {"body": StreamingBody(io.BytesIO(body), len(body)), "contentType": "application/json"}
    return AWSResponse("https://bedrock-runtime", 200, {}, None), parsed  # type: ignore[arg-type]


@contextmanager
def deployed_world(assembly: CloudAssembly, database_url: str) -> Iterator[DeployedWorld]:
    """moto with every stack's resources, the Data API on `database_url`, Titan embeddings."""
    with mock_aws(), bedrock_runtime() as claude:
        world = DeployedWorld(assembly)
        world.create()
        world.serve_database(database_url)
        RECORDER.stand_ins["bedrock-runtime"] = titan_embeddings
        world.endpoints["ANTHROPIC_BEDROCK_BASE_URL"] = claude
        try:
            yield world
        finally:
            world.close()
