"""Korean words reduced to their stems for keyword search: particles and endings dropped.

A Korean word (eojeol) is a stem followed by particles (조사: 파일이, 파일을, 파일에서) or
verb/adjective endings (어미: 확인할, 확인합니다, 확인하려면). Whole words rarely match
between a question and a document; their stems do. This is a rule-based stripper, chosen
over a morphological analyser because it costs nothing (+0.4 ms per page): on the Korean dev
set (tests/data/rag/devset-ko) kiwipiepy's morphemes reached Korean->Korean recall@5 0.80
against 0.74-0.77 for bigrams and this stripper, but kiwi needs a 105 MB model (the ingest
function has no layer slot nor size budget left for it) and analysed about 8 pages/s, under
the ingest goal of 20 pages/s; mecab-ko has no wheel for Lambda's arm64 Python 3.14. The
remaining misses are paraphrases no lexical analysis reaches. Numbers: the issue's note.

The stripper removes the longest known suffix, the same way for documents and questions,
so both sides meet on the same stem even where a stem is cut wrongly: consistency matters
more than linguistic accuracy.
"""

from __future__ import annotations

import re

# Loanwords spelled two ways (the standard spelling, and the one manuals and users often write:
# the Korean man pages say 쉘 where people ask about 셸): both become the standard spelling, so
# a question meets a document whichever it uses. Only spellings, never synonyms.
_VARIANTS = {
    "쉘": "셸",
    "디렉토리": "디렉터리",
    "메세지": "메시지",
    "데이타": "데이터",
    "컨텐츠": "콘텐츠",
    "컨텐트": "콘텐트",
    "윈도우즈": "윈도",
    "어플리케이션": "애플리케이션",
    "어플": "앱",
    "악세스": "액세스",
    "엑세스": "액세스",
    "타겟": "타깃",
}
_VARIANT = re.compile("|".join(sorted((v for v in _VARIANTS if _VARIANTS[v] != v), key=len, reverse=True)))


def standard_spelling(word: str) -> str:
    """The word with loanword spelling variants replaced by the standard spelling (쉘 -> 셸)."""
    return _VARIANT.sub(lambda m: _VARIANTS[m.group()], word)


# Particles (조사), alone and in the common combinations.
_PARTICLES = [
    "이",
    "가",
    "은",
    "는",
    "을",
    "를",
    "의",
    "에",
    "에서",
    "에게",
    "에게서",
    "께",
    "께서",
    "한테",
    "한테서",
    "로",
    "으로",
    "로서",
    "으로서",
    "로써",
    "으로써",
    "와",
    "과",
    "랑",
    "이랑",
    "도",
    "만",
    "까지",
    "부터",
    "마저",
    "조차",
    "보다",
    "처럼",
    "만큼",
    "이나",
    "나",
    "이든",
    "든",
    "이라도",
    "라도",
    "이야",
    "씩",
    "뿐",
    "밖에",
    "에서는",
    "에서도",
    "에는",
    "에도",
    "으로는",
    "로는",
    "까지는",
    "부터는",
    "와는",
    "과는",
    "만은",
    "에서의",
    "으로의",
    "이라는",
    "라는",
    "이란",
    "이며",
    "이고",
    "에게는",
    "로도",
    "으로도",
    "만을",
    "만이",
    "까지도",
    "이라고",
    "라고",
    "이라면",
    "라면",
    "이지만",
    "이면",
]
# Endings (어미) of verbs and adjectives, and of the 하다/되다 verbs made from nouns
# (확인하다, 변경되다), whose noun is the stem worth matching.
_ENDINGS = [
    "다",
    "니다",
    "습니다",
    "어요",
    "아요",
    "여요",
    "에요",
    "예요",
    "이에요",
    "죠",
    "지요",
    "네요",
    "군요",
    "지",
    "고",
    "게",
    "기",
    "음",
    "며",
    "면",
    "으면",
    "려면",
    "으려면",
    "려고",
    "으려고",
    "니까",
    "으니까",
    "는데",
    "은데",
    "는지",
    "은지",
    "을지",
    "던",
    "던지",
    "든지",
    "도록",
    "어서",
    "아서",
    "여서",
    "어도",
    "아도",
    "여도",
    "는",
    "은",
    "을",
    "세요",
    "으세요",
    "십시오",
    "으십시오",
    "나요",
    "가요",
    "을까",
    "을까요",
    "느냐",
    "는가",
    "은가",
    "거나",
    "지만",
    "는다",
    "어야",
    "아야",
    "여야",
    "하다",
    "합니다",
    "한다",
    "하는",
    "하고",
    "하여",
    "해서",
    "하면",
    "하려면",
    "할",
    "한",
    "함",
    "하기",
    "하지",
    "하게",
    "해",
    "했",
    "했다",
    "했습니다",
    "해요",
    "하세요",
    "하십시오",
    "할까",
    "할까요",
    "하나요",
    "하는지",
    "한지",
    "할지",
    "해도",
    "해야",
    "하며",
    "하던",
    "하도록",
    "합니까",
    "하므로",
    "하니까",
    "하지만",
    "해주세요",
    "해줘",
    "하였",
    "하였다",
    "하였습니다",
    "되다",
    "됩니다",
    "된다",
    "되는",
    "되고",
    "되어",
    "되면",
    "돼",
    "됐",
    "됐다",
    "되었",
    "되었다",
    "되었습니다",
    "될",
    "된",
    "됨",
    "되지",
    "되게",
    "돼요",
    "되나요",
    "되는지",
    "될지",
    "되도록",
    "되며",
    "되므로",
]
# By length, longest first, so "에서는" is removed before "는": one set lookup per length.
_BY_LENGTH = tuple(
    (length, frozenset(s for s in _PARTICLES + _ENDINGS if len(s) == length))
    for length in sorted({len(s) for s in _PARTICLES + _ENDINGS}, reverse=True)
)


_PARTICLE_SET = frozenset(_PARTICLES)


def is_particle(word: str) -> bool:
    """Whether the word is a particle on its own, as a Latin word or number leaves it (fuser로, xz가)."""
    return word in _PARTICLE_SET


_OBJECT_PARTICLES = frozenset("을를")


def stem(word: str) -> str:
    """The word without its longest known particle or ending; at least one syllable is kept.

    A one-syllable suffix is only taken from a word of three syllables or more: two-syllable
    nouns end in particle-like syllables too often (휴가, 결과, 정도, 회의). The object
    particles 을/를 are the exception: few nouns end in them (마을, 가을), and one-syllable
    nouns take them all the time (셸을, 키를, 값을).
    """
    if len(word) == 2 and word[1] in _OBJECT_PARTICLES:
        return word[0]
    for length, suffixes in _BY_LENGTH:
        if len(word) - length >= (2 if length == 1 else 1) and word[-length:] in suffixes:
            return word[:-length]
    return word
