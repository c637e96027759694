"""A question rewritten into the other document language, so Korean questions find English pages.

The local embedder reads English only, and keywords never match across languages: a Korean
question over an English manual finds nothing by itself (recall@5 0.0 on the dev set). With
a model configured, one cheap call translates the question into the other language of the
portal's documents (Korean <-> English); the retriever searches with both. Without a model
the answer's metadata says cross-lingual search was not available, rather than pretending.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from portal.llm.base import ChatMessage, ChatModel, ModelRequest, ProviderError, collect
from portal.llm.model_choice import Priority, TaskType, choose_models
from portal.llm.service import call_record, provider_model_id
from portal.observability import logger
from portal.rag.language import Language, language_of

# rewritten: the question was translated; unavailable: no model is configured (offline);
# failed: every model tried failed (the search goes on with the question alone).
RewriteStatus = Literal["rewritten", "unavailable", "failed"]

_NAMES: dict[Language, str] = {"ko": "Korean", "en": "English"}
_MAX_QUESTION_CHARS = 2_000


@dataclass(frozen=True)
class Rewrite:
    """What the cross-lingual step did for one question."""

    status: RewriteStatus
    language: Language  # the language of the rewrite (the other one)
    query: str | None = None
    call: dict[str, object] | None = None  # the model call's accounting (llm.service.call_record)
    models_tried: list[str] = field(default_factory=list)

    def metadata(self) -> dict[str, object]:
        """What the answer's metadata says about it (metadata.retrieval.cross_lingual)."""
        out: dict[str, object] = {"status": self.status, "language": self.language}
        if self.query is not None:
            out["query"] = self.query
        if self.status == "unavailable":
            out["reason"] = "no language model is configured, so only same-language documents were searched"
        return out


def target_language(question: str) -> Language:
    """The document language a question is rewritten into: the other one of Korean and English."""
    return "en" if language_of(question) == "ko" else "ko"


def system_prompt(language: Language) -> str:
    """The rewrite's instructions: a search query in the target language, nothing else."""
    return (
        f"Translate the user's question into {_NAMES[language]} as a search query for company documents. "
        "Keep names, numbers, commands, options and file names exactly as written. "
        "Output only the translated question, on one line, with no explanation."
    )


def rewrite_question(question: str, providers: dict[str, ChatModel]) -> Rewrite:
    """Translate the question with the cheapest configured model (falling back once on failure)."""
    language = target_language(question)
    real = set(providers) - {"offline"}
    if not real:
        return Rewrite(status="unavailable", language=language)
    chain = choose_models(TaskType.QUICK_RESPONSE, configured_providers=real, priority=Priority.COST)
    request = ModelRequest(
        model_id="",
        messages=(ChatMessage(role="user", content=question[:_MAX_QUESTION_CHARS]),),
        system=system_prompt(language),
        max_tokens=200,
        temperature=0.0,
    )
    tried: list[str] = []
    for model in chain[:2]:
        tried.append(model.key)
        try:
            reply = collect(providers[model.provider], replace(request, model_id=provider_model_id(model)))
        except ProviderError as exc:
            logger.warning("question rewrite failed", extra={"model": model.key, "error": str(exc)})
            continue
        text = " ".join(reply.text.split())
        if text:
            return Rewrite(
                "rewritten", language, text, call_record("query_rewrite", model, reply.usage), tried
            )
    return Rewrite(status="failed", language=language, models_tried=tried)
