"""GeminiProvider against recorded streamGenerateContent responses served by a mock transport.

A real ``genai.Client`` is given an ``httpx2.Client`` with a MockTransport through
``HttpOptions.httpx_client``, so the SDK builds the real request and parses the recorded
SSE and error bodies from tests/fixtures/llm. No network.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from google import genai
from google.genai import errors, types
from portal.llm.base import (
    ChatMessage,
    Completed,
    ModelRequest,
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
    TextDelta,
    ToolUse,
    Usage,
    collect,
)
from portal.llm.parts import ImagePart, ToolCall, ToolResult, ToolSpec
from portal.llm.providers.gemini_provider import LOCAL_CALL_ID_PREFIX, GeminiProvider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "llm"
Handler = Callable[[httpx2.Request], httpx2.Response]

REQUEST = ModelRequest(
    model_id="gemini-2.5-flash",
    messages=(
        ChatMessage("user", "서울 날씨 알려줘"),
        ChatMessage("assistant", "어느 날짜요?"),
        ChatMessage("user", "오늘"),
    ),
    system="You are the company portal assistant.",
    max_tokens=256,
    temperature=0.2,
)
EXPECTED_DELTAS = ["서울의 ", "오늘 날씨는 ", "알 수 없습니다."]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def chunked(body: bytes, size: int | None) -> Iterator[bytes]:
    step = size or len(body)
    for start in range(0, len(body), step):
        yield body[start : start + step]


class Recorder:
    """A MockTransport handler that records requests and answers with a fixed response factory."""

    def __init__(self, respond: Handler) -> None:
        self.respond = respond
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.respond(request)

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.requests[-1].content)


def sse(name: str, *, chunk: int | None = None) -> Handler:
    def respond(_: httpx2.Request) -> httpx2.Response:
        headers = {"content-type": "text/event-stream", "x-goog-request-id": "c0ffee"}
        return httpx2.Response(200, headers=headers, content=chunked(fixture_bytes(name), chunk))

    return respond


def api_client(handler: Handler) -> genai.Client:
    options = types.HttpOptions(httpx_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    return genai.Client(api_key="test", http_options=options)


@pytest.mark.parametrize("chunk", [None, 6], ids=["whole-body", "6-byte-reads"])
def test_stream_yields_deltas_in_order_then_usage(chunk: int | None) -> None:
    recorder = Recorder(sse("gemini_stream_ok.sse", chunk=chunk))
    events = list(GeminiProvider(api_client(recorder)).stream(REQUEST))

    assert [e.text for e in events if isinstance(e, TextDelta)] == EXPECTED_DELTAS
    # candidatesTokenCount 9 + thoughtsTokenCount 27: thinking tokens are billed as output.
    assert events[-1] == Completed(Usage(input_tokens=12, output_tokens=36), "gemini-2.5-flash", "STOP")
    assert sum(isinstance(e, Completed) for e in events) == 1


def test_request_uses_roles_system_instruction_and_generation_config() -> None:
    recorder = Recorder(sse("gemini_stream_ok.sse"))
    completion = collect(GeminiProvider(api_client(recorder)), REQUEST)

    assert completion.text == "".join(EXPECTED_DELTAS)
    assert completion.provider == "google"
    [sent] = recorder.requests
    assert sent.url.path.endswith("/models/gemini-2.5-flash:streamGenerateContent")
    assert sent.url.params["alt"] == "sse"
    assert sent.headers["x-goog-api-key"] == "test"
    body = recorder.body
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "서울 날씨 알려줘"}]},
        {"role": "model", "parts": [{"text": "어느 날짜요?"}]},
        {"role": "user", "parts": [{"text": "오늘"}]},
    ]
    assert body["systemInstruction"]["parts"] == [{"text": "You are the company portal assistant."}]
    assert body["generationConfig"] == {"maxOutputTokens": 256, "temperature": 0.2}


def test_images_are_sent_as_inline_data() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
    request = ModelRequest(
        "gemini-2.5-flash",
        (
            ChatMessage("user", "What is in this picture?", (ImagePart("image/png", png),)),
            ChatMessage("assistant", "A chart."),
            ChatMessage("user", "", (ImagePart("image/webp", b"RIFF0000WEBP"),)),
        ),
    )
    recorder = Recorder(sse("gemini_stream_ok.sse"))
    collect(GeminiProvider(api_client(recorder)), request)

    contents = recorder.body["contents"]
    assert [inline(p) for p in contents[0]["parts"]] == [
        ("image/png", base64.b64encode(png).decode()),
        "What is in this picture?",
    ]
    # An image-only turn carries no empty text part.
    assert [inline(p) for p in contents[2]["parts"]] == [("image/webp", "UklGRjAwMDBXRUJQ")]
    assert "systemInstruction" not in recorder.body  # empty system prompt is omitted


def inline(part: dict[str, Any]) -> tuple[str, str] | str:
    """A request part as (mime type, base64 data) or its text.

    The SDK writes ``mime_type`` inside ``inlineData``; proto JSON accepts either spelling.
    """
    if "text" in part:
        return part["text"]
    blob = part["inlineData"]
    return blob.get("mimeType", blob.get("mime_type")), blob["data"]


def error_response(status: int, body: bytes) -> Handler:
    def respond(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            status, headers={"content-type": "application/json; charset=UTF-8"}, content=body
        )

    return respond


@pytest.mark.parametrize(
    ("status", "body", "expected", "retryable"),
    [
        (429, fixture_bytes("gemini_error_429.json"), ProviderThrottled, True),
        (503, fixture_bytes("gemini_error_503.json"), ProviderUnavailable, True),
        (400, fixture_bytes("gemini_error_400.json"), ProviderRejected, False),
        (
            500,
            b'{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}',
            ProviderUnavailable,
            True,
        ),
        (
            504,
            b'{"error":{"code":504,"message":"Deadline expired.","status":"DEADLINE_EXCEEDED"}}',
            ProviderTimeout,
            True,
        ),
        (
            404,
            b'{"error":{"code":404,"message":"models/gemini-9 is not found","status":"NOT_FOUND"}}',
            ProviderRejected,
            False,
        ),
    ],
    ids=[
        "429-resource-exhausted",
        "503-unavailable",
        "400-invalid-argument",
        "500-internal",
        "504-deadline",
        "404-model",
    ],
)
def test_http_errors_are_classified(status: int, body: bytes, expected: type, retryable: bool) -> None:
    recorder = Recorder(error_response(status, body))
    with pytest.raises(expected) as caught:
        list(GeminiProvider(api_client(recorder)).stream(REQUEST))

    error = caught.value
    assert error.retryable is retryable
    assert (error.provider, error.model_id) == ("google", "gemini-2.5-flash")
    assert str(status) in str(error)
    assert isinstance(error.__cause__, errors.APIError)
    assert len(recorder.requests) == 1  # the SDK did not retry; fallback is the router's job


def test_error_chunk_mid_stream_is_unavailable_after_partial_text() -> None:
    recorder = Recorder(sse("gemini_stream_midstream_error.sse"))
    received: list[str] = []
    with pytest.raises(ProviderUnavailable, match="INTERNAL"):
        for event in GeminiProvider(api_client(recorder)).stream(REQUEST):
            assert isinstance(event, TextDelta)
            received.append(event.text)
    assert received == ["Partial "]


@pytest.mark.parametrize("fault", [httpx2.ReadTimeout, httpx2.ConnectTimeout, httpx2.ConnectError])
def test_transport_faults_are_timeouts(fault: type[Exception]) -> None:
    def respond(request: httpx2.Request) -> httpx2.Response:
        raise fault("simulated", request=request)

    with pytest.raises(ProviderTimeout) as caught:
        list(GeminiProvider(api_client(Recorder(respond))).stream(REQUEST))
    assert caught.value.retryable and caught.value.provider == "google"


def test_read_timeout_while_reading_the_stream_is_a_timeout() -> None:
    def body() -> Iterator[bytes]:
        yield fixture_bytes("gemini_stream_ok.sse").split(b"\r\n\r\n")[0] + b"\r\n\r\n"
        raise httpx2.ReadTimeout("read timed out")

    recorder = Recorder(
        lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body())
    )
    events: list[Any] = []
    with pytest.raises(ProviderTimeout):
        events.extend(GeminiProvider(api_client(recorder)).stream(REQUEST))
    assert [e.text for e in events] == EXPECTED_DELTAS[:1]


def test_client_is_built_lazily_with_key_and_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dict[str, Any]] = []
    recorder = Recorder(sse("gemini_stream_ok.sse"))
    real = genai.Client

    def fake_client(**kwargs: Any) -> genai.Client:
        built.append(kwargs)
        options = kwargs["http_options"].model_copy(
            update={"httpx_client": httpx2.Client(transport=httpx2.MockTransport(recorder))}
        )
        return real(**{**kwargs, "http_options": options})

    monkeypatch.setattr(genai, "Client", fake_client)
    provider = GeminiProvider(api_key="AIza-test", timeout=15.0)
    assert built == []  # nothing is built until the first stream

    collect(provider, REQUEST)
    collect(provider, REQUEST)
    [kwargs] = built
    assert kwargs["api_key"] == "AIza-test"
    assert kwargs["http_options"].timeout == 15_000  # milliseconds
    assert kwargs["http_options"].retry_options is None  # no SDK retries
    assert recorder.requests[0].headers["x-goog-api-key"] == "AIza-test"


def test_blocked_prompt_is_rejected_not_an_empty_answer() -> None:
    recorder = Recorder(sse("gemini_stream_prompt_blocked.sse"))
    with pytest.raises(ProviderRejected, match="PROHIBITED_CONTENT") as caught:
        list(GeminiProvider(api_client(recorder)).stream(REQUEST))
    assert not caught.value.retryable


class TrackedBody(httpx2.SyncByteStream):
    """A response body that records whether the client closed it."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from chunked(self.body, 64)

    def close(self) -> None:
        self.closed = True


