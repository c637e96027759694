"""The web_search graph's nodes (and the conditions between them)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.runtime import Runtime

from portal.agents.graphs.reply import Reply
from portal.agents.graphs.web_search import text
from portal.agents.graphs.web_search.context import WebSearchContext
from portal.agents.graphs.web_search.prompts import ANSWER_SYSTEM, REWRITE_SYSTEM
from portal.agents.graphs.web_search.state import WebSearchState
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.catalog import CatalogModel
from portal.llm.model_choice import Priority, TaskType, choose_models
from portal.llm.service import AllModelsFailed, configured_providers, stream_answer
from portal.observability import MetricName, logger, metrics
from portal.search import citations
from portal.search.base import SearchResult
from portal.search.citations import Source
from portal.search.fetch import FetchError, FetchRefused, PageFetcher
from portal.search.registry import AllSearchProvidersFailed, search_web

EXCERPT_CHARS = 3_000  # of each page read, in the model's prompt
HISTORY_MESSAGES = 6  # earlier messages the model sees (follow-up questions need them)
REWRITE_WHEN_LONGER_THAN = 120  # a long question is condensed into a search query
_CHARS_PER_TOKEN = 3

Ctx = Runtime[WebSearchContext]


def _real_models(**kwargs: Any) -> list[CatalogModel]:
    """The model-choice chain over real models; empty when only the offline provider is configured."""
    chain = choose_models(configured_providers=configured_providers(), **kwargs)
    return [m for m in chain if not m.is_offline]


def configured(state: WebSearchState, runtime: Ctx) -> Literal["plan", "not_configured"]:
    return "plan" if runtime.context.providers else "not_configured"


def not_configured(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """Tell the user web search needs a search key (which one and where: admins only)."""
    reply = text.not_configured(korean=state["korean"], admin=runtime.context.is_admin)
    runtime.context.write(reply)
    return {"reply": Reply(text=reply, mode="not_configured")}


def plan(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """The search query: the question itself, or (follow-ups, long questions) a model's condensation."""
    question = state["question"].strip()
    history = state.get("history", [])
    if not history and len(question) <= REWRITE_WHEN_LONGER_THAN:
        return {"query": question, "query_rewritten": False}
    chain = _real_models(task_type=TaskType.QUICK_RESPONSE, priority=Priority.SPEED)
    if not chain:
        return {"query": question, "query_rewritten": False}
    transcript = "\n".join(f"{m.role}: {m.content[:1500]}" for m in history[-HISTORY_MESSAGES:])
    request = ModelRequest(
        model_id="",
        messages=(ChatMessage(role="user", content=f"{transcript}\n\nLatest message: {question}".strip()),),
        system=REWRITE_SYSTEM,
        max_tokens=100,
        temperature=0.0,
    )
    try:
        rewritten = stream_answer(chain, request, lambda _text: None, korean=state["korean"]).text
    except AllModelsFailed:
        logger.warning("query rewrite failed; searching for the question itself")
        return {"query": question, "query_rewritten": False}
    query = rewritten.strip().splitlines()[0].strip().strip("\"'“”") if rewritten.strip() else ""
    return {"query": query or question, "query_rewritten": bool(query)}


