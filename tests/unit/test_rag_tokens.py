"""Keyword tokens: Hangul stems as bigrams, folded Latin words, and literals PostgreSQL reads back unchanged."""

from __future__ import annotations

from portal.rag.tokens import query_tokens, tokenize, tsquery_literal, tsvector_literal


def test_korean_words_lose_particles_and_endings_then_become_overlapping_bigrams() -> None:
    document = tokenize("부가가치세를 신고합니다")
    question = query_tokens("부가가치세 신고하려면?")
    assert document == ["부가", "가가", "가치", "치세", "신고"]
    assert set(question) == set(document)


def test_inflected_forms_of_one_verb_meet_on_their_stem() -> None:
    forms = ["확인합니다", "확인하려면", "확인할", "확인된", "확인"]
    assert {tuple(tokenize(form)) for form in forms} == {("확인",)}


def test_a_single_hangul_syllable_is_kept_whole() -> None:
    assert tokenize("총 5일") == ["총", "5", "일"]


def test_latin_words_are_lower_cased_folded_stemmed_and_stop_words_dropped() -> None:
    assert tokenize("The Invoices of Café COMPANIES are due") == ["invoice", "cafe", "company", "due"]


def test_mixed_scripts_split_at_the_script_boundary() -> None:
    assert tokenize("VPN접속") == ["vpn", "접속"]


def test_question_fillers_are_dropped_from_questions_only() -> None:
    assert "가요" not in query_tokens("출산휴가는 며칠인가요?")
    assert "출산" in query_tokens("출산휴가는 며칠인가요?")
    assert "며칠" in tokenize("며칠인가요")


def test_a_question_of_fillers_only_still_has_tokens() -> None:
    assert query_tokens("언제인가요") != []


def test_a_questions_korean_function_words_give_no_tokens() -> None:
    # 할 수 있어 (can), 어떻게 해 (how do I), 때 (when), 몇 (how many), and a lone particle (zsh로)
    assert query_tokens("압축 파일이 깨졌는지 확인만 할 수 있어?") == ["압축", "파일", "깨졌", "확인"]
    assert query_tokens("기본 셸을 zsh로 바꾸려면 어떻게 해?") == ["기본", "셸", "zsh", "바꾸"]
    question = query_tokens("로그인할 때 비밀번호를 몇 번까지 틀릴 수 있나요?")
    assert not {"때", "몇", "수", "있"} & set(question)
    assert {"로그", "비밀", "번호", "틀릴"} <= set(question)


def test_content_words_holding_a_function_word_are_kept() -> None:
    # whole words are compared, not their parts: 변수 holds 수, 값이 ends in 이
    assert query_tokens("MANPATH 환경 변수 값이 콜론으로 끝나면 어떻게 처리돼?") == [
        "manpath",
        "환경",
        "변수",
        "값이",
        "콜론",
        "끝나",
        "처리",
    ]


def test_documents_keep_the_words_questions_drop() -> None:
    assert tokenize("확인할 수 있습니다") == ["확인", "수", "있"]
    assert tokenize("xz로 압축할 때") == ["xz", "로", "압축", "때"]


def test_english_questions_are_tokenized_as_documents_are() -> None:
    for question in ["How can I change my login shell?", "Which tool shows the processes using a file?"]:
        assert query_tokens(question) == list(dict.fromkeys(tokenize(question)))


def test_a_question_of_function_words_only_keeps_them() -> None:
    assert query_tokens("어떻게 해?") == ["어떻", "해"]


def test_tsvector_literal_quotes_lexemes_and_counts_positions() -> None:
    literal = tsvector_literal(["o'reilly", "비밀", "비밀"])
    assert literal == "'o''reilly':1 '비밀':2,3"


def test_tsquery_literal_is_an_or_of_distinct_quoted_tokens() -> None:
    assert tsquery_literal(["a1", "b2", "a1"]) == "'a1' | 'b2'"
    assert tsquery_literal([]) == ""
