"""The canvas worker: writes and revises artifacts in the conversation's workspace.

A conversation outside any workspace writes to the user's personal workspace ("내 캔버스",
private, created on first use): the canvas toggle is most often used from an ordinary
chat, and refusing there would make it useless. A workspace the user may only view, or
one that is archived, is refused with a clear answer and nothing is written.
"""

from __future__ import annotations

from typing import Any

from portal.agents.graphs.canvas import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.user_context import load_user_context
from portal.agents.workers.common import history_messages, known_model
from portal.agents.workers.prompts import is_korean
from portal.collab import workspaces as collab_workspaces
from portal.db.repositories import users, workspaces
from portal.db.repositories.users import User
from portal.db.repositories.workspaces import Workspace
from portal.llm.preference import model_choice
from portal.realtime.stream import TurnStream


def previous_artifact(ctx: WorkerContext, workspace_id: str) -> str | None:
    """The artifact this conversation's canvas last wrote in the workspace (to revise it next)."""
    for message in reversed(ctx.history):
        ref = message.metadata.get("artifact") if message.role == "assistant" else None
        if (
            isinstance(ref, dict)
            and ref.get("workspace_id") == workspace_id
            and isinstance(ref.get("id"), str)
        ):
            return str(ref["id"])
    return None


def _refusal(workspace: Workspace | None, korean: bool) -> str | None:
    """Why the canvas cannot write here, or None when it can."""
    if workspace is None:
        return (
            "이 대화의 워크스페이스에 더 이상 접근할 수 없어 캔버스에 쓸 수 없습니다."
            if korean
            else "You no longer have access to this conversation's workspace, so the canvas cannot write there."
        )
    if workspace.role == "viewer":
        return (
            f"“{workspace.title}” 워크스페이스에는 보기 권한만 있어 캔버스 문서를 만들거나 고칠 수 없습니다. "
            "소유자에게 편집 권한을 요청해 주세요."
            if korean
            else f"You can only view the workspace “{workspace.title}”, so the canvas cannot write there. "
            "Ask its owner for the editor role."
        )
    if workspace.status != "active":
        return (
            f"“{workspace.title}” 워크스페이스는 보관 상태라 바꿀 수 없습니다. 소유자가 복원하면 다시 쓸 수 있습니다."
            if korean
            else f"The workspace “{workspace.title}” is archived and read-only until its owner restores it."
        )
    return None


def _workspace(ctx: WorkerContext, user: User) -> Workspace | None:
    if ctx.conversation.workspace_id is None:
        return collab_workspaces.personal(ctx.db, user)
    return workspaces.get_for_user(
        ctx.db, workspace_id=ctx.conversation.workspace_id, empno=user.empno, company_code=user.company_code
    )


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Create or revise an artifact from the user's request; the draft streams as it is written."""
    korean = is_korean(ctx.question.content)
    user = users.get(ctx.db, empno=ctx.turn.empno)
    if user is None:
        raise LookupError(f"user {ctx.turn.empno} of turn {ctx.turn.turn_id} does not exist")
    workspace = _workspace(ctx, user)
    refusal = _refusal(workspace, korean)
    if refusal is not None or workspace is None:
        stream.write(refusal or "")
        return Answer(text=stream.text, model=None, metadata={"canvas": "refused"})
    who = load_user_context(ctx.db, empno=ctx.turn.empno)
    choice = model_choice(explicit=known_model(ctx.turn.options.model), model_preference=who.model_preference)
    state = build_graph().invoke(
        {
            "request": ctx.question.content,
            "history": history_messages(ctx),
            "workspace_id": workspace.id,
            "previous_artifact_id": previous_artifact(ctx, workspace.id),
            "priority": choice.priority,
            "preferred_model": choice.preferred,
        },
        config={"configurable": {"stream": stream, "db": ctx.db, "user": user, "turn_id": ctx.turn.turn_id}},
    )
    result, saved = state.get("result"), state.get("saved")
    metadata: dict[str, Any] = {}
    if saved is not None:
        metadata["artifact"] = {
            "id": saved.id,
            "version": saved.version,
            "version_id": saved.version_id,
            "workspace_id": saved.workspace_id,
            "title": saved.title,
            "type": saved.type,
        }
    if state.get("rebased_from") is not None:
        metadata["rebased_from"] = state["rebased_from"]
    if result is None:
        return Answer(text=stream.text, model="offline", metadata={**metadata, "offline": True})
    return Answer(
        text=stream.text,
        model=result.model.key,
        input_tokens=result.usage.input_tokens,
        output_tokens=result.usage.output_tokens,
        cost_usd=result.cost_usd,
        metadata={
            **metadata,
            "model_name": result.model.display_name,
            **({"fallbacks": result.fallbacks} if result.fallbacks else {}),
        },
    )
