"""The portal's CDK app: `npx aws-cdk@2 synth` / `deploy` run this (see cdk.json and README, "Deploying to AWS").

Synthesizes with no AWS credentials and no Docker: stacks are environment-agnostic unless
`-c account=… -c region=…` are given, and Lambda layers are built locally with pip.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python infra/app.py` puts infra/ first on sys.path; the repo root makes `infra.*`
# importable and layers/portal gives the shared table specs and metric names.
for path in (str(ROOT / "layers" / "portal"), str(ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)
# Node 20 still runs the CDK's jsii kernel fine; the banner only clutters every synth.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

import aws_cdk as cdk  # noqa: E402

from infra.bundling import LayerBuilder  # noqa: E402
from infra.components.identity import SignIn  # noqa: E402
from infra.config import BUNDLE_PLACEHOLDER, PortalConfig  # noqa: E402
from infra.nag import check_app, suppress_cdk_providers  # noqa: E402
from infra.stacks.agents_stack import AgentsStack  # noqa: E402
from infra.stacks.api_stack import ApiStack  # noqa: E402
from infra.stacks.data_stack import DataStack  # noqa: E402
from infra.stacks.identity_stack import IdentityStack  # noqa: E402
from infra.stacks.ingest_stack import IngestStack  # noqa: E402
from infra.stacks.observability_stack import ObservabilityStack  # noqa: E402
from infra.stacks.realtime_stack import RealtimeStack  # noqa: E402
from infra.stacks.web_stack import WebStack  # noqa: E402


def build(app: cdk.App, builder: LayerBuilder | None = None) -> dict[str, cdk.Stack]:
    """Add every portal stack to `app`, in deployment order (Data, Identity -> … -> Observability)."""
    config = PortalConfig.from_node(app.node)
    builder = builder or LayerBuilder(placeholder=config.bundle == BUNDLE_PLACEHOLDER)
    env = cdk.Environment(account=config.account, region=config.region)
    p = config.prefix
    data = DataStack(app, f"{p}-Data", builder=builder, description="ai-portal data", config=config, env=env)
    # Cognito unless the deployer brings an issuer; either way the functions get issuer + audience.
    identity = (
        IdentityStack(app, f"{p}-Identity", description="ai-portal sign-in", config=config, env=env)
        if config.uses_cognito
        else None
    )
    sign_in = (
        identity.sign_in
        if identity
        else SignIn(
            issuer=str(config.oidc_issuer),
            client_id=str(config.oidc_client_id),
            logout_url=None,
            config=config,
        )
    )
    realtime = RealtimeStack(
        app,
        f"{p}-Realtime",
        builder=builder,
        data=data,
        sign_in=sign_in,
        description="ai-portal WebSocket",
        config=config,
        env=env,
    )
    agents = AgentsStack(
        app,
        f"{p}-Agents",
        builder=builder,
        data=data,
        realtime=realtime,
        description="ai-portal agents",
        config=config,
        env=env,
    )
    api = ApiStack(
        app,
        f"{p}-Api",
        builder=builder,
        data=data,
        realtime=realtime,
        agents=agents,
        sign_in=sign_in,
        description="ai-portal REST API",
        config=config,
        env=env,
    )
    # The REST stage logs through the account role the Realtime stack sets.
    api.add_stack_dependency(realtime)
    ingest = IngestStack(
        app,
        f"{p}-Ingest",
        builder=builder,
        data=data,
        realtime=realtime,
        description="ai-portal ingest",
        config=config,
        env=env,
    )
    web = WebStack(
        app,
        f"{p}-Web",
        api=api,
        data=data,
        realtime=realtime,
        sign_in=sign_in,
        cognito=identity.cognito if identity else None,
        description="ai-portal web UI",
        config=config,
        env=env,
    )
    observability = ObservabilityStack(
        app,
        f"{p}-Observability",
        data=data,
        realtime=realtime,
        agents=agents,
        api=api,
        ingest=ingest,
        description="ai-portal dashboard and alarms",
        config=config,
        env=env,
    )
    stacks: dict[str, cdk.Stack] = {
        "data": data,
        **({"identity": identity} if identity else {}),
        "realtime": realtime,
        "agents": agents,
        "api": api,
        "ingest": ingest,
        "web": web,
        "observability": observability,
    }
    for stack in stacks.values():
        suppress_cdk_providers(stack)
        cdk.Tags.of(stack).add("project", "ai-portal")
        cdk.Tags.of(stack).add("stage", config.stage)
    check_app(app)
    return stacks


def main() -> None:
    app = cdk.App()
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
