"""Fixtures for the CDK tests: the app synthesized once per session, and variants on demand.

The main fixture bundles for real (pip, cached in infra/.build); variants that only need
templates use `-c bundle=placeholder`, which nothing but these tests may use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from infra.bundling import LayerBuilder
from tests.infra.helpers import Synthesized, default_app, synthesize


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default deployment, bundled for real, exactly as `cdk synth` would build it."""
    return default_app(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def synth_variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Synthesized]]:
    """Synthesize the app with other context values (placeholder layers, no asset copies)."""
    cache: dict[str, Synthesized] = {}
    builder = LayerBuilder(placeholder=True)

    def make(**overrides: Any) -> Synthesized:
        key = json.dumps(overrides, sort_keys=True)
        if key not in cache:
            context = {"bundle": "placeholder", "aws:cdk:disable-asset-staging": True, **overrides}
            cache[key] = synthesize(tmp_path_factory.mktemp("variant"), builder, **context)
        return cache[key]

    yield make
