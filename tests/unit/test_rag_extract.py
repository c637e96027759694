"""Text out of every kind, with pages and sections kept; unreadable documents fail with a reason."""

from __future__ import annotations

import time

import pytest
from portal.llm.catalog import all_models
from portal.rag.errors import FileRejected
from portal.rag.extract import Limits, decode_text, extract
from portal.rag.vision import ModelVision

from tests.scripted import ScriptedModel
from tests.unit.rag_samples import (
    budget_xlsx,
    corrupt_pdf,
    deck_pptx,
    encrypted_pdf,
    leave_docx,
    png,
    policy_pdf,
    scanned_pdf,
)


def _gemini(*replies: object) -> tuple[ModelVision, ScriptedModel]:
    model = ScriptedModel(list(replies), name="google")
    gemini = next(m for m in all_models() if m.provider == "google" and m.supports_images)
    return ModelVision(model, gemini), model


def test_a_pdf_gives_text_per_page() -> None:
    result = extract("pdf", policy_pdf())
    assert result.page_count == 3
    assert {s.page for s in result.segments} == {1, 2, 3}
    refund = [s for s in result.segments if "Refunds are paid" in s.text]
    assert [s.page for s in refund] == [2]


def test_a_scanned_page_without_a_multimodal_model_is_reported_not_invented() -> None:
    result = extract("pdf", scanned_pdf())
    assert result.pages_without_text == [2]
    assert "1 of 2 pages have no text" in (result.note or "")
    assert all(s.page == 1 for s in result.segments)


def test_a_scanned_page_is_read_by_the_multimodal_model_when_configured() -> None:
    vision, model = _gemini("계약 기간은 2027년 12월 31일까지이다.")
    result = extract("pdf", scanned_pdf(), vision=vision)
    assert result.ocr_pages == [2] and result.pages_without_text == []
    assert [s.text for s in result.segments if s.page == 2] == ["계약 기간은 2027년 12월 31일까지이다."]
    request = model.requests[0]
    assert request.messages[0].images and request.messages[0].images[0].media_type == "image/png"


def test_an_encrypted_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(FileRejected) as refused:
        extract("pdf", encrypted_pdf())
    assert refused.value.code == "encrypted"
    assert "password" in refused.value.reason


def test_a_pdf_with_only_an_owner_password_opens() -> None:
    result = extract("pdf", encrypted_pdf(user_password=""))
    assert result.page_count == 3 and result.segments


def test_a_corrupt_pdf_is_refused_as_damaged() -> None:
    with pytest.raises(FileRejected) as refused:
        extract("pdf", corrupt_pdf())
    assert refused.value.code == "corrupt"


def test_a_pdf_over_the_page_limit_is_refused() -> None:
    with pytest.raises(FileRejected, match="at most 2 are accepted"):
        extract("pdf", policy_pdf(), limits=Limits(max_pages=2))


def test_extraction_past_its_deadline_stops_with_a_reason() -> None:
    with pytest.raises(FileRejected) as refused:
        extract("pdf", policy_pdf(), limits=Limits(deadline=time.monotonic() - 1))
    assert refused.value.code == "timeout"


def test_a_word_document_keeps_headings_as_sections_and_page_breaks_as_pages() -> None:
    result = extract("docx", leave_docx())
    birth = next(s for s in result.segments if "출산휴가" in s.text)
    assert (birth.page, birth.section) == (2, "2. 특별휴가")
    assert result.page_count == 2


def test_a_presentation_gives_one_page_per_slide_with_titles_and_notes() -> None:
    result = extract("pptx", deck_pptx())
    assert result.page_count == 2
    notes = next(s for s in result.segments if "dividend" in s.text)
    assert (notes.page, notes.section) == (2, "Outlook") and notes.text.startswith("Notes:")
    assert sum(1 for s in result.segments if s.text == "Q3 results") == 1  # the title once, as a heading


def test_a_workbook_gives_one_page_per_sheet_with_column_names_on_every_row() -> None:
    result = extract("xlsx", budget_xlsx())
    assert result.page_count == 2
    row = next(s for s in result.segments if "보안팀" in s.text)
    assert row.page == 1 and "부서: 보안팀; 예산(원): 95000000" in row.text


def test_csv_rows_carry_their_header() -> None:
    result = extract("csv", b"name;amount\nKim;100\nLee;200\n")
    assert "name: Lee; amount: 200" in result.segments[0].text


def test_markdown_headings_become_sections() -> None:
    result = extract("md", "# 보안\n\n**비밀번호**는 [12자](http://x) 이상\n\n## 신고\n\n내선 7777".encode())
    body = [s for s in result.segments if not s.heading]
    assert [(s.section, s.text) for s in body] == [("보안", "비밀번호는 12자 이상"), ("신고", "내선 7777")]


def test_html_text_skips_scripts_and_styles() -> None:
    html = b"<html><head><title>T</title><style>p{}</style></head><body><h1>Intro</h1><p>Hello &amp; bye</p><script>x()</script></body></html>"
    result = extract("html", html)
    assert [s.text for s in result.segments if not s.heading] == ["Hello & bye"]
    assert result.segments[-1].section == "Intro"


def test_legacy_korean_text_files_are_decoded() -> None:
    assert decode_text("부가가치세 신고".encode("cp949")) == "부가가치세 신고"
    assert decode_text("\ufeffBOM".encode()) == "BOM"


def test_an_image_without_a_multimodal_model_is_stored_with_a_no_text_note() -> None:
    result = extract("png", png())
    assert result.segments == [] and result.note and result.note.startswith("No text")


def test_an_image_is_captioned_and_read_when_a_multimodal_model_is_configured() -> None:
    vision, _ = _gemini("회의실 화이트보드 사진. 적힌 글: 3분기 목표 120%")
    result = extract("png", png(), vision=vision)
    assert result.segments[0].page == 1 and "3분기 목표" in result.segments[0].text


def test_text_beyond_the_character_limit_is_refused() -> None:
    with pytest.raises(FileRejected) as refused:
        extract("txt", b"word " * 1000, limits=Limits(max_chars=1000))
    assert refused.value.code == "too_large"


def test_a_pdf_line_with_every_syllable_spaced_out_is_joined_but_normal_korean_is_not() -> None:
    from portal.rag.extract import join_spaced_hangul

    assert join_spaced_hangul("정 보 보 안 규 정 제 2 장") == "정보보안규정제 2 장"
    assert join_spaced_hangul("이 규정은 총 5 개 조로 된 안") == "이 규정은 총 5 개 조로 된 안"
