"""The canvas worker's graph: locate -> write -> save.

- locate: edit the artifact this conversation last wrote (its current version), unless the
  user asks for a new one; otherwise create a document or code artifact;
- write: a model drafts the whole artifact, streamed to the turn's sockets as it is written.
  Without a real model, an honest draft that says it was not written by AI (creating), or
  a plain notice that nothing was changed (editing);
- save: the next version (never an overwrite) or version 1, logged and announced to the
  workspace as `artifact.updated`; a note tells the user where it was saved.

Runtime collaborators (the turn's stream, the database, the acting user, the turn id)
travel in the run's config, so the state stays plain data.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.workers.prompts import is_korean
from portal.collab import artifacts as collab_artifacts
from portal.collab.artifacts import StaleVersion
from portal.db.repositories import artifacts
from portal.db.repositories.artifacts import Artifact
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.model_choice import Priority, choose_models, infer_task_type
from portal.llm.service import StreamedAnswer, configured_providers, stream_answer

TITLE_CHARS = 60
MAX_TOKENS = 4096
_CHARS_PER_TOKEN = 3
HISTORY_MESSAGES = 4  # earlier messages the model sees (the artifact itself is sent whole)
HISTORY_CHARS = 2000

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


class CanvasState(TypedDict, total=False):
    """The graph's state, one field per concern."""

    request: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    workspace_id: str  # where the artifact lives
    previous_artifact_id: str | None  # the artifact this conversation last wrote in that workspace
    priority: str  # cost | speed | quality | balanced
    preferred_model: str | None
    target: Artifact | None  # the current version to edit; None -> create a new artifact
    artifact_type: str  # document | code
    title: str
    content: str | None  # the new content; None -> nothing to save (offline edit)
    language: str | None  # a code artifact's language, from its fence
    result: StreamedAnswer | None  # the model's streamed answer (None offline)
    offline: bool  # no real model answered
    saved: Artifact | None  # the version written
    rebased_from: int | None  # set when a colleague saved first and the edit went on top of theirs


def _cfg(config: RunnableConfig, key: str) -> Any:
    return config["configurable"][key]


def _title_from(text: str) -> str:
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else "Canvas"
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def locate(state: CanvasState, config: RunnableConfig) -> CanvasState:
    """Decide what to write: the next version of this conversation's artifact, or a new one."""
    request = state["request"]
    previous = state.get("previous_artifact_id")
    target = None
    if previous and not _ASKS_FOR_NEW.search(request):
        found = artifacts.current(
            _cfg(config, "db"), workspace_id=state["workspace_id"], artifact_id=previous
        )
        # The canvas writes text; an archived artifact or a chart made elsewhere starts a new one.
        if found is not None and found.status != "archived" and found.type in ("document", "code"):
            target = found
    kind = target.type if target else ("code" if _ASKS_FOR_CODE.search(request) else "document")
    return {"target": target, "artifact_type": kind}


def _system(kind: str, korean: bool) -> str:
    language = "Korean (polite 존댓말)" if korean else "the user's language"
    if kind == "code":
        shape = (
            "Output the complete program in ONE fenced code block with its language tag, "
            "then at most two sentences on how to use it. No text before the block."
        )
    else:
        shape = (
            "Output the complete document in Markdown, starting with a '# ' title line. "
            "No preamble, no closing remarks: only the document."
        )
    return "\n".join(
        [
            "You are the canvas assistant of the company's AI portal: you write and revise shared work "
            "artifacts (documents and code) that a team edits together.",
            f"Write in {language}. Be accurate; never invent facts, figures, names or sources — "
            "leave a clearly marked placeholder where information is missing.",
            shape,
        ]
    )


def _prompt(state: CanvasState) -> str:
    target = state.get("target")
    if target is None:
        return state["request"]
    return (
        f"The current version (v{target.version}) of the {target.type} “{target.title}”:\n"
        f"<<<\n{target.content}\n>>>\n\n"
        f"Revise it as requested below and output the complete new version.\n\nRequest: {state['request']}"
    )


