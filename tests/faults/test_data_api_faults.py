"""The Data API path (AWS) under faults, through a stand-in rds-data client (botocore's Stubber):
resuming, throttled, timed out and unavailable all reach the user as one 503 with Retry-After
and a Korean message; a transient fault that clears is retried and answered."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

CLUSTER = "arn:aws:rds:ap-northeast-2:123456789012:cluster:portal"
SECRET = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:portal-AbCdEf"


def _client_over(
    monkeypatch: pytest.MonkeyPatch, errors: list[str], *, then_rows: bool = False
) -> TestClient:
    """The API over a Data API stand-in that answers `errors` in turn (then an empty result)."""
    from portal import services
    from portal.api.app import create_app
    from portal.db.data_api import DataApiExecutor

    client: Any = boto3.client("rds-data", region_name="ap-northeast-2")
    stubber = Stubber(client)
    for code in errors:
        stubber.add_client_error("execute_statement", service_error_code=code, http_status_code=400)
    if then_rows:
        for _ in range(20):
            stubber.add_response(
                "execute_statement", {"records": [], "numberOfRecordsUpdated": 0, "columnMetadata": []}
            )
    stubber.activate()
    sleeps: list[float] = []
    executor = DataApiExecutor(
        client,
        resource_arn=CLUSTER,
        secret_arn=SECRET,
        database="portal",
        sleep=sleeps.append,
        resume_budget=3.0,
    )
    monkeypatch.setattr(services, "db", lambda: executor)
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("error", "code"),
    [
        ("DatabaseResumingException", "database_resuming"),
        ("ThrottlingException", "database_unavailable"),
        ("StatementTimeoutException", "database_unavailable"),
        ("DatabaseUnavailableException", "database_unavailable"),
    ],
)
def test_a_data_api_fault_that_persists_is_a_503_with_retry_after_in_korean(
    aws: dict, monkeypatch: pytest.MonkeyPatch, error: str, code: str
) -> None:
    # Given a Data API that keeps answering the fault
    client = _client_over(monkeypatch, [error] * 50)

    # When the UI lists the user's conversations
    response = client.get("/api/conversations", headers={"Authorization": f"Bearer {make_token()}"})

    # Then it is told to come back (when, and why, in Korean), not a 500
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()["error"]
    assert body["code"] == code and "데이터베이스" in body["message"]


def test_a_throttled_call_that_clears_is_retried_not_reported(
    aws: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.db.data_api import DataApiExecutor

    client: Any = boto3.client(  # as portal.db.build_executor makes it: the executor retries, not botocore
        "rds-data", region_name="ap-northeast-2", config=Config(retries={"total_max_attempts": 1})
    )
    stubber = Stubber(client)
    stubber.add_client_error(
        "execute_statement", service_error_code="ThrottlingException", http_status_code=400
    )
    stubber.add_response(
        "execute_statement",
        {"records": [[{"longValue": 1}]], "columnMetadata": [{"name": "ok", "typeName": "int4"}]},
    )
    stubber.activate()
    sleeps: list[float] = []
    executor = DataApiExecutor(
        client, resource_arn=CLUSTER, secret_arn=SECRET, database="portal", sleep=sleeps.append
    )

    # When the first call is throttled and the second answers
    # Then the caller gets the row, after one backoff
    assert executor.fetch_one("SELECT 1 AS ok") == {"ok": 1}
    assert len(sleeps) == 1
