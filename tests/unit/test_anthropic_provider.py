"""AnthropicProvider against recorded Messages API responses served by a mock HTTP transport.

The real ``anthropic`` SDK parses every byte: SSE streams from tests/fixtures/llm, the
documented JSON error bodies, and (for Bedrock) AWS eventstream frames. No network.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
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
from portal.llm.providers.anthropic_provider import AnthropicProvider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "llm"
Handler = Callable[[httpx2.Request], httpx2.Response]

REQUEST = ModelRequest(
    model_id="claude-sonnet-4-5",
    messages=(
        ChatMessage("user", "Lambda 콜드 스타트를 줄이는 법?"),
        ChatMessage("assistant", "어떤 런타임인가요?"),
        ChatMessage("user", "Python 3.12"),
    ),
    system="You are the company portal assistant.",
    max_tokens=512,
)
EXPECTED_DELTAS = ["안녕하세요! ", "Lambda cold start", "를 줄이려면 ", "무거운 import를 지연하세요."]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def chunked(body: bytes, size: int | None) -> Iterator[bytes]:
    """The body as the network might deliver it: cut at arbitrary bytes (mid-UTF-8 too)."""
    step = size or len(body)
    for start in range(0, len(body), step):
        yield body[start : start + step]


def sse_response(name: str, *, chunk: int | None = None) -> httpx2.Response:
    return httpx2.Response(
        200,
        headers={"content-type": "text/event-stream; charset=utf-8", "request-id": "req_011CUa6ok"},
        content=chunked(fixture_bytes(name), chunk),
    )


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


def api_client(handler: Handler) -> anthropic.Anthropic:
    # max_retries=0: one HTTP call per stream(), as the provider configures its own clients.
    return anthropic.Anthropic(
        api_key="test",
        base_url="https://api.anthropic.test",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )


@pytest.mark.parametrize("chunk", [None, 5], ids=["whole-body", "5-byte-reads"])
def test_stream_yields_deltas_in_order_then_one_completed(chunk: int | None) -> None:
    recorder = Recorder(lambda _: sse_response("anthropic_stream_ok.sse", chunk=chunk))
    events = list(AnthropicProvider(api_client(recorder)).stream(REQUEST))

    assert [e.text for e in events if isinstance(e, TextDelta)] == EXPECTED_DELTAS
    assert events[-1] == Completed(Usage(input_tokens=472, output_tokens=31), "claude-sonnet-4-5", "end_turn")
    assert sum(isinstance(e, Completed) for e in events) == 1


def test_request_body_matches_the_messages_api() -> None:
    recorder = Recorder(lambda _: sse_response("anthropic_stream_ok.sse"))
    completion = collect(AnthropicProvider(api_client(recorder)), REQUEST)

    assert completion.text == "".join(EXPECTED_DELTAS)
    assert completion.provider == "anthropic"
    [sent] = recorder.requests
    assert sent.url.path == "/v1/messages"
    assert recorder.body == {
        "model": "claude-sonnet-4-5",
        "max_tokens": 512,
        "stream": True,
        "system": "You are the company portal assistant.",
        "messages": [
            {"role": "user", "content": "Lambda 콜드 스타트를 줄이는 법?"},
            {"role": "assistant", "content": "어떤 런타임인가요?"},
            {"role": "user", "content": "Python 3.12"},
        ],
    }  # no temperature: API version 2026-10-21 rejects it


def test_images_are_sent_as_base64_blocks_before_the_text() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(32))
    request = ModelRequest(
        "claude-sonnet-4-5",
        (
            ChatMessage(
                "user",
                "이 그림은 무엇인가요?",
                (ImagePart("image/png", png), ImagePart("image/jpeg", b"\xff\xd8\xff")),
            ),
        ),
    )
    recorder = Recorder(lambda _: sse_response("anthropic_stream_ok.sse"))
    collect(AnthropicProvider(api_client(recorder)), request)

    assert recorder.body["messages"] == [
        {
            "role": "user",
            "content": [
                {
                    "type": "image",
                    "source": {
                        "type": "base64",
                        "media_type": "image/png",
                        "data": base64.b64encode(png).decode(),
                    },
                },
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/"}},
                {"type": "text", "text": "이 그림은 무엇인가요?"},
            ],
        }
    ]
    assert "system" not in recorder.body  # empty system prompt is omitted


def error_response(status: int, body: bytes) -> Handler:
    def respond(_: httpx2.Request) -> httpx2.Response:
        headers = {
            "content-type": "application/json",
            "request-id": "req_011CUaERR",
            "x-should-retry": "true",
        }
        return httpx2.Response(status, headers=headers, content=body)

    return respond


@pytest.mark.parametrize(
    ("status", "body", "expected", "retryable"),
    [
        (429, fixture_bytes("anthropic_error_429.json"), ProviderThrottled, True),
        (529, fixture_bytes("anthropic_error_529.json"), ProviderUnavailable, True),
        (400, fixture_bytes("anthropic_error_400.json"), ProviderRejected, False),
        (
            500,
            b'{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
            ProviderUnavailable,
            True,
        ),
        (503, b"<html>upstream connect error</html>", ProviderUnavailable, True),
        (
            401,
            b'{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
            ProviderRejected,
            False,
        ),
        (
            404,
            b'{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}',
            ProviderRejected,
            False,
        ),
    ],
    ids=[
        "429-rate-limit",
        "529-overloaded",
        "400-invalid",
        "500-api-error",
        "503-non-json",
        "401-auth",
        "404-model",
    ],
)
def test_http_errors_are_classified(status: int, body: bytes, expected: type, retryable: bool) -> None:
    recorder = Recorder(error_response(status, body))
    with pytest.raises(expected) as caught:
        list(AnthropicProvider(api_client(recorder)).stream(REQUEST))

    error = caught.value
    assert error.retryable is retryable
    assert (error.provider, error.model_id) == ("anthropic", "claude-sonnet-4-5")
    assert str(status) in str(error) and "req_011CUaERR" in str(error)
    assert isinstance(error.__cause__, anthropic.APIStatusError)
    assert len(recorder.requests) == 1  # the SDK did not retry; fallback is the router's job


def test_overloaded_error_event_mid_stream_is_unavailable_after_partial_text() -> None:
    recorder = Recorder(lambda _: sse_response("anthropic_stream_overloaded.sse"))
    received: list[str] = []
    with pytest.raises(ProviderUnavailable, match="overloaded_error"):
        for event in AnthropicProvider(api_client(recorder)).stream(REQUEST):
            assert isinstance(event, TextDelta)  # no Completed before the failure
            received.append(event.text)
    assert received == ["Partial answer"]


@pytest.mark.parametrize("fault", [httpx2.ReadTimeout, httpx2.ConnectTimeout, httpx2.ConnectError])
def test_transport_faults_are_timeouts(fault: type[Exception]) -> None:
    def respond(request: httpx2.Request) -> httpx2.Response:
        raise fault("simulated", request=request)

    with pytest.raises(ProviderTimeout) as caught:
        list(AnthropicProvider(api_client(Recorder(respond))).stream(REQUEST))
    assert caught.value.retryable
    assert isinstance(caught.value.__cause__, anthropic.APIConnectionError)


def test_read_timeout_while_reading_the_stream_is_a_timeout() -> None:
    def body() -> Iterator[bytes]:
        yield fixture_bytes("anthropic_stream_ok.sse").split(b"event: content_block_stop")[0]
        raise httpx2.ReadTimeout("read timed out")

    recorder = Recorder(
        lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body())
    )
    events: list[Any] = []
    with pytest.raises(ProviderTimeout, match="interrupted"):
        events.extend(AnthropicProvider(api_client(recorder)).stream(REQUEST))
    assert [e.text for e in events] == EXPECTED_DELTAS


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
    body = TrackedBody(fixture_bytes("anthropic_stream_ok.sse"))
    recorder = Recorder(
        lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)
    )
    events = AnthropicProvider(api_client(recorder)).stream(REQUEST)

    assert next(events) == TextDelta(EXPECTED_DELTAS[0])
    events.close()  # e.g. the user disconnected: the connection must go back to the pool
    assert body.closed


def test_client_is_built_lazily_with_key_timeout_and_no_sdk_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dict[str, Any]] = []
    recorder = Recorder(lambda _: sse_response("anthropic_stream_ok.sse"))
    real = anthropic.Anthropic

    def fake_anthropic(**kwargs: Any) -> anthropic.Anthropic:
        built.append(kwargs)
        transport = httpx2.Client(transport=httpx2.MockTransport(recorder))
        return real(**kwargs, base_url="https://api.anthropic.test", http_client=transport)

    monkeypatch.setattr(anthropic, "Anthropic", fake_anthropic)
    provider = AnthropicProvider(api_key="sk-ant-test", timeout=12.5)
    assert built == []  # nothing is built until the first stream

    collect(provider, REQUEST)
    collect(provider, REQUEST)
    assert built == [{"api_key": "sk-ant-test", "timeout": 12.5, "max_retries": 0}]
    assert recorder.requests[0].headers["authorization"] == "Bearer sk-ant-test"


# --- Bedrock -------------------------------------------------------------------------------


def eventstream_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS eventstream message (application/vnd.amazon.eventstream) with string headers."""
    encoded = b"".join(
        bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(value.encode())) + value.encode()
        for name, value in headers.items()
    )
    prelude = struct.pack(">II", 12 + len(encoded) + len(payload) + 4, len(encoded))
    prelude += struct.pack(">I", binascii.crc32(prelude))
    message = prelude + encoded + payload
    return message + struct.pack(">I", binascii.crc32(message))