def test_stopping_early_closes_the_http_response() -> None:
    body = TrackedBody(fixture_bytes("gemini_stream_ok.sse"))
    recorder = Recorder(
        lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)
    )
    events = GeminiProvider(api_client(recorder)).stream(REQUEST)

    assert next(events) == TextDelta(EXPECTED_DELTAS[0])
    events.close()  # e.g. the user disconnected: the connection must go back to the pool
    assert body.closed


# --- Tool use (function calling) -------------------------------------------------------------

SEARCH_SCHEMA = {
    "type": "object",
    "properties": {"query": {"type": "string", "title": "Query"}, "limit": {"type": "integer", "default": 5}},
    "required": ["query"],
    "title": "search_regulationsArguments",
}
TOOLS = (
    ToolSpec("search_regulations", "Search the company's internal regulations.", SEARCH_SCHEMA),
    ToolSpec("list_documents", "List the regulation documents.", {"type": "object", "properties": {}}),
)
TOOL_REQUEST = ModelRequest(
    "gemini-2.5-flash", (ChatMessage("user", "출장 숙박비 한도가 얼마인가요?"),), max_tokens=1024, tools=TOOLS
)
SIGNATURE = base64.b64decode("CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgJ/M2V+1THC1icsW")


@pytest.mark.parametrize("chunk", [None, 6], ids=["whole-body", "6-byte-reads"])
def test_function_call_parts_stream_as_tool_use_events(chunk: int | None) -> None:
    recorder = Recorder(sse("gemini_stream_function_call.sse", chunk=chunk))
    events = list(GeminiProvider(api_client(recorder)).stream(TOOL_REQUEST))

    # The thought summary is not part of the answer; the text before the calls is.
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["출장비 규정을 검색하겠습니다."]
    search, listing = (e for e in events if isinstance(e, ToolUse))
    assert (search.name, search.input, search.signature) == (
        "search_regulations",
        {"query": "출장 숙박비 한도", "limit": 3},
        SIGNATURE,  # must be sent back with the call
    )
    assert (listing.name, listing.input, listing.signature) == ("list_documents", {}, None)
    # Gemini streamed no ids: the portal made unique ones up.
    assert search.id.startswith(LOCAL_CALL_ID_PREFIX) and search.id != listing.id
    # Gemini ends the turn with STOP; callers see Claude's "tool_use" either way.
    assert events[-1] == Completed(Usage(318, 129), "gemini-2.5-flash", "tool_use")


