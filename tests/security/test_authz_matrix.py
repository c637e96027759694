"""The authorization matrix: every REST route of the app's route table and every WebSocket action,
tried as each of ten principals, against what the access model says.

Rows are keyed by (method, path) as the app declares them, so a new route without a row fails
`test_every_route_has_a_row`. Each cell runs in one test (one database), so the whole matrix
costs one database and a few hundred in-process requests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token
from tests.security.conftest import RecordingSender

pytestmark = pytest.mark.integration

OWNER, EDITOR, VIEWER, NONMEMBER, OTHER, OUTSIDER, ADMIN = (
    "E1001",
    "E2002",
    "E3003",
    "E4004",
    "E5005",
    "E9009",
    "A0001",
)
# principal -> (empno, company_code, admin); None: no valid token of theirs exists
PEOPLE: dict[str, tuple[str, str, bool]] = {
    "owner": (OWNER, "LOCAL", False),
    "editor": (EDITOR, "LOCAL", False),
    "viewer": (VIEWER, "LOCAL", False),
    "non-member": (NONMEMBER, "LOCAL", False),
    "other user": (OTHER, "LOCAL", False),
    "other company": (OUTSIDER, "OTHER", False),
    "admin": (ADMIN, "LOCAL", True),
}
UNAUTHENTICATED = ("no token", "expired", "forged")
PRINCIPALS = (*PEOPLE, *UNAUTHENTICATED)
SIGNED_IN = frozenset(PEOPLE)
MEMBERS = frozenset({"owner", "editor", "viewer"})
WRITERS = frozenset({"owner", "editor"})


def token_of(principal: str) -> str | None:
    if principal == "no token":
        return None
    if principal == "expired":
        return make_token(OWNER, "홍길동", ttl_seconds=-60)
    if principal == "forged":
        # The owner's claims, signed by a key that is not the issuer's.
        real = jwt.decode(make_token(OWNER, "홍길동"), options={"verify_signature": False})
        header = jwt.get_unverified_header(make_token(OWNER, "홍길동"))
        return jwt.encode(
            real, "not-the-issuers-key-" + "x" * 40, algorithm="HS256", headers={"kid": header["kid"]}
        )
    empno, company, admin = PEOPLE[principal]
    return make_token(empno, f"사용자{empno}", admin=admin, company_code=company)


# --- the world each cell runs in ---------------------------------------------------------------


@dataclass
class World:
    """The owner's private workspace (editor and viewer collaborators), conversation, file, artifact."""

    client: TestClient
    db: Any
    workspace: str = ""
    conversation: str = ""
    file: str = ""
    artifact: str = ""
    turn: str = ""
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def user(self, empno: str) -> Any:
        from portal.db.repositories import users

        found = users.get(self.db, empno=empno)
        assert found is not None
        return found

    def new_workspace(self, *, archived: bool = False) -> str:
        from portal.collab import workspaces as service

        owner = self.user(OWNER)
        created = service.create(self.db, owner, title="기획")
        for empno, role in ((EDITOR, "editor"), (VIEWER, "viewer")):
            service.put_collaborator(self.db, owner, created.id, empno=empno, role=role)  # type: ignore[arg-type]
        if archived:
            service.set_archived(self.db, owner, created.id, archived=True)
        return created.id

    def new_conversation(self) -> str:
        from portal.db.repositories import conversations

        return conversations.create(self.db, user_empno=OWNER, title="대화", workspace_id=None).id

    def new_share(self) -> str:
        """A share of the owner's conversation with a colleague who is none of the principals."""
        from portal.db.repositories import conversation_shares

        share, _ = conversation_shares.add(
            self.db, conversation_id=self.conversation, created_by=OWNER, grantee_empno=self.new_user()
        )
        return share.id

    def new_template(self) -> str:
        """A template of the owner's, shared in their company (others still may not change it)."""
        from portal.db.repositories import prompt_templates

        return prompt_templates.create(
            self.db, owner_empno=OWNER, title="주간 보고", body="이번 주 한 일을 정리해 줘", shared=True
        ).id

    def new_turn(self, *, answered: bool) -> tuple[str, str]:
        """A turn in the owner's conversation: (turn id, answer id or ""), answered or still running."""
        from portal.db.repositories import messages

        turn_id = str(uuid.uuid4())
        messages.add_user_message(
            self.db, conversation_id=self.conversation, turn_id=turn_id, content="질문", metadata={}
        )
        if not answered:
            return turn_id, ""
        answer = messages.save_assistant_message(
            self.db,
            conversation_id=self.conversation,
            turn_id=turn_id,
            content="답변",
            status="completed",
            agent_type="general",
            model_used="offline",
        )
        return turn_id, answer.id

    def new_file(self) -> str:
        from portal.rag import uploads

        from tests.unit.rag_samples import PDF

        return uploads.request_upload(
            self.db, user=self.user(OWNER), name="a.pdf", size=10, mime_type=PDF
        ).file.id

    def new_artifact(self, workspace: str | None = None) -> str:
        from portal.collab import artifacts

        made = artifacts.create(
            self.db,
            self.user(OWNER),
            workspace or self.workspace,
            type="document",
            title="문서",
            content="본문",
        )
        return made.id

    def new_user(self) -> str:
        """A colleague who is none of the principals (so adding them changes no one's row)."""
        from portal.db.repositories import users

        empno = f"E6{uuid.uuid4().hex[:4]}"
        users.upsert_from_claims(
            self.db, empno=empno, name_ko="임시", company=None, company_code="LOCAL", roles=[]
        )
        return empno

    def new_department(self) -> str:
        """A department with one colleague in it (who is none of the principals)."""
        department = f"부서{uuid.uuid4().hex[:4]}"
        self.db.execute(
            "UPDATE users SET department = :d WHERE empno = :e", {"d": department, "e": self.new_user()}
        )
        return department

    def new_collaborator(self) -> str:
        from portal.collab import workspaces as service

        empno = self.new_user()
        service.put_collaborator(self.db, self.user(OWNER), self.workspace, empno=empno, role="viewer")
        return empno