def _offline_draft(request: str, korean: bool) -> tuple[str, str]:
    """(title, Markdown) of a draft that is honest about being made without a model."""
    title = _title_from(request)
    if korean:
        body = (
            f"# {title}\n\n"
            "> [오프라인 모드] 연결된 언어 모델이 없어 포털이 만든 초안 틀입니다. 아래 내용은 AI가 작성하지 "
            "않았으며, 요청을 정리해 두었을 뿐입니다. ANTHROPIC_API_KEY 또는 GOOGLE_API_KEY를 설정하면 "
            "모델이 실제 초안을 작성합니다.\n\n"
            f"## 요청\n\n{request.strip()}\n\n"
            "## 작성할 내용\n\n- (여기에 내용을 작성하세요)\n"
        )
    else:
        body = (
            f"# {title}\n\n"
            "> [Offline mode] No language model is configured, so the portal made this outline itself. "
            "Nothing below was written by AI; it only records the request. Set ANTHROPIC_API_KEY or "
            "GOOGLE_API_KEY and a model will write the real draft.\n\n"
            f"## Request\n\n{request.strip()}\n\n"
            "## To write\n\n- (write here)\n"
        )
    return title, body


def write(state: CanvasState, config: RunnableConfig) -> CanvasState:
    """Stream the model's draft (or an honest offline one) and extract the artifact's content."""
    stream, request, target = _cfg(config, "stream"), state["request"], state.get("target")
    korean = is_korean(request)
    history = [
        ChatMessage(role=m.role, content=m.content[:HISTORY_CHARS])
        for m in state.get("history", [])[-HISTORY_MESSAGES:]
    ]
    messages = [*history, ChatMessage(role="user", content=_prompt(state))]
    system = _system(state["artifact_type"], korean)
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = choose_models(
        infer_task_type(request, context_tokens=context_tokens),
        configured_providers=configured_providers(),
        context_tokens=context_tokens,
        priority=state.get("priority", Priority.BALANCED),
        preferred=state.get("preferred_model"),
    )
    if chain[0].is_offline:
        if target is not None:
            notice = (
                f"[오프라인 모드] 연결된 언어 모델이 없어 “{target.title}” v{target.version}을(를) 수정하지 "
                "않았습니다. 문서는 그대로입니다."
                if korean
                else f"[Offline mode] No language model is configured, so “{target.title}” "
                f"v{target.version} was not changed."
            )
            stream.write(notice)
            return {"content": None, "offline": True, "result": None, "title": target.title or ""}
        title, draft = _offline_draft(request, korean)
        stream.write(draft)
        return {
            "content": draft,
            "title": title,
            "offline": True,
            "result": None,
            "artifact_type": "document",
            "language": None,
        }
    request_ = ModelRequest(model_id="", messages=tuple(messages), system=system, max_tokens=MAX_TOKENS)
    result = stream_answer(chain, request_, stream.write, korean=korean)
    content, language = result.text.strip(), None
    if state["artifact_type"] == "code":
        fence = _FENCE.search(result.text)
        if fence:
            language, content = (fence.group(1) or None), fence.group(2)
    heading = _HEADING.search(content) if state["artifact_type"] == "document" else None
    title = (
        heading.group(1).strip()[:200]
        if heading
        else ((target.title if target else None) or _title_from(request))
    )
    return {
        "content": content,
        "title": title,
        "language": language,
        "result": result,
    }


def save(state: CanvasState, config: RunnableConfig) -> CanvasState:
    """Write version 1 or the next version (once per turn), then tell the user where it went."""
    db, user, turn_id, stream = (_cfg(config, k) for k in ("db", "user", "turn_id", "stream"))
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
    stream.write(_saved_note(saved, korean, rebased_from))
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


def _saved_note(saved: Artifact, korean: bool, rebased_from: int | None) -> str:
    if korean:
        note = f"\n\n---\n캔버스에 “{saved.title}” v{saved.version}(으)로 저장했습니다."
        if rebased_from is not None:
            note += (
                f" 작성하는 동안 다른 사람이 새 버전을 저장해, 이 버전은 v{rebased_from}을(를) 바탕으로 "
                f"v{saved.version - 1} 위에 저장되었습니다. 버전 기록에서 두 변경을 비교해 주세요."
            )
        return note
    note = f"\n\n---\nSaved to the canvas as “{saved.title}” v{saved.version}."
    if rebased_from is not None:
        note += (
            f" Someone saved a newer version while this was written, so this edit of v{rebased_from} was "
            f"saved on top of v{saved.version - 1}; compare both in the version history."
        )
    return note


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """START -> locate -> write -> save -> END, compiled once per container."""
    graph = StateGraph(CanvasState)
    graph.add_node("locate", locate)
    graph.add_node("write", write)
    graph.add_node("save", save)
    graph.add_edge(START, "locate")
    graph.add_edge("locate", "write")
    graph.add_edge("write", "save")
    graph.add_edge("save", END)
    return graph.compile()
