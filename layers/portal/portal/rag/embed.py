"""Embeddings: Titan Text Embeddings v2 on Bedrock in AWS; locally USE multilingual v3 by default
(portal.rag.multilingual) or any sentence-transformers model exported to ONNX.

Both implement `Embedder`. `key` ("<model>@<dimensions>") is stored with every vector, so
vectors of different models are never compared (see migration 0004).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Protocol

from portal.rag.local_model import ExportedModel
from portal.rag.multilingual import NAME as MULTILINGUAL_MODEL
from portal.settings import Settings, get_settings


class Embedder(Protocol):
    """Turns passages and questions into unit vectors of a fixed dimension."""

    @property
    def key(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class LocalEmbedder:
    """A sentence-transformers model exported to ONNX (portal.rag.local_model), run by onnxruntime.

    Texts are tokenized together (the Rust tokenizer), sorted by length and cut into batches of
    similar length, so short passages are not padded to the longest one. Batches run side by
    side, one per core, each on one thread: for a model this small that keeps both cores busier
    than one batch split across two threads (measured: `portal bench ingest`).
    """

    max_batch = 32  # rows per run
    max_batch_tokens = 32 * 128  # rows x padded length per run: bounds memory for long passages

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._runtime: tuple[Any, Any, ExportedModel] | None = None
        self._lock = threading.Lock()
        self._workers = max(1, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None

    def _load(self) -> tuple[Any, Any, ExportedModel]:
        with self._lock:
            if self._runtime is None:
                import onnxruntime
                from tokenizers import Tokenizer

                from portal.rag.local_model import ensure_exported

                exported = ensure_exported(self._settings)
                tokenizer = Tokenizer.from_file(str(exported.tokenizer_path))
                tokenizer.no_padding()  # batches are padded here, each to its own longest row
                tokenizer.enable_truncation(max_length=exported.max_tokens)
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1  # the parallelism is across batches (see the class)
                options.inter_op_num_threads = 1
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
                session = onnxruntime.InferenceSession(
                    str(exported.onnx_path), options, providers=["CPUExecutionProvider"]
                )
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="onnx")
                self._runtime = (tokenizer, session, exported)
            return self._runtime

    @property
    def model(self) -> ExportedModel:
        """The exported model's manifest (exports it on first use)."""
        return self._load()[2]

    @property
    def key(self) -> str:
        return f"{self.model.name}@{self.model.dimensions}"

    @property
    def dimensions(self) -> int:
        return self.model.dimensions

    def _encode(self, texts: Sequence[str], prompt: str) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np

        tokenizer, session, exported = self._load()
        encodings = tokenizer.encode_batch([prompt + t for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), exported.dimensions), dtype=np.float32)
        batches: list[list[int]] = [[]]
        for i in order:  # ascending length: a row is the longest of its batch so far
            batch = batches[-1]
            if batch and (
                len(batch) >= self.max_batch
                or (len(batch) + 1) * len(encodings[i].ids) > self.max_batch_tokens
            ):
                batches.append(batch := [])
            batch.append(i)

        def run(batch: list[int]) -> None:
            width = max(len(encodings[i].ids) for i in batch)
            feeds = {name: np.zeros((len(batch), width), dtype=np.int64) for name in exported.inputs}
            feeds["input_ids"].fill(exported.pad_id)
            for row, i in enumerate(batch):
                enc = encodings[i]
                n = len(enc.ids)
                feeds["input_ids"][row, :n] = enc.ids
                feeds["attention_mask"][row, :n] = enc.attention_mask
                if "token_type_ids" in feeds:
                    feeds["token_type_ids"][row, :n] = enc.type_ids
            vectors = session.run(None, feeds)[0]  # onnxruntime releases the GIL while it computes
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[batch] = vectors / np.maximum(norms, 1e-12)

        assert self._pool is not None
        list(self._pool.map(run, batches))  # waits for every batch; re-raises a batch's error here
        return out.tolist()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors for passages (truncated at the model's maximum length)."""
        prompts = self.model.prompts
        return self._encode(texts, prompts.get("document") or prompts.get("passage") or "")

    def embed_query(self, text: str) -> list[float]:
        """A unit vector for a question."""
        return self._encode([text], self.model.prompts.get("query", ""))[0]


# Titan v2 takes up to 8,192 tokens or 50,000 characters per call.
_TITAN_MAX_CHARS = 50_000


# Bedrock's answers to "too fast" or "not yet": worth waiting for rather than failing the file.
_RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailableException",
        "ModelNotReadyException",
    }
)
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _slots(concurrency: int) -> threading.BoundedSemaphore:
    """One pool of in-flight calls per process: concurrent batches share it rather than multiply it."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(concurrency, threading.BoundedSemaphore(concurrency))


class TitanEmbedder:
    """Amazon Titan Text Embeddings v2 through bedrock-runtime InvokeModel (one text per call).

    Bedrock has no synchronous multi-text call for Titan, so a batch is sent as concurrent
    calls, at most `concurrency` in flight per process (the account's requests-per-minute quota
    is what they share). A throttled call waits with exponential backoff and full jitter, so
    callers that hit the quota together do not retry together, and tries again.
    """

    max_attempts = 8
    backoff_base = 0.25  # seconds; doubles per attempt, capped
    backoff_cap = 20.0

    def __init__(
        self,
        client: Any,
        *,
        model_id: str,
        dimensions: int,
        concurrency: int = 8,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if dimensions not in (256, 512, 1024):
            raise ValueError("Titan Text Embeddings v2 supports 256, 512 or 1024 dimensions")
        self._client = client
        self.model_id = model_id
        self.dimensions = dimensions
        self.key = f"titan-embed-text-v2@{dimensions}"
        self._concurrency = max(1, concurrency)
        self._slots = _slots(self._concurrency)
        self._sleep = sleep
        self.throttled = 0  # calls that had to wait (the benchmark reports it)

    def _invoke(self, body: str) -> Any:
        from botocore.exceptions import ClientError

        for attempt in range(self.max_attempts):
            try:
                with self._slots:
                    return self._client.invoke_model(
                        modelId=self.model_id,
                        contentType="application/json",
                        accept="application/json",
                        body=body,
                    )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code not in _RETRYABLE or attempt == self.max_attempts - 1:
                    raise
                self.throttled += 1
                self._sleep(random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt)))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _one(self, text: str) -> list[float]:
        body = json.dumps(
            {"inputText": text[:_TITAN_MAX_CHARS] or " ", "dimensions": self.dimensions, "normalize": True},
            ensure_ascii=False,
        )
        payload = json.loads(self._invoke(body)["body"].read())
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
    """ "titan" or "local": auto means Titan in AWS and the local ONNX model on the local target."""
    if settings.embedding_backend != "auto":
        return settings.embedding_backend
    return "local" if settings.is_local else "titan"


@lru_cache(maxsize=4)
def _local(model: str, quantize: bool, directory: str | None, data_dir: str) -> LocalEmbedder:
    # One session per model and process: loading costs a second and the weights are read-only.
    settings = Settings.model_construct(
        local_embedding_model=model,
        local_embedding_quantize=quantize,
        local_embedder_dir=directory,
        local_data_dir=data_dir,
    )
    return LocalEmbedder(settings)


@lru_cache(maxsize=1)
def _multilingual() -> Embedder:
    from portal.rag.multilingual import MultilingualEmbedder

    return MultilingualEmbedder()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder this deployment is configured with."""
    settings = settings or get_settings()
    if backend_of(settings) == "local":
        if settings.local_embedding_model == MULTILINGUAL_MODEL:
            return _multilingual()
        return _local(
            settings.local_embedding_model,
            settings.local_embedding_quantize,
            settings.local_embedder_dir,
            settings.local_data_dir,
        )
    from portal import aws

    return TitanEmbedder(
        aws.client("bedrock-runtime"),
        model_id=settings.titan_embedding_model_id,
        dimensions=settings.titan_embedding_dimensions,
        concurrency=settings.embedding_concurrency,
    )
