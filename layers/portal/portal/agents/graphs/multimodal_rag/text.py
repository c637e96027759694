"""What the multimodal_rag graph tells the user besides the model's answer.

Korean for Korean questions, English otherwise. Operator detail (model keys and settings,
a file's raw processing error) is only for admins.
"""

from __future__ import annotations

from portal.db.repositories.files import UploadedFile
from portal.llm.operator_notes import connect_model_note


def _status_ko(f: UploadedFile, admin: bool) -> str:
    failed = f"처리 실패: {f.status_reason or ''}".strip() if admin else "처리 실패"
    return {
        "pending": "업로드 대기",
        "processing": f"처리 중 {f.progress}%",
        "failed": failed,
    }.get(f.processing_status, f.processing_status)


def waiting_note(waiting: list[UploadedFile], *, korean: bool, admin: bool) -> str:
    """Attached files that cannot be searched yet (empty when there are none)."""
    if not waiting:
        return ""
    if korean:
        items = ", ".join(f"‘{f.original_name}’({_status_ko(f, admin)})" for f in waiting)
        return f"아직 처리 중이거나 검색할 수 없는 첨부 파일이 있습니다: {items}. "
    items = ", ".join(f"“{f.original_name}” ({f.processing_status}, {f.progress}%)" for f in waiting)
    return f"Some attached files cannot be searched yet: {items}. "


def nothing_found(note: str, *, attached: bool, korean: bool) -> str:
    """Nothing in the user's files matches the question."""
    if korean:
        where = "첨부한 파일" if attached else "업로드한 파일"
        return (
            f"{note}{where}에서 질문과 관련된 내용을 찾지 못했습니다. "
            "파일이 처리 완료(completed) 상태인지 확인하시거나, 문서에 나오는 표현으로 다시 질문해 주세요."
        )
    where = "the attached files" if attached else "your uploaded files"
    return (
        f"{note}Nothing in {where} matches the question. Check that the files have finished "
        "processing, or ask again using words that appear in the documents."
    )


def footer(citations: list[dict[str, object]], *, korean: bool) -> str:
    """The sources list appended to an answer: file and page per cited excerpt."""
    lines = ["", "", "출처:" if korean else "Sources:"]
    for c in citations:
        page = c.get("page")
        where = "" if page is None else (f", {page}쪽" if korean else f", p. {page}")
        owner = c.get("owner_name") or c.get("owner")
        workspace = c.get("workspace")
        in_workspace = (
            (f"워크스페이스 ‘{workspace}’" if korean else f"workspace “{workspace}”") if workspace else None
        )
        source = ", ".join(str(part) for part in (owner, in_workspace) if part)
        lines.append(f"[{c['ref']}] {c['name']}{where}" + (f" ({source})" if source else ""))
    return "\n".join(lines)


def offline_listing(note: str, items: list[str], *, korean: bool, admin: bool, model_failed: bool) -> str:
    """The best passages without a model's answer, honest about why."""
    if korean:
        head = (
            "[문서 발췌만 제공] 언어 모델이 응답하지 않아 답변을 작성하지 못했습니다."
            if model_failed
            else "[오프라인 모드] 연결된 언어 모델이 없어 답변을 작성하지 못했습니다. "
            "아래는 AI가 작성한 답변이 아니라, 질문과 가장 관련 있는 문서 내용을 그대로 옮긴 것입니다."
        )
        intro = f"{note}업로드한 파일에서 찾은 관련 내용 ({len(items)}건):"
    else:
        head = (
            "[Excerpts only] The language model did not respond, so no answer was written."
            if model_failed
            else "[Offline mode] No language model is configured, so no answer was written. Below are "
            "the passages of your files that best match the question, quoted as they are."
        )
        intro = f"{note}Relevant passages from your files ({len(items)}):"
    return "\n\n".join([head, intro, *items, connect_model_note(korean=korean, admin=admin)])