Request = tuple[str, dict[str, Any] | None]  # (path, json body)


@dataclass(frozen=True)
class Row:
    """Who may use a route: `allowed` get `ok`; other signed-in users get `denied` (403 or 404)."""

    allowed: frozenset[str]
    request: Callable[[World], Request]
    ok: frozenset[int] = frozenset({200})
    denied: dict[str, int] = field(default_factory=dict)  # principal -> status; default 404
    public: bool = False  # no token needed (health)

    def expected(self, principal: str) -> frozenset[int]:
        if self.public:
            return self.ok
        if principal in UNAUTHENTICATED:
            return frozenset({401})
        if principal in self.allowed:
            return self.ok
        return frozenset({self.denied.get(principal, 404)})


def everyone(request: Callable[[World], Request], *ok: int) -> Row:
    return Row(SIGNED_IN, request, frozenset(ok or {200}))


def admins(request: Callable[[World], Request], *ok: int) -> Row:
    return Row(frozenset({"admin"}), request, frozenset(ok or {200}), {p: 403 for p in SIGNED_IN})


def workspace_row(
    allowed: frozenset[str],
    request: Callable[[World], Request],
    *ok: int,
    forbidden: frozenset[str] = frozenset(),
) -> Row:
    """Members who lack the role get 403 (they can see the workspace); everyone else 404."""
    return Row(allowed, request, frozenset(ok or {200}), {p: 403 for p in forbidden})


