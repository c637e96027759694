"""The colleague directory (invite by name or employee number) and the membership event an
invited colleague's open tabs receive."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _as(
    client: TestClient, empno: str, name: str, company_code: str = "LOCAL", **claims: Any
) -> dict[str, str]:
    """Headers of a user who has signed in once (so the directory knows them)."""
    headers = {"Authorization": f"Bearer {make_token(empno, name, company_code=company_code, **claims)}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def people(client: TestClient) -> dict[str, dict[str, str]]:
    return {
        "me": _as(client, "E1001", "홍길동"),
        "kim": _as(client, "E2002", "김철수"),
        "kim2": _as(client, "E2010", "김철민"),
        "lee": _as(client, "E3003", "이영희"),
        "other": _as(client, "E2099", "김철호", company_code="OTHER"),
    }


def _search(client: TestClient, headers: dict[str, str], q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/directory/users", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_finds_colleagues_by_part_of_a_name_or_the_start_of_an_employee_number(client, people) -> None:
    assert [u["name"] for u in _search(client, people["me"], "김철")] == ["김철민", "김철수"]
    assert [u["empno"] for u in _search(client, people["me"], "E20")] == ["E2010", "E2002"]
    assert [u["empno"] for u in _search(client, people["me"], "e2002")] == ["E2002"]
    assert _search(client, people["me"], "영희")[0] == {
        "empno": "E3003",
        "name": "이영희",
        "department": None,
    }


def test_never_returns_the_caller_or_another_company(client, people) -> None:
    assert _search(client, people["me"], "홍길동") == []
    assert "E2099" not in [u["empno"] for u in _search(client, people["me"], "E")]
    # ...and the other company's user sees none of ours.
    assert _search(client, people["other"], "김") == []


def test_like_wildcards_are_literal(client, people) -> None:
    assert _search(client, people["me"], "%") == []
    assert _search(client, people["me"], "E_0") == []


def test_needs_a_signed_in_user_and_a_sensible_query(client, people) -> None:
    assert client.get("/api/directory/users", params={"q": "김"}).status_code == 401
    assert client.get("/api/directory/users", params={"q": ""}, headers=people["me"]).status_code == 422
    assert client.get("/api/directory/users", params={"q": "x" * 51}, headers=people["me"]).status_code == 422
    assert (
        client.get("/api/directory/users", params={"q": "김", "limit": 500}, headers=people["me"]).status_code
        == 422
    )
    assert len(_search(client, people["me"], "E", limit=1)) == 1


class _RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[list[str], dict[str, Any]]] = []

    def send_many(self, ids: list[str], event: dict[str, Any]) -> int:
        self.sent.append((list(ids), event))
        return len(ids)


def test_an_invited_colleague_s_sockets_hear_of_it_and_of_the_removal(
    client, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import services
    from portal.realtime import broadcast

    services.connections().add(connection_id="conn-kim", user_empno="E2002")
    recorder = _RecordingSender()

    def sender() -> _RecordingSender:
        return recorder

    sender.cache_clear = lambda: None  # type: ignore[attr-defined]  # services.reset() clears it
    monkeypatch.setattr(broadcast.services, "sender", sender)

    ws = client.post("/api/workspaces", json={"title": "분기 계획"}, headers=people["me"]).json()
    added = client.post(
        f"/api/workspaces/{ws['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=people["me"],
    )
    assert added.status_code == 201
    assert (
        client.delete(f"/api/workspaces/{ws['id']}/collaborators/E2002", headers=people["me"]).status_code
        == 204
    )

    events = [(ids, e) for ids, e in recorder.sent if e["type"] == "workspace.membership"]
    assert [(ids, e["workspace_id"], e["role"]) for ids, e in events] == [
        (["conn-kim"], ws["id"], "editor"),
        (["conn-kim"], ws["id"], None),
    ]