def search(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """Ask the providers in order; a failing one hands over to the next."""
    ctx = runtime.context
    try:
        outcome = search_web(
            state["query"],
            max_results=ctx.max_results,
            lang="ko" if state["korean"] else "en",
            providers=ctx.providers,
        )
    except AllSearchProvidersFailed as exc:
        return {"results": [], "provider": None, "search_failures": exc.failures}
    return {"results": outcome.results, "provider": outcome.provider, "search_failures": outcome.failures}


def found(state: WebSearchState) -> Literal["read", "nothing_found"]:
    return "read" if state.get("results") else "nothing_found"


def nothing_found(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """Say plainly that the search found nothing (or that the search services failed)."""
    reply = text.nothing_found(
        state["query"],
        state.get("search_failures", []),
        korean=state["korean"],
        admin=runtime.context.is_admin,
    )
    runtime.context.write(reply)
    return {"reply": Reply(text=reply, mode="nothing_found")}


def read(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """Fetch the top pages concurrently (bounded by the fetch policy); failures are only noted."""
    fetcher = runtime.context.fetcher
    urls = [r.url for r in state["results"][: runtime.context.pages]]
    pages: dict[str, str] = {}
    failures: list[dict[str, str]] = []
    if urls:
        with ThreadPoolExecutor(max_workers=len(urls), thread_name_prefix="fetch") as pool:
            for url, outcome in zip(urls, pool.map(lambda u: _fetch(fetcher, u), urls), strict=True):
                if isinstance(outcome, FetchError):
                    failures.append({"url": url, "code": outcome.code, "message": str(outcome)[:200]})
                elif outcome.strip():
                    pages[url] = outcome
    metrics.add_metric(name=MetricName.PAGES_FETCHED, unit="Count", value=len(pages))
    return {"pages": pages, "fetch_failures": failures}


def _fetch(fetcher: PageFetcher, url: str) -> str | FetchError:
    try:
        return fetcher.fetch(url).text
    except FetchRefused as exc:
        metrics.add_metric(name=MetricName.PAGES_REFUSED, unit="Count", value=1)
        logger.warning("page refused", extra={"url": url, "code": exc.code})
        return exc
    except FetchError as exc:
        return exc


def number_sources(results: list[SearchResult], pages: dict[str, str]) -> list[Source]:
    """Search results as numbered sources, with the text read from their pages."""
    return [
        Source(
            index=i,
            title=r.title,
            url=r.url,
            snippet=r.snippet,
            excerpt=pages.get(r.url, "")[:EXCERPT_CHARS],
            published_at=r.published_at,
        )
        for i, r in enumerate(results, start=1)
    ]


def respond(state: WebSearchState, runtime: Ctx) -> WebSearchState:
    """Answer from the sources with numbered citations; the offline model gets an honest listing."""
    ctx = runtime.context
    korean, write = state["korean"], ctx.write
    sources = number_sources(state["results"], state.get("pages", {}))
    system = ANSWER_SYSTEM.format(
        today=datetime.now(UTC).date().isoformat(),
        query=state["query"],
        sources=citations.prompt_block(sources, excerpt_chars=EXCERPT_CHARS),
    )
    messages = [
        *state.get("history", [])[-HISTORY_MESSAGES:],
        ChatMessage(role="user", content=state["question"]),
    ]
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = _real_models(
        task_type=TaskType.BALANCED_REASONING,
        context_tokens=context_tokens,
        priority=ctx.user.priority,
        preferred=state.get("preferred_model"),
    )
    if not chain:
        return {"sources": sources, "reply": _offline_listing(state, ctx, sources, model_failed=False)}

    emitted: list[str] = []

    def on_text(chunk: str) -> None:
        emitted.append(chunk)
        write(chunk)

    request = ModelRequest(model_id="", messages=tuple(messages), system=system)
    try:
        result = stream_answer(chain, request, on_text, korean=korean)
    except AllModelsFailed:
        if emitted:
            raise  # the user saw part of an answer: the turn fails and says so
        logger.warning("every model failed; answering with the search results only")
        return {"sources": sources, "reply": _offline_listing(state, ctx, sources, model_failed=True)}
    cited = citations.citations_for(result.text, sources)
    tail = citations.footer(cited, korean=korean)
    write(tail)
    reply = Reply(
        text=result.text + tail,
        mode="model",
        model=result.model,
        usage=result.usage,
        cost_usd=result.cost_usd,
        fallbacks=result.fallbacks,
        citations=cited,
    )
    return {"sources": sources, "reply": reply}


def _offline_listing(
    state: WebSearchState, ctx: WebSearchContext, sources: list[Source], *, model_failed: bool
) -> Reply:
    """The search results with their URLs, and an honest note that no model summarised them."""
    items = []
    for s in sources:
        lines = [f"[{s.index}] {s.title}", f"    {s.url}"]
        if s.snippet:
            lines.append(f"    {s.snippet[:300]}")
        items.append("\n".join(lines))
    listing = text.offline_listing(
        state["query"],
        state.get("provider") or "web",
        items,
        korean=state["korean"],
        admin=ctx.is_admin,
        model_failed=model_failed,
    )
    ctx.write(listing)
    return Reply(text=listing, mode="offline", citations=[s.citation() for s in sources])
