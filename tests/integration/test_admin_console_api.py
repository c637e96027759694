"""The admin console's API over real PostgreSQL: usage and cost from messages, users, department
grants, model enablement (honoured by the catalog API and the model choice), activity log, the
MCP connection test, and a user's own usage."""

from __future__ import annotations

import csv
import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

ADMIN, KIM, LEE, PARK = "A0001", "E1001", "E2002", "E3003"
SERVER = Path(__file__).resolve().parents[1] / "mcp_servers" / "regulations_server.py"


def auth(empno: str, *, admin: bool = False, department: str | None = None) -> dict[str, str]:
    extra = {"department": department} if department else {}
    return {"Authorization": f"Bearer {make_token(empno, f'사용자{empno}', admin=admin, **extra)}"}


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _user(db, empno: str, name: str, department: str | None, roles: list[str] | None = None) -> None:
    from portal.db.repositories import users

    users.upsert_from_claims(
        db,
        empno=empno,
        name_ko=name,
        company=None,
        company_code="LOCAL",
        roles=roles or [],
        department=department,
    )


def _turn(
    db,
    empno: str,
    *,
    agent: str,
    model: str,
    cost: float,
    seconds: float,
    status: str = "completed",
    calls: list[dict] | None = None,
    at: datetime | None = None,
) -> None:
    """One stored turn (its assistant row is what usage reads), at a chosen time."""
    conv = db.fetch_one(
        "INSERT INTO conversations (user_empno, title) VALUES (:e, '대화') RETURNING id::text AS id",
        {"e": empno},
    )["id"]
    metadata = {"calls": calls} if calls else {}
    db.execute(
        """
        INSERT INTO messages (conversation_id, role, content, agent_type, model_used, input_tokens,
                              output_tokens, cost_usd, processing_time, status, metadata, created_at)
        VALUES (:c::uuid, 'assistant', '답', :agent, :model, 100, 50, :cost, :secs, :status, :meta::jsonb, :at)
        """,
        {
            "c": conv,
            "agent": agent,
            "model": model,
            "cost": cost,
            "secs": seconds,
            "status": status,
            "meta": metadata,
            "at": at or datetime.now(UTC),
        },
    )


@pytest.fixture
def world(db) -> None:
    _user(db, ADMIN, "관리자", "정보보안팀", ["admin"])
    _user(db, KIM, "김민지", "재무팀")
    _user(db, LEE, "이서준", "재무팀")
    _user(db, PARK, "박하늘", "법무팀")
    # Kim: two answered general turns (one with an intent call on another model) and a failed one.
    calls = [
        {
            "purpose": "intent",
            "model": "gemini-2.5-flash-lite",
            "cost_usd": 0.001,
            "input_tokens": 10,
            "output_tokens": 5,
        },
        {
            "purpose": "answer",
            "model": "claude-sonnet-4-6",
            "cost_usd": 0.019,
            "input_tokens": 90,
            "output_tokens": 45,
        },
    ]
    _turn(db, KIM, agent="general", model="claude-sonnet-4-6", cost=0.02, seconds=1.0, calls=calls)
    _turn(db, KIM, agent="general", model="claude-sonnet-4-6", cost=0.04, seconds=3.0)
    _turn(db, KIM, agent="general", model="claude-sonnet-4-6", cost=0.005, seconds=9.0, status="failed")
    _turn(db, LEE, agent="legal", model="gemini-2.5-pro", cost=0.10, seconds=5.0)
    # Outside this month's window: never counted by default.
    _turn(
        db,
        PARK,
        agent="tax",
        model="gemini-2.5-pro",
        cost=9.0,
        seconds=1.0,
        at=datetime.now(UTC) - timedelta(days=62),
    )


