"""A small, real MCP server over a folder of internal regulations (Markdown, 제N조 articles).

It is what the regulations agent is tested against, and a way to try the agent locally:

    python tests/mcp_servers/regulations_server.py                       # stdio
    python tests/mcp_servers/regulations_server.py --http --port 8765    # http://127.0.0.1:8765/mcp

Tools: ``search_regulations(query, limit)`` (BM25 over character bigrams, which suits Korean
without a morphological analyser), ``get_article(document, article)`` and ``list_documents()``.
With ``--token`` (or REGULATIONS_MCP_TOKEN) the HTTP endpoint requires
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel

DEFAULT_DOCS = Path(__file__).resolve().parent / "regulations"
_ARTICLE = re.compile(r"^##\s*제\s*(\d+)\s*조(?:\s*\((?P<heading>[^)]*)\))?\s*$")
_META = re.compile(r"^-\s*(?P<key>[^:]+):\s*(?P<value>.+)$")
_WORD = re.compile(r"[0-9A-Za-z\uac00-\ud7a3]+")
_BM25_K1, _BM25_B = 1.2, 0.75


@dataclass(frozen=True)
class Article:
    document: str  # the regulation's title, e.g. 출장비 규정
    doc_id: str  # the file name without .md
    number: int
    heading: str
    text: str

    @property
    def label(self) -> str:
        return f"제{self.number}조"


class Hit(BaseModel):
    document: str
    article: str
    heading: str
    snippet: str  # the line that matches best
    text: str  # the whole article (articles are short; a model needs the context)
    score: float


class ArticleText(BaseModel):
    document: str
    article: str
    heading: str
    text: str
    effective_date: str | None = None


class DocumentInfo(BaseModel):
    document: str
    doc_id: str
    number: str | None = None
    effective_date: str | None = None
    owner: str | None = None
    articles: int


def terms(text: str) -> list[str]:
    """Character bigrams of each word (a one-character word stays whole), lower-cased."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out.extend([word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)])
    return out


class Library:
    """The regulations of one folder, parsed into articles and indexed for search."""

    def __init__(self, folder: Path) -> None:
        self.documents: dict[str, DocumentInfo] = {}
        self.articles: list[Article] = []
        self._meta: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.md")):
            self._load(path)
        if not self.articles:
            raise SystemExit(f"no regulations (*.md with '## 제N조' articles) in {folder}")
        self._tf = [Counter(terms(f"{a.document} {a.heading} {a.text}")) for a in self.articles]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = sum(self._len) / len(self._len)
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self.articles)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def _load(self, path: Path) -> None:
        title, meta, current, body = path.stem, {}, None, []
        articles: list[Article] = []

        def close() -> None:
            if current is not None:
                number, heading = current
                articles.append(Article(title, path.stem, number, heading, "\n".join(body).strip()))

        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                title = line[2:].strip()
            elif m := _ARTICLE.match(line):
                close()
                current, body = (int(m.group(1)), (m.group("heading") or "").strip()), []
            elif current is None and (m := _META.match(line.strip())):
                meta[m.group("key").strip()] = m.group("value").strip()
            elif current is not None:
                body.append(line)
        close()
        self._meta[path.stem] = meta
        self.documents[path.stem] = DocumentInfo(
            document=title,
            doc_id=path.stem,
            number=meta.get("문서번호"),
            effective_date=meta.get("시행일"),
            owner=meta.get("소관부서"),
            articles=len(articles),
        )
        self.articles.extend(articles)

    def search(self, query: str, limit: int) -> list[Hit]:
        wanted = set(terms(query))
        scored = []
        for i, tf in enumerate(self._tf):
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * self._len[i] / self._avg)
            score = sum(self._idf[t] * tf[t] * (_BM25_K1 + 1) / (tf[t] + norm) for t in wanted if t in tf)
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [
            Hit(
                document=self.articles[i].document,
                article=self.articles[i].label,
                heading=self.articles[i].heading,
                snippet=_snippet(self.articles[i].text, wanted),
                text=self.articles[i].text[:1500],
                score=round(score, 3),
            )
            for score, i in scored[:limit]
        ]

    def document(self, name: str) -> DocumentInfo:
        wanted = _squash(name)
        for info in self.documents.values():
            if wanted in (_squash(info.document), _squash(info.doc_id), _squash(info.number or "")):
                return info
        known = ", ".join(i.document for i in self.documents.values())
        raise ToolError(f"문서를 찾을 수 없습니다: {name!r}. 사용 가능한 문서: {known}")

    def article(self, document: str, article: str) -> ArticleText:
        info = self.document(document)
        digits = re.search(r"\d+", article)
        if digits is None:
            raise ToolError(f"조문 번호를 알 수 없습니다: {article!r} (예: '제7조' 또는 '7')")
        number = int(digits.group())
        for a in self.articles:
            if a.doc_id == info.doc_id and a.number == number:
                return ArticleText(
                    document=a.document,
                    article=a.label,
                    heading=a.heading,
                    text=a.text,
                    effective_date=info.effective_date,
                )
        raise ToolError(f"{info.document}에 제{number}조가 없습니다 (제1조~제{info.articles}조)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _snippet(text: str, wanted: set[str], width: int = 160) -> str:
    """The line of the article that matches the query best, trimmed."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    best = max(lines, key=lambda line: len(wanted & set(terms(line))), default="")
    return best if len(best) <= width else best[: width - 1] + "…"


def build_server(folder: Path) -> MCPServer:
    """The MCP server over `folder`."""
    library = Library(folder)
    server = MCPServer(
        "regulations",
        instructions="사내 규정(취업규칙, 출장비, 정보보안, 경조사 등)을 조문 단위로 검색하고 원문을 제공합니다.",
        log_level="WARNING",
    )

    @server.tool()
    def search_regulations(query: str, limit: int = 5) -> list[Hit]:
        """사내 규정을 검색합니다. Search the company's internal regulations; returns matching articles
        (document, article number such as 제7조, heading, the matching line) best first."""
        if not query.strip():
            raise ToolError("검색어가 비어 있습니다")
        return library.search(query, max(1, min(limit, 20)))

    @server.tool()
    def get_article(document: str, article: str) -> ArticleText:
        """규정 조문 원문을 가져옵니다. The full text of one article, e.g. document='출장비 규정', article='제7조'."""
        return library.article(document, article)

    @server.tool()
    def list_documents() -> list[DocumentInfo]:
        """규정 목록. Every regulation in the library with its number, effective date and owner."""
        return list(library.documents.values())

    return server


def _require_token(app: Any, token: str) -> Any:
    """ASGI wrapper: HTTP requests without `Authorization: Bearer <token>` get 401."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and dict(scope.get("headers") or []).get(b"authorization") != expected:
            await send(
                {"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"text/plain")]}
            )
            await send({"type": "http.response.body", "body": b"missing or wrong bearer token"})
            return
        await app(scope, receive, send)

    return guarded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="folder of regulation .md files")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--token", default=os.environ.get("REGULATIONS_MCP_TOKEN"), help="require this bearer token"
    )
    args = parser.parse_args(argv)
    server = build_server(args.docs)
    if not args.http:
        server.run()  # stdio
        return
    import uvicorn

    app = server.streamable_http_app(host=args.host)
    if args.token:
        app = _require_token(app, args.token)
    print(f"regulations MCP server on http://{args.host}:{args.port}/mcp", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
