"""The canvas graph's nodes: locate the artifact, write it, save it."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from portal.agents.graphs.canvas import text
from portal.agents.graphs.canvas.context import CanvasContext
from portal.agents.graphs.canvas.prompts import request_prompt, system_prompt
from portal.agents.graphs.canvas.state import CanvasState
from portal.agents.workers.prompts import is_korean
from portal.collab import artifacts as collab_artifacts
from portal.collab.artifacts import StaleVersion
from portal.db.repositories import artifacts
from portal.db.repositories.artifacts import Artifact
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.model_choice import choose_models, infer_task_type
from portal.llm.service import StreamedAnswer, configured_providers, stream_answer

MAX_TOKENS = 4096
_CHARS_PER_TOKEN = 3
HISTORY_MESSAGES = 4  # earlier messages the model sees (the artifact itself is sent whole)
HISTORY_CHARS = 2000

Ctx = Runtime[CanvasContext]

_ASKS_FOR_NEW = re.compile(
    r"새\s*(?:로|로운)?\s*(?:문서|코드|캔버스|파일|초안)|새로\s*(?:만들|작성)|\bnew\b", re.IGNORECASE
)
_ASKS_FOR_CODE = re.compile(
    r"코드|함수|스크립트|클래스|프로그램|쿼리|\b(?:code|function|script|class|program|query|sql|python|"
    r"javascript|typescript|java|golang|rust|bash|regex)\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FENCE = re.compile(r"```([\w+#.-]*)[^\n]*\n(.*?)\n?```", re.DOTALL)


def locate(state: CanvasState, runtime: Ctx) -> CanvasState:
    """Decide what to write: the next version of this conversation's artifact, or a new one."""
    request = state["request"]
    previous = state.get("previous_artifact_id")
    target = None
    if previous and not _ASKS_FOR_NEW.search(request):
        found = artifacts.current(
            runtime.context.db, workspace_id=state["workspace_id"], artifact_id=previous
        )
        # The canvas writes text; an archived artifact or a chart made elsewhere starts a new one.
        if found is not None and found.status != "archived" and found.type in ("document", "code"):
            target = found
    kind = target.type if target else ("code" if _ASKS_FOR_CODE.search(request) else "document")
    return {"target": target, "artifact_type": kind}


def write(state: CanvasState, runtime: Ctx) -> CanvasState:
    """Stream the model's draft (or an honest offline one) and extract the artifact's content."""
    ctx, request, target = runtime.context, state["request"], state.get("target")
    korean = is_korean(request)
    history = [
        ChatMessage(role=m.role, content=m.content[:HISTORY_CHARS])
        for m in state.get("history", [])[-HISTORY_MESSAGES:]
    ]
    messages = [*history, ChatMessage(role="user", content=request_prompt(request, target))]
    system = system_prompt(state["artifact_type"], korean)
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = choose_models(
        infer_task_type(request, context_tokens=context_tokens),
        configured_providers=configured_providers(),
        context_tokens=context_tokens,
        priority=ctx.user.priority,
        preferred=state.get("preferred_model"),
    )
    if chain[0].is_offline:
        return _write_offline(state, ctx, korean)
    request_ = ModelRequest(model_id="", messages=tuple(messages), system=system, max_tokens=MAX_TOKENS)
    result = stream_answer(chain, request_, ctx.write, korean=korean)
    return _extract(state, result)


def _write_offline(state: CanvasState, ctx: CanvasContext, korean: bool) -> CanvasState:
    """No real model: an edit changes nothing (said so); a new artifact gets an honest outline."""
    target = state.get("target")
    if target is not None:
        ctx.write(text.offline_unchanged(target, korean=korean))
        return {"content": None, "offline": True, "result": None, "title": target.title or ""}
    title, draft = text.offline_draft(state["request"], korean=korean, admin=ctx.is_admin)
    ctx.write(draft)
    return {
        "content": draft,
        "title": title,
        "offline": True,
        "result": None,
        "artifact_type": "document",
        "language": None,
    }


def _extract(state: CanvasState, result: StreamedAnswer) -> CanvasState:
    """The artifact's content, language and title from the model's answer."""
    target = state.get("target")
    content, language = result.text.strip(), None
    if state["artifact_type"] == "code":
        fence = _FENCE.search(result.text)
        if fence:
            language, content = (fence.group(1) or None), fence.group(2)
    heading = _HEADING.search(content) if state["artifact_type"] == "document" else None
    title = (
        heading.group(1).strip()[:200]
        if heading
        else ((target.title if target else None) or text.title_from(state["request"]))
    )
    return {"content": content, "title": title, "language": language, "result": result}


def save(state: CanvasState, runtime: Ctx) -> CanvasState:
    """Write version 1 or the next version (once per turn), then tell the user where it went."""
    ctx = runtime.context
    db, user, turn_id, stream = ctx.db, ctx.account, ctx.turn_id, ctx.stream
    korean = is_korean(state["request"])
    content, target = state.get("content"), state.get("target")
    if content is None:
        return {"saved": None}
    stream.flush()  # the whole draft reaches the sockets before its artifact.updated does
    saved = artifacts.by_turn(db, turn_id=turn_id)  # this turn ran before (Express is at-least-once)
    rebased_from = None
    metadata = {"language": state["language"]} if state.get("language") else {}
    if saved is None and target is None:
        saved = collab_artifacts.create(
            db,
            user,
            state["workspace_id"],
            type=state["artifact_type"],  # type: ignore[arg-type]
            title=state["title"],
            content=content,
            metadata={**metadata, **({"offline": True} if state.get("offline") else {})},
            source="canvas",
            turn_id=turn_id,
        )
    elif saved is None and target is not None:
        try:
            saved = _edit(db, user, state, target.id, target.version, metadata or None, turn_id)
        except StaleVersion:
            # A colleague saved while the model wrote: keep both (theirs stays in the history) and
            # say so, rather than refusing the user's request.
            latest = artifacts.current(db, workspace_id=state["workspace_id"], artifact_id=target.id)
            assert latest is not None
            rebased_from = target.version
            meta = {**metadata, "rebased_from": target.version}
            saved = _edit(db, user, state, target.id, latest.version, meta, turn_id)
    assert saved is not None
    stream.write(text.saved_note(saved, korean=korean, rebased_from=rebased_from))
    return {"saved": saved, "rebased_from": rebased_from}


def _edit(
    db: Any,
    user: Any,
    state: CanvasState,
    artifact_id: str,
    base: int,
    meta: dict[str, Any] | None,
    turn_id: str,
) -> Artifact:
    return collab_artifacts.update(
        db,
        user,
        state["workspace_id"],
        artifact_id,
        base_version=base,
        title=state["title"],
        content=state["content"],
        metadata=meta,
        source="canvas",
        turn_id=turn_id,
    )