def bedrock_chunk(event: dict[str, Any]) -> bytes:
    """A Bedrock InvokeModelWithResponseStream `chunk` event carrying one Messages event."""
    payload = {"bytes": base64.b64encode(json.dumps(event).encode()).decode(), "p": "abcdefghij"}
    headers = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    return eventstream_frame(headers, json.dumps(payload).encode())


def bedrock_exception(kind: str, message: str) -> bytes:
    headers = {":exception-type": kind, ":content-type": "application/json", ":message-type": "exception"}
    return eventstream_frame(headers, json.dumps({"message": message}).encode())


def recorded_events(name: str) -> list[dict[str, Any]]:
    """The JSON events of a recorded SSE fixture; Bedrock streams the same event objects."""
    events = [
        json.loads(line[len("data: ") :])
        for line in fixture_bytes(name).decode().splitlines()
        if line.startswith("data: ")
    ]
    return [e for e in events if e["type"] != "ping"]


def bedrock_stream(frames: list[bytes], *, chunk: int | None = None) -> Handler:
    def respond(_: httpx2.Request) -> httpx2.Response:
        headers = {
            "content-type": "application/vnd.amazon.eventstream",
            "x-amzn-requestid": "5e6f7a8b-1c2d-4e3f-9a0b-bedrock00001",
            "x-amzn-bedrock-content-type": "application/json",
        }
        return httpx2.Response(200, headers=headers, content=chunked(b"".join(frames), chunk))

    return respond


