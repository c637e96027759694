"""What the canvas tells the user besides the model's draft (Korean for Korean requests).

How to connect a model (keys, settings) is only for admins.
"""

from __future__ import annotations

from portal.db.repositories.artifacts import Artifact
from portal.llm.operator_notes import connect_model_note

TITLE_CHARS = 60


def title_from(request: str) -> str:
    """A title from the request's first line."""
    line = " ".join(request.strip().splitlines()[0].split()) if request.strip() else "Canvas"
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def offline_draft(request: str, *, korean: bool, admin: bool) -> tuple[str, str]:
    """(title, Markdown) of a draft that is honest about being made without a model."""
    title = title_from(request)
    connect = connect_model_note(korean=korean, admin=admin)
    if korean:
        body = (
            f"# {title}\n\n"
            "> [오프라인 모드] 연결된 언어 모델이 없어 포털이 만든 초안 틀입니다. 아래 내용은 AI가 작성하지 "
            f"않았으며, 요청을 정리해 두었을 뿐입니다. {connect}\n\n"
            f"## 요청\n\n{request.strip()}\n\n"
            "## 작성할 내용\n\n- (여기에 내용을 작성하세요)\n"
        )
    else:
        body = (
            f"# {title}\n\n"
            "> [Offline mode] No language model is configured, so the portal made this outline itself. "
            f"Nothing below was written by AI; it only records the request. {connect}\n\n"
            f"## Request\n\n{request.strip()}\n\n"
            "## To write\n\n- (write here)\n"
        )
    return title, body


def offline_unchanged(target: Artifact, *, korean: bool) -> str:
    """An edit asked for without a model: nothing was changed."""
    if korean:
        return (
            f"[오프라인 모드] 연결된 언어 모델이 없어 “{target.title}” v{target.version}을(를) 수정하지 "
            "않았습니다. 문서는 그대로입니다."
        )
    return f"[Offline mode] No language model is configured, so “{target.title}” v{target.version} was not changed."


def saved_note(saved: Artifact, *, korean: bool, rebased_from: int | None) -> str:
    """Where the draft was saved (and that a colleague saved first, when they did)."""
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
