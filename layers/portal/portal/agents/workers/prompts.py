"""System prompts shared by workers."""

from __future__ import annotations

import re
from typing import Any

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def is_korean(text: str) -> bool:
    """True when the text contains Hangul (answer in Korean then)."""
    return bool(_HANGUL.search(text))


def general_system_prompt(
    *, name: str, company: str | None, preferences: dict[str, Any], profile: str | None = None
) -> str:
    """The general assistant's instructions, personalised with what the portal knows of the user."""
    style = preferences.get("answer_style")
    lines = [
        "You are the company's AI assistant in its internal AI portal.",
        "Answer in the language the user writes in (most users write Korean; use polite 존댓말).",
        "Be accurate and concise; say so plainly when you are not sure; never invent facts, numbers or sources.",
        "Format with short paragraphs and lists where they help; put code in fenced blocks.",
        f"The user is {name}" + (f" of {company}" if company else "") + ".",
    ]
    if style:
        lines.append(f"The user prefers answers that are {style}.")
    if profile:
        lines.append(profile)  # the user's profile summary (portal.agents.profile), unless opted out
    return "\n".join(lines)