@pytest.fixture
def bedrock(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Handler], tuple[AnthropicProvider, list[dict[str, Any]], Recorder]]:
    """An AnthropicProvider(use_bedrock=True) whose lazily built AnthropicBedrock uses a mock transport."""
    for name in (
        "AWS_BEARER_TOKEN_BEDROCK",
        "ANTHROPIC_BEDROCK_BASE_URL",
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    # Static fake credentials: SigV4 signing happens locally and needs no AWS call.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def make(respond: Handler) -> tuple[AnthropicProvider, list[dict[str, Any]], Recorder]:
        built: list[dict[str, Any]] = []
        recorder = Recorder(respond)
        real = anthropic.AnthropicBedrock

        def fake_bedrock(**kwargs: Any) -> anthropic.AnthropicBedrock:
            built.append(kwargs)
            return real(**kwargs, http_client=httpx2.Client(transport=httpx2.MockTransport(recorder)))

        monkeypatch.setattr(anthropic, "AnthropicBedrock", fake_bedrock)
        return AnthropicProvider(use_bedrock=True, aws_region="ap-northeast-2"), built, recorder

    return make


BEDROCK_MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"


@pytest.mark.parametrize("chunk", [None, 7], ids=["whole-body", "7-byte-reads"])
def test_bedrock_streams_eventstream_frames_signed_with_iam(bedrock: Any, chunk: int | None) -> None:
    events = recorded_events("anthropic_stream_ok.sse")
    # Bedrock appends its invocation metrics to message_stop.
    events[-1]["amazon-bedrock-invocationMetrics"] = {
        "inputTokenCount": 472,
        "outputTokenCount": 31,
        "invocationLatency": 1830,
        "firstByteLatency": 412,
    }
    provider, built, recorder = bedrock(bedrock_stream([bedrock_chunk(e) for e in events], chunk=chunk))

    streamed = list(
        provider.stream(ModelRequest(BEDROCK_MODEL, REQUEST.messages, system=REQUEST.system, max_tokens=512))
    )

    assert built == [{"aws_region": "ap-northeast-2", "timeout": 60.0, "max_retries": 0}]  # no api_key
    assert [e.text for e in streamed if isinstance(e, TextDelta)] == EXPECTED_DELTAS
    assert streamed[-1] == Completed(Usage(472, 31), BEDROCK_MODEL, "end_turn")
    [sent] = recorder.requests
    assert (
        str(sent.url)
        == f"https://bedrock-runtime.ap-northeast-2.amazonaws.com/model/{BEDROCK_MODEL}/invoke-with-response-stream"
    )
    assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
    assert "/ap-northeast-2/bedrock/aws4_request" in sent.headers["authorization"]
    body = json.loads(sent.content)
    assert "model" not in body and "stream" not in body  # both moved into the URL
    assert body["anthropic_version"] and body["max_tokens"] == 512 and body["system"] == REQUEST.system


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("throttlingException", ProviderThrottled),
        ("serviceUnavailableException", ProviderUnavailable),
        ("modelStreamErrorException", ProviderUnavailable),
        ("validationException", ProviderUnavailable),  # mid-stream: the request was already accepted
    ],
)
def test_bedrock_exception_frame_mid_stream(bedrock: Any, kind: str, expected: type) -> None:
    events = recorded_events("anthropic_stream_ok.sse")[:4]  # start, block start, two deltas
    frames = [bedrock_chunk(e) for e in events] + [bedrock_exception(kind, "Too many tokens, please wait.")]
    provider, _, _ = bedrock(bedrock_stream(frames))

    received: list[str] = []
    with pytest.raises(expected, match=kind):
        for event in provider.stream(ModelRequest(BEDROCK_MODEL, REQUEST.messages)):
            received.append(event.text)  # type: ignore[union-attr]
    assert received == EXPECTED_DELTAS[:2]


