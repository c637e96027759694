"""The canvas graph's instructions for the model."""

from __future__ import annotations

from portal.db.repositories.artifacts import Artifact


def system_prompt(kind: str, korean: bool) -> str:
    """How to write a document or code artifact."""
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


def request_prompt(request: str, target: Artifact | None) -> str:
    """The user's request, with the current version when revising."""
    if target is None:
        return request
    return (
        f"The current version (v{target.version}) of the {target.type} “{target.title}”:\n"
        f"<<<\n{target.content}\n>>>\n\n"
        f"Revise it as requested below and output the complete new version.\n\nRequest: {request}"
    )
