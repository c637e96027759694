"""OfflineProvider, the ScriptedModel test fake, and the provider registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from portal.llm.base import (
    ChatMessage,
    Completed,
    ModelRequest,
    ProviderThrottled,
    ProviderUnavailable,
    TextDelta,
    Usage,
    collect,
)
from portal.llm.parts import ImagePart
from portal.llm.providers.anthropic_provider import AnthropicProvider
from portal.llm.providers.gemini_provider import GeminiProvider
from portal.llm.providers.offline import OfflineProvider
from portal.llm.providers.registry import build_providers

from tests.scripted import ScriptedModel, ScriptExhausted

LAYER = Path(__file__).resolve().parents[2] / "layers" / "portal"


def ask(
    text: str, *, images: int = 0, history: tuple[ChatMessage, ...] = (), admin: bool = True
) -> ModelRequest:
    attached = tuple(ImagePart("image/png", b"\x89PNG") for _ in range(images))
    return ModelRequest("offline", (*history, ChatMessage("user", text, attached)), operator_detail=admin)


# --- OfflineProvider -----------------------------------------------------------------------


def test_offline_answers_in_korean_when_the_question_has_hangul() -> None:
    question = "사내 VPN 접속이 안 될 때 어떻게 해야 하나요?"
    answer = collect(OfflineProvider(), ask(question, images=2)).text

    assert answer.startswith("[오프라인 모드] 연결된 언어 모델이 없어")
    assert "AI가 생성한 답변이 아니" in answer  # honest about what it is
    assert f"“{question}”" in answer
    assert f"메시지 길이: {len(question)}자" in answer
    assert "감지된 언어: 한국어" in answer
    assert "첨부 이미지: 2개" in answer
    assert "ANTHROPIC_API_KEY" in answer and "GOOGLE_API_KEY" in answer and "Bedrock" in answer


def test_offline_answers_in_english_otherwise() -> None:
    question = "How do I reset my VPN token?"
    history = (ChatMessage("user", "안녕하세요"), ChatMessage("assistant", "[오프라인 모드] ..."))
    answer = collect(OfflineProvider(), ask(question, history=history)).text

    # The language follows the last user message, not earlier turns.
    assert answer.startswith("[Offline mode] No language model is configured")
    assert "not an AI-generated answer" in answer
    assert f"“{question}”" in answer
    assert f"Message length: {len(question)} characters" in answer
    assert "Detected language: not Korean (no Hangul found), so this reply is in English" in answer
    assert "Attached images: 0" in answer
    assert "Messages in this conversation: 3" in answer
    assert "ANTHROPIC_API_KEY" in answer and "GOOGLE_API_KEY" in answer and "Bedrock" in answer


@pytest.mark.parametrize(
    "question",
    ["사내 VPN 접속이 안 될 때 어떻게 해야 하나요?", "How do I reset my VPN token?"],
    ids=["ko", "en"],
)
def test_offline_tells_an_employee_whom_to_ask_not_which_keys_to_set(question: str) -> None:
    answer = collect(OfflineProvider(), ask(question, admin=False)).text

    for operator_detail in ("ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "PORTAL_USE_BEDROCK", "IAM"):
        assert operator_detail not in answer
    assert "관리자에게 문의해 주세요" in answer or "ask your portal administrator" in answer


def test_offline_shortens_long_questions_to_one_line() -> None:
    question = "word " * 200 + "\n\nEND"
    answer = collect(OfflineProvider(), ask(question)).text

    quoted = answer.split("“", 1)[1].split("”", 1)[0]
    assert quoted.endswith("…") and len(quoted) <= 160 and "\n" not in quoted
    assert "END" not in quoted
    assert f"Message length: {len(question)} characters" in answer


def test_offline_handles_an_empty_conversation() -> None:
    answer = collect(OfflineProvider(), ModelRequest("offline", ())).text
    assert answer.startswith("[Offline mode]") and "(the question was empty)" in answer


def test_offline_streams_several_pieces_then_estimated_usage_deterministically() -> None:
    request = ask("Summarise the travel policy for me, please.")
    events = list(OfflineProvider().stream(request))
    again = list(OfflineProvider().stream(request))

    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    completed = events[-1]
    assert events == again  # deterministic
    assert len(deltas) > 10 and all(deltas)
    assert isinstance(completed, Completed) and sum(isinstance(e, Completed) for e in events) == 1
    answer = "".join(deltas)
    assert completed.usage == Usage(len(request.messages[0].content) // 4, len(answer) // 4)
    assert completed.model_id == "offline" and completed.stop_reason == "end_turn"
    assert collect(OfflineProvider(), request).provider == "offline"


# --- ScriptedModel -------------------------------------------------------------------------


def test_scripted_streams_replies_in_chunks_and_records_requests() -> None:
    model = ScriptedModel(["Hello, world!", "second"], chunk_size=5)
    first = ModelRequest("m1", (ChatMessage("user", "x" * 41),))
    second = ModelRequest("m2", (ChatMessage("user", "hi"),))

    events = list(model.stream(first))
    assert events == [
        TextDelta("Hello"),
        TextDelta(", wor"),
        TextDelta("ld!"),
        Completed(Usage(input_tokens=10, output_tokens=3), "m1", "end_turn"),
    ]
    completion = collect(model, second)
    assert (completion.text, completion.usage, completion.provider) == ("second", Usage(0, 1), "scripted")
    assert model.requests == [first, second]
    assert model.remaining == 0


def test_scripted_raises_an_exception_before_yielding() -> None:
    model = ScriptedModel([ProviderThrottled("slow down", provider="scripted")], name="primary")
    stream = model.stream(ask("q"))
    assert len(model.requests) == 1  # recorded at call time
    with pytest.raises(ProviderThrottled, match="slow down"):
        next(stream)


def test_scripted_tuple_yields_text_then_fails_mid_stream() -> None:
    model = ScriptedModel([("partial answer", ProviderUnavailable("overloaded"))], chunk_size=7)
    received: list[str] = []
    with pytest.raises(ProviderUnavailable):
        for event in model.stream(ask("q")):
            assert isinstance(event, TextDelta)
            received.append(event.text)
    assert received == ["partial", " answer"]


def test_scripted_says_clearly_when_the_script_runs_out() -> None:
    model = ScriptedModel(["only one"], name="backup")
    collect(model, ask("q"))
    with pytest.raises(ScriptExhausted, match=r"'backup' has no reply left for call #2") as caught:
        model.stream(ask("again"))
    assert isinstance(caught.value, AssertionError)


def test_scripted_empty_reply_still_completes() -> None:
    assert list(ScriptedModel([""]).stream(ask("q"))) == [Completed(Usage(0, 1), "offline", "end_turn")]


# --- registry ------------------------------------------------------------------------------


def settings(**overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "anthropic_api_key": None,
        "google_api_key": None,
        "use_bedrock": False,
        "region": "ap-northeast-2",
    }
    return SimpleNamespace(**{**values, **overrides})


def test_registry_always_has_offline() -> None:
    providers = build_providers(settings())  # type: ignore[arg-type]
    assert list(providers) == ["offline"]
    assert providers["offline"].name == "offline"


def test_registry_adds_configured_providers() -> None:
    providers = build_providers(settings(anthropic_api_key="sk-ant", google_api_key="AIza"))  # type: ignore[arg-type]
    assert list(providers) == ["anthropic", "google", "offline"]
    assert isinstance(providers["anthropic"], AnthropicProvider)
    assert isinstance(providers["google"], GeminiProvider)
    assert all(p.name == key for key, p in providers.items())


def test_registry_uses_bedrock_without_a_key() -> None:
    providers = build_providers(settings(use_bedrock=True, anthropic_api_key="sk-ant"))  # type: ignore[arg-type]
    anthropic_provider = providers["anthropic"]
    assert isinstance(anthropic_provider, AnthropicProvider)
    assert anthropic_provider._use_bedrock and anthropic_provider._api_key is None
    assert anthropic_provider._aws_region == "ap-northeast-2"


def test_building_providers_imports_no_sdk() -> None:
    """Cold start: the registry and every provider construct without importing anthropic or google.genai."""
    script = (
        "import json, sys\n"
        "from portal.settings.model import Settings\n"
        "from portal.llm.providers.registry import build_providers\n"
        "providers = build_providers(Settings())\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('anthropic', 'httpx2') or m.startswith('google.genai')]\n"
        "print(json.dumps({'providers': sorted(providers), 'heavy': heavy}))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(LAYER),
        "ANTHROPIC_API_KEY": "sk-ant-test",
        "GOOGLE_API_KEY": "AIza-test",
        "PORTAL_USE_BEDROCK": "false",
        "PORTAL_ENVIRONMENT": "local",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    report = json.loads(result.stdout)
    assert report == {"providers": ["anthropic", "google", "offline"], "heavy": []}
