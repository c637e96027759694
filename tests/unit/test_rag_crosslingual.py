"""The cross-lingual rewrite: one cheap call into the other language, or a plain reason why not."""

from __future__ import annotations

from portal.llm.base import ProviderUnavailable
from portal.rag.crosslingual import rewrite_question, target_language

from tests.scripted import ScriptedModel


def test_a_korean_question_is_rewritten_into_english_and_the_call_is_accounted() -> None:
    claude = ScriptedModel(["Can I test a compressed file without decompressing it?\n"], name="anthropic")
    rewrite = rewrite_question("압축 파일이 깨졌는지 풀지 않고 확인만 할 수 있어?", {"anthropic": claude})
    assert rewrite.status == "rewritten" and rewrite.language == "en"
    assert rewrite.query == "Can I test a compressed file without decompressing it?"
    assert "English" in claude.requests[0].system and claude.requests[0].temperature == 0.0
    assert rewrite.call is not None and rewrite.call["purpose"] == "query_rewrite"
    assert float(str(rewrite.call["cost_usd"])) > 0
    assert rewrite.metadata() == {"status": "rewritten", "language": "en", "query": rewrite.query}


def test_an_english_question_is_rewritten_into_korean() -> None:
    assert target_language("How do I change my login shell?") == "ko"


def test_offline_the_rewrite_is_unavailable_and_says_why() -> None:
    offline = ScriptedModel([], name="offline")
    rewrite = rewrite_question("로그인 쉘을 바꾸려면?", {"offline": offline})
    assert rewrite.status == "unavailable" and rewrite.query is None and rewrite.call is None
    assert offline.requests == []  # the offline provider is never asked to translate
    assert "no language model" in str(rewrite.metadata()["reason"])


def test_when_the_models_fail_the_search_goes_on_without_a_rewrite() -> None:
    claude = ScriptedModel([ProviderUnavailable("down"), ProviderUnavailable("down")], name="anthropic")
    rewrite = rewrite_question("로그인 쉘을 바꾸려면?", {"anthropic": claude})
    assert rewrite.status == "failed" and rewrite.query is None and len(rewrite.models_tried) == 2


def test_fusion_weights_follow_the_question_language_and_the_embedder() -> None:
    from portal.rag.retrieve import is_multilingual, weights_for

    assert weights_for("When does the policy start?") == (1.0, 1.0)
    vector, keyword = weights_for("출장 규정은 언제부터 적용돼?")
    assert vector < 0.3 and keyword == 1.0  # MiniLM reads Hangul as noise
    assert is_multilingual("titan-embed-text-v2@1024") and not is_multilingual("all-minilm-l6-v2@384")
    assert weights_for("출장 규정은 언제부터 적용돼?", multilingual=True) == (1.0, 1.0)


def test_a_vector_hit_score_is_read_as_cosine_for_either_index() -> None:
    from portal.rag.index import Hit
    from portal.rag.retrieve import cosine

    hit = Hit("f", 0, 1, None, "text", 0.7)
    assert cosine(hit, "pgvector") == 0.7
    assert round(cosine(hit, "opensearch"), 6) == 0.4  # Lucene's (1 + cos) / 2


def test_fusion_ties_go_to_the_vector_ranking_whatever_the_file_ids() -> None:
    """Rank r of the vector list and rank r of the keyword list score exactly the same; the
    order must not depend on the file ids (random UUIDs), or the eval flips between ingests."""
    from portal.rag.index import Hit
    from portal.rag.retrieve import fuse

    for vector_file, keyword_file in [("a", "z"), ("z", "a")]:
        by_vector = [Hit(vector_file, 0, 1, None, "v1", 0.4), Hit(vector_file, 1, 2, None, "v2", 0.3)]
        by_keyword = [Hit(keyword_file, 5, 1, None, "k1", 9.0), Hit(keyword_file, 6, 2, None, "k2", 8.0)]
        fused = fuse([(1.0, by_vector), (1.0, by_keyword)])
        assert [h.content for h in fused] == ["v1", "k1", "v2", "k2"]
        assert fused[0].score == fused[1].score  # a real tie, not a rounding artefact


def test_the_rewrite_gate_follows_the_embedders_cosine_scale() -> None:
    from portal.rag.retrieve import REWRITE_MIN_COSINE, rewrite_min_cosine

    assert rewrite_min_cosine("use-multilingual-v3@512") == 0.45  # measured on the dev sets, see retrieve.py
    assert rewrite_min_cosine("all-minilm-l6-v2@384") == REWRITE_MIN_COSINE == 0.4
    assert rewrite_min_cosine("titan-embed-text-v2@1024") == 0.4


def test_with_a_depth_a_first_place_in_one_ranking_beats_middling_places_in_both() -> None:
    """A hit missing from a 40-deep ranking is below its cut, not nowhere: plain RRF would put
    a chunk at rank 20 of both lists (2/80) above the vector side's first place alone (1/61)."""
    from portal.rag.index import Hit
    from portal.rag.retrieve import fuse

    middling = Hit("f", 1, 2, None, "middling", 0.0)
    alone = Hit("f", 2, 3, None, "alone", 0.0)
    by_vector = [alone, *(Hit("v", i, i, None, f"v{i}", 0.0) for i in range(18)), middling]  # rank 20
    by_keyword = [*(Hit("k", i, i, None, f"k{i}", 0.0) for i in range(19)), middling]
    plain = fuse([(1.0, by_vector), (1.0, by_keyword)])
    cut = fuse([(1.0, by_vector), (1.0, by_keyword)], depth=40)
    assert [h.content for h in plain].index("middling") < [h.content for h in plain].index("alone")
    assert [h.content for h in cut][:2] == ["alone", "k0"]  # two first places: the vector one first
    assert [h.content for h in cut].index("middling") > 2