W = "/api/workspaces/{workspace_id}"
A = W + "/artifacts/{artifact_id}"

ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/api/health"): Row(frozenset(), lambda w: ("/api/health", None), public=True),
    ("GET", "/api/ready"): Row(
        frozenset(), lambda w: ("/api/ready", None), frozenset({200, 503}), public=True
    ),
    ("GET", "/api/me"): everyone(lambda w: ("/api/me", None)),
    ("GET", "/api/me/preferences"): everyone(lambda w: ("/api/me/preferences", None)),
    ("PUT", "/api/me/preferences"): everyone(lambda w: ("/api/me/preferences", {"priority": "speed"})),
    ("GET", "/api/me/agents"): everyone(lambda w: ("/api/me/agents", None)),
    ("GET", "/api/me/budget"): everyone(lambda w: ("/api/me/budget", None)),
    ("GET", "/api/me/profile"): everyone(lambda w: ("/api/me/profile", None)),
    ("DELETE", "/api/me/profile"): everyone(lambda w: ("/api/me/profile", None), 204),
    # The colleague directory: anyone signed in, and only their own company's people are listed
    # (tests/integration/test_directory_api.py checks what each one sees).
    ("GET", "/api/directory/users"): everyone(lambda w: ("/api/directory/users?q=%ED%99%8D", None)),
    ("POST", "/api/conversations"): everyone(lambda w: ("/api/conversations", {}), 201),
    ("GET", "/api/conversations"): everyone(lambda w: ("/api/conversations", None)),
    ("GET", "/api/conversations/{conversation_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.conversation}", None)
    ),
    # convs: rename, search (own conversations only), export (readers), shares (the owner).
    ("PATCH", "/api/conversations/{conversation_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.conversation}", {"title": "새 이름"})
    ),
    ("GET", "/api/conversations/search"): everyone(lambda w: ("/api/conversations/search?q=대화", None)),
    ("GET", "/api/conversations/{conversation_id}/export"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.conversation}/export", None)
    ),
    ("GET", "/api/conversations/{conversation_id}/shares"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.conversation}/shares", None)
    ),
    ("POST", "/api/conversations/{conversation_id}/shares"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/conversations/{w.conversation}/shares", {"empno": w.new_user()}),
        frozenset({201}),
    ),
    ("DELETE", "/api/conversations/{conversation_id}/shares/{share_id}"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/conversations/{w.conversation}/shares/{w.new_share()}", None),
        frozenset({204}),
    ),
    ("GET", "/api/files/{file_id}/link"): Row(
        frozenset({"owner"}), lambda w: (f"/api/files/{w.file}/link?page=2", None)
    ),
    ("GET", "/api/prompt-templates"): everyone(lambda w: ("/api/prompt-templates", None)),
    ("POST", "/api/prompt-templates"): everyone(
        lambda w: ("/api/prompt-templates", {"title": "요약", "body": "다음 글을 세 줄로 요약해 줘"}), 201
    ),
    ("PATCH", "/api/prompt-templates/{template_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/prompt-templates/{w.new_template()}", {"title": "바뀐 제목"})
    ),
    ("DELETE", "/api/prompt-templates/{template_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/prompt-templates/{w.new_template()}", None), frozenset({204})
    ),
    ("DELETE", "/api/conversations/{conversation_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.new_conversation()}", None), frozenset({204})
    ),
    ("GET", "/api/conversations/{conversation_id}/messages"): Row(
        frozenset({"owner"}), lambda w: (f"/api/conversations/{w.conversation}/messages", None)
    ),
    ("POST", "/api/conversations/{conversation_id}/messages"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/conversations/{w.conversation}/messages", {"content": "안녕하세요"}),
        frozenset({202}),
    ),
    # Turn controls (chat branch): the conversation's owner only, like posting a message.
    ("POST", "/api/conversations/{conversation_id}/turns/{turn_id}/stop"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/conversations/{w.conversation}/turns/{w.new_turn(answered=False)[0]}/stop", None),
    ),
    ("POST", "/api/conversations/{conversation_id}/turns/{turn_id}/regenerate"): Row(
        frozenset({"owner"}),
        lambda w: (
            f"/api/conversations/{w.conversation}/turns/{w.new_turn(answered=True)[0]}/regenerate",
            {},
        ),
        frozenset({202}),
    ),
    ("POST", "/api/conversations/{conversation_id}/turns/{turn_id}/edit"): Row(
        frozenset({"owner"}),
        lambda w: (
            f"/api/conversations/{w.conversation}/turns/{w.new_turn(answered=True)[0]}/edit",
            {"content": "고친 질문"},
        ),
        frozenset({202}),
    ),
    ("PUT", "/api/conversations/{conversation_id}/branch"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/conversations/{w.conversation}/branch", {"turn_id": w.new_turn(answered=True)[0]}),
    ),
    # Feedback: whoever can read the conversation (here a private one: its owner).
    ("POST", "/api/messages/{message_id}/feedback"): Row(
        frozenset({"owner"}),
        lambda w: (f"/api/messages/{w.new_turn(answered=True)[1]}/feedback", {"rating": "up"}),
    ),
    ("GET", "/api/admin/feedback"): admins(lambda w: ("/api/admin/feedback", None)),
    ("GET", "/api/models"): everyone(lambda w: ("/api/models", None)),
    ("GET", "/api/admin/permissions"): admins(lambda w: ("/api/admin/permissions", None)),
    ("PUT", "/api/admin/permissions"): admins(
        lambda w: ("/api/admin/permissions", {"empno": VIEWER, "agent": "legal"})
    ),
    ("DELETE", "/api/admin/permissions/{empno}/{agent}"): admins(
        lambda w: (f"/api/admin/permissions/{EDITOR}/legal", None), 204, 404
    ),
    ("GET", "/api/admin/agents"): admins(lambda w: ("/api/admin/agents", None)),
    ("PUT", "/api/admin/agents/{agent}/mcp"): admins(
        lambda w: (
            "/api/admin/agents/tax/mcp",
            {
                "name": "세법",
                "config_data": {
                    "servers": [
                        {"name": "t", "transport": "streamable_http", "url": "https://tax.example.com/mcp"}
                    ]
                },
            },
        ),
        200,
        201,
    ),
    ("DELETE", "/api/admin/agents/{agent}/mcp"): admins(
        lambda w: ("/api/admin/agents/legal/mcp", None), 204, 404
    ),
    # budgets branch: budgets in money and the cache's statistics, admins only.
    ("GET", "/api/admin/budgets"): admins(lambda w: ("/api/admin/budgets", None)),
    ("GET", "/api/admin/budgets/users/{user_id}"): admins(
        lambda w: (f"/api/admin/budgets/users/{OWNER}", None)
    ),
    ("PUT", "/api/admin/budgets/users/{user_id}"): admins(
        lambda w: (f"/api/admin/budgets/users/{OWNER}", {"monthly_limit_usd": 50, "warn_ratio": 0.8})
    ),
    ("DELETE", "/api/admin/budgets/users/{user_id}"): admins(
        lambda w: (f"/api/admin/budgets/users/{OWNER}", None), 204, 404
    ),
    ("GET", "/api/admin/budgets/departments/{department}"): admins(
        lambda w: ("/api/admin/budgets/departments/%EC%9E%AC%EB%AC%B4%ED%8C%80", None)
    ),
    ("PUT", "/api/admin/budgets/departments/{department}"): admins(
        lambda w: (
            "/api/admin/budgets/departments/%EC%9E%AC%EB%AC%B4%ED%8C%80",
            {"monthly_limit_usd": 500, "warn_ratio": 0.8},
        )
    ),
    ("DELETE", "/api/admin/budgets/departments/{department}"): admins(
        lambda w: ("/api/admin/budgets/departments/%EC%9E%AC%EB%AC%B4%ED%8C%80", None), 204, 404
    ),
    ("GET", "/api/admin/budgets/defaults/{scope}"): admins(
        lambda w: ("/api/admin/budgets/defaults/users", None)
    ),
    ("PUT", "/api/admin/budgets/defaults/{scope}"): admins(
        lambda w: ("/api/admin/budgets/defaults/departments", {"monthly_limit_usd": None, "warn_ratio": 0.9})
    ),
    ("GET", "/api/admin/cache"): admins(lambda w: ("/api/admin/cache", None)),
    # The admin console (console branch): every route admin-only.
    ("GET", "/api/me/usage"): everyone(lambda w: ("/api/me/usage", None)),
    ("GET", "/api/admin/usage"): admins(lambda w: ("/api/admin/usage", None)),
    ("GET", "/api/admin/usage/export.csv"): admins(
        lambda w: ("/api/admin/usage/export.csv?group_by=agent", None)
    ),
    ("GET", "/api/admin/users"): admins(lambda w: ("/api/admin/users?q=사용자", None)),
    ("GET", "/api/admin/models"): admins(lambda w: ("/api/admin/models", None)),
    ("PUT", "/api/admin/models"): admins(lambda w: ("/api/admin/models", {"disabled_models": []})),
    ("GET", "/api/admin/features"): admins(lambda w: ("/api/admin/features", None)),
    ("PUT", "/api/admin/features"): admins(lambda w: ("/api/admin/features", {"disabled_agents": []})),
    ("GET", "/api/admin/activity"): admins(lambda w: ("/api/admin/activity?action=workspace.create", None)),
    ("POST", "/api/admin/agents/{agent}/mcp/test"): admins(
        lambda w: ("/api/admin/agents/legal/mcp/test", None), 200, 404
    ),
    ("PUT", "/api/admin/permissions/departments/{department}"): admins(
        lambda w: (f"/api/admin/permissions/departments/{w.new_department()}", {"agent": "tax"})
    ),
    ("DELETE", "/api/admin/permissions/departments/{department}/{agent}"): admins(
        lambda w: (f"/api/admin/permissions/departments/{w.new_department()}/tax", None)
    ),
    ("POST", "/api/workspaces"): everyone(lambda w: ("/api/workspaces", {"title": "새 공간"}), 201),
    ("GET", "/api/workspaces"): everyone(lambda w: ("/api/workspaces", None)),
    ("GET", W): workspace_row(MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}", None)),
    ("PATCH", W): workspace_row(
        frozenset({"owner"}),
        lambda w: (f"/api/workspaces/{w.workspace}", {"description": "설명"}),
        forbidden=frozenset({"editor", "viewer"}),
    ),
    ("POST", W + "/archive"): workspace_row(
        frozenset({"owner"}),
        lambda w: (f"/api/workspaces/{w.new_workspace()}/archive", None),
        forbidden=frozenset({"editor", "viewer"}),
    ),
    ("POST", W + "/restore"): workspace_row(
        frozenset({"owner"}),
        lambda w: (f"/api/workspaces/{w.new_workspace(archived=True)}/restore", None),
        forbidden=frozenset({"editor", "viewer"}),
    ),
    ("POST", W + "/collaborators"): workspace_row(
        frozenset({"owner"}),
        lambda w: (f"/api/workspaces/{w.workspace}/collaborators", {"empno": w.new_user(), "role": "viewer"}),
        200,
        201,
        forbidden=frozenset({"editor", "viewer"}),
    ),
    ("DELETE", W + "/collaborators/{empno}"): workspace_row(
        frozenset({"owner"}),
        lambda w: (f"/api/workspaces/{w.workspace}/collaborators/{w.new_collaborator()}", None),
        204,
        forbidden=frozenset({"editor", "viewer"}),
    ),
    ("GET", W + "/activity"): workspace_row(
        MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}/activity", None)
    ),
    ("POST", W + "/artifacts"): workspace_row(
        WRITERS,
        lambda w: (
            f"/api/workspaces/{w.workspace}/artifacts",
            {"type": "document", "title": "문서", "content": "본문"},
        ),
        201,
        forbidden=frozenset({"viewer"}),
    ),
    ("GET", W + "/artifacts"): workspace_row(
        MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}/artifacts", None)
    ),
    ("GET", A): workspace_row(
        MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}/artifacts/{w.artifact}", None)
    ),
    ("PATCH", A): workspace_row(
        WRITERS,
        lambda w: (
            f"/api/workspaces/{w.workspace}/artifacts/{w.new_artifact()}",
            {"base_version": 1, "content": "고친 본문"},
        ),
        forbidden=frozenset({"viewer"}),
    ),
    ("GET", A + "/versions"): workspace_row(
        MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}/artifacts/{w.artifact}/versions", None)
    ),
    ("GET", A + "/versions/{version}"): workspace_row(
        MEMBERS, lambda w: (f"/api/workspaces/{w.workspace}/artifacts/{w.artifact}/versions/1", None)
    ),
    ("POST", "/api/files"): everyone(
        lambda w: ("/api/files", {"name": "a.pdf", "size": 10, "type": "application/pdf"}), 201
    ),
    ("GET", "/api/files"): everyone(lambda w: ("/api/files", None)),
    ("GET", "/api/files/{file_id}"): Row(frozenset({"owner"}), lambda w: (f"/api/files/{w.file}", None)),
    ("DELETE", "/api/files/{file_id}"): Row(
        frozenset({"owner"}), lambda w: (f"/api/files/{w.new_file()}", None), frozenset({204})
    ),
}


