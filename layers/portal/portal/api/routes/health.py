"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from portal import aws, services
from portal.errors import DatabaseUnavailable
from portal.settings import get_settings
from portal.tables import ALL_TABLES

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, Any]:
    """The process is up (no dependencies checked)."""
    return {"status": "ok"}


@router.get("/ready")
def ready() -> JSONResponse:
    """The database answers and every DynamoDB table exists; 503 naming what is not ready."""
    settings = get_settings()
    checks: dict[str, bool] = {"database": services.db().ping()}
    ddb = aws.client("dynamodb")
    for spec in ALL_TABLES:
        name = spec.table_name(settings)
        try:
            checks[f"table:{spec.logical_id}"] = (
                ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
            )
        except Exception:  # any failure means "not ready", reported per check
            checks[f"table:{spec.logical_id}"] = False
    ok = all(checks.values())
    if ok:
        return JSONResponse({"status": "ready", "checks": checks})
    # Load balancers and the UI retry after this; the message says what is down, in Korean.
    down = DatabaseUnavailable() if not checks["database"] else None
    return JSONResponse(
        {
            "status": "not_ready",
            "checks": checks,
            "message": down.message
            if down
            else "일부 구성 요소가 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.",
        },
        status_code=503,
        headers={"Retry-After": str(DatabaseUnavailable.retry_after)},
    )
