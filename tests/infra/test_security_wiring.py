"""Deployed security wiring, read from the synthesized templates: uploads CORS is the site's
origin only, OpenSearch answers only the portal's roles, and the API serves no docs in AWS."""

from __future__ import annotations

import json

import pytest

from tests.infra.helpers import Synthesized, resources

pytestmark = pytest.mark.infra


def _rendered(value: object) -> tuple[dict, dict[str, object]]:
    """A custom resource's JSON call with its CloudFormation tokens replaced by @TOKENn@ markers."""
    assert isinstance(value, dict) and "Fn::Join" in value
    tokens: dict[str, object] = {}
    parts = []
    for part in value["Fn::Join"][1]:
        if isinstance(part, str):
            parts.append(part)
        else:
            marker = f"@TOKEN{len(tokens)}@"
            tokens[marker] = part
            parts.append(marker)
    return json.loads("".join(parts)), tokens


def _cors_calls(app: Synthesized) -> list[dict]:
    calls = []
    for resource in resources(app.json("web"), "Custom::AWS").values():
        create = json.dumps(resource["Properties"].get("Create", ""))
        if "putBucketCors" in create:
            calls.append(resource["Properties"])
    return calls


def test_the_uploads_bucket_allows_cors_only_from_the_site(portal: Synthesized) -> None:
    for bucket in resources(portal.json("data"), "AWS::S3::Bucket").values():
        rules = bucket["Properties"].get("CorsConfiguration", {}).get("CorsRules", [])
        assert all("*" not in r.get("AllowedOrigins", []) for r in rules)
    [call] = _cors_calls(portal)
    create, tokens = _rendered(call["Create"])
    [rule] = create["parameters"]["CORSConfiguration"]["CORSRules"]
    # The one origin is https:// + the CloudFront distribution's domain (a token resolved at deploy).
    [origin] = rule["AllowedOrigins"]
    assert origin.startswith("https://@TOKEN")
    token = json.dumps(tokens[origin.removeprefix("https://")])
    assert "Distribution" in token and "DomainName" in token


def test_configured_extra_origins_join_the_site(synth_variant) -> None:
    app = synth_variant(allowed_origins='["https://portal.example.com"]')
    [call] = _cors_calls(app)
    create, _ = _rendered(call["Create"])
    [rule] = create["parameters"]["CORSConfiguration"]["CORSRules"]
    assert len(rule["AllowedOrigins"]) == 2 and rule["AllowedOrigins"][1] == "https://portal.example.com"


def test_the_api_function_runs_as_aws_so_docs_are_not_served(portal: Synthesized) -> None:
    functions = resources(portal.json("api"), "AWS::Lambda::Function").values()
    envs = [f["Properties"].get("Environment", {}).get("Variables", {}) for f in functions]
    api_env = [e for e in envs if "PORTAL_CORS_ORIGINS" in e]
    assert api_env and all(e.get("PORTAL_ENVIRONMENT") == "aws" for e in api_env)


def test_opensearch_data_access_names_only_the_portals_function_roles(synth_variant) -> None:
    app = synth_variant(opensearch="true")
    seen = 0
    for name, template in app.all_json().items():
        for policy in resources(template, "AWS::OpenSearchServerless::AccessPolicy").values():
            rendered = json.dumps(policy["Properties"]["Policy"])
            assert '"*"' not in rendered and "Principal" in rendered
            # Every principal is a role of this app (a GetAtt/ImportValue of a function role).
            assert "Role" in rendered, name
            seen += 1
    assert seen >= 2  # the ingest function and the RAG workers