def test_bedrock_http_throttling_before_the_stream(bedrock: Any) -> None:
    def respond(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            429,
            headers={
                "content-type": "application/json",
                "x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            },
            json={"message": "Too many requests, please wait before trying again."},
        )

    provider, _, recorder = bedrock(respond)
    with pytest.raises(ProviderThrottled):
        list(provider.stream(ModelRequest(BEDROCK_MODEL, REQUEST.messages)))
    assert len(recorder.requests) == 1


# --- Tool use --------------------------------------------------------------------------------

SEARCH_TOOL = ToolSpec(
    "search_regulations",
    "Search the company's internal regulations.",
    {
        "type": "object",
        "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "default": 5}},
        "required": ["query"],
    },
)
LIST_TOOL = ToolSpec("list_documents", "List the regulation documents.", {"type": "object", "properties": {}})
TOOL_REQUEST = ModelRequest(
    "claude-sonnet-4-5",
    (ChatMessage("user", "출장 숙박비 한도가 얼마인가요?"),),
    system="You answer from the company's regulations.",
    max_tokens=1024,
    tools=(SEARCH_TOOL, LIST_TOOL),
)


@pytest.mark.parametrize("chunk", [None, 5], ids=["whole-body", "5-byte-reads"])
def test_tool_use_blocks_stream_as_tool_use_events_after_the_text(chunk: int | None) -> None:
    recorder = Recorder(lambda _: sse_response("anthropic_stream_tool_use.sse", chunk=chunk))
    events = list(AnthropicProvider(api_client(recorder)).stream(TOOL_REQUEST))

    assert events == [
        TextDelta("출장비 규정에서 "),
        TextDelta("숙박비 한도를 찾아보겠습니다."),
        # input_json_delta pieces are joined and parsed once the block stops
        ToolUse(
            "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "search_regulations", {"query": "출장 숙박비 한도", "limit": 3}
        ),
        ToolUse("toolu_01Hq5bVnYJ8Xm3kPZLcQ2sWa", "list_documents", {}),  # no input: an empty object
        Completed(Usage(1021, 112), "claude-sonnet-4-5", "tool_use"),
    ]


def test_tools_are_declared_and_tool_choice_is_left_to_the_model() -> None:
    recorder = Recorder(lambda _: sse_response("anthropic_stream_tool_use.sse"))
    completion = collect(AnthropicProvider(api_client(recorder)), TOOL_REQUEST)

    assert [t.name for t in completion.tool_uses] == ["search_regulations", "list_documents"]
    assert recorder.body["tools"] == [
        {
            "name": "search_regulations",
            "description": "Search the company's internal regulations.",
            "input_schema": SEARCH_TOOL.input_schema,
        },
        {
            "name": "list_documents",
            "description": "List the regulation documents.",
            "input_schema": {"type": "object", "properties": {}},
        },
    ]
    assert "tool_choice" not in recorder.body  # the API's default: auto


def test_tool_calls_and_results_go_back_as_tool_use_and_tool_result_blocks() -> None:
    call = ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "search_regulations", {"query": "숙박비"})
    failed = ToolCall("toolu_01Hq5bVnYJ8Xm3kPZLcQ2sWa", "list_documents", {})
    request = ModelRequest(
        "claude-sonnet-4-5",
        (
            ChatMessage("user", "출장 숙박비 한도가 얼마인가요?"),
            ChatMessage("assistant", "찾아보겠습니다.", tool_calls=(call, failed)),
            ChatMessage(
                "user",
                "",
                tool_results=(
                    ToolResult(call.id, call.name, "출장비 규정 제7조(숙박비) 1박 12만원 이내"),
                    ToolResult(failed.id, failed.name, "server unavailable", is_error=True),
                ),
            ),
        ),
        tools=(SEARCH_TOOL, LIST_TOOL),
        tool_choice="none",
    )
    recorder = Recorder(lambda _: sse_response("anthropic_stream_ok.sse"))
    collect(AnthropicProvider(api_client(recorder)), request)

    assert recorder.body["messages"] == [
        {"role": "user", "content": "출장 숙박비 한도가 얼마인가요?"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "찾아보겠습니다."},
                {
                    "type": "tool_use",
                    "id": call.id,
                    "name": "search_regulations",
                    "input": {"query": "숙박비"},
                },
                {"type": "tool_use", "id": failed.id, "name": "list_documents", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": call.id,
                    "content": "출장비 규정 제7조(숙박비) 1박 12만원 이내",
                },
                {
                    "type": "tool_result",
                    "tool_use_id": failed.id,
                    "content": "server unavailable",
                    "is_error": True,
                },
            ],
        },
    ]
    # The last round of a tool loop: tools stay declared (the history uses them), calls are off.
    assert recorder.body["tool_choice"] == {"type": "none"}
    assert len(recorder.body["tools"]) == 2


