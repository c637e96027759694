"""The ingest pipeline a LangChain user would write, for `portal bench ingest --vs langchain`.

PyPDFLoader (one Document per page, pypdf underneath, as ours), RecursiveCharacterTextSplitter
with the chunk size and overlap of LangChain's own RAG tutorial, and langchain-postgres'
PGVector in the same PostgreSQL. The embeddings come in two kinds: what a LangChain user loads
for a sentence-transformers model (HuggingFaceEmbeddings: the model on torch), to compare with
the portal running the same weights its own way, and the portal's own embedder object behind
LangChain's interface, so both sides spend the same on the model and the difference is the
pipeline alone. Local only (portal.cli never ships to Lambda); the packages are in the dev extra.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What LangChain's "Build a RAG app" tutorial uses; a user starts from these.
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


@dataclass
class BaselineRun:
    files: int
    pages: int
    chunks: int
    seconds: float


def same_embeddings(embedder: Any) -> Any:
    """The portal's embedder behind LangChain's Embeddings interface."""
    from langchain_core.embeddings import Embeddings

    class SameEmbedder(Embeddings):
        """The portal's embedder behind LangChain's interface: the same model, runtime and batching."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts)  # type: ignore[no-any-return]

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)  # type: ignore[no-any-return]

    return SameEmbedder()


def sentence_transformers_embeddings(model_dir: Path) -> Any:
    """What a LangChain user writes for a sentence-transformers model: HuggingFaceEmbeddings.

    It loads the model with sentence-transformers and encodes on torch in float32, batches of 32
    in the order given, with torch's default threads (one per core). langchain-huggingface's class
    is the same wrapper, but it pins huggingface-hub below 2 (the lock holds 2.x); the deprecated
    langchain-community class (the same code) installs beside the lock, so the bench uses that one.
    """
    import warnings

    from langchain_core._api import suppress_langchain_deprecation_warning

    # The deprecation notice says what the docstring says; LangChain re-enables its own warnings
    # inside the constructor, so a plain warnings filter does not silence it.
    with warnings.catch_warnings(), suppress_langchain_deprecation_warning():
        warnings.simplefilter("ignore", DeprecationWarning)  # langchain-community's sunset notice
        from langchain_community.embeddings import HuggingFaceEmbeddings

        return HuggingFaceEmbeddings(model_name=str(model_dir))


def _sqlalchemy_url(conninfo: str) -> str:
    """A libpq conninfo (key=value or URL) as the SQLAlchemy URL langchain-postgres expects."""
    from psycopg.conninfo import conninfo_to_dict
    from sqlalchemy.engine import URL

    parts = {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    host, port = parts.get("host"), parts.get("port")
    query: dict[str, str] = {}
    if host and host.startswith("/"):  # the embedded server listens on a Unix socket in a directory
        query = {"host": host, **({"port": port} if port else {})}
        host = port = None
    return URL.create(
        "postgresql+psycopg",
        username=parts.get("user"),
        password=parts.get("password"),
        host=host,
        port=int(port) if port else None,
        database=parts.get("dbname"),
        query=query,
    ).render_as_string(hide_password=False)


class LangChainPipeline:
    """PyPDFLoader -> RecursiveCharacterTextSplitter -> PGVector, one collection per instance."""

    def __init__(self, conninfo: str, embeddings: Any) -> None:
        from langchain_postgres import PGVector
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.store = PGVector(
            embeddings=embeddings,
            collection_name=f"bench_{uuid.uuid4().hex[:8]}",
            connection=_sqlalchemy_url(conninfo),
            use_jsonb=True,
        )
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)

    def ingest(self, paths: Sequence[Path]) -> BaselineRun:
        """Load, split and store each file, as a user's loop over their folder would."""
        from langchain_community.document_loaders import PyPDFLoader

        pages = chunks = 0
        started = time.perf_counter()
        for path in paths:
            documents = PyPDFLoader(str(path)).load()
            for document in documents:  # PostgreSQL refuses NUL in text; pypdf can return some
                document.page_content = document.page_content.replace("\x00", "")
            pieces = self.splitter.split_documents(documents)
            if pieces:
                self.store.add_documents(pieces)
            pages += len(documents)
            chunks += len(pieces)
        return BaselineRun(len(paths), pages, chunks, time.perf_counter() - started)

    def search(self, question: str, k: int) -> list[tuple[str, int | None]]:
        """(file name, 1-based page) of the top k chunks by vector similarity."""
        hits = self.store.similarity_search(question, k=k)
        out: list[tuple[str, int | None]] = []
        for doc in hits:
            page = doc.metadata.get("page")  # PyPDFLoader counts pages from 0
            out.append(
                (Path(str(doc.metadata.get("source", ""))).name, page + 1 if isinstance(page, int) else None)
            )
        return out

    def close(self) -> None:
        self.store.delete_collection()
        engine = getattr(self.store, "_engine", None)
        if engine is not None:
            engine.dispose()
