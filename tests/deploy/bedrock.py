"""Claude on Bedrock, answered on this machine (the anthropic SDK calls bedrock-runtime over httpx,
not botocore, so neither moto nor the botocore hook sees it).

The deployed functions reach it through ANTHROPIC_BEDROCK_BASE_URL, as they would reach
bedrock-runtime. Each function signs with its own access key (lambda_runtime.py), so the call is
recorded for the function whose credentials signed it, as IAM would evaluate it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.deploy.recorder import RECORDER, AwsCall, permissions

# A recorded Claude answer (the provider tests' fixture), replayed for every streamed call.
_STREAM = Path(__file__).resolve().parents[1] / "fixtures" / "llm" / "anthropic_stream_ok.sse"
ACCESS_KEY_PREFIX = "DEPLOYTEST"
_CREDENTIAL = re.compile(r"Credential=" + ACCESS_KEY_PREFIX + r"([a-z0-9_]+)/")


def access_key(function: str) -> str:
    """The access key a function signs with here: it names the function, as a role session would."""
    return f"{ACCESS_KEY_PREFIX}{function}"


def _events() -> list[dict[str, Any]]:
    return [
        json.loads(line[5:])
        for line in _STREAM.read_text(encoding="utf-8").splitlines()
        if line.startswith("data:") and '"ping"' not in line
    ]


def _frame(payload: bytes) -> bytes:
    """One application/vnd.amazon.eventstream message carrying a Bedrock stream chunk."""
    headers = b"".join(
        bytes([len(k)]) + k.encode() + b"\x07" + len(v).to_bytes(2, "big") + v.encode()
        for k, v in {
            ":event-type": "chunk",
            ":content-type": "application/json",
            ":message-type": "event",
        }.items()
    )
    total = 12 + len(headers) + len(payload) + 4
    prelude = total.to_bytes(4, "big") + len(headers).to_bytes(4, "big")
    message = prelude + zlib.crc32(prelude).to_bytes(4, "big") + headers + payload
    return message + zlib.crc32(message).to_bytes(4, "big")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # http.server's naming
        match = re.match(r"^/model/([^/]+)/(invoke|invoke-with-response-stream)$", self.path)
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        if not match:
            self.send_error(404)
            return
        model_id, kind = unquote(match.group(1)), match.group(2)
        operation = "InvokeModelWithResponseStream" if kind.endswith("stream") else "InvokeModel"
        signer = _CREDENTIAL.search(self.headers.get("authorization", ""))
        for action, resources in permissions("bedrock", operation, {"modelId": model_id}, None):
            RECORDER.calls += [
                AwsCall(signer.group(1) if signer else None, action, r, True) for r in resources
            ]
        events = _events()
        if kind == "invoke":
            text = "".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta")
            body = json.dumps(
                {
                    **events[0]["message"],
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "end_turn",
                }
            ).encode()
            content_type = "application/json"
        else:
            body = b"".join(
                _frame(json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode())
                for e in events
            )
            content_type = "application/vnd.amazon.eventstream"
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        pass


@contextmanager
def bedrock_runtime() -> Iterator[str]:
    """Serve bedrock-runtime's model invocation on a free local port; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