def test_a_tool_call_cut_off_mid_input_is_dropped_and_the_stop_reason_says_why() -> None:
    body = fixture_bytes("anthropic_stream_tool_use.sse").decode()
    # The answer ran out of tokens inside the first call's JSON: no complete input arrived.
    cut = body[
        : body.index(
            'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" 숙박비'
        )
    ]
    cut += (
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n'
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens",'
        '"stop_sequence":null},"usage":{"output_tokens":1024}}\n\n'
        'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    recorder = Recorder(
        lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=cut.encode())
    )
    events = list(AnthropicProvider(api_client(recorder)).stream(TOOL_REQUEST))

    assert not any(isinstance(e, ToolUse) for e in events)
    assert events[-1] == Completed(Usage(1021, 1024), "claude-sonnet-4-5", "max_tokens")


def test_bedrock_streams_tool_use_from_eventstream_frames(bedrock: Any) -> None:
    frames = [bedrock_chunk(e) for e in recorded_events("anthropic_stream_tool_use.sse")]
    provider, _, recorder = bedrock(bedrock_stream(frames, chunk=11))

    events = list(
        provider.stream(ModelRequest(BEDROCK_MODEL, TOOL_REQUEST.messages, tools=TOOL_REQUEST.tools))
    )

    assert [e for e in events if isinstance(e, ToolUse)] == [
        ToolUse(
            "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "search_regulations", {"query": "출장 숙박비 한도", "limit": 3}
        ),
        ToolUse("toolu_01Hq5bVnYJ8Xm3kPZLcQ2sWa", "list_documents", {}),
    ]
    assert events[-1] == Completed(Usage(1021, 112), BEDROCK_MODEL, "tool_use")
    assert [t["name"] for t in json.loads(recorder.requests[0].content)["tools"]] == [
        "search_regulations",
        "list_documents",
    ]
