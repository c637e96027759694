"""The general assistant's instructions (for the model, in English, like every system prompt)."""

from __future__ import annotations

from portal.agents.user_context import UserContext

SUMMARY_SYSTEM = (
    "Summarise this conversation in the user's language in at most 10 bullet points. "
    "Keep names, numbers, decisions and open questions."
)


def general_system_prompt(user: UserContext) -> str:
    """The general assistant's instructions, personalised with what the portal knows of the user."""
    style = user.preferences.get("answer_style")
    company = user.company
    lines = [
        "You are the company's AI assistant in its internal AI portal.",
        "Answer in the language the user writes in (most users write Korean; use polite 존댓말).",
        "Be accurate and concise; say so plainly when you are not sure; never invent facts, numbers or sources.",
        "Format with short paragraphs and lists where they help; put code in fenced blocks.",
        f"The user is {user.name}" + (f" of {company}" if company else "") + ".",
    ]
    if style:
        lines.append(f"The user prefers answers that are {style}.")
    if user.profile_summary:
        lines.append(user.profile_summary)  # what the profile knows (portal.agents.profile), unless opted out
    return "\n".join(lines)


def with_summary(system: str, summary: str | None) -> str:
    """The instructions plus the summary of turns dropped from the history."""
    return f"{system}\n\nEarlier in this conversation (summary):\n{summary}" if summary else system