def route_table() -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, from its own schema."""
    from portal.api.app import create_app

    paths = create_app(load_routes=True).openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_has_a_row() -> None:
    table = route_table()
    assert table - set(ROWS) == set(), "routes without an authorization row"
    assert set(ROWS) - table == set(), "rows for routes that no longer exist"


class StubLauncher:
    """The chat workflow's start, recorded: the matrix is about who may post, not about the turn."""

    def __init__(self) -> None:
        self.started: list[Any] = []

    def start(self, turn: Any) -> None:
        self.started.append(turn)


@pytest.fixture
def world(app_database_url: str, aws: dict, monkeypatch: pytest.MonkeyPatch) -> World:
    from portal import services
    from portal.api.app import create_app
    from portal.db.repositories import users
    from portal.settings import reset_settings

    # The matrix makes hundreds of calls per user in a second: the limits are not under test here.
    monkeypatch.setenv("PORTAL_RATE_LIMIT_PER_HOUR", "100000")
    monkeypatch.setenv("PORTAL_CHAT_RATE_LIMIT_PER_HOUR", "100000")
    monkeypatch.setenv("PORTAL_UPLOAD_RATE_LIMIT_PER_HOUR", "100000")
    reset_settings()
    launcher = StubLauncher()
    monkeypatch.setattr(services, "launcher", lru_cache(maxsize=1)(lambda: launcher))
    db = services.db()
    for empno, company, admin in PEOPLE.values():
        users.upsert_from_claims(
            db,
            empno=empno,
            name_ko=f"사용자{empno}",
            company=None,
            company_code=company,
            roles=["admin"] if admin else [],
        )
    w = World(client=TestClient(create_app()), db=db)
    w.workspace = w.new_workspace()
    w.conversation = w.new_conversation()
    w.file = w.new_file()
    w.artifact = w.new_artifact()
    for principal in PRINCIPALS:
        token = token_of(principal)
        w.headers[principal] = {"Authorization": f"Bearer {token}"} if token else {}
    return w


