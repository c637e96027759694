"""The agents a message can be routed to, and which of them have a deployed worker.

`WORKERS` must name exactly the workers the chat state machine's Choice state routes to;
tests/unit/test_statemachines.py fails when one is added without the other.
"""

from __future__ import annotations

from typing import Literal, get_args

AgentName = Literal[
    "general",
    "web_search",
    "multimodal_rag",
    "canvas",
    "deep_research",
    "regulations",
    "legal",
    "accounting",
    "tax",
]
ALL_AGENTS: tuple[str, ...] = get_args(AgentName)

# What each agent is for (the LLM intent call and the UI read these).
AGENT_DESCRIPTIONS: dict[str, str] = {
    "general": "general conversation, writing, translation, explanations, coding help",
    "web_search": "needs current information from the web: news, prices, recent events, today's facts",
    "multimodal_rag": "questions about files the user uploaded or attached (PDF, Office, images)",
    "canvas": "create or edit a document, code, chart or data artifact in a shared workspace",
    "deep_research": "a multi-step research report that compares many sources",
    "regulations": "company rules, internal regulations and compliance (취업규칙, 사내 규정)",
    "legal": "legal questions: contracts, law, disputes, intellectual property",
    "accounting": "accounting and finance: K-IFRS, journal entries, financial statements",
    "tax": "tax: VAT, withholding, corporate and income tax filing",
}

# Feature toggles of the chat input (one at a time, as the seed's inline toggles).
Toggle = Literal["web_search", "deep_research", "canvas"]

# Agent name -> the worker state in statemachines/chat.asl.json that runs it.
WORKERS: dict[str, str] = {
    "general": "GeneralWorker",
    "web_search": "WebSearchWorker",
    "multimodal_rag": "MultimodalRagWorker",
    "canvas": "CanvasWorker",
    "deep_research": "DeepResearchWorker",
    "regulations": "RegulationsWorker",
    "legal": "LegalWorker",
    "accounting": "AccountingWorker",
    "tax": "TaxWorker",
}


def agent_name(value: str) -> AgentName:
    """The agent of this name, typed; a name that is none of them is a bug (ValueError)."""
    if value not in ALL_AGENTS:
        raise ValueError(f"not an agent: {value!r}")
    return value  # type: ignore[return-value]  # checked against the Literal's values just above
