"""One contract, two indexes: pgvector (real PostgreSQL) and OpenSearch (its transport served in memory)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from portal.db.repositories import files, users
from portal.rag.index import ChunkRecord, FileRef, SearchScope, VectorIndex
from portal.rag.index.opensearch import OpenSearchIndex
from portal.rag.index.pgvector import PgVectorIndex
from portal.rag.tokens import tokenize

from tests.unit.rag_opensearch_fake import fake_client

pytestmark = pytest.mark.integration

MODEL = "test-model@4"


@pytest.fixture(params=["pgvector", "opensearch"])
def index(request: pytest.FixtureRequest, db) -> VectorIndex:
    if request.param == "pgvector":
        return PgVectorIndex(db)
    client, _ = fake_client()
    return OpenSearchIndex(client, "portal-chunks")


@pytest.fixture
def make_file(db) -> Callable[..., FileRef]:
    """A completed file row (the pgvector index joins on it; OpenSearch only needs the ref)."""
    for empno in ("E1", "E2"):
        users.upsert_from_claims(db, empno=empno, name_ko=empno, company=None, company_code=None, roles=[])

    def make(owner: str = "E1", workspace_id: str | None = None) -> FileRef:
        file_id = str(uuid.uuid4())
        if workspace_id:
            db.execute(
                "INSERT INTO workspaces (id, owner_empno, title) VALUES (:id::uuid, 'E2', 'w') ON CONFLICT DO NOTHING",
                {"id": workspace_id},
            )
        files.create(
            db,
            file_id=file_id,
            user_empno=owner,
            workspace_id=workspace_id,
            original_name="f.txt",
            stored_name="f.txt",
            file_type="txt",
            file_size=1,
            mime_type="text/plain",
            storage_path=f"uploads/{owner}/{file_id}/f.txt",
        )
        db.execute(
            "UPDATE uploaded_files SET processing_status = 'completed' WHERE id = :id::uuid", {"id": file_id}
        )
        return FileRef(file_id=file_id, owner=owner, workspace_id=workspace_id)

    return make


def _chunk(i: int, text: str, vector: list[float], page: int | None = 1) -> ChunkRecord:
    return ChunkRecord(
        i, text, page, "Section", len(text.split()), f"hash-{i}-{text}", tokenize(text), vector
    )


def test_upserting_the_same_chunks_again_replaces_instead_of_duplicating(index, make_file) -> None:
    f = make_file()
    index.upsert(
        f, [_chunk(0, "first", [1, 0, 0, 0]), _chunk(1, "second", [0, 1, 0, 0])], embedding_model=MODEL
    )
    index.upsert(f, [_chunk(1, "second again", [0, 1, 0, 0])], embedding_model=MODEL)
    assert index.count(f.file_id) == 2
    assert index.stored_hashes(f.file_id) == {0: "hash-0-first", 1: "hash-1-second again"}


def test_truncate_drops_chunks_past_the_new_end(index, make_file) -> None:
    f = make_file()
    index.upsert(f, [_chunk(i, f"c{i}", [1, 0, 0, 0]) for i in range(4)], embedding_model=MODEL)
    assert index.truncate(f.file_id, keep=2) == 2
    assert sorted(index.stored_hashes(f.file_id)) == [0, 1]


def test_delete_file_removes_only_that_files_chunks(index, make_file) -> None:
    kept, gone = make_file(), make_file()
    index.upsert(kept, [_chunk(0, "keep", [1, 0, 0, 0])], embedding_model=MODEL)
    index.upsert(
        gone, [_chunk(0, "gone", [1, 0, 0, 0]), _chunk(1, "gone", [1, 0, 0, 0])], embedding_model=MODEL
    )
    assert index.delete_file(gone.file_id) == 2
    assert index.count(gone.file_id) == 0 and index.count(kept.file_id) == 1


def test_copy_file_gives_the_target_the_same_searchable_chunks(index, make_file) -> None:
    source, target = make_file(owner="E1"), make_file(owner="E2")
    index.upsert(source, [_chunk(0, "refund desk floor", [0, 0, 1, 0], page=7)], embedding_model=MODEL)
    assert index.copy_file(source.file_id, target) == 1
    hits = index.vector_search([0, 0, 1, 0], embedding_model=MODEL, scope=SearchScope(owner="E2"), k=5)
    assert [(h.file_id, h.page, h.content) for h in hits] == [(target.file_id, 7, "refund desk floor")]


def test_vector_search_ranks_by_cosine_and_ignores_other_models(index, make_file) -> None:
    f = make_file()
    index.upsert(
        f, [_chunk(0, "near", [1, 0.1, 0, 0]), _chunk(1, "far", [0, 0, 1, 0])], embedding_model=MODEL
    )
    index.upsert(f, [_chunk(2, "other model", [1, 0, 0, 0])], embedding_model="other@4")
    hits = index.vector_search([1, 0, 0, 0], embedding_model=MODEL, scope=SearchScope(owner="E1"), k=5)
    assert [h.content for h in hits] == ["near", "far"]
    assert hits[0].score > hits[1].score


def test_keyword_search_is_bm25_so_a_rare_term_outweighs_common_ones(index, make_file) -> None:
    f = make_file()
    common = "휴가 신청 휴가 신청 휴가 안내"
    index.upsert(
        f,
        [_chunk(i, common, [1, 0, 0, 0]) for i in range(3)]
        + [_chunk(3, "배우자 출산 휴가 10일", [1, 0, 0, 0])],
        embedding_model=MODEL,
    )
    hits = index.keyword_search(["출산", "휴가"], scope=SearchScope(owner="E1"), k=10)
    assert hits[0].content == "배우자 출산 휴가 10일"
    assert len(hits) == 4  # every chunk with any of the tokens, none without
    assert index.keyword_search(["없는단어"], scope=SearchScope(owner="E1"), k=10) == []


def test_pgvector_orders_equal_scores_by_content_not_by_the_random_file_id(db, make_file) -> None:
    """Equal BM25 and cosine scores are ordered by content hash, so the same documents rank the
    same on every ingest (the fusion works on ranks; file ids are fresh UUIDs each time)."""
    index = PgVectorIndex(db)
    low, high = sorted([make_file(), make_file()], key=lambda f: f.file_id)
    # The file whose id sorts first holds the chunk whose hash sorts last.
    for f, text, digest in [(low, "budget plan alpha", "b" * 64), (high, "budget plan omega", "a" * 64)]:
        record = ChunkRecord(0, text, 1, None, 3, digest, tokenize(text), [1, 0, 0, 0])
        index.upsert(f, [record], embedding_model=MODEL)
    scope = SearchScope(owner="E1")
    by_keyword = index.keyword_search(["budget"], scope=scope, k=10)
    by_vector = index.vector_search([1, 0, 0, 0], embedding_model=MODEL, scope=scope, k=10)
    assert by_keyword[0].score == by_keyword[1].score
    for hits in (by_keyword, by_vector):
        assert [h.file_id for h in hits] == [high.file_id, low.file_id]


def test_the_scope_keeps_other_users_files_out_and_readable_workspaces_in(index, make_file) -> None:
    workspace = str(uuid.uuid4())
    mine, theirs, shared = make_file("E1"), make_file("E2"), make_file("E2", workspace_id=workspace)
    for f in (mine, theirs, shared):
        index.upsert(f, [_chunk(0, "budget plan", [1, 0, 0, 0])], embedding_model=MODEL)

    def found(scope: SearchScope) -> set[str]:
        by_vector = index.vector_search([1, 0, 0, 0], embedding_model=MODEL, scope=scope, k=10)
        by_keyword = index.keyword_search(["budget"], scope=scope, k=10)
        assert {h.file_id for h in by_vector} == {h.file_id for h in by_keyword}
        return {h.file_id for h in by_vector}

    assert found(SearchScope(owner="E1")) == {mine.file_id}
    assert found(SearchScope(owner="E1", workspace_ids=(workspace,))) == {mine.file_id, shared.file_id}
    assert found(SearchScope(owner="E1", workspace_ids=(workspace,), file_ids=(shared.file_id,))) == {
        shared.file_id
    }
