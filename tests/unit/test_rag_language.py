"""Telling Korean questions and documents from the rest, and the eval's figures per language."""

from __future__ import annotations

import pytest
from portal.cli.files import by_language, summarize
from portal.rag.language import hangul_share, language_of


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("압축 파일이 깨졌는지 확인만 할 수 있어?", "ko"),
        ("xz --test 옵션은 뭐 하는 거야?", "ko"),  # a Korean sentence quoting a command
        ("How do I check a compressed file?", "en"),
        ("1234 !!", "en"),  # no letters at all
        ("", "en"),
    ],
)
def test_language_of_a_text_follows_its_share_of_hangul(text: str, language: str) -> None:
    assert language_of(text) == language


def test_hangul_share_counts_letters_only() -> None:
    assert hangul_share("가a 1 ?") == 0.5
    assert hangul_share("...") == 0.0


def test_summarize_gives_recall_at_1_and_5_and_mrr() -> None:
    results = [{"rank": 1}, {"rank": 2}, {"rank": 6}, {"rank": None}]
    assert summarize(results) == {
        "recall_at_1": 0.25,
        "recall_at_5": 0.5,
        "mrr": round((1 + 1 / 2 + 1 / 6) / 4, 4),
        "questions": 4,
    }


def test_by_language_groups_by_question_then_document_language() -> None:
    results = [
        {"rank": 1, "question_language": "ko", "document_language": "ko"},
        {"rank": None, "question_language": "ko", "document_language": "en"},
        {"rank": 3, "question_language": "ko", "document_language": "en"},
    ]
    groups = by_language(results)
    assert list(groups) == ["ko→en", "ko→ko"]
    assert groups["ko→en"]["recall_at_5"] == 0.5 and groups["ko→en"]["questions"] == 2
    assert groups["ko→ko"]["recall_at_1"] == 1.0
