"""The opt-in index for large corpora: one OpenSearch index per deployment, k-NN plus BM25.

Documents are chunks with id "<file_id>:<chunk_index>", so writing one again replaces it.
Every model gets its own knn_vector field ("vector_<model>_<dims>": a field has one
dimension), mirroring pgvector's per-row model. `keywords` holds our own tokens
(portal.rag.tokens) joined by spaces and analysed by whitespace only, so BM25 sees exactly
the tokens pgvector ranks; `body` holds the same text analysed by `nori`, OpenSearch's Korean
morphological analyser (built into Amazon OpenSearch Service), whose matches add to a chunk's
score, so the index gets a real morpheme analysis without shipping one in Lambda. Only operations OpenSearch Serverless supports are used: no
scroll, no delete-by-query, no refresh (deletes are found by search, then bulk-deleted).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from portal.rag.index.base import ChunkRecord, FileRef, Hit, SearchScope, StoredChunk

_PAGE = 1000  # documents per search page when listing a file's chunks
_BULK_BATCH = 500


def vector_field(embedding_model: str) -> str:
    """The knn_vector field of a model key such as "titan-embed-text-v2@1024"."""
    return "vector_" + re.sub(r"[^a-z0-9]+", "_", embedding_model.lower()).strip("_")


def _dims(embedding_model: str) -> int:
    return int(embedding_model.rsplit("@", 1)[1])


# Korean morphemes (particles and endings dropped by nori_part_of_speech), English lower-cased.
BODY_FIELD: dict[str, Any] = {"type": "text", "analyzer": "nori"}

BASE_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "file_id": {"type": "keyword"},
        "owner": {"type": "keyword"},
        "workspace_id": {"type": "keyword"},
        "chunk_index": {"type": "integer"},
        "page": {"type": "integer"},
        "section": {"type": "text", "analyzer": "whitespace"},
        "content": {"type": "text", "index": False},
        "content_hash": {"type": "keyword"},
        "token_count": {"type": "integer"},
        "tokens": {"type": "keyword", "index": False},
        "keywords": {"type": "text", "analyzer": "whitespace"},
        "body": BODY_FIELD,
        "embedding_model": {"type": "keyword"},
    },
}


def vector_mapping(embedding_model: str) -> dict[str, Any]:
    """A k-NN field for one model: HNSW in Lucene, which filters during the graph search."""
    return {
        "type": "knn_vector",
        "dimension": _dims(embedding_model),
        "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"},
    }


def scope_filter(scope: SearchScope) -> list[dict[str, Any]]:
    """The access filter: own chunks or readable workspaces' chunks, optionally only some files."""
    readable: list[dict[str, Any]] = [{"term": {"owner": scope.owner}}]
    if scope.workspace_ids:
        readable.append({"terms": {"workspace_id": list(scope.workspace_ids)}})
    clauses: list[dict[str, Any]] = [{"bool": {"should": readable, "minimum_should_match": 1}}]
    if scope.file_ids is not None:
        clauses.append({"terms": {"file_id": list(scope.file_ids)}})
    return clauses


def _hit(doc: dict[str, Any]) -> Hit:
    source = doc["_source"]
    return Hit(
        file_id=source["file_id"],
        chunk_index=int(source["chunk_index"]),
        page=source.get("page"),
        section=source.get("section"),
        content=source.get("content", ""),
        score=float(doc.get("_score") or 0.0),
    )


