"""A provider that needs no network: an honest, clearly marked offline answer.

It keeps the portal usable (locally, or when every real model is down) without pretending
to be a language model: it restates the question, reports facts it can compute itself and
says how to connect a real model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.llm.base import ChatMessage, Completed, ModelRequest, StreamEvent, TextDelta, Usage
from portal.llm.operator_notes import connect_model_note

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_QUOTE_LIMIT = 160  # characters of the question echoed back
_WORDS_PER_DELTA = 3


def _estimate_tokens(text: str) -> int:
    """A rough token count: ~4 characters per token (undercounts Korean; an estimate only)."""
    return len(text) // 4


def _shorten(text: str) -> str:
    """The question on one line, cut at the quote limit."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1].rstrip() + "…"


def _last_user(messages: tuple[ChatMessage, ...]) -> ChatMessage | None:
    return next((m for m in reversed(messages) if m.role == "user"), None)


def _korean(question: str, chars: int, images: int, turns: int, admin: bool) -> str:
    quoted = f"“{question}”" if question else "(질문 내용이 비어 있습니다)"
    return (
        "[오프라인 모드] 연결된 언어 모델이 없어 이 답변은 포털이 자체적으로 만든 안내입니다. "
        "AI가 생성한 답변이 아니므로 질문에 대한 실제 답은 들어 있지 않습니다.\n\n"
        f"받은 질문: {quoted}\n\n"
        "포털이 직접 확인한 내용:\n"
        f"- 메시지 길이: {chars}자\n"
        "- 감지된 언어: 한국어\n"
        f"- 첨부 이미지: {images}개\n"
        f"- 대화에 포함된 메시지: {turns}개\n\n" + connect_model_note(korean=True, admin=admin)
    )


def _english(question: str, chars: int, images: int, turns: int, admin: bool) -> str:
    quoted = f"“{question}”" if question else "(the question was empty)"
    return (
        "[Offline mode] No language model is configured, so this reply was written by the portal "
        "itself. It is not an AI-generated answer and does not answer your question.\n\n"
        f"You asked: {quoted}\n\n"
        "What the portal can tell on its own:\n"
        f"- Message length: {chars} characters\n"
        "- Detected language: not Korean (no Hangul found), so this reply is in English\n"
        f"- Attached images: {images}\n"
        f"- Messages in this conversation: {turns}\n\n" + connect_model_note(korean=False, admin=admin)
    )


def offline_answer(request: ModelRequest) -> str:
    """The whole offline answer for a request, in the language of the last user message.

    How to connect a model (keys, settings) is said only when the reader is an admin
    (``request.operator_detail``); everyone else is told to ask an administrator.
    """
    last = _last_user(request.messages)
    text = last.content if last else ""
    images = len(last.images) if last else 0
    compose = _korean if _HANGUL.search(text) else _english
    return compose(_shorten(text), len(text), images, len(request.messages), request.operator_detail)


def _pieces(text: str) -> Iterator[str]:
    """A few words (with their trailing whitespace) at a time; the pieces join to ``text``."""
    words = re.findall(r"\s*\S+\s*", text)
    for i in range(0, len(words), _WORDS_PER_DELTA):
        yield "".join(words[i : i + _WORDS_PER_DELTA])


class OfflineProvider:
    """Answers every request locally and deterministically, saying it is offline."""

    name = "offline"
    # It cannot decide to call a tool: offered tools are ignored and it answers in text.
    supports_tools = False

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        """Stream the offline answer in word-sized pieces, then estimated usage."""
        answer = offline_answer(request)
        for piece in _pieces(answer):
            yield TextDelta(piece)
        prompt = request.system + "".join(m.content for m in request.messages)
        usage = Usage(_estimate_tokens(prompt), max(1, _estimate_tokens(answer)))
        yield Completed(usage, request.model_id, "end_turn")
