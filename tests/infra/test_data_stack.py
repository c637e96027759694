"""Data stack: Aurora with the Data API, tables from portal.tables, uploads bucket, secrets."""

from __future__ import annotations

import json
from importlib import resources as package_files
from pathlib import Path

import pytest
from aws_cdk.assertions import Match
from portal.db.app_role import APP_ROLE
from portal.tables import ALL_TABLES

from tests.infra.helpers import Synthesized, resources

MIGRATIONS = Path(str(package_files.files("portal.db") / "migrations"))

pytestmark = pytest.mark.infra


def test_aurora_is_serverless_v2_postgres_16_with_the_data_api_and_scales_to_zero(
    portal: Synthesized,
) -> None:
    # Given the default context (aurora_min_capacity 0)
    template = portal.template("data")
    # Then the cluster is PG 16, Data API on, may pause, encrypted and logged
    template.has_resource_properties(
        "AWS::RDS::DBCluster",
        {
            "Engine": "aurora-postgresql",
            "EngineVersion": Match.string_like_regexp(r"^16\."),
            "EnableHttpEndpoint": True,
            "ServerlessV2ScalingConfiguration": {
                "MinCapacity": 0,
                "MaxCapacity": 4,
                "SecondsUntilAutoPause": 600,
            },
            "StorageEncrypted": True,
            "DatabaseName": "portal",
            "EnableCloudwatchLogsExports": ["postgresql"],
        },
    )
    template.has_resource_properties("AWS::RDS::DBInstance", {"DBInstanceClass": "db.serverless"})
    # and its credentials live in generated secrets: the admin's and the app role's
    template.resource_properties_count_is(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": Match.object_like({"GenerateStringKey": "password"})},
        2,
    )


def test_min_capacity_is_a_context_setting(synth_variant) -> None:
    # Given a deployer who wants the database to stay warm
    app = synth_variant(aurora_min_capacity="0.5")
    # Then the minimum follows and auto-pause is not configured
    cluster = next(iter(resources(app.json("data"), "AWS::RDS::DBCluster").values()))
    scaling = cluster["Properties"]["ServerlessV2ScalingConfiguration"]
    assert scaling["MinCapacity"] == 0.5
    assert "SecondsUntilAutoPause" not in scaling


def test_the_database_has_no_path_from_the_internet(portal: Synthesized) -> None:
    template = portal.json("data")
    assert not resources(template, "AWS::EC2::NatGateway")
    assert not resources(template, "AWS::EC2::InternetGateway")
    for sg in resources(template, "AWS::EC2::SecurityGroup").values():
        assert not sg["Properties"].get("SecurityGroupIngress")


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda s: s.logical_id)
def test_each_table_is_built_from_its_shared_spec(portal: Synthesized, spec) -> None:
    # Given a table spec from portal.tables (the local target uses the same one)
    expected = spec.create_table_kwargs("ignored")
    # Then the deployed table has the same keys, indexes and TTL, billed on demand
    tables = resources(portal.json("data"), "AWS::DynamoDB::Table")
    matching = [
        t
        for t in tables.values()
        if t["Properties"]["KeySchema"] == expected["KeySchema"]
        and t["Properties"].get("TimeToLiveSpecification", {}).get("AttributeName") == spec.ttl_attribute
    ]
    assert len(matching) >= 1, f"no table matches {spec.logical_id}"
    props = matching[0]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
    assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        expected["AttributeDefinitions"], key=lambda a: a["AttributeName"]
    )
    assert [
        (g["IndexName"], g["KeySchema"], g["Projection"]) for g in props.get("GlobalSecondaryIndexes", [])
    ] == [
        (g["IndexName"], g["KeySchema"], g["Projection"]) for g in expected.get("GlobalSecondaryIndexes", [])
    ]


def test_connections_can_be_found_by_user_and_by_workspace(portal: Synthesized) -> None:
    portal.template("data").has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "GlobalSecondaryIndexes": Match.array_with(
                [
                    Match.object_like({"IndexName": "by_user"}),
                    Match.object_like({"IndexName": "by_workspace"}),
                ]
            )
        },
    )


def test_uploads_bucket_is_private_encrypted_tls_only_with_cors_and_multipart_cleanup(
    portal: Synthesized,
) -> None:
    template = portal.template("data")
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            # CORS is set by the Web stack to the site's origin (UploadsCors), never "*" here.
            "CorsConfiguration": Match.absent(),
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like({"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}),
                    Match.object_like({"Prefix": "research/", "ExpirationInDays": 7}),
                    Match.object_like({"NoncurrentVersionExpiration": {"NoncurrentDays": 30}}),
                ]
            },
            "LoggingConfiguration": Match.any_value(),
        },
    )
    # TLS only: a Deny on aws:SecureTransport=false
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )


