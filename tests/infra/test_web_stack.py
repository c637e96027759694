"""Web stack: S3 behind CloudFront with OAC, /api/* to the REST API, config.json with the URLs."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from infra.components.web_site import ROUTER_CODE, RUNTIME_CONFIG
from tests.infra.helpers import Synthesized, resources

pytestmark = pytest.mark.infra


def distribution(portal: Synthesized) -> dict:
    return next(iter(resources(portal.json("web"), "AWS::CloudFront::Distribution").values()))["Properties"][
        "DistributionConfig"
    ]


def test_the_site_bucket_is_reached_through_origin_access_control(portal: Synthesized) -> None:
    config = distribution(portal)
    s3_origins = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert len(s3_origins) == 1 and "OriginAccessControlId" in s3_origins[0]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["Logging"]["Bucket"]


def test_api_paths_go_to_the_rest_api_uncached(portal: Synthesized) -> None:
    config = distribution(portal)
    [behavior] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    [origin] = [o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    assert "execute-api" in json.dumps(origin["DomainName"])
    assert "RestApi" in json.dumps(origin["DomainName"])
    assert behavior["AllowedMethods"] == ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    # /api is kept: the FastAPI app serves under /api, as on the local target
    assert not behavior.get("FunctionAssociations")
    assert "/api" not in ROUTER_CODE


def test_runtime_config_carries_the_api_and_websocket_urls(portal: Synthesized) -> None:
    deployments = resources(portal.json("web"), "Custom::CDKBucketDeployment")
    assert len(deployments) == 1
    props = next(iter(deployments.values()))["Properties"]
    markers = json.dumps(props.get("SourceMarkers", []))
    assert len(props["SourceObjectKeys"]) == 2  # the UI (or placeholder) and config.json
    assert "RestApi" in markers and "WebSocket" in markers
    assert props["DistributionPaths"] == ["/*"]
    assert RUNTIME_CONFIG == "config.json"


def test_portal_url_is_an_output(portal: Synthesized) -> None:
    portal.template("web").has_output("PortalUrl", {"Value": Match.any_value()})
