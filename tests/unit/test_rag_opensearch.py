"""The OpenSearch index against recorded request and response shapes (OpenSearch cannot run here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from portal.rag.index import ChunkRecord, FileRef, SearchScope
from portal.rag.index.opensearch import OpenSearchIndex, vector_field

from tests.unit.rag_opensearch_fake import fake_client

SHAPES = Path(__file__).resolve().parents[1] / "data" / "rag" / "opensearch"
MODEL = "titan-embed-text-v2@256"
WORKSPACE = "11111111-1111-1111-1111-111111111111"
FILE = "22222222-2222-2222-2222-222222222222"


def _shape(name: str) -> Any:
    return json.loads((SHAPES / name).read_text(encoding="utf-8"))


class Recorder:
    """An opensearch-py-like client answering with one recorded response and keeping the request."""

    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response
        self.bodies: list[dict[str, Any]] = []
        self.mappings: list[dict[str, Any]] = []  # put_mapping bodies
        self.indices = self

    def exists(self, index: str) -> bool:
        return True

    def get_mapping(self, index: str) -> dict[str, Any]:
        return {index: {"mappings": {"properties": {vector_field(MODEL): {}}}}}

    def put_mapping(self, index: str, body: dict[str, Any]) -> None:
        self.mappings.append(body)

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        return self.response

    def bulk(self, body: list[dict[str, Any]]) -> dict[str, Any]:
        self.bodies.append({"bulk": body})
        return self.response


def test_a_knn_search_sends_the_recorded_request_with_the_access_filter_inside_the_knn_clause() -> None:
    client = Recorder(_shape("search_response.json"))
    OpenSearchIndex(client, "portal-chunks").vector_search(
        [0.5, 0.5],
        embedding_model=MODEL,
        scope=SearchScope(owner="E1001", workspace_ids=(WORKSPACE,), file_ids=(FILE,)),
        k=3,
    )
    assert client.bodies == [_shape("knn_search_request.json")]


def test_a_recorded_search_response_becomes_hits_with_page_and_section() -> None:
    client = Recorder(_shape("search_response.json"))
    hits = OpenSearchIndex(client, "portal-chunks").keyword_search(
        ["tokyo", "hotel"], scope=SearchScope(owner="E1001"), k=5
    )
    assert [(h.file_id, h.chunk_index, h.page, h.section) for h in hits] == [
        (FILE, 4, 3, "3. Lodging"),
        (FILE, 9, None, None),
    ]
    assert hits[0].score == pytest.approx(0.9312)
    query = client.bodies[0]["query"]["bool"]
    assert query["must"] == [{"match": {"keywords": {"query": "tokyo hotel", "operator": "or"}}}]


def test_a_bulk_response_with_item_errors_is_raised() -> None:
    client = Recorder(_shape("bulk_response_with_error.json"))
    chunk = ChunkRecord(0, "text", 1, None, 1, "h", ["text"], [0.1] * 256)
    with pytest.raises(RuntimeError, match="Vector dimension mismatch"):
        OpenSearchIndex(client, "portal-chunks").upsert(
            FileRef(FILE, "E1001"), [chunk], embedding_model=MODEL
        )


def test_the_index_is_created_once_with_the_recorded_mapping_and_a_field_per_model() -> None:
    client, cluster = fake_client()
    index = OpenSearchIndex(client, "portal-chunks")
    index.upsert(
        FileRef(FILE, "E1001"),
        [ChunkRecord(0, "a", 1, None, 1, "h", ["a"], [1.0] * 256)],
        embedding_model=MODEL,
    )
    index.upsert(
        FileRef(FILE, "E1001"),
        [ChunkRecord(1, "b", 1, None, 1, "h", ["b"], [1.0] * 256)],
        embedding_model=MODEL,
    )
    creates = [
        payload for method, path, payload in cluster.requests if method == "PUT" and path == "/portal-chunks"
    ]
    assert creates == [_shape("create_index_request.json")]
    mappings = [
        payload
        for method, path, payload in cluster.requests
        if path == "/portal-chunks/_mapping" and method == "PUT"
    ]
    assert mappings == [
        {
            "properties": {
                "vector_titan_embed_text_v2_256": {
                    "type": "knn_vector",
                    "dimension": 256,
                    "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"},
                }
            }
        }
    ]


def test_no_operation_serverless_lacks_is_used() -> None:
    client, cluster = fake_client()
    index = OpenSearchIndex(client, "portal-chunks")
    index.upsert(
        FileRef(FILE, "E1001"),
        [ChunkRecord(i, "a", 1, None, 1, "h", ["a"], [1.0] * 256) for i in range(3)],
        embedding_model=MODEL,
    )
    index.truncate(FILE, keep=1)
    index.delete_file(FILE)
    paths = {path for _, path, _ in cluster.requests}
    assert not any(p.endswith(("_delete_by_query", "_refresh")) or "scroll" in p for p in paths)


def test_a_keyword_search_adds_nori_matches_on_the_text_to_the_token_match() -> None:
    client = Recorder(_shape("search_response.json"))
    OpenSearchIndex(client, "portal-chunks").keyword_search(
        ["압축", "확인"], scope=SearchScope(owner="E1001"), k=5, question="압축 파일을 확인할 수 있어?"
    )
    query = client.bodies[0]["query"]["bool"]
    assert query["must"] == [{"match": {"keywords": {"query": "압축 확인", "operator": "or"}}}]
    assert query["should"] == [{"match": {"body": {"query": "압축 파일을 확인할 수 있어?"}}}]


def test_an_index_made_before_the_nori_field_gets_it_added() -> None:
    client = Recorder({"hits": {"hits": []}})
    OpenSearchIndex(client, "portal-chunks").keyword_search(["a"], scope=SearchScope(owner="E1001"), k=1)
    assert client.mappings == [{"properties": {"body": {"type": "text", "analyzer": "nori"}}}]