def test_provider_keys_are_the_only_portal_secret(portal: Synthesized) -> None:
    # No signing key: sign-in tokens are RS256 from the issuer (Cognito), verified with its JWKS.
    # The generated secrets are the database's two passwords (admin, app role) and the provider
    # keys' placeholder.
    generated = [
        s["Properties"]["GenerateSecretString"]
        for s in resources(portal.json("data"), "AWS::SecretsManager::Secret").values()
        if "GenerateSecretString" in s["Properties"]
    ]
    assert sorted(g.get("GenerateStringKey") for g in generated) == ["password", "password", "placeholder"]
    # provider keys: tests/infra/test_provider_keys_secret.py
    # AWS-managed encryption: no customer keys to pay for
    assert not resources(portal.json("data"), "AWS::KMS::Key")


def test_the_app_role_has_its_own_secret_attached_to_the_cluster(portal: Synthesized) -> None:
    template = portal.json("data")
    secrets = resources(template, "AWS::SecretsManager::Secret")
    usernames = {
        logical: _template(s["Properties"]["GenerateSecretString"]["SecretStringTemplate"])["username"]
        for logical, s in secrets.items()
        if s["Properties"].get("GenerateSecretString", {}).get("GenerateStringKey") == "password"
    }
    # One secret for the cluster's admin, one for the app role migration 0010 creates
    assert sorted(usernames.values()) == ["portal_admin", APP_ROLE]
    [cluster] = resources(template, "AWS::RDS::DBCluster")
    attached = {
        a["Properties"]["SecretId"]["Ref"]
        for a in resources(template, "AWS::SecretsManager::SecretTargetAttachment").values()
        if a["Properties"]["TargetId"] == {"Ref": cluster}
    }
    # Both are attached to the cluster (the Data API and the console's query editor take either)
    assert attached == set(usernames)
    # Its password has no quote, backslash or space (it is set by SQL: portal.db.app_role)
    app = next(logical for logical, name in usernames.items() if name == APP_ROLE)
    excluded = secrets[app]["Properties"]["GenerateSecretString"]["ExcludeCharacters"]
    assert all(c in excluded for c in "'\"\\ ")
    # The role the secret names is the one the migration creates
    assert "CREATE ROLE portal_app" in (MIGRATIONS / "0010_app_role.sql").read_text()


def _template(value: object) -> dict:
    """A secret's JSON template; the app role's names its master secret (a Fn::Join around a Ref)."""
    if isinstance(value, dict):
        value = "".join(part if isinstance(part, str) else "REF" for part in value["Fn::Join"][1])
    assert isinstance(value, str)
    return json.loads(value)


def test_migrations_run_after_the_cluster_exists(portal: Synthesized) -> None:
    template = portal.json("data")
    triggers = resources(template, "Custom::Trigger")
    assert len(triggers) == 1
    trigger = next(iter(triggers.values()))
    cluster_id = next(iter(resources(template, "AWS::RDS::DBCluster")))
    assert cluster_id in trigger.get("DependsOn", [])
    # The trigger calls the migrate function's current version
    handler_ref = trigger["Properties"]["HandlerArn"]
    version_id = handler_ref["Ref"]
    version = template["Resources"][version_id]
    function_id = version["Properties"]["FunctionName"]["Ref"]
    assert template["Resources"][function_id]["Properties"]["Handler"] == "migrate.handler"


def test_opensearch_is_off_by_default_and_opt_in(portal: Synthesized, synth_variant) -> None:
    assert not resources(portal.json("data"), "AWS::OpenSearchServerless::Collection")
    app = synth_variant(opensearch="true")
    app.template("data").has_resource_properties(
        "AWS::OpenSearchServerless::Collection", {"Type": "VECTORSEARCH", "Name": "portal-dev-vectors"}
    )
    # The agents and ingest roles get a data access policy and are told the endpoint
    app.template("agents").resource_count_is("AWS::OpenSearchServerless::AccessPolicy", 1)
    app.template("ingest").resource_count_is("AWS::OpenSearchServerless::AccessPolicy", 1)
    app.template("ingest").has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"PORTAL_VECTOR_STORE": "opensearch"})}},
    )
