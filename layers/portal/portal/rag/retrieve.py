"""Hybrid retrieval limited to what the asking user may read.

Vector k-NN and BM25 each rank candidates; reciprocal rank fusion (RRF) merges the two
lists, which needs no score calibration between a cosine and a BM25 score. The keyword side
weighs more for Hangul questions, because the local MiniLM model reads Korean as jamo and
its vectors carry little meaning there, while Hangul bigrams match reliably.
Every hit's file is re-checked in PostgreSQL (completed, readable) before it is returned.

Scope: by default the user's own files and the files of workspaces they are a current member
of (owner or collaborator); a file of a public or team workspace they merely can read is
searched only when the turn attaches it explicitly. Each passage says whose file it is and
which workspace holds it, so a citation never passes someone else's document off as theirs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from portal.db.executor import Executor
from portal.db.repositories import files, users
from portal.rag.embed import Embedder, get_embedder
from portal.rag.index import Hit, SearchScope, VectorIndex, get_index
from portal.rag.tokens import query_tokens

RRF_K = 60  # the constant of the original RRF paper; it damps the weight of the very top ranks
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a citation needs."""

    file_id: str
    name: str
    page: int | None
    section: str | None
    content: str
    chunk_index: int
    score: float
    owner: str | None = None  # the uploader's empno
    owner_name: str | None = None
    workspace_id: str | None = None
    workspace: str | None = None  # the workspace's title, when the file belongs to one

    def citation(self) -> dict[str, object]:
        """The {file_id, name, page, owner, owner_name, workspace_id, workspace} stored on an answer."""
        return {
            "file_id": self.file_id,
            "name": self.name,
            "page": self.page,
            "owner": self.owner,
            "owner_name": self.owner_name,
            "workspace_id": self.workspace_id,
            "workspace": self.workspace,
        }

    def source(self, *, korean: bool) -> str:
        """Who owns the file and where it lives, e.g. "홍길동, 워크스페이스 ‘기획’"."""
        parts = [self.owner_name or self.owner or ""]
        if self.workspace:
            parts.append(f"워크스페이스 ‘{self.workspace}’" if korean else f"workspace “{self.workspace}”")
        return ", ".join(p for p in parts if p)


def weights_for(question: str) -> tuple[float, float]:
    """(vector, keyword) weights of the fusion for this question."""
    letters = [ch for ch in question if ch.isalpha()]
    hangul = sum(1 for ch in letters if _HANGUL.match(ch))
    korean_share = hangul / len(letters) if letters else 0.0
    return 1.0 - 0.8 * korean_share, 1.0


def fuse(rankings: Sequence[tuple[float, Sequence[Hit]]]) -> list[Hit]:
    """Weighted reciprocal rank fusion of several rankings of hits (same chunk -> summed)."""
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    for weight, hits in rankings:
        for rank, hit in enumerate(hits, start=1):
            key = (hit.file_id, hit.chunk_index)
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
            first.setdefault(key, hit)
    order = sorted(scores, key=lambda key: (-scores[key], key))
    return [Hit(**{**first[key].__dict__, "score": scores[key]}) for key in order]


def valid_file_ids(values: Sequence[str]) -> list[str]:
    """The entries of a turn's attachments that are file ids (others are names)."""
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return list(dict.fromkeys(out))


def search(
    db: Executor,
    *,
    empno: str,
    question: str,
    k: int = 6,
    file_ids: Sequence[str] | None = None,
    index: VectorIndex | None = None,
    embedder: Embedder | None = None,
) -> list[Passage]:
    """The k best passages among the user's own and member-workspace files (or only `file_ids`,
    the turn's explicit attachments, which may be any file the user can read)."""
    user = users.get(db, empno=empno)
    company_code = user.company_code if user else None
    # Attached files may come from any workspace the user can read; the default scope does not.
    workspace_ids = (
        files.member_workspace_ids(db, empno=empno)
        if file_ids is None
        else files.readable_workspace_ids(db, empno=empno, company_code=company_code)
    )
    scope = SearchScope(
        owner=empno,
        workspace_ids=tuple(workspace_ids),
        file_ids=tuple(file_ids) if file_ids is not None else None,
    )
    if scope.file_ids is not None and not scope.file_ids:
        return []
    index = index or get_index(db)
    embedder = embedder or get_embedder()
    candidates = max(4 * k, 24)
    vector_weight, keyword_weight = weights_for(question)
    by_vector = index.vector_search(
        embedder.embed_query(question), embedding_model=embedder.key, scope=scope, k=candidates
    )
    by_keyword = index.keyword_search(query_tokens(question), scope=scope, k=candidates)
    fused = fuse([(vector_weight, by_vector), (keyword_weight, by_keyword)])
    readable = files.readable_completed(
        db, file_ids=[h.file_id for h in fused], empno=empno, company_code=company_code
    )
    kept = [h for h in fused if h.file_id in readable][:k]
    origin = files.provenance(db, file_ids=[h.file_id for h in kept])
    return [
        Passage(
            h.file_id,
            readable[h.file_id].original_name,
            h.page,
            h.section,
            h.content,
            h.chunk_index,
            h.score,
            **(origin[h.file_id].model_dump() if h.file_id in origin else {}),
        )
        for h in kept
    ]