def test_usage_overview_sums_the_messages_by_every_dimension(client: TestClient, world) -> None:
    r = client.get("/api/admin/usage", headers=auth(ADMIN, admin=True))

    assert r.status_code == 200, r.text
    body = r.json()
    t = body["totals"]
    assert (t["turns"], t["answered_turns"], t["failed_turns"]) == (4, 3, 1)
    assert t["cost_usd"] == pytest.approx(0.165)
    assert t["cost_per_answered_turn"] == pytest.approx(0.165 / 3, abs=1e-6)
    by_user = {g["key"]: g for g in body["by_user"]}
    assert by_user[LEE]["cost_usd"] == pytest.approx(0.10) and by_user[LEE]["label"] == "이서준"
    assert by_user[KIM]["cost_usd"] == pytest.approx(0.065) and PARK not in by_user
    assert [g["key"] for g in body["by_department"]] == ["재무팀"]
    assert {g["key"]: g["turns"] for g in body["by_agent"]} == {"general": 3, "legal": 1}
    # Per model the intent call counts for its own model, not the answer's.
    by_model = {g["key"]: g["cost_usd"] for g in body["by_model"]}
    assert by_model["gemini-2.5-flash-lite"] == pytest.approx(0.001)
    assert by_model["claude-sonnet-4-6"] == pytest.approx(0.019 + 0.04 + 0.005)
    assert by_model["gemini-2.5-pro"] == pytest.approx(0.10)
    assert sum(by_model.values()) == pytest.approx(t["cost_usd"])
    assert [s["empno"] for s in body["top_spenders"]] == [LEE, KIM]
    latency = {row["agent"]: row for row in body["latency"]}
    # Answered turns only: the failed 9 s turn does not count.
    assert latency["general"]["p50_seconds"] == pytest.approx(2.0)
    assert latency["general"]["p95_seconds"] == pytest.approx(2.9)
    assert len(body["by_day"]) == 1


def test_usage_filters_and_windows(client: TestClient, world) -> None:
    admin = auth(ADMIN, admin=True)
    legal = client.get("/api/admin/usage", params={"agent": "legal"}, headers=admin).json()
    assert legal["totals"]["turns"] == 1
    flash = client.get("/api/admin/usage", params={"model": "gemini-2.5-flash-lite"}, headers=admin).json()
    assert flash["totals"]["turns"] == 1
    old = (datetime.now(UTC) - timedelta(days=70)).date().isoformat()
    wide = client.get("/api/admin/usage", params={"from": old}, headers=admin).json()
    assert wide["totals"]["cost_usd"] == pytest.approx(9.165)
    bad = client.get("/api/admin/usage", params={"from": "2026-02-01", "to": "2026-01-01"}, headers=admin)
    assert bad.status_code == 400 and "from" in bad.json()["error"]["message"]
    assert client.get("/api/admin/usage", params={"from": "어제"}, headers=admin).status_code == 422


def test_usage_csv_export(client: TestClient, world) -> None:
    r = client.get(
        "/api/admin/usage/export.csv", params={"group_by": "user"}, headers=auth(ADMIN, admin=True)
    )

    assert r.status_code == 200
    assert (
        r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(row["key"], row["label"], row["cost_usd"]) for row in rows] == [
        (LEE, "이서준", "0.100000"),
        (KIM, "김민지", "0.065000"),
    ]
    bad = client.get(
        "/api/admin/usage/export.csv", params={"group_by": "planet"}, headers=auth(ADMIN, admin=True)
    )
    assert bad.status_code == 422


def test_a_user_sees_only_their_own_usage(client: TestClient, world) -> None:
    mine = client.get("/api/me/usage", headers=auth(KIM)).json()

    assert mine["totals"]["turns"] == 3 and mine["totals"]["cost_usd"] == pytest.approx(0.065)
    assert [g["key"] for g in mine["by_agent"]] == ["general"]


def test_users_list_searches_and_shows_spend_this_month(client: TestClient, world) -> None:
    r = client.get("/api/admin/users", params={"q": "재무"}, headers=auth(ADMIN, admin=True))

    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["empno"] for u in body["items"]] == [KIM, LEE]
    kim = body["items"][0]
    assert kim["spend_this_month_usd"] == pytest.approx(0.065) and kim["department"] == "재무팀"
    assert kim["last_seen"] is not None and kim["is_admin"] is False
    assert body["departments"] == ["법무팀", "재무팀", "정보보안팀"]
    by_empno = client.get("/api/admin/users", params={"q": "A00"}, headers=auth(ADMIN, admin=True)).json()
    assert [u["empno"] for u in by_empno["items"]] == [ADMIN] and by_empno["items"][0]["is_admin"]


