"""Korean stems for keyword search: the longest particle or ending goes, one syllable stays."""

from __future__ import annotations

import pytest
from portal.rag.korean import stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("파일이", "파일"),
        ("파일에서는", "파일"),  # the combined particle, not only its last syllable
        ("압축합니다", "압축"),
        ("변경되었습니다", "변경"),
        ("바꾸려면", "바꾸"),
        ("셸을", "셸을"),  # a one-syllable particle is not taken from a two-syllable word...
        ("휴가", "휴가"),  # ...which is far more often a noun like this one
        ("휴가는", "휴가"),
        ("압축", "압축"),  # nothing to strip
        ("을", "을"),  # a word is never stripped to nothing
    ],
)
def test_stem_drops_particles_and_endings(word: str, expected: str) -> None:
    assert stem(word) == expected
