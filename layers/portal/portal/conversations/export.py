"""A conversation as a Markdown document (the reader's download of what they may read)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.db.repositories.conversations import Conversation
from portal.db.repositories.messages import Message

# Times are written in Korea's zone: the portal's users read them there, and a file has no
# browser to convert them. The offset is printed, so the time is unambiguous anywhere.
_ZONE = ZoneInfo("Asia/Seoul")
_ROLE = {"user": "질문", "assistant": "답변", "system": "시스템"}


def _time(at: datetime) -> str:
    return at.astimezone(_ZONE).strftime("%Y-%m-%d %H:%M (UTC%z)")


def to_markdown(conversation: Conversation, items: list[Message], *, owner_name: str | None) -> str:
    """Title, owner and dates, then each message under a heading saying who spoke and when."""
    title = (conversation.title or "새 대화").replace("\n", " ")
    lines = [f"# {title}", ""]
    lines.append(f"- 작성자: {owner_name or conversation.user_empno}")
    lines.append(f"- 시작: {_time(conversation.created_at)}")
    lines.append(f"- 내보낸 시각: {_time(datetime.now(_ZONE))}")
    lines.append("")
    for m in items:
        if m.role != "system":
            lines.extend(_message(m))
    return "\n".join(lines).rstrip() + "\n"


def _message(m: Message) -> list[str]:
    """One message: a heading (who, when, model, failure), its text, then its sources."""
    meta = [_time(m.created_at)]
    if m.role == "assistant" and m.model_used:
        meta.append(m.model_used)
    if m.status == "failed":
        meta.append("실패한 답변")
    lines = [f"## {_ROLE[m.role]} · {' · '.join(meta)}", "", m.content.rstrip() or "_(내용 없음)_", ""]
    citations = m.metadata.get("citations") if isinstance(m.metadata, dict) else None
    if isinstance(citations, list) and citations:
        lines.append("출처:")
        lines.extend(_citation(c) for c in citations if isinstance(c, dict))
        lines.append("")
    return lines


def _citation(c: dict[str, object]) -> str:
    label = c.get("title") or c.get("file_name") or c.get("url") or "출처"
    page = f" p.{c['page']}" if c.get("page") else ""
    url = f" <{c['url']}>" if c.get("url") else ""
    return f"- {label}{page}{url}"


def filename(conversation: Conversation) -> str:
    """A file name from the title: characters file systems refuse replaced, at most 80."""
    base = "".join("_" if ch in '\\/:*?"<>|\n\r\t' else ch for ch in (conversation.title or "대화")).strip()
    return (base[:80] or "대화") + ".md"