class OpenSearchIndex:
    """VectorIndex over an OpenSearch (or OpenSearch Serverless) index."""

    name = "opensearch"

    def __init__(self, client: Any, index: str) -> None:
        self._client = client
        self._index = index
        self._fields: set[str] | None = None

    # --- mapping ---------------------------------------------------------------

    def _ensure(self, embedding_model: str | None = None) -> None:
        """Create the index on first use and add a model's vector field when it first appears."""
        if self._fields is None:
            if not self._client.indices.exists(index=self._index):
                self._client.indices.create(
                    index=self._index,
                    body={"settings": {"index": {"knn": True}}, "mappings": BASE_MAPPING},
                )
            mapping = self._client.indices.get_mapping(index=self._index)
            properties = next(iter(mapping.values()))["mappings"].get("properties", {})
            self._fields = set(properties)
            if "body" not in self._fields:  # an index made before the nori field: add it (new chunks fill it)
                self._client.indices.put_mapping(index=self._index, body={"properties": {"body": BODY_FIELD}})
                self._fields.add("body")
        if embedding_model is not None:
            field = vector_field(embedding_model)
            if field not in self._fields:
                self._client.indices.put_mapping(
                    index=self._index, body={"properties": {field: vector_mapping(embedding_model)}}
                )
                self._fields.add(field)

    # --- writes ----------------------------------------------------------------

    def _bulk(self, lines: list[dict[str, Any]]) -> None:
        if not lines:
            return
        response = self._client.bulk(body=lines)
        if response.get("errors"):
            failed = [
                item
                for item in response.get("items", [])
                for result in item.values()
                if result.get("status", 200) >= 300 and result.get("status") != 404
            ]
            if failed:
                raise RuntimeError(f"OpenSearch rejected {len(failed)} bulk operations: {failed[:3]}")

    def upsert(self, file: FileRef, chunks: Sequence[ChunkRecord], *, embedding_model: str) -> None:
        """Index (replace) each chunk under its deterministic id."""
        if not chunks:
            return
        self._ensure(embedding_model)
        field = vector_field(embedding_model)
        lines: list[dict[str, Any]] = []
        for c in chunks:
            lines.append({"index": {"_index": self._index, "_id": f"{file.file_id}:{c.chunk_index}"}})
            lines.append(
                {
                    "file_id": file.file_id,
                    "owner": file.owner,
                    "workspace_id": file.workspace_id,
                    "chunk_index": c.chunk_index,
                    "page": c.page,
                    "section": c.section,
                    "content": c.content,
                    "content_hash": c.content_hash,
                    "token_count": c.token_count,
                    "tokens": c.tokens,
                    "keywords": " ".join(c.tokens),
                    "body": f"{c.section}\n{c.content}" if c.section else c.content,
                    "embedding_model": embedding_model,
                    field: list(c.embedding),
                }
            )
        for start in range(0, len(lines), 2 * _BULK_BATCH):
            self._bulk(lines[start : start + 2 * _BULK_BATCH])

    def _docs(self, file_id: str, *, from_index: int = 0, source: Any = False) -> Iterator[dict[str, Any]]:
        """A file's chunk documents in chunk order, page by page (search_after, not scroll)."""
        self._ensure()
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": _PAGE,
                "_source": source,
                "query": {
                    "bool": {
                        "filter": [
                            {"term": {"file_id": file_id}},
                            {"range": {"chunk_index": {"gte": from_index}}},
                        ]
                    }
                },
                "sort": [{"chunk_index": "asc"}],
            }
            if after is not None:
                body["search_after"] = after
            hits = self._client.search(index=self._index, body=body)["hits"]["hits"]
            yield from hits
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    def _delete_ids(self, ids: list[str]) -> int:
        self._bulk([{"delete": {"_index": self._index, "_id": doc_id}} for doc_id in ids])
        return len(ids)

    def truncate(self, file_id: str, *, keep: int) -> int:
        """Delete the file's chunks from index `keep` on."""
        return self._delete_ids([d["_id"] for d in self._docs(file_id, from_index=keep)])

    def delete_file(self, file_id: str) -> int:
        """Delete every chunk of the file."""
        return self.truncate(file_id, keep=0)

    def stored_hashes(self, file_id: str) -> dict[int, str]:
        """chunk_index -> content_hash of the file's indexed chunks."""
        return {
            int(d["_source"]["chunk_index"]): d["_source"]["content_hash"]
            for d in self._docs(file_id, source=["chunk_index", "content_hash"])
        }

    def stored_chunks(self, file_id: str) -> list[StoredChunk]:
        """The file's chunks in order, vectors included."""
        out = []
        for d in self._docs(file_id, source=True):
            s = d["_source"]
            vector: list[float] = next((v for k, v in s.items() if k.startswith("vector_")), [])
            out.append(
                StoredChunk(
                    chunk_index=int(s["chunk_index"]),
                    content_hash=s["content_hash"],
                    page=s.get("page"),
                    section=s.get("section"),
                    content=s.get("content", ""),
                    token_count=int(s.get("token_count", 0)),
                    tokens=list(s.get("tokens", [])),
                    embedding=list(vector),
                )
            )
        return out

    def copy_file(self, source_file_id: str, target: FileRef) -> int:
        """Re-index an identical file's chunks under the target file (same vectors, new owner)."""
        docs = list(self._docs(source_file_id, source=True))
        if not docs:
            return 0
        model = docs[0]["_source"]["embedding_model"]
        records = []
        for d in docs:
            s = d["_source"]
            records.append(
                ChunkRecord(
                    chunk_index=int(s["chunk_index"]),
                    content=s.get("content", ""),
                    page=s.get("page"),
                    section=s.get("section"),
                    token_count=int(s.get("token_count", 0)),
                    content_hash=s["content_hash"],
                    tokens=list(s.get("tokens", [])),
                    embedding=list(s[vector_field(model)]),
                )
            )
        self.upsert(target, records, embedding_model=model)
        return len(records)

    def count(self, file_id: str) -> int:
        """How many chunks the file has."""
        self._ensure()
        response = self._client.count(index=self._index, body={"query": {"term": {"file_id": file_id}}})
        return int(response["count"])

    # --- search ----------------------------------------------------------------

    def vector_search(
        self, vector: Sequence[float], *, embedding_model: str, scope: SearchScope, k: int
    ) -> list[Hit]:
        """k-NN with the access filter applied inside the graph search (efficient filtering)."""
        self._ensure(embedding_model)
        body = {
            "size": k,
            "_source": {"excludes": ["vector_*", "tokens"]},
            "query": {
                "knn": {
                    vector_field(embedding_model): {
                        "vector": list(vector),
                        "k": k,
                        "filter": {
                            "bool": {
                                "filter": [
                                    {"term": {"embedding_model": embedding_model}},
                                    *scope_filter(scope),
                                ]
                            }
                        },
                    }
                }
            },
        }
        response = self._client.search(index=self._index, body=body)
        return [_hit(d) for d in response["hits"]["hits"]]

    def keyword_search(
        self, tokens: Sequence[str], *, scope: SearchScope, k: int, question: str = ""
    ) -> list[Hit]:
        """BM25 on the whitespace-analysed token field, plus nori's morpheme matches on the text."""
        distinct = list(dict.fromkeys(tokens))
        if not distinct:
            return []
        self._ensure()
        body = {
            "size": k,
            "_source": {"excludes": ["vector_*", "tokens"]},
            "query": {
                "bool": {
                    "must": [{"match": {"keywords": {"query": " ".join(distinct), "operator": "or"}}}],
                    "should": [{"match": {"body": {"query": question}}}] if question else [],
                    "filter": scope_filter(scope),
                }
            },
        }
        response = self._client.search(index=self._index, body=body)
        return [_hit(d) for d in response["hits"]["hits"]]


def connect(endpoint: str, region: str) -> Any:
    """An opensearch-py client signing requests with the function's IAM role (SigV4, "aoss")."""
    import boto3
    from opensearchpy import AWSV4SignerAuth, OpenSearch, RequestsHttpConnection

    service = "aoss" if ".aoss." in endpoint else "es"
    credentials = boto3.Session().get_credentials()
    return OpenSearch(
        hosts=[endpoint],
        http_auth=AWSV4SignerAuth(credentials, region, service),
        use_ssl=endpoint.startswith("https"),
        verify_certs=True,
        connection_class=RequestsHttpConnection,
        timeout=30,
        pool_maxsize=8,
    )
