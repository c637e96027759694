"""The pure parts of conversation search: the tsquery a query becomes, and the snippet parts."""

from __future__ import annotations

from portal.conversations.highlight import snippet, terms
from portal.conversations.search import tsquery


def test_every_word_must_match_and_short_or_latin_words_match_as_prefixes() -> None:
    assert tsquery("부가가치세를 신고") == "'부가' & '가가' & '가치' & '치세' & '신고'"
    assert tsquery("세") == "'세':*"
    assert tsquery("Python 설치") == "'python':* & '설치'"
    assert tsquery("!!! ...") == ""
    assert tsquery("O'Brien") == "'brien':*"  # a quote splits words; it never reaches SQL


def test_terms_are_stems_longest_first() -> None:
    assert terms("부가가치세를 신고하려면 VAT") == ["부가가치세", "vat", "신고"]


def test_a_snippet_marks_the_stem_and_keeps_context_around_the_first_hit() -> None:
    text = "처음 문장입니다. " * 10 + "부가가치세 신고는 홈택스에서 합니다."
    parts = snippet(text, "부가가치세를 신고하려면")
    assert parts[0].text == "…" and not parts[0].hit
    assert [p.text for p in parts if p.hit] == ["부가가치세", "신고"]
    assert "".join(p.text for p in parts).endswith("홈택스에서 합니다.")


def test_bigrams_are_marked_when_the_stem_is_not_found_whole() -> None:
    parts = snippet("가치 평가와 치세 논의", "가치세")
    assert [p.text for p in parts if p.hit] == ["가치", "치세"]


def test_case_is_ignored_and_emoji_do_not_shift_the_marks() -> None:
    parts = snippet("🙂 Python 설치 방법", "python")
    assert [p.text for p in parts if p.hit] == ["Python"]