def test_tools_are_sent_as_function_declarations_with_their_json_schema() -> None:
    recorder = Recorder(sse("gemini_stream_function_call.sse"))
    collect(GeminiProvider(api_client(recorder)), TOOL_REQUEST)

    [tool] = recorder.body["tools"]
    # The SDK writes the schema under its snake_case name; proto JSON accepts either spelling.
    assert tool["functionDeclarations"] == [
        {
            "name": "search_regulations",
            "description": "Search the company's internal regulations.",
            "parameters_json_schema": SEARCH_SCHEMA,
        },
        {
            "name": "list_documents",
            "description": "List the regulation documents.",
            "parameters_json_schema": {"type": "object", "properties": {}},
        },
    ]
    assert "toolConfig" not in recorder.body  # the model decides (AUTO)


def test_calls_and_results_go_back_as_function_call_and_function_response_parts() -> None:
    made_up = ToolCall(
        f"{LOCAL_CALL_ID_PREFIX}0a1b2c3d", "search_regulations", {"query": "숙박비"}, SIGNATURE
    )
    issued = ToolCall("call-7f3e", "list_documents", {})  # an id Gemini issued is echoed
    request = ModelRequest(
        "gemini-2.5-flash",
        (
            ChatMessage("user", "출장 숙박비 한도가 얼마인가요?"),
            ChatMessage("assistant", "", tool_calls=(made_up, issued)),
            ChatMessage(
                "user",
                "",
                tool_results=(
                    ToolResult(made_up.id, made_up.name, "출장비 규정 제7조(숙박비) 1박 12만원 이내"),
                    ToolResult(issued.id, issued.name, "server unavailable", is_error=True),
                ),
            ),
        ),
        tools=TOOLS,
        tool_choice="none",
    )
    recorder = Recorder(sse("gemini_stream_ok.sse"))
    collect(GeminiProvider(api_client(recorder)), request)

    model_turn, results_turn = recorder.body["contents"][1:]
    assert model_turn == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"name": "search_regulations", "args": {"query": "숙박비"}},
                # the SDK writes bytes as URL-safe base64, which proto JSON accepts
                "thoughtSignature": base64.urlsafe_b64encode(SIGNATURE).decode(),
            },
            {"functionCall": {"id": "call-7f3e", "name": "list_documents", "args": {}}},
        ],
    }
    assert results_turn == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "name": "search_regulations",
                    "response": {"output": "출장비 규정 제7조(숙박비) 1박 12만원 이내"},
                }
            },
            {
                "functionResponse": {
                    "id": "call-7f3e",
                    "name": "list_documents",
                    "response": {"error": "server unavailable"},
                }
            },
        ],
    }
    # The last round of a tool loop: declarations stay, calling is switched off.
    assert recorder.body["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}
