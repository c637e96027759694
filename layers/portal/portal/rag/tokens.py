"""Keyword tokens for hybrid search, the same for documents and questions, in every backend.

PostgreSQL's text search has no Korean dictionary and the embedded server has no pg_trgm.
Korean words carry particles and endings (부가가치세를, 신고하려면), so whole words rarely
match: each Hangul word gets the standard spelling of its loanwords (쉘 -> 셸), is stripped to
its stem (portal.rag.korean: 부가가치세를 -> 부가가치세, 신고하려면 -> 신고), then split into overlapping character bigrams, so compound
nouns still meet their parts ("부가가치세" -> 부가 가가 가치 치세 shares 가치 with "가치세").
Chinese and Japanese runs get bigrams as they are. Latin
words and numbers are lower-cased, accents folded, a light plural stem applied and English
stop words dropped. BM25 over these tokens (not ts_rank) weighs rare tokens up and the
ubiquitous Korean endings (습니, 니다) down.

A question is tokenized as a document is, less the Korean words of conversation that no manual
answers with (어떻게, 뭘, 할 수 있어, 싶을 때): `query_tokens` drops them before bigramming.
Documents keep every word, so what is indexed does not change.
"""

from __future__ import annotations

import re
import unicodedata

from portal.rag.korean import is_particle, standard_spelling
from portal.rag.korean import stem as korean_stem

# Runs of Hangul syllables, of CJK ideographs / kana, and Latin-script words or numbers.
_RUN = re.compile(
    r"(?P<hangul>[\uac00-\ud7a3]+)"
    r"|(?P<cjk>[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<word>[^\W_\uac00-\ud7a3\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)",
)
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "might",
        "of",
        "on",
        "or",
        "our",
        "shall",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# Question words and polite endings of Korean questions ("며칠인가요", "알려주세요"): documents
# rarely contain them, so in a question they would only match noise. Dropped from questions only.
_QUESTION_BIGRAMS = frozenset(
    [
        "나요",
        "가요",
        "인가",
        "까요",
        "세요",
        "어요",
        "아요",
        "해요",
        "줘요",
        "는지",
        "은지",
        "인지",
        "알려",
        "려줘",
        "려주",
        "주세",
        "해줘",
        "해주",
        "무엇",
        "엇인",
        "어떻",
        "떻게",
        "얼마",
        "언제",
        "누가",
        "어디",
        "디서",
        "뭔가",
        "뭐야",
        "될까",
        "할까",
        "을까",
        "있나",
        "되나",
        "하나요",
    ]
)
# Korean words that carry no content in a conversational question ("압축 파일이 깨졌는지 풀지
# 않고 확인만 할 수 있어?" is about 압축 파일 깨졌 확인, not 할 수 있어): question words, the
# verbs of existence and wanting, the light verbs 하다/되다, bound nouns (의존 명사), pronouns
# and fillers. Manuals state rather than ask or chat, so in them these words only match the
# "할 수 있습니다" of any sentence, and in a short question they dilute BM25's weight on the few
# content words (on the dev set, dropping them took Korean->Korean recall@5 from 0.894 to 0.909).
# A word goes when it or its stem (있나요 -> 있, 어디에 -> 어디) is listed, and so does a
# particle left on its own by a Latin word (fuser로, xz가). Questions only: documents keep all.
_QUESTION_WORDS = frozenset(
    [
        # question words (의문사)
        "어떻게",
        "어떤",
        "어느",
        "무엇",
        "무슨",
        "뭐",
        "뭘",
        "뭐가",
        "뭐야",
        "뭔가",
        "누구",
        "누가",
        "언제",
        "어디",
        "얼마",
        "몇",
        "며칠",
        "왜",
        # existence, wanting and the light verbs 하다/되다 (할 수 있어, 보고 싶어, 어떻게 돼)
        "있",
        "있어",
        "있나",
        "있는",
        "있다",
        "없",
        "없어",
        "싶",
        "싶어",
        "싶은",
        "하",
        "해",
        "할",
        "하는",
        "하게",
        "되",
        "돼",
        "된",
        "될",
        # bound nouns (할 수, 넘는 것, 볼 때, 입사한 지)
        "수",
        "수도",
        "것",
        "거",
        "건",
        "걸",
        "때",
        "때문",
        "데",
        "지",
        # pronouns, determiners and fillers (나한테, 내 폴더, 이 파일, 좀, 방법 있어?)
        "나",
        "내",
        "이",
        "그",
        "좀",
        "그냥",
        "혹시",
        "방법",
    ]
)
_MAX_TOKEN_CHARS = 40  # longer runs are hashes or base64, not words anyone searches for


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    # Plural and third-person "s" only: enough to match "invoices" with "invoice" without
    # the surprises of a full stemmer on names and codes.
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _is_question_word(word: str, stem: str) -> bool:
    return word in _QUESTION_WORDS or stem in _QUESTION_WORDS or is_particle(word)


def _tokens(text: str, *, question: bool) -> list[str]:
    tokens: list[str] = []
    for match in _RUN.finditer(unicodedata.normalize("NFC", text)):
        kind, run = match.lastgroup, match.group()
        if kind == "hangul":
            word = standard_spelling(run)
            stem = korean_stem(word)
            if not (question and _is_question_word(word, stem)):
                tokens.extend(_bigrams(stem))
            continue
        if kind == "cjk":
            tokens.extend(_bigrams(run))
            continue
        # A Latin word can hold Hangul-free letters of other scripts (Cyrillic, Greek): keep them.
        word = _fold(run)
        if not word or word in _STOP_WORDS or len(word) > _MAX_TOKEN_CHARS:
            continue
        if len(word) == 1 and not word.isdigit():
            continue
        tokens.append(_stem(word))
    return tokens


def tokenize(text: str) -> list[str]:
    """Search tokens of a text, in order (repeats kept: they are term frequencies)."""
    return _tokens(text, question=False)


def query_tokens(text: str) -> list[str]:
    """The distinct tokens of a question, in first-seen order, without question-only Korean words.

    A question of nothing but such words ("어떻게 해?") keeps all its tokens rather than none.
    """
    kept = [t for t in dict.fromkeys(_tokens(text, question=True)) if t not in _QUESTION_BIGRAMS]
    return kept or list(dict.fromkeys(tokenize(text)))


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: list[str]) -> str:
    """A PostgreSQL tsvector literal with positions, so no text-search parser touches the tokens."""
    positions: dict[str, list[int]] = {}
    # tsvector positions stop at 16383 and keep 256 per lexeme; chunks are far below both.
    for index, token in enumerate(tokens, start=1):
        positions.setdefault(token, []).append(min(index, 16383))
    return " ".join(f"{_quote(t)}:{','.join(map(str, p[:256]))}" for t, p in positions.items())


def tsquery_literal(tokens: list[str]) -> str:
    """An OR of the tokens as a tsquery literal (empty string when there are none)."""
    return " | ".join(_quote(t) for t in dict.fromkeys(tokens))
