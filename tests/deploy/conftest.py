"""Fixtures of the deploy tests: the synthesized app (cdk.out) and moto resources made from it.

`make deploy-check` synthesizes with the CDK CLI and points PORTAL_CDK_OUT at the result; without
it, the app is synthesized here once per session, bundled for real, as `cdk synth` would.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.assembly import CloudAssembly
from tests.deploy.issuer import issuer_for
from tests.deploy.report import REPORT
from tests.deploy.scenarios import Deployment
from tests.deploy.world import deployed_world


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> CloudAssembly:
    given = os.environ.get("PORTAL_CDK_OUT")
    if given:
        outdir = Path(given)
    else:
        from tests.infra.helpers import default_app

        outdir = default_app(tmp_path_factory.mktemp("cdk.out")).outdir
    REPORT.assembly = CloudAssembly.read(outdir)
    return REPORT.assembly


@pytest.fixture
def deployment(assembly: CloudAssembly, database_url: str) -> Iterator[Deployment]:
    """Every stack's resources in moto, the Data API on this test's migrated database."""
    with deployed_world(assembly, database_url) as world:
        deployment = Deployment(assembly, world)
        # The issuer the api/ws functions are configured with serves its keys to them (urllib).
        with issuer_for(deployment.environment("api")["PORTAL_OIDC_ISSUER"]).serving():
            yield deployment