def test_the_rest_matrix(world: World) -> None:
    failures = []
    cells = 0
    for (method, _), row in sorted(ROWS.items()):
        for principal in PRINCIPALS:
            path, body = row.request(world)
            response = world.client.request(method, path, json=body, headers=world.headers[principal])
            cells += 1
            if response.status_code not in row.expected(principal):
                failures.append(
                    f"{method} {path} as {principal}: {response.status_code} "
                    f"(expected {sorted(row.expected(principal))}) {response.text[:160]}"
                )
    assert cells == len(ROWS) * len(PRINCIPALS)
    assert not failures, "\n".join(failures)


# --- WebSocket actions ------------------------------------------------------------------------

WS_ACTIONS = ("auth", "ping", "join", "leave", "resume", "stop")


def _frame(action: str, world: World, principal: str) -> dict[str, Any]:
    if action == "auth":
        return {"action": "auth", "token": token_of(principal) or ""}
    if action in ("join", "leave"):
        return {"action": action, "workspace_id": world.workspace}
    if action == "resume":
        return {"action": "resume", "turn_id": world.turn, "after_seq": 0}
    if action == "stop":
        return {"action": "stop", "turn_id": world.turn}
    return {"action": "ping"}


# action -> principals who get a non-error answer (others: an `error` event)
WS_ALLOWED: dict[str, frozenset[str]] = {
    "auth": SIGNED_IN,
    "ping": SIGNED_IN,
    "join": MEMBERS,
    "leave": MEMBERS,  # a member leaves what they joined; others could not join
    "resume": frozenset({"owner"}),
    "stop": frozenset({"owner"}),  # the turn's owner (the closing event is their answer)
}


