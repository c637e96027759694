"""The multilingual local embedder (USE multilingual v3): Korean and English in one space."""

from __future__ import annotations

import math

import pytest
from portal.rag.embed import get_embedder
from portal.rag.multilingual import MultilingualEmbedder
from portal.rag.retrieve import is_multilingual
from portal.settings import Settings

SETTINGS = Settings(embedding_backend="local", local_embedding_model="use-multilingual-v3")


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_the_setting_selects_it_and_its_key_marks_it_multilingual() -> None:
    embedder = get_embedder(SETTINGS)
    assert isinstance(embedder, MultilingualEmbedder)
    assert embedder.key == "use-multilingual-v3@512" and embedder.dimensions == 512
    assert is_multilingual(embedder.key)  # the fusion weighs its vectors fully for Korean questions
    assert embedder.embed_documents([]) == []


def test_a_korean_question_lands_near_its_korean_and_english_answers() -> None:
    embedder = get_embedder(SETTINGS)
    question = embedder.embed_query("압축 파일이 깨졌는지 풀지 않고 확인만 할 수 있어?")
    korean, english, unrelated = embedder.embed_documents(
        [
            "압축 파일의 무결성을 시험합니다. 압축을 풀어 쓰지는 않습니다.",
            "Test the integrity of compressed files without writing the decompressed data.",
            "연차 휴가는 입사 1년 후부터 15일이 주어집니다.",
        ]
    )
    assert len(korean) == 512 and math.isclose(_cos(korean, korean), 1.0, abs_tol=1e-4)
    assert _cos(question, korean) > _cos(question, unrelated) + 0.1
    assert _cos(question, english) > _cos(question, unrelated) + 0.1  # across languages too


def test_the_default_local_embedder_needs_no_export(capsys: pytest.CaptureFixture[str]) -> None:
    from portal.cli.main import main

    assert Settings().local_embedding_model == "use-multilingual-v3"
    assert main(["embedder", "export", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert '"key": "use-multilingual-v3@512"' in out and '"directory": null' in out


def test_a_batch_encoded_across_cores_keeps_its_order_and_vectors() -> None:
    embedder = MultilingualEmbedder()
    embedder._workers = 2  # as on a 2-core function, whatever this machine has
    texts = [
        f"{i}번 문단: 부가가치세 신고 기한은 분기 종료 후 {i}일입니다. Page {i} of the policy."
        for i in range(40)
    ]
    assert embedder._slices(len(texts)) == [(0, 20), (20, 40)]
    assert embedder._slices(9) == [(0, 9)]  # too few to be worth a second thread
    together = embedder.embed_documents(texts)
    one_by_one = [embedder.embed_query(text) for text in texts]
    assert embedder._pool is not None and len(together) == 40
    for mine, alone in zip(together, one_by_one, strict=True):
        assert math.isclose(_cos(mine, alone), 1.0, abs_tol=1e-5)
