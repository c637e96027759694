"""Artifacts over REST on real PostgreSQL: versions, stale edits (409), roles, content rules, races."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _as(
    client: TestClient | httpx.Client, empno: str, name: str, company_code: str = "LOCAL"
) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(empno, name, company_code=company_code)}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def owner(client: TestClient) -> dict[str, str]:
    return _as(client, "E1001", "홍길동")


@pytest.fixture
def space(client: TestClient, owner: dict) -> str:
    """A workspace of the owner with E2002 as editor and E3003 as viewer."""
    _as(client, "E2002", "김철수")
    _as(client, "E3003", "이영희")
    workspace = client.post("/api/workspaces", json={"title": "캔버스"}, headers=owner).json()
    for empno, role in (("E2002", "editor"), ("E3003", "viewer")):
        client.post(
            f"/api/workspaces/{workspace['id']}/collaborators",
            json={"empno": empno, "role": role},
            headers=owner,
        )
    return workspace["id"]


def _create(client: TestClient, space: str, headers: dict, **body: object) -> dict:
    payload = {"type": "document", "title": "제안서", "content": "# 제안서\n\n초안", **body}
    response = client.post(f"/api/workspaces/{space}/artifacts", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _versions(db) -> int:
    return db.fetch_one("SELECT count(*) AS n FROM artifacts")["n"]


def test_an_editor_creates_version_one_and_everyone_in_the_workspace_reads_it(client, space) -> None:
    editor = _as(client, "E2002", "김철수")
    viewer = _as(client, "E3003", "이영희")
    created = _create(client, space, editor, metadata={"audience": "임원"})

    assert (created["version"], created["parent_version_id"], created["id"]) == (
        1,
        None,
        created["version_id"],
    )
    assert (created["created_by"], created["created_by_name"], created["status"]) == (
        "E2002",
        "김철수",
        "draft",
    )
    read = client.get(f"/api/workspaces/{space}/artifacts/{created['id']}", headers=viewer)
    assert read.status_code == 200
    assert read.json()["content"] == "# 제안서\n\n초안" and read.json()["metadata"] == {"audience": "임원"}


def test_an_update_is_a_new_version_linked_to_its_parent(client, space, owner) -> None:
    v1 = _create(client, space, owner, description="설명")
    response = client.patch(
        f"/api/workspaces/{space}/artifacts/{v1['id']}",
        json={"base_version": 1, "content": "# 제안서\n\n수정본", "metadata": {"reviewed": True}},
        headers=owner,
    )
    assert response.status_code == 200
    v2 = response.json()
    assert (v2["id"], v2["version"], v2["parent_version_id"]) == (v1["id"], 2, v1["version_id"])
    assert v2["version_id"] != v1["version_id"]
    # Fields not given are carried over; metadata is merged.
    assert (v2["title"], v2["description"], v2["type"]) == ("제안서", "설명", "document")
    assert v2["metadata"] == {"reviewed": True}

    current = client.get(f"/api/workspaces/{space}/artifacts/{v1['id']}", headers=owner).json()
    assert current["version"] == 2 and current["content"] == "# 제안서\n\n수정본"
    history = client.get(f"/api/workspaces/{space}/artifacts/{v1['id']}/versions", headers=owner).json()[
        "items"
    ]
    assert [h["version"] for h in history] == [2, 1] and "content" not in history[0]
    old = client.get(f"/api/workspaces/{space}/artifacts/{v1['id']}/versions/1", headers=owner).json()
    assert old["content"] == "# 제안서\n\n초안"


def test_a_stale_update_is_409_with_the_current_version_and_writes_nothing(client, space, owner, db) -> None:
    v1 = _create(client, space, owner)
    client.patch(
        f"/api/workspaces/{space}/artifacts/{v1['id']}",
        json={"base_version": 1, "content": "먼저 저장"},
        headers=owner,
    )
    stale = client.patch(
        f"/api/workspaces/{space}/artifacts/{v1['id']}",
        json={"base_version": 1, "content": "늦은 저장"},
        headers=owner,
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["version"] == 2 and error["current"]["content"] == "먼저 저장"
    assert _versions(db) == 2
    assert db.fetch_one("SELECT count(*) AS n FROM activity_logs WHERE action = 'artifact.update'")["n"] == 1


def test_a_viewer_cannot_create_or_edit_and_an_outsider_sees_nothing(client, space, owner, db) -> None:
    viewer = _as(client, "E3003", "이영희")
    outsider = _as(client, "E9009", "외부인", company_code="OTHER")
    v1 = _create(client, space, owner)
    base = f"/api/workspaces/{space}/artifacts"
    body = {"type": "document", "title": "t", "content": "x"}

    assert client.post(base, json=body, headers=viewer).status_code == 403
    assert (
        client.patch(
            f"{base}/{v1['id']}", json={"base_version": 1, "content": "y"}, headers=viewer
        ).status_code
        == 403
    )
    for method, path, payload in (
        ("get", base, None),
        ("post", base, body),
        ("get", f"{base}/{v1['id']}", None),
        ("patch", f"{base}/{v1['id']}", {"base_version": 1, "content": "y"}),
        ("get", f"{base}/{v1['id']}/versions", None),
    ):
        response = client.request(method, path, json=payload, headers=outsider)
        assert response.status_code == 404, (method, path)
    assert _versions(db) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"type": "document", "title": "t", "content": {"not": "text"}}, 400),
        ({"type": "code", "title": "t", "content": ["print(1)"]}, 400),
        ({"type": "chart", "title": "t", "content": "bar chart"}, 400),
        ({"type": "data", "title": "t", "content": 42}, 400),
        ({"type": "image", "title": "t", "content": {"url": "javascript:alert(1)"}}, 400),
        ({"type": "image", "title": "t", "content": {"caption": "no source"}}, 400),
        ({"type": "document", "title": "t", "content": None}, 400),
        ({"type": "document", "title": "t", "content": "가" * 200_000}, 413),
        ({"type": "video", "title": "t", "content": "x"}, 422),
        ({"type": "document", "title": "  ", "content": "x"}, 422),
    ],
    ids=[
        "doc-object",
        "code-list",
        "chart-text",
        "data-number",
        "image-js-url",
        "image-no-source",
        "null",
        "too-large",
        "bad-type",
        "blank-title",
    ],
)
def test_content_that_does_not_suit_the_type_is_refused_and_nothing_is_stored(
    client, space, owner, db, body: dict, status: int
) -> None:
    response = client.post(f"/api/workspaces/{space}/artifacts", json=body, headers=owner)
    assert response.status_code == status, response.text
    assert _versions(db) == 0


def test_structured_artifacts_keep_their_json(client, space, owner) -> None:
    chart = {"mark": "bar", "data": {"values": [{"q": "Q1", "v": 3}]}}
    created = _create(client, space, owner, type="chart", title="매출", content=chart)
    assert created["content"] == chart
    rows = [{"q": "Q1", "v": 3}, {"q": "Q2", "v": 5}]
    data = _create(client, space, owner, type="data", title="표", content=rows)
    assert (
        client.get(f"/api/workspaces/{space}/artifacts/{data['id']}", headers=owner).json()["content"] == rows
    )


def test_an_update_of_a_chart_must_still_be_a_chart(client, space, owner, db) -> None:
    created = _create(client, space, owner, type="chart", title="매출", content={"mark": "bar"})
    response = client.patch(
        f"/api/workspaces/{space}/artifacts/{created['id']}",
        json={"base_version": 1, "content": "text"},
        headers=owner,
    )
    assert response.status_code == 400
    assert _versions(db) == 1


@pytest.mark.parametrize(
    ("path_id", "body", "status"),
    [
        (None, {"base_version": 1}, 400),
        (None, {"content": "x"}, 422),
        (None, {"base_version": 0, "content": "x"}, 422),
        ("unknown", {"base_version": 1, "content": "x"}, 404),
        ("garbage", {"base_version": 1, "content": "x"}, 404),
    ],
    ids=["nothing-to-change", "no-base-version", "base-zero", "unknown-artifact", "malformed-id"],
)
def test_bad_updates_are_refused_and_write_nothing(
    client, space, owner, db, path_id, body: dict, status: int
) -> None:
    v1 = _create(client, space, owner)
    artifact_id = {None: v1["id"], "unknown": str(uuid.uuid4()), "garbage": "abc"}[path_id]
    response = client.patch(f"/api/workspaces/{space}/artifacts/{artifact_id}", json=body, headers=owner)
    assert response.status_code == status, response.text
    assert _versions(db) == 1


def test_an_artifact_is_only_found_through_its_own_workspace(client, space, owner) -> None:
    v1 = _create(client, space, owner)
    elsewhere = client.post("/api/workspaces", json={"title": "다른 곳"}, headers=owner).json()
    assert (
        client.get(f"/api/workspaces/{elsewhere['id']}/artifacts/{v1['id']}", headers=owner).status_code
        == 404
    )
    moved = client.patch(
        f"/api/workspaces/{elsewhere['id']}/artifacts/{v1['id']}",
        json={"base_version": 1, "content": "x"},
        headers=owner,
    )
    assert moved.status_code == 404


def test_the_list_shows_each_artifact_once_at_its_current_version(client, space, owner) -> None:
    doc = _create(client, space, owner, title="문서")
    code = _create(client, space, owner, type="code", title="스크립트", content="print('hi')")
    client.patch(
        f"/api/workspaces/{space}/artifacts/{doc['id']}",
        json={"base_version": 1, "title": "문서 v2"},
        headers=owner,
    )
    client.patch(
        f"/api/workspaces/{space}/artifacts/{code['id']}",
        json={"base_version": 1, "status": "archived"},
        headers=owner,
    )

    items = client.get(f"/api/workspaces/{space}/artifacts", headers=owner).json()["items"]
    assert [(a["id"], a["title"], a["version"]) for a in items] == [(doc["id"], "문서 v2", 2)]
    everything = client.get(f"/api/workspaces/{space}/artifacts?include_archived=true", headers=owner).json()[
        "items"
    ]
    assert {a["id"] for a in everything} == {doc["id"], code["id"]}
    only_code = client.get(
        f"/api/workspaces/{space}/artifacts?type=code&include_archived=true", headers=owner
    )
    assert [a["id"] for a in only_code.json()["items"]] == [code["id"]]


def test_two_concurrent_edits_keep_both_versions_and_one_gets_409(target) -> None:
    """Two colleagues save their edit of v1 at the same moment over real HTTP; one wins, the other
    gets 409 with the winner's version, merges, and saves on top: both edits are in the history."""
    with httpx.Client(base_url=target.base_url, timeout=30) as http:
        alice, bob = _as(http, "E1001", "홍길동"), _as(http, "E2002", "김철수")
        space = http.post("/api/workspaces", json={"title": "동시 편집"}, headers=alice).json()["id"]
        http.post(
            f"/api/workspaces/{space}/collaborators", json={"empno": "E2002", "role": "editor"}, headers=alice
        )
        v1 = http.post(
            f"/api/workspaces/{space}/artifacts",
            json={"type": "document", "title": "계획", "content": "원본"},
            headers=alice,
        ).json()

        barrier, results = threading.Barrier(2), {}

        def edit(who: str, headers: dict) -> None:
            with httpx.Client(base_url=target.base_url, timeout=30) as own:
                barrier.wait()
                results[who] = own.patch(
                    f"/api/workspaces/{space}/artifacts/{v1['id']}",
                    json={"base_version": 1, "content": f"{who}의 수정"},
                    headers=headers,
                )

        threads = [threading.Thread(target=edit, args=a) for a in (("alice", alice), ("bob", bob))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        statuses = sorted(r.status_code for r in results.values())
        assert statuses == [200, 409]
        winner = next(who for who, r in results.items() if r.status_code == 200)
        loser = next(who for who, r in results.items() if r.status_code == 409)
        current = results[loser].json()["error"]["current"]
        assert current["version"] == 2 and current["content"] == f"{winner}의 수정"

        merged = http.patch(
            f"/api/workspaces/{space}/artifacts/{v1['id']}",
            json={"base_version": current["version"], "content": f"{winner}의 수정 + {loser}의 수정"},
            headers=alice if loser == "alice" else bob,
        )
        assert merged.status_code == 200 and merged.json()["version"] == 3

        history = http.get(f"/api/workspaces/{space}/artifacts/{v1['id']}/versions", headers=alice).json()[
            "items"
        ]
        assert [h["version"] for h in history] == [3, 2, 1]
        assert [h["parent_version_id"] for h in history] == [
            history[1]["version_id"],
            history[2]["version_id"],
            None,
        ]
        contents = [
            http.get(f"/api/workspaces/{space}/artifacts/{v1['id']}/versions/{n}", headers=alice).json()[
                "content"
            ]
            for n in (2, 3)
        ]
        assert contents == [f"{winner}의 수정", f"{winner}의 수정 + {loser}의 수정"]


def test_the_version_insert_itself_is_race_safe(db) -> None:
    """Below HTTP: many transactions insert the successor of one version at once; exactly one lands."""
    from portal.db.repositories import artifacts, users, workspaces

    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[])
    space = workspaces.create(db, owner_empno="E1001", title="w")
    v1 = artifacts.create(
        db, workspace_id=space.id, type="document", title="t", content="v1", created_by="E1001"
    )
    barrier, outcomes = threading.Barrier(6), []

    def insert(n: int) -> None:
        barrier.wait()
        outcomes.append(
            artifacts.add_version(
                db,
                workspace_id=space.id,
                artifact_id=v1.id,
                base_version=1,
                created_by="E1001",
                content=f"edit {n}",
            )
        )

    threads = [threading.Thread(target=insert, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    landed = [o for o in outcomes if o is not None]
    assert len(landed) == 1 and landed[0].version == 2
    assert [h.version for h in artifacts.history(db, workspace_id=space.id, artifact_id=v1.id)] == [2, 1]
