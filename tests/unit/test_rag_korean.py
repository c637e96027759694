"""Korean stems for keyword search: the longest particle or ending goes, one syllable stays."""

from __future__ import annotations

import pytest
from portal.rag.korean import is_particle, stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("파일이", "파일"),
        ("파일에서는", "파일"),  # the combined particle, not only its last syllable
        ("압축합니다", "압축"),
        ("변경되었습니다", "변경"),
        ("바꾸려면", "바꾸"),
        ("셸을", "셸"),  # 을/를 are taken from a one-syllable noun (few nouns end in them)...
        ("휴가를", "휴가"),
        ("결과", "결과"),  # ...but no other one-syllable particle from a two-syllable word...
        ("휴가", "휴가"),  # ...which is far more often a noun like this one
        ("휴가는", "휴가"),
        ("압축", "압축"),  # nothing to strip
        ("을", "을"),  # a word is never stripped to nothing
    ],
)
def test_stem_drops_particles_and_endings(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_loanword_spelling_variants_meet_on_the_standard_spelling() -> None:
    from portal.rag.korean import standard_spelling
    from portal.rag.tokens import tokenize

    assert standard_spelling("쉘스크립트") == "셸스크립트" and standard_spelling("디렉토리") == "디렉터리"
    assert tokenize("로그인 쉘을 바꾼다") == tokenize("로그인 셸을 바꾼다")
    assert standard_spelling("셸") == "셸" and standard_spelling("휴가") == "휴가"  # nothing else changes


def test_a_particle_on_its_own_is_recognised() -> None:
    assert all(is_particle(p) for p in ["로", "가", "에서", "으로"])  # fuser로, xz가: split from a Latin word
    assert not any(is_particle(w) for w in ["파일", "셸", "로그인"])
