"""The API's docs and schema are served on the local target only, never in AWS."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def _app(monkeypatch: pytest.MonkeyPatch, environment: str) -> TestClient:
    from portal.api.app import create_app
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_ENVIRONMENT", environment)
    reset_settings()
    return TestClient(create_app())


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json", "/redoc", "/docs"])
def test_in_aws_no_docs_or_schema_are_served(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    assert _app(monkeypatch, "aws").get(path).status_code == 404


def test_locally_the_docs_and_schema_are_served(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _app(monkeypatch, "local")
    assert client.get("/api/docs").status_code == 200
    assert "/api/conversations" in client.get("/api/openapi.json").json()["paths"]