def test_every_websocket_action_has_a_row() -> None:
    from portal.realtime.routes import ACTIONS

    assert set(ACTIONS) == set(WS_ACTIONS) == set(WS_ALLOWED)


def test_the_websocket_matrix(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import services
    from portal.agents import turns
    from portal.agents.turn import TurnOptions
    from portal.db.repositories import conversations
    from portal.realtime import routes

    recording = RecordingSender()
    monkeypatch.setattr(services, "sender", lru_cache(maxsize=1)(lambda: recording))
    owner = world.user(OWNER)
    conversation = conversations.get(world.db, conversation_id=world.conversation)
    assert conversation is not None
    world.turn = turns.start_turn(
        world.db, user=owner, conversation=conversation, content="질문", options=TurnOptions()
    ).turn.turn_id
    failures, cells = [], 0
    for action in WS_ACTIONS:
        for principal in PRINCIPALS:
            cells += 1
            cid = f"c-{action}-{principal}".replace(" ", "_")
            token = token_of(principal)
            query = {"token": token} if token else None
            connected = routes.handle(
                {
                    "requestContext": {"routeKey": "$connect", "connectionId": cid},
                    "queryStringParameters": query,
                }
            )
            if principal in UNAUTHENTICATED:
                if connected["statusCode"] != 401:
                    failures.append(f"$connect as {principal}: {connected}")
                continue
            assert connected["statusCode"] == 200, connected
            if action == "leave" and principal in MEMBERS:
                routes.handle_default(_ws(cid, {"action": "join", "workspace_id": world.workspace}))
            before = len(recording.events(cid))
            routes.handle_default(_ws(cid, _frame(action, world, principal)))
            events = recording.events(cid)[before:]
            errors = [e for e in events if e.get("type") == "error"]
            wanted_ok = principal in WS_ALLOWED[action]
            # Allowed: no error (a resume of a turn that has streamed nothing yet sends nothing).
            if wanted_ok and (errors or (action != "resume" and not events)):
                failures.append(f"{action} as {principal}: {events}")
            if not wanted_ok and not errors:
                failures.append(f"{action} as {principal}: no error, got {events}")
            routes.handle({"requestContext": {"routeKey": "$disconnect", "connectionId": cid}})
    assert cells == len(WS_ACTIONS) * len(PRINCIPALS)
    assert not failures, "\n".join(failures)


def _ws(cid: str, frame: dict[str, Any]) -> dict[str, Any]:
    import json

    return {"requestContext": {"routeKey": "$default", "connectionId": cid}, "body": json.dumps(frame)}
