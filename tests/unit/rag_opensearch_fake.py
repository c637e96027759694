"""An in-memory OpenSearch behind opensearch-py's transport, for the index contract tests.

OpenSearch cannot run on this machine, so this connection class answers the requests the
portal sends (create index, mappings, _bulk, _search with knn / bool / match / sort /
search_after, _count) with OpenSearch's response shapes (tests/data/rag/opensearch/), and
scores the way OpenSearch does: Lucene cosinesimil k-NN ((1 + cos) / 2) and BM25 (k1 1.2,
b 0.75, IDF over the whole index). Every request is recorded, so tests can also assert on
the exact request bodies.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import math
from typing import Any
from urllib.parse import urlparse

from opensearchpy import OpenSearch
from opensearchpy.connection import Connection


class FakeCluster:
    """Indices, their mappings and documents."""

    def __init__(self) -> None:
        self.indices: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []


def _shards() -> dict[str, int]:
    return {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


def _matches(doc: dict[str, Any], clause: dict[str, Any]) -> bool:
    ((kind, spec),) = clause.items()
    if kind == "term":
        ((field, value),) = spec.items()
        value = value["value"] if isinstance(value, dict) else value
        return doc.get(field) == value
    if kind == "terms":
        ((field, values),) = spec.items()
        return doc.get(field) in values
    if kind == "range":
        ((field, bounds),) = spec.items()
        value = doc.get(field)
        if value is None:
            return False
        return all(
            {"gte": value >= b, "gt": value > b, "lte": value <= b, "lt": value < b}[op]
            for op, b in bounds.items()
        )
    if kind == "bool":
        must = spec.get("filter", []) + spec.get("must", [])
        if any(not _matches(doc, c) for c in (must if isinstance(must, list) else [must])):
            return False
        should = spec.get("should", [])
        if should:
            needed = spec.get("minimum_should_match", 1)
            if sum(_matches(doc, c) for c in should) < needed:
                return False
        return True
    if kind == "match_all":
        return True
    raise AssertionError(f"the fake does not implement {kind!r} filters")


def _source(doc: dict[str, Any], spec: Any) -> dict[str, Any] | None:
    if spec is False:
        return None
    if spec is True or spec is None:
        return dict(doc)
    if isinstance(spec, list):
        return {k: v for k, v in doc.items() if k in spec}
    excludes = spec.get("excludes", [])
    return {k: v for k, v in doc.items() if not any(fnmatch.fnmatch(k, p) for p in excludes)}


class FakeConnection(Connection):
    """opensearch-py Connection that serves requests from a FakeCluster."""

    cluster: FakeCluster  # set by fake_client()

    def perform_request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: Any = None,
        body: bytes | None = None,
        timeout: Any = None,
        ignore: Any = (),
        headers: Any = None,
    ) -> tuple[int, dict[str, str], str]:
        path = urlparse(url).path
        text = body.decode() if isinstance(body, bytes) else body
        payload: Any = None
        if text:
            payload = (
                [json.loads(line) for line in text.splitlines() if line.strip()]
                if path.endswith("/_bulk")
                else json.loads(text)
            )
        self.cluster.requests.append((method, path, payload))
        status, answer = self._serve(method, path, payload)
        raw = json.dumps(answer)
        if not (200 <= status < 300) and status not in ignore:
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw

    # --- routing -------------------------------------------------------------------

    def _serve(self, method: str, path: str, payload: Any) -> tuple[int, Any]:
        parts = [p for p in path.split("/") if p]
        indices = self.cluster.indices
        if parts == ["_bulk"]:
            return 200, self._bulk(payload)
        name = parts[0]
        if len(parts) == 1 and method == "HEAD":
            return (200 if name in indices else 404), {}
        if len(parts) == 1 and method == "PUT":
            if name in indices:
                return 400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}
            indices[name] = {
                "settings": copy.deepcopy(payload.get("settings", {})),
                "mappings": copy.deepcopy(payload["mappings"]),
                "docs": {},
            }
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
        if name not in indices:
            return 404, {"error": {"type": "index_not_found_exception", "index": name}, "status": 404}
        index = indices[name]
        action = parts[1]
        if action == "_mapping" and method == "GET":
            return 200, {name: {"mappings": index["mappings"]}}
        if action == "_mapping" and method in ("PUT", "POST"):
            index["mappings"]["properties"].update(payload["properties"])
            return 200, {"acknowledged": True}
        if action == "_search":
            return 200, self._search(name, index, payload)
        if action == "_count":
            docs = [d for d in index["docs"].values() if _matches(d, payload["query"])]
            return 200, {"count": len(docs), "_shards": _shards()}
        raise AssertionError(f"the fake does not implement {method} {path}")

    def _bulk(self, lines: list[dict[str, Any]]) -> dict[str, Any]:
        items, errors, i = [], False, 0
        while i < len(lines):
            ((op, meta),) = lines[i].items()
            index = self.cluster.indices[meta["_index"]]
            props = index["mappings"]["properties"]
            if op == "index":
                doc = lines[i + 1]
                unknown = set(doc) - set(props)
                if unknown:  # "dynamic": "strict"
                    errors = True
                    items.append(
                        {
                            op: {
                                "_index": meta["_index"],
                                "_id": meta["_id"],
                                "status": 400,
                                "error": {"type": "strict_dynamic_mapping_exception", "reason": str(unknown)},
                            }
                        }
                    )
                else:
                    created = meta["_id"] not in index["docs"]
                    index["docs"][meta["_id"]] = doc
                    items.append(
                        {
                            op: {
                                "_index": meta["_index"],
                                "_id": meta["_id"],
                                "_version": 1,
                                "result": "created" if created else "updated",
                                "_shards": {"total": 1, "successful": 1, "failed": 0},
                                "status": 201 if created else 200,
                            }
                        }
                    )
                i += 2
            elif op == "delete":
                found = index["docs"].pop(meta["_id"], None) is not None
                items.append(
                    {
                        op: {
                            "_index": meta["_index"],
                            "_id": meta["_id"],
                            "_version": 2,
                            "result": "deleted" if found else "not_found",
                            "status": 200 if found else 404,
                        }
                    }
                )
                i += 1
            else:
                raise AssertionError(f"the fake does not implement bulk {op!r}")
        return {"took": 3, "errors": errors, "items": items}

    def _search(self, name: str, index: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        docs = index["docs"]
        query = body.get("query", {"match_all": {}})
        scored: list[tuple[str, float]]
        if "knn" in query:
            ((field, spec),) = query["knn"].items()
            vector = spec["vector"]
            candidates = [
                (i, d)
                for i, d in docs.items()
                if field in d and _matches(d, spec.get("filter", {"match_all": {}}))
            ]
            scored = sorted(
                ((i, (1 + _cosine(vector, d[field])) / 2) for i, d in candidates), key=lambda x: (-x[1], x[0])
            )[: spec["k"]]
        elif "bool" in query and query["bool"].get("must"):
            match = query["bool"]["must"][0]["match"]
            ((field, spec),) = match.items()
            terms = spec["query"].split()
            filtered = {"bool": {"filter": query["bool"].get("filter", [])}}
            scored = sorted(
                ((i, s) for i, s in _bm25(docs, field, terms).items() if _matches(docs[i], filtered)),
                key=lambda x: (-x[1], x[0]),
            )
        else:
            scored = [(i, 1.0) for i, d in docs.items() if _matches(d, query)]
            for sort in reversed(body.get("sort", [])):
                ((field, order),) = sort.items()
                scored.sort(key=lambda x: docs[x[0]][field], reverse=order == "desc")
            if "search_after" in body:
                ((field, _),) = body["sort"][0].items()
                scored = [x for x in scored if docs[x[0]][field] > body["search_after"][0]]
        hits = []
        for doc_id, score in scored[: body.get("size", 10)]:
            hit: dict[str, Any] = {"_index": name, "_id": doc_id, "_score": None if "sort" in body else score}
            source = _source(docs[doc_id], body.get("_source", True))
            if source is not None:
                hit["_source"] = source
            if "sort" in body:
                hit["sort"] = [docs[doc_id][next(iter(s))] for s in body["sort"]]
            hits.append(hit)
        return {
            "took": 4,
            "timed_out": False,
            "_shards": _shards(),
            "hits": {
                "total": {"value": len(scored), "relation": "eq"},
                "max_score": max((s for _, s in scored), default=None),
                "hits": hits,
            },
        }


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _bm25(
    docs: dict[str, dict[str, Any]], field: str, terms: list[str], k1: float = 1.2, b: float = 0.75
) -> dict[str, float]:
    texts = {i: d.get(field, "").split() for i, d in docs.items()}
    n = len(texts)
    avgdl = sum(len(t) for t in texts.values()) / n if n else 1.0
    scores: dict[str, float] = {}
    for term in dict.fromkeys(terms):
        df = sum(1 for t in texts.values() if term in t)
        if not df:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, tokens in texts.items():
            tf = tokens.count(term)
            if tf:
                scores[i] = scores.get(i, 0.0) + idf * tf * (k1 + 1) / (
                    tf + k1 * (1 - b + b * len(tokens) / avgdl)
                )
    return scores


def fake_client(cluster: FakeCluster | None = None) -> tuple[OpenSearch, FakeCluster]:
    """A real opensearch-py client whose transport is served by an in-memory cluster."""
    cluster = cluster or FakeCluster()
    connection = type("BoundFakeConnection", (FakeConnection,), {"cluster": cluster})
    return OpenSearch(hosts=[{"host": "search.local", "port": 443}], connection_class=connection), cluster
