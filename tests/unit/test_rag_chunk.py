"""Chunks are sized in tokens, overlap, keep page and section, and are the same on every run."""

from __future__ import annotations

import random

from portal.rag.chunk import chunk_segments, count_tokens
from portal.rag.corpus import english_page, korean_paragraphs
from portal.rag.extract import Segment


def _pages(count: int) -> list[Segment]:
    rng = random.Random(5)
    return [Segment(english_page(rng, f"Heading {p}"), page=p) for p in range(1, count + 1)]


def test_no_chunk_exceeds_the_size_and_every_page_is_covered() -> None:
    chunks = chunk_segments(_pages(3), size=120, overlap=20)
    assert all(c.token_count <= 120 for c in chunks)
    assert {c.page for c in chunks} == {1, 2, 3}
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_consecutive_chunks_of_a_page_overlap() -> None:
    chunks = [c for c in chunk_segments(_pages(1), size=120, overlap=30) if c.page == 1]
    last_sentence = chunks[0].text.rsplit(". ", 1)[-1]
    assert chunks[1].text.startswith(last_sentence)


def test_a_chunk_never_spans_two_pages() -> None:
    segments = [Segment("Short page one.", page=1), Segment("Short page two.", page=2)]
    assert [(c.page, c.text) for c in chunk_segments(segments, size=200, overlap=40)] == [
        (1, "Short page one."),
        (2, "Short page two."),
    ]


def test_chunks_carry_their_section_and_embed_it_with_the_text() -> None:
    segments = [
        Segment("2. 특별휴가", page=2, section="2. 특별휴가", heading=True),
        Segment("배우자 출산 시 10일을 부여한다.", page=2, section="2. 특별휴가"),
    ]
    (chunk,) = chunk_segments(segments, size=200, overlap=40)
    assert chunk.section == "2. 특별휴가" and chunk.text == "배우자 출산 시 10일을 부여한다."
    assert chunk.embed_text.startswith("2. 특별휴가\n")


def test_a_heading_with_nothing_under_it_is_still_a_chunk() -> None:
    segments = [Segment("Q4 Outlook", page=5, section="Q4 Outlook", heading=True)]
    assert [c.text for c in chunk_segments(segments, size=100, overlap=10)] == ["Q4 Outlook"]


def test_a_sentence_longer_than_a_chunk_is_cut_at_words() -> None:
    long_sentence = " ".join(["token"] * 400)
    chunks = chunk_segments([Segment(long_sentence, page=1)], size=50, overlap=0)
    assert len(chunks) > 1 and all(c.token_count <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks) == long_sentence


def test_table_rows_stay_whole() -> None:
    rows = "\n".join(f"team: T{i}; budget: {i * 1000}" for i in range(30))
    chunks = chunk_segments([Segment(rows, page=1)], size=40, overlap=0)
    assert all(line.startswith("team: T") for c in chunks for line in c.text.split(" team")[:1])
    assert sum(c.text.count("budget:") for c in chunks) == 30


def test_korean_text_is_sized_by_its_denser_tokens() -> None:
    text = " ".join(korean_paragraphs(random.Random(2), 4))
    chunks = chunk_segments([Segment(text, page=1)], size=100, overlap=20)
    assert all(count_tokens(c.text) <= 100 for c in chunks) and len(chunks) > 3


def test_chunking_is_deterministic() -> None:
    first = chunk_segments(_pages(2), size=100, overlap=25)
    second = chunk_segments(_pages(2), size=100, overlap=25)
    assert [c.fingerprint("m@3") for c in first] == [c.fingerprint("m@3") for c in second]
    assert first[0].fingerprint("m@3") != first[0].fingerprint("other@3")
