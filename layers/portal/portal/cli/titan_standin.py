"""A stand-in for Titan Text Embeddings v2 on bedrock-runtime, for `portal bench ingest --embedder titan-standin`.

It answers InvokeModel with Titan's response shape after a latency drawn around a median
(log-normal, as service latencies are), and refuses calls beyond a requests-per-minute quota
with Bedrock's ThrottlingException (a token bucket refilled every second), so the benchmark
exercises the embedder's concurrency and backoff as AWS would. The latency and the quota are
parameters, not recordings: this machine has no AWS account. Pass the p50 of your account's
CloudWatch `InvocationLatency` and its quota to see your figure. Vectors are hashes of the
text: good for throughput, meaningless for retrieval.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import threading
import time
from typing import Any

_SIGMA = 0.35  # log-normal spread: p95 is ~1.8x the median


class TitanStandIn:
    """bedrock-runtime's invoke_model for amazon.titan-embed-text-v2:0, answered on this machine."""

    def __init__(self, *, latency_ms: float, requests_per_minute: int, seed: int = 7) -> None:
        self.latency_ms = latency_ms
        self.requests_per_minute = requests_per_minute
        self._rate = requests_per_minute / 60.0
        self._tokens = self._rate  # one second's worth of burst
        self._refilled = time.monotonic()
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.calls = 0
        self.throttled = 0

    def _admit(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self._rate, self._tokens + (now - self._refilled) * self._rate)
            self._refilled = now
            self.calls += 1
            if self._tokens < 1:
                self.throttled += 1
                return False
            self._tokens -= 1
            return True

    def _latency(self) -> float:
        with self._lock:
            return self.latency_ms / 1000 * math.exp(self._random.gauss(0, _SIGMA))

    def invoke_model(self, *, modelId: str, contentType: str, accept: str, body: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError
        from botocore.response import StreamingBody

        if not self._admit():
            time.sleep(0.005)  # Bedrock answers a throttled call quickly, not instantly
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Too many requests, please wait."}},
                "InvokeModel",
            )
        request = json.loads(body)
        time.sleep(self._latency())
        dimensions = int(request["dimensions"])
        seed = hashlib.sha256(request["inputText"].encode()).digest()
        values = random.Random(seed).choices(range(-1000, 1001), k=dimensions)
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        vector = [v / norm for v in values]
        payload = json.dumps(
            {"embedding": vector, "inputTextTokenCount": len(request["inputText"]) // 4}
        ).encode()
        return {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": "application/json"}
