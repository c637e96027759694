"""Search step (one Map item): web search + the top pages read + the user's files, for one query.

Everything the query found goes to S3; the state gets a compact summary. A source that
fails (a search provider, a page, the files retriever) is recorded, not raised: one bad
source must not sink a research run that took minutes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from portal.agents.research import store
from portal.agents.research.findings import (
    FilePassage,
    Findings,
    FindingSummary,
    SearchTask,
    SourceRef,
    WebFinding,
)
from portal.agents.research.retrieval import files_retriever
from portal.agents.workers.prompts import is_korean
from portal.observability import MetricName, logger, metrics
from portal.search import registry
from portal.search.base import SearchResult
from portal.search.fetch import FetchError, PageFetcher
from portal.search.registry import AllSearchProvidersFailed, search_web
from portal.settings import get_settings

PAGES_PER_QUERY = 2  # pages read per query (the rest keep their search snippet)
EXCERPT_CHARS = 4_000  # of each page, kept for the report
FILE_PASSAGES_PER_QUERY = 3
SUMMARY_SOURCES = 5  # titles a summary carries into the state


def _read_pages(fetcher: PageFetcher, results: list[SearchResult], errors: list[str]) -> dict[str, str]:
    urls = [r.url for r in results[:PAGES_PER_QUERY]]
    if not urls:
        return {}

    def read(url: str) -> str | FetchError:
        try:
            return fetcher.fetch(url).text
        except FetchError as exc:
            return exc

    pages: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=len(urls), thread_name_prefix="research-fetch") as pool:
        for url, outcome in zip(urls, pool.map(read, urls), strict=True):
            if isinstance(outcome, FetchError):
                errors.append(f"page {url}: {outcome.code}")
            elif outcome.strip():
                pages[url] = outcome[:EXCERPT_CHARS]
    metrics.add_metric(name=MetricName.PAGES_FETCHED, unit="Count", value=len(pages))
    return pages


def _search(task: SearchTask, findings: Findings) -> None:
    providers = registry.search_providers()
    if not providers:
        findings.web_status = "not_configured"
        return
    settings = get_settings()
    try:
        outcome = search_web(
            task.query,
            max_results=settings.web_search_max_results,
            lang="ko" if is_korean(task.query) else "en",
            providers=providers,
        )
    except AllSearchProvidersFailed as exc:
        findings.web_status = "failed"
        findings.errors += [f"{f['provider']}: {f['error']}" for f in exc.failures]
        return
    findings.errors += [f"{f['provider']}: {f['error']}" for f in outcome.failures]
    findings.provider = outcome.provider
    pages = _read_pages(registry.page_fetcher(), outcome.results, findings.errors)
    findings.web = [
        WebFinding(
            title=r.title,
            url=r.url,
            snippet=r.snippet,
            excerpt=pages.get(r.url, ""),
            published_at=r.published_at,
        )
        for r in outcome.results
    ]
    findings.web_status = "ok" if findings.web else "empty"


def _retrieve(task: SearchTask, findings: Findings) -> None:
    retriever = files_retriever()
    if retriever is None:
        findings.files_status = "not_available"
        return
    try:
        passages = retriever.retrieve(empno=task.empno, query=task.query, limit=FILE_PASSAGES_PER_QUERY)
    except Exception as exc:
        logger.warning("file retrieval failed", extra={"query": task.query, "error": str(exc)})
        findings.files_status = "failed"
        findings.errors.append(f"files: {type(exc).__name__}")
        return
    findings.files = [FilePassage.model_validate(p.model_dump()) for p in passages]
    findings.files_status = "ok" if findings.files else "empty"


def gather(task: SearchTask) -> Findings:
    """Everything one query finds on the web and in the user's files."""
    findings = Findings(query=task.query, round=task.round, index=task.index, web_status="empty")
    _search(task, findings)
    _retrieve(task, findings)
    return findings


def summarise(findings: Findings, key: str) -> FindingSummary:
    """The compact form that goes back into the state."""
    refs = [SourceRef(title=w.title[:120], url=w.url) for w in findings.web]
    refs += [SourceRef(title=f.filename[:120]) for f in findings.files]
    return FindingSummary(
        query=findings.query,
        round=findings.round,
        index=findings.index,
        key=key,
        web=len(findings.web),
        files=len(findings.files),
        web_status=findings.web_status,
        files_status=findings.files_status,
        sources=refs[:SUMMARY_SOURCES],
        error="; ".join(findings.errors)[:300] or None,
    )


def search_step(event: dict[str, Any]) -> dict[str, Any]:
    """The Search map's task: gather one query's findings, keep them in S3, return the summary."""
    task = SearchTask.model_validate(event)
    findings = gather(task)
    key = store.put(task.turn_id, findings)
    return summarise(findings, key).model_dump()
