"""A paused Aurora cluster that does not resume within a request's time: the API answers 503 with
Retry-After and a Korean message, through the one place errors become responses."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def resuming_client(aws: dict, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The API over a Data API that answers DatabaseResumingException to every call."""
    from portal import services
    from portal.api.app import create_app
    from portal.db.data_api import DataApiExecutor

    client: Any = boto3.client("rds-data", region_name="ap-northeast-2")
    stubber = Stubber(client)
    for _ in range(50):
        stubber.add_client_error(
            "execute_statement",
            service_error_code="DatabaseResumingException",
            service_message="The Aurora DB instance db-1 is resuming after being auto-paused.",
            http_status_code=400,
        )
    stubber.activate()
    executor = DataApiExecutor(
        client,
        resource_arn="arn:aws:rds:ap-northeast-2:123456789012:cluster:portal",
        secret_arn="arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:portal-AbCdEf",
        database="portal",
        sleep=lambda _: None,
        resume_budget=3.0,  # the waits add up to the budget at once (no real sleeping)
    )
    monkeypatch.setattr(services, "db", lambda: executor)
    return TestClient(create_app())


def test_a_request_the_database_cannot_answer_yet_is_a_503_with_retry_after(
    resuming_client: TestClient,
) -> None:
    # When the UI asks for the user's conversations while Aurora is still resuming
    response = resuming_client.get("/api/conversations", headers={"Authorization": f"Bearer {make_token()}"})

    # Then it is told to come back, when, and why, in Korean
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "database_resuming"
    assert error["message"].startswith("데이터베이스를 깨우는 중입니다")