def test_department_grant_and_revoke(client: TestClient, world, db) -> None:
    from portal.db.repositories import permissions

    admin = auth(ADMIN, admin=True)
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    r = client.put(
        "/api/admin/permissions/departments/재무팀",
        json={"agent": "tax", "expires_at": expires},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["empnos"] == [KIM, LEE]
    assert "tax" in permissions.active_agents(db, empno=LEE) and "tax" not in permissions.active_agents(
        db, empno=PARK
    )
    users = client.get("/api/admin/users", params={"department": "재무팀"}, headers=admin).json()["items"]
    assert all(u["active_agents"] == ["tax"] for u in users)

    r = client.delete("/api/admin/permissions/departments/재무팀/tax", headers=admin)
    assert r.json()["empnos"] == [KIM, LEE] and permissions.active_agents(db, empno=KIM) == set()
    # A second revoke removes nothing and audits nothing.
    assert (
        client.delete("/api/admin/permissions/departments/재무팀/tax", headers=admin).json()["empnos"] == []
    )

    # Both bulk changes are audited once each, with every member's grant before and after.
    audit = db.fetch_all(
        "SELECT empno, action, resource_type, metadata FROM activity_logs"
        " WHERE action LIKE 'admin.grant.department.%' ORDER BY timestamp, id"
    )
    assert [(a["empno"], a["action"], a["resource_type"]) for a in audit] == [
        (ADMIN, "admin.grant.department.put", "department_grant"),
        (ADMIN, "admin.grant.department.revoke", "department_grant"),
    ]
    put, revoke = (a["metadata"] for a in audit)
    assert put["target"] == revoke["target"] == "재무팀:tax"
    assert put["before"] == {KIM: None, LEE: None}
    assert {e: g["agent_type"] for e, g in put["after"].items()} == {KIM: "tax", LEE: "tax"}
    assert revoke["before"] == put["after"] and revoke["after"] == {KIM: None, LEE: None}
    assert (
        client.put(
            "/api/admin/permissions/departments/없는팀", json={"agent": "tax"}, headers=admin
        ).status_code
        == 404
    )
    assert (
        client.put(
            "/api/admin/permissions/departments/재무팀", json={"agent": "general"}, headers=admin
        ).status_code
        == 422
    )


def test_model_enablement_is_honoured_by_the_catalog_and_the_choice(
    client: TestClient, world, db, monkeypatch
) -> None:
    from portal.llm import service
    from portal.llm.enablement import ModelsDisabled
    from portal.llm.model_choice import TaskType, choose_models

    admin = auth(ADMIN, admin=True)
    before = client.get("/api/admin/models", headers=admin).json()
    assert all(m["enabled"] for m in before["models"])

    r = client.put(
        "/api/admin/models",
        json={"disabled_providers": ["google"], "disabled_models": ["claude-opus-4-6"]},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    shown = {m["key"]: m["enabled"] for m in r.json()["models"]}
    assert (
        shown["claude-opus-4-6"] is False and shown["gemini-2.5-pro"] is False and shown["claude-sonnet-4-6"]
    )

    chain = choose_models(TaskType.BALANCED_REASONING, configured_providers=["anthropic", "google"])
    assert chain and all(m.provider == "anthropic" and m.key != "claude-opus-4-6" for m in chain)
    explicit = choose_models(
        TaskType.BALANCED_REASONING, configured_providers=["anthropic", "google"], preferred="gemini-2.5-pro"
    )
    assert explicit[0].key != "gemini-2.5-pro"

    monkeypatch.setattr(service, "configured_providers", lambda: ["anthropic", "google"])
    monkeypatch.setattr("portal.api.routes.models.configured_providers", lambda: ["anthropic", "google"])
    catalog = client.get("/api/models", headers=auth(KIM)).json()
    assert "gemini-2.5-pro" not in {m["key"] for m in catalog["models"]}
    reasons = {m["key"]: m["unavailable_reason"] for m in catalog["catalog"]}
    assert reasons["gemini-2.5-pro"] == "provider_disabled_by_admin"
    assert reasons["claude-opus-4-6"] == "model_disabled_by_admin"

    client.put("/api/admin/models", json={"disabled_providers": ["anthropic", "google"]}, headers=admin)
    with pytest.raises(ModelsDisabled):
        choose_models(TaskType.QUICK_RESPONSE, configured_providers=["anthropic", "google"])

    # The change is audited with before and after.
    log = client.get("/api/admin/activity", params={"action": "admin.models.put"}, headers=admin).json()[
        "items"
    ]
    assert len(log) == 2
    assert log[-1]["metadata"]["before"] == {"disabled_providers": [], "disabled_models": []}
    assert log[-1]["metadata"]["after"]["disabled_providers"] == ["google"]
    assert log[0]["user_name"] == "사용자A0001"  # the name of the last sign-in

    bad = client.put("/api/admin/models", json={"disabled_models": ["gpt-9"]}, headers=admin)
    assert bad.status_code == 422
    assert (
        client.get("/api/admin/models", headers=admin).json()["providers"][0]["enabled"] is False
    )  # unchanged


def test_activity_filters(client: TestClient, world, db) -> None:
    from portal.db.repositories import activity

    activity.record(db, empno=KIM, action="workspace.create", resource_type="workspace", resource_id=None)
    activity.record(db, empno=LEE, action="artifact.create", resource_type="artifact", resource_id=None)
    admin = auth(ADMIN, admin=True)
    assert [
        a["empno"]
        for a in client.get("/api/admin/activity", params={"empno": KIM}, headers=admin).json()["items"]
    ] == [KIM]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert client.get("/api/admin/activity", params={"since": future}, headers=admin).json()["items"] == []
    rt = client.get("/api/admin/activity", params={"resource_type": "artifact"}, headers=admin).json()[
        "items"
    ]
    assert [a["action"] for a in rt] == ["artifact.create"]
    assert (
        client.get(
            "/api/admin/activity", params={"since": future, "until": future}, headers=admin
        ).status_code
        == 400
    )


def test_mcp_connection_test_lists_the_servers_tools(client: TestClient, world, monkeypatch) -> None:
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_MCP_ALLOW_STDIO", "true")
    reset_settings()
    admin = auth(ADMIN, admin=True)
    assert client.post("/api/admin/agents/regulations/mcp/test", headers=admin).status_code == 404
    server = {
        "name": "regulations",
        "transport": "stdio",
        "command": sys.executable,
        "args": [str(SERVER)],
        "allowed_tools": ["search_regulations", "not_there"],
    }
    put = client.put(
        "/api/admin/agents/regulations/mcp",
        json={"name": "규정", "config_data": {"servers": [server]}},
        headers=admin,
    )
    assert put.status_code == 200, put.text

    r = client.post("/api/admin/agents/regulations/mcp/test", headers=admin)

    assert r.status_code == 200, r.text
    result = r.json()["servers"][0]
    tools = {t["name"]: t["allowed"] for t in result["tools"]}
    assert tools["search_regulations"] is True and len(tools) >= 2
    assert any("not_there" in p for p in result["problems"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/usage"),
        ("GET", "/api/admin/usage/export.csv"),
        ("GET", "/api/admin/users"),
        ("GET", "/api/admin/models"),
        ("PUT", "/api/admin/models"),
        ("GET", "/api/admin/activity"),
        ("POST", "/api/admin/agents/legal/mcp/test"),
        ("PUT", "/api/admin/permissions/departments/재무팀"),
        ("DELETE", "/api/admin/permissions/departments/재무팀/tax"),
    ],
    ids=[
        "usage",
        "csv",
        "users",
        "models",
        "models-put",
        "activity",
        "mcp-test",
        "dept-grant",
        "dept-revoke",
    ],
)
def test_non_admins_get_403(client: TestClient, world, method: str, path: str) -> None:
    r = client.request(method, path, headers=auth(KIM), json={"agent": "tax"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
