"""Embedders: Titan v2 through bedrock-runtime (stubbed with its real response shape) and the local ONNX model."""

from __future__ import annotations

import io
import json
import math
import threading
import time

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from portal.rag.embed import LocalEmbedder, TitanEmbedder, backend_of, get_embedder
from portal.rag.multilingual import MultilingualEmbedder
from portal.settings import Settings


def _titan_response(vector: list[float]) -> dict:
    # InvokeModel's shape for amazon.titan-embed-text-v2:0 (body is a stream of JSON).
    payload = json.dumps(
        {"embedding": vector, "embeddingsByType": {"float": vector}, "inputTextTokenCount": 7}
    ).encode()
    return {
        "body": StreamingBody(io.BytesIO(payload), len(payload)),
        "contentType": "application/json",
    }


def _request(text: str, dims: int) -> dict:
    return {
        "modelId": "amazon.titan-embed-text-v2:0",
        "contentType": "application/json",
        "accept": "application/json",
        "body": json.dumps({"inputText": text, "dimensions": dims, "normalize": True}, ensure_ascii=False),
    }


@pytest.fixture
def bedrock():
    client = boto3.client("bedrock-runtime", region_name="ap-northeast-2")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def test_titan_sends_one_text_per_call_and_returns_vectors_in_order(bedrock) -> None:
    client, stub = bedrock
    first, second = [0.6, 0.8] + [0.0] * 254, [0.0, 1.0] + [0.0] * 254
    stub.add_response("invoke_model", _titan_response(first), _request("출장 규정", 256))
    stub.add_response("invoke_model", _titan_response(second), _request("travel policy", 256))
    embedder = TitanEmbedder(client, model_id="amazon.titan-embed-text-v2:0", dimensions=256, concurrency=1)
    assert embedder.embed_documents(["출장 규정", "travel policy"]) == [first, second]
    assert embedder.key == "titan-embed-text-v2@256"


def test_titan_refuses_a_response_of_the_wrong_dimension(bedrock) -> None:
    client, stub = bedrock
    stub.add_response("invoke_model", _titan_response([0.1, 0.2]), _request("q", 512))
    embedder = TitanEmbedder(client, model_id="amazon.titan-embed-text-v2:0", dimensions=512)
    with pytest.raises(ValueError, match="512-dimension"):
        embedder.embed_query("q")


def test_titan_waits_and_retries_a_throttled_call(bedrock) -> None:
    client, stub = bedrock
    vector = [1.0] + [0.0] * 255
    stub.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    stub.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    stub.add_response("invoke_model", _titan_response(vector), _request("q", 256))
    waits: list[float] = []
    embedder = TitanEmbedder(
        client, model_id="amazon.titan-embed-text-v2:0", dimensions=256, sleep=waits.append
    )
    assert embedder.embed_query("q") == vector
    assert embedder.throttled == 2
    # Full jitter: each wait is drawn below a cap that doubles per attempt.
    assert 0 <= waits[0] <= embedder.backoff_base and 0 <= waits[1] <= 2 * embedder.backoff_base


def test_titan_gives_up_after_its_attempts(bedrock) -> None:
    client, stub = bedrock
    embedder = TitanEmbedder(
        client, model_id="amazon.titan-embed-text-v2:0", dimensions=256, sleep=lambda _s: None
    )
    for _ in range(embedder.max_attempts):
        stub.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    with pytest.raises(client.exceptions.ThrottlingException):
        embedder.embed_query("q")


class _CountingBedrock:
    """invoke_model that records how many calls were in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0

    def invoke_model(self, **request: str) -> dict:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(0.01)
        with self.lock:
            self.in_flight -= 1
        return _titan_response([1.0] + [0.0] * 255)


def test_titan_keeps_its_calls_in_flight_within_the_concurrency_across_batches() -> None:
    bedrock = _CountingBedrock()
    embedder = TitanEmbedder(bedrock, model_id="amazon.titan-embed-text-v2:0", dimensions=256, concurrency=3)
    other = TitanEmbedder(bedrock, model_id="amazon.titan-embed-text-v2:0", dimensions=256, concurrency=3)
    threads = [threading.Thread(target=e.embed_documents, args=(["x"] * 12,)) for e in (embedder, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Two batches at once, each with a pool of 3, still share the process's 3 slots.
    assert bedrock.peak == 3


def test_titan_errors_reach_the_caller(bedrock) -> None:
    client, stub = bedrock
    stub.add_client_error("invoke_model", service_error_code="ValidationException", http_status_code=400)
    embedder = TitanEmbedder(client, model_id="amazon.titan-embed-text-v2:0", dimensions=1024)
    with pytest.raises(client.exceptions.ValidationException):
        embedder.embed_query("q")


def test_titan_only_accepts_its_dimensions() -> None:
    with pytest.raises(ValueError):
        TitanEmbedder(object(), model_id="m", dimensions=384)


MINILM = Settings(embedding_backend="local", local_embedding_model="sentence-transformers/all-MiniLM-L6-v2")


def test_auto_backend_is_titan_in_aws_and_the_multilingual_model_locally() -> None:
    assert backend_of(Settings(environment="local")) == "local"
    aws = Settings.model_construct(environment="aws", embedding_backend="auto")
    assert backend_of(aws) == "titan"
    assert isinstance(get_embedder(Settings(embedding_backend="local")), MultilingualEmbedder)
    assert isinstance(get_embedder(MINILM), LocalEmbedder)  # any sentence-transformers model by name


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_the_local_model_gives_unit_vectors_that_place_similar_sentences_closer() -> None:
    embedder = get_embedder(MINILM)
    hotel, lodging, card = embedder.embed_documents(
        [
            "The nightly hotel rate may not exceed 320 USD in New York.",
            "How much can I spend on a hotel room per night?",
            "Report a lost corporate card within 24 hours.",
        ]
    )
    assert len(hotel) == 384 and math.isclose(_cos(hotel, hotel), 1.0, abs_tol=1e-4)
    assert _cos(hotel, lodging) > _cos(card, lodging) + 0.1
